"""Gunicorn's settings for Scopeline: ``gunicorn -c deploy/gunicorn.conf.py``.

Each process is a Django app with its own database connection per thread (kept for
SCOPELINE_CONN_MAX_AGE seconds) and, after its first triage, its own copy of the triage
engine's model (about 150 MB), so processes × threads is bounded by the database's
connections and memory by processes. Slow work (PDFs, e-mail, webhooks, triage of incoming
mail) runs in the background workers, so a request waits for nothing but the database.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "scopeline.web.wsgi:application"
bind = os.environ.get("SCOPELINE_BIND", "127.0.0.1:8000")
# Processes: one per core and one more (requests are short and partly wait on PostgreSQL).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# Threads per process: while one request waits on the database, another runs.
worker_class = "gthread"
threads = int(os.environ.get("SCOPELINE_WEB_THREADS", "4"))
# Load the app once in the master and fork: faster start, memory shared until written, and an
# app that cannot start (a bad setting) stops the master at once instead of looping workers.
preload_app = True
# A request that takes this long is a bug or an attack; the worker is replaced.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Replace a process now and then, in case something grows.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front terminates TLS and says so in X-Forwarded-Proto (SCOPELINE_BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SCOPELINE_LOG_LEVEL", "info").lower()
