"""Triage: what is this message, is it in the agreement, what would it cost, what do we do."""

import os

# The embedding model runs its own OpenMP threads on every core. numpy's BLAS threads, kept
# spinning after our small matrix products, then fight them for the cores: on 2 cores that
# tripled the p95 latency of a message (28 ms -> 117 ms). Our products are tiny, so BLAS gets
# one thread — unless the host application chose otherwise, or imported numpy before us.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
