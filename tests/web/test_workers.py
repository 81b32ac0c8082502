"""Real worker processes: two `manage.py db_worker` on the database queue and two
`manage.py rqworker` on Redis drain the same queue side by side, each taking some of the tasks,
and store every result.

The workers and the test share a database of their own (the test database of pytest-django
lives in one connection's transaction, or in memory): a file in a temporary folder on SQLite,
or ``<name>_workers`` on the PostgreSQL server of ``DATABASE_URL``, made afresh and dropped
after. RQ uses Redis database 12 on 127.0.0.1:6379, emptied after."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import dj_database_url
import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
TEST_REDIS = "redis://127.0.0.1:6379/12"
TASKS = 24


@dataclass
class Workers:
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        run = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout

    def script(self, *args: str) -> Any:
        run = subprocess.run(
            [sys.executable, "-m", "tests.web.sample_tasks", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return json.loads(run.stdout.strip().splitlines()[-1])


class Process:
    """A worker process whose output is read as it comes, to know when it is ready."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        assert self.popen.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.popen.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            assert self.popen.poll() is None, "".join(self.lines)[-3000:]
            time.sleep(0.1)
        pytest.fail(f"no {text!r} from the worker:\n" + "".join(self.lines)[-3000:])

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.reader.join(timeout=5)
        return self.popen.returncode


def _database(tmp_path: Path) -> Iterator[dict[str, str]]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield {"SCOPELINE_DATA_DIR": str(tmp_path)}  # SQLite: tmp_path/scopeline.sqlite3
        return
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_workers"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + name}
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    for database in _database(tmp_path):
        env = {
            **os.environ,
            **database,
            "DJANGO_SETTINGS_MODULE": "scopeline.web.settings_test",
            "REDIS_URL": TEST_REDIS,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("SCOPELINE_TASKS", None)
        prepared = Workers(env={**env, "SCOPELINE_TASKS": "database"})
        prepared.manage("migrate", "--noinput", "-v", "0")
        yield prepared


def _start(count: int, args: list[str], env: dict[str, str], ready: str) -> list[Process]:
    processes = [Process([sys.executable, "manage.py", *args], env) for _ in range(count)]
    try:
        for process in processes:
            process.wait_for(ready)
    except BaseException:
        for process in processes:
            process.stop()
        raise
    return processes


def test_two_database_workers_drain_the_queue(workers: Workers) -> None:
    env = {**workers.env, "SCOPELINE_TASKS": "database"}
    args = ["db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload", "-v", "1"]
    processes = _start(2, args, env, "Starting worker")
    try:
        ids = workers.script("enqueue", str(TASKS), "0.2")
        assert len(ids) == TASKS
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = workers.script("results")
            if all(row["status"] in ("SUCCESSFUL", "FAILED") for row in rows):
                break
            time.sleep(1)
    finally:
        codes = [process.stop() for process in processes]
    assert codes == [0, 0], [process.lines[-5:] for process in processes]
    assert [row["status"] for row in rows] == ["SUCCESSFUL"] * TASKS
    assert sorted(row["return_value"]["n"] for row in rows) == list(range(TASKS))
    vendor = "postgresql" if "DATABASE_URL" in workers.env else "sqlite"
    assert {row["return_value"]["db"] for row in rows} == {vendor}
    pids = {row["return_value"]["pid"] for row in rows}
    assert pids == {process.popen.pid for process in processes}  # both took some
    assert all(len(row["worker_ids"]) == 1 for row in rows)  # and none ran twice


def test_two_rq_workers_drain_the_queue(workers: Workers) -> None:
    from django.tasks import TaskResultStatus

    from tests.web import sample_tasks

    connection = redis.Redis.from_url(TEST_REDIS)
    connection.flushdb()
    env = {**workers.env, "SCOPELINE_TASKS": "rq"}
    processes = _start(2, ["rqworker", "--with-scheduler", "default"], env, "Listening on default")
    try:
        from django.test import override_settings

        with override_settings(
            TASKS={
                "default": {"BACKEND": "scopeline.web.rq_backend.RQBackend", "QUEUES": ["default"]}
            },
            RQ_QUEUES={"default": {"URL": TEST_REDIS}},
        ):
            queued = [sample_tasks.record.enqueue(n, 0.2) for n in range(TASKS)]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                results = [sample_tasks.record.get_result(q.id) for q in queued]
                if all(r.is_finished for r in results):
                    break
                time.sleep(0.5)
    finally:
        codes = [process.stop() for process in processes]
        connection.flushdb()
        connection.close()
    assert codes == [0, 0], [process.lines[-5:] for process in processes]
    assert [r.status for r in results] == [TaskResultStatus.SUCCESSFUL] * TASKS
    values = [r.return_value for r in results]
    assert [v["n"] for v in values] == list(range(TASKS))
    vendor = "postgresql" if "DATABASE_URL" in workers.env else "sqlite"
    assert {v["db"] for v in values} == {vendor}
    assert {v["pid"] for v in values} == {process.popen.pid for process in processes}
