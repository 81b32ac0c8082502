"""One triage engine per process: loading the embedding model takes about two seconds, and the
engine caches each agreement's clause embeddings, so it is built once and shared (it is
thread-safe for reads)."""

from __future__ import annotations

import gc
import threading

from scopeline.core import TriageEngine

_engine: TriageEngine | None = None
_lock = threading.Lock()


def get_engine() -> TriageEngine:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = TriageEngine()
                # The model and its dictionaries (millions of objects) stay for the process's
                # life; freezing them spares every later garbage collection a walk over them.
                gc.freeze()
    return _engine
