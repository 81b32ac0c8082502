"""Throughput and latency of the API's triage endpoint under load, on PostgreSQL and gunicorn.

    .venv/bin/python bench/api.py [--workers 3] [--clients 8] [--seconds 20] [--warmup 5]
        [--postgres-url postgres://postgres@127.0.0.1:5432]

A fresh database ``scopeline_bench_api`` (dropped and created, dropped again at the end) is
migrated and given one workspace with the five example agreements (``examples/``) as projects
and an API token. gunicorn then serves ``scopeline.web.wsgi`` with the production settings
(``SCOPELINE_DEBUG=false``), ``--workers`` sync workers and ``preload_app``: the master loads
the app and, in ``when_ready``, the triage engine (the embedding model, ~2 s, and what the
first messages load lazily: the language detector, the Chinese dictionaries), before it forks,
so the workers share the model's memory copy-on-write instead of loading it each.

``--clients`` threads then post ``POST /api/v1/triage`` with one real client message each (the
demo inbox, ``scopeline/web/demo/requests.yaml``, each against its own project's id) for
``--warmup`` seconds, unmeasured (each worker still parses and embeds each project's
agreement once), then for ``--seconds``, measured. Printed: requests per second,
p50/p95/p99 latency, and errors. Target (issue 8): >= 60 requests/s on 2 cores.
"""

from __future__ import annotations

import os
import sys

from _django import django_env

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "scopeline_bench_api"
REQUESTS_FILE = ROOT / "src" / "scopeline" / "web" / "demo" / "requests.yaml"
TARGET_RPS = 60.0

SETUP = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from pathlib import Path
    from scopeline.accounts.models import User
    from scopeline.accounts import services as accounts
    from scopeline.api import services as api
    from scopeline.clients import services as clients
    from scopeline.core.loading import load_agreement
    from scopeline.projects import services as projects

    owner = User.objects.create_user("bench@example.com", "x" * 20)
    workspace = accounts.create_workspace(owner=owner, name="Bench studio")
    ids = {}
    for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
        agreement = load_agreement(path)
        client = clients.create_client(
            workspace=workspace, actor=owner, name=agreement.client.name,
            language=agreement.client.language,
        )
        project = projects.create_project(
            workspace=workspace, actor=owner, client=client, agreement=agreement
        )
        ids[path.stem] = project.pk
    _token, raw = api.create_token(
        workspace=workspace, actor=owner, name="bench", scopes=["read"]
    )
    print(json.dumps({"projects": ids, "token": raw}))
    """
)

GUNICORN_CONFIG = textwrap.dedent(
    """
    # The production shape: preloaded app, the triage engine loaded once in the master.
    preload_app = True
    worker_class = "sync"
    timeout = 60
    accesslog = None
    errorlog = "-"
    loglevel = "warning"


    def when_ready(server):
        # Load the model and everything the first triage loads lazily (the language detector,
        # the Chinese dictionaries, ...) in the master, so that the workers inherit it.
        from pathlib import Path

        import yaml

        from scopeline.core import load_agreement
        from scopeline.inbox.engine import get_engine

        engine = get_engine()
        root = Path.cwd()
        demo = root / "src/scopeline/web/demo/requests.yaml"
        for stem, items in yaml.safe_load(demo.read_text(encoding="utf-8")).items():
            agreement = load_agreement(root / "examples" / f"{stem}.yaml")
            for item in items:
                engine.triage(agreement, item["text"])
    """
)


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(f"{url.rstrip('/')}/postgres", autocommit=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def _messages(projects: dict[str, int]) -> list[bytes]:
    data = yaml.safe_load(REQUESTS_FILE.read_text(encoding="utf-8"))
    bodies = []
    for stem, items in data.items():
        for item in items:
            body = {"project": projects[stem], "messages": [{"text": item["text"]}]}
            bodies.append(json.dumps(body).encode())
    return bodies


class Load:
    def __init__(self, port: int, token: str, bodies: list[bytes]) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.bodies = bodies
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.measuring = False
        self.stop = False
        self.lock = threading.Lock()

    def client(self, offset: int) -> None:
        i = offset
        while not self.stop:
            body = self.bodies[i % len(self.bodies)]
            i += 1
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/api/v1/triage", body, self.headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                outcome = "" if response.status == 200 else f"HTTP {response.status}"
            except OSError as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - start
            if self.measuring:
                with self.lock:
                    if outcome:
                        self.errors[outcome] = self.errors.get(outcome, 0) + 1
                    else:
                        self.latencies.append(elapsed)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, _admin(args.postgres_url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
        server: subprocess.Popen[bytes] | None = None
        try:
            env = django_env(
                Path(tmp),
                DATABASE_URL=f"{args.postgres_url.rstrip('/')}/{BENCH_DB}",
                ALLOWED_HOSTS="127.0.0.1,localhost",
                SCOPELINE_TASKS="immediate",
            )
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            out = subprocess.run(
                [sys.executable, "-c", SETUP, str(ROOT / "examples")],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
            setup = json.loads(out.strip().splitlines()[-1])
            config = Path(tmp) / "gunicorn.conf.py"
            config.write_text(GUNICORN_CONFIG, encoding="utf-8")
            port = _free_port()
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "scopeline.web.wsgi:application",
                    "--config",
                    str(config),
                    "--workers",
                    str(args.workers),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env=env,
                cwd=ROOT,
            )
            _wait_for(port, time.monotonic() + 600)
            load = Load(port, setup["token"], _messages(setup["projects"]))
            threads = [
                threading.Thread(target=load.client, args=(i * 7,), daemon=True)
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            time.sleep(args.warmup)
            load.measuring = True
            started = time.perf_counter()
            time.sleep(args.seconds)
            load.measuring = False
            elapsed = time.perf_counter() - started
            load.stop = True
            for thread in threads:
                thread.join(timeout=60)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    done = len(load.latencies)
    rps = done / elapsed
    print(
        f"API triage (POST /api/v1/triage, one message each), PostgreSQL, gunicorn "
        f"{args.workers} workers (preloaded), {args.clients} clients, {os.cpu_count()} cores"
    )
    if not done:
        print(f"  no successful request; errors: {load.errors}")
        return 1
    print(
        f"  {done} requests in {elapsed:.1f} s: {rps:.1f} requests/s (target >= {TARGET_RPS:.0f})"
    )
    print(
        f"  latency p50 {statistics.median(load.latencies) * 1000:.0f} ms, "
        f"p95 {_percentile(load.latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {_percentile(load.latencies, 0.99) * 1000:.0f} ms"
    )
    print(f"  errors: {sum(load.errors.values())} {load.errors if load.errors else ''}".rstrip())
    print(f"  {'meets' if rps >= TARGET_RPS else 'MISSES'} the target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
