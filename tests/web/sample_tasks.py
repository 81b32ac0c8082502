"""Tasks for the worker tests (tests/web/test_tasks.py, test_workers.py): module-level, so a
worker process can import them by name, and small, so they time the machinery, not the work.

Run as a script, it is the worker tests' hand in the workers' database:
``python -m tests.web.sample_tasks enqueue N PAUSE`` queues N ``record`` tasks and prints their
ids; ``python -m tests.web.sample_tasks results`` prints every stored result as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from django.db import connection
from django.tasks import TaskContext, task


@task
def record(n: int, pause: float = 0.0) -> dict[str, Any]:
    """Wait ``pause`` seconds, then say which process ran it on which database."""
    time.sleep(pause)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"n": n, "pid": os.getpid(), "db": connection.vendor}


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def fail(message: str) -> None:
    raise ValueError(message)


@task(takes_context=True)
def attempt(context: TaskContext[Any, Any]) -> dict[str, Any]:
    return {"id": context.task_result.id, "attempt": context.attempt}


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scopeline.web.settings_test")
    django.setup()
    # Run with -m, this module is __main__: the workers must import the tasks by their name.
    from tests.web.sample_tasks import record as named

    if argv[0] == "enqueue":
        count, pause = int(argv[1]), float(argv[2])
        ids = [named.enqueue(n, pause).id for n in range(count)]
        print(json.dumps(ids))
    elif argv[0] == "results":
        from django_tasks_db.models import DBTaskResult

        rows = [
            {
                "id": str(row.id),
                "status": row.status,
                "worker_ids": row.worker_ids,
                "return_value": row.return_value,
                "error": row.traceback[-500:],
            }
            for row in DBTaskResult.objects.order_by("enqueued_at")
        ]
        print(json.dumps(rows))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
