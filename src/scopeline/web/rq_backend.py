"""Django's tasks framework (``django.tasks``) on RQ and Redis: the production backend.

``django-tasks-rq`` is written for the ``django_tasks`` backport: under Django 6.1 its backend
turns ``@django.tasks.task`` functions into the backport's ``Task`` and ``TaskResult`` classes
and sends the backport's signals, so the framework's own types, signals and checks are not the
ones in play. This module is the thin adapter for the real thing: a
``django.tasks.backends.base.BaseTaskBackend`` that puts one RQ job per task on the queue named
by the task's ``queue_name`` (configured in ``RQ_QUEUES`` and read through ``django_rq``), and a
worker class for ``manage.py rqworker``.

A job runs :func:`execute` with the task's dotted path and its arguments; jobs are stored as
JSON (never pickle: a task's arguments are JSON by contract, and nobody who can write to Redis
can make a worker unpickle code). Tasks deferred with ``run_after`` wait in RQ's scheduled
registry and need a worker started with ``--with-scheduler``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from traceback import format_exception
from typing import Any, cast

import django_rq
from django.core import checks
from django.db import close_old_connections
from django.tasks import Task, TaskContext, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus, get_current_job
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.worker import SimpleWorker

EXECUTE = "scopeline.web.rq_backend.execute"

STATUS = {
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,
    JobStatus.CREATED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}


def queue(name: str) -> Queue:
    """The RQ queue ``name`` from ``RQ_QUEUES``, storing jobs as JSON."""
    return django_rq.get_queue(name, serializer=JSONSerializer)


def _task(path: str) -> Task[..., Any]:
    found = import_string(path)
    if not isinstance(found, Task):
        raise TypeError(f"{path} is not a task (decorate it with @django.tasks.task)")
    return found


def result_is_final(status: TaskResultStatus) -> bool:
    return status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def _result(job: Job, alias: str) -> TaskResult[..., Any]:
    path, args, kwargs = job.args
    task = _task(str(path)).using(queue_name=job.origin, backend=alias)
    status = STATUS.get(job.get_status(refresh=False), TaskResultStatus.READY)
    results: list[Result] = job.results()
    result: TaskResult[..., Any] = TaskResult(
        task=task,
        id=job.id,
        status=status,
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        finished_at=job.ended_at if result_is_final(status) else None,
        last_attempted_at=results[0].created_at if results else job.started_at,
        args=list(args),
        kwargs=dict(kwargs),
        backend=alias,
        errors=[],
        worker_ids=[],
    )
    for attempt in reversed(results):  # rq lists the newest first
        result.worker_ids.append(str(attempt.worker_name or ""))
        if attempt.type == Result.Type.FAILED:
            result.errors.append(
                TaskError(
                    exception_class_path=str(job.meta.get("exception_class", "builtins.Exception")),
                    traceback=attempt.exc_string or "",
                )
            )
    if status == TaskResultStatus.SUCCESSFUL and results:
        object.__setattr__(result, "_return_value", results[0].return_value)
    return result


def execute(path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What an RQ job runs: the task at ``path``, with the framework's signals and context."""
    job = get_current_job()
    assert job is not None, "execute() runs inside an RQ job"
    alias = str(job.meta.get("backend", "default"))
    result = _result(job, alias)
    task = result.task
    if task.module_path != path:
        raise TypeError(f"job {job.id} names {path}, not {task.module_path}")
    object.__setattr__(result, "status", TaskResultStatus.RUNNING)
    backend = type(task.get_backend())
    task_started.send(sender=backend, task_result=result)
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
        value = normalize_json(value)
    except Exception as exc:
        kind = type(exc)
        job.meta["exception_class"] = f"{kind.__module__}.{kind.__qualname__}"
        cast(Callable[[], None], job.save_meta)()  # untyped in rq
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        result.errors.append(
            TaskError(
                exception_class_path=job.meta["exception_class"],
                traceback="".join(format_exception(exc)),
            )
        )
        task_finished.send(sender=backend, task_result=result)
        raise
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "_return_value", value)
    task_finished.send(sender=backend, task_result=result)
    return value


class RQBackend(BaseTaskBackend):
    """``TASKS = {"default": {"BACKEND": "scopeline.web.rq_backend.RQBackend",
    "QUEUES": ["default", ...], "OPTIONS": {"result_ttl": ..., "job_timeout": ...}}}``."""

    supports_defer = True
    supports_get_result = True
    supports_priority = False
    supports_async_task = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.result_ttl = int(self.options.get("result_ttl", 24 * 3600))
        self.failure_ttl = int(self.options.get("failure_ttl", 7 * 24 * 3600))
        self.job_timeout = int(self.options.get("job_timeout", 300))

    def enqueue(
        self, task: Task[Any, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[Any, Any]:
        self.validate_task(task)
        args = cast(list[Any], normalize_json(list(args)))
        kwargs = cast(dict[str, Any], normalize_json(dict(kwargs)))
        rq_queue = queue(task.queue_name)
        job = rq_queue.create_job(
            EXECUTE,
            args=[task.module_path, args, kwargs],
            job_id=get_random_string(32),
            meta={"backend": self.alias},
            timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
            description=task.module_path,
        )
        if task.run_after is None:
            job = rq_queue.enqueue_job(job)
        else:
            job = rq_queue.schedule_job(job, task.run_after.astimezone(dt.UTC))
        result: TaskResult[Any, Any] = TaskResult(
            task=task,
            id=job.id,
            status=TaskResultStatus.READY,
            enqueued_at=job.enqueued_at or job.created_at,
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        connection = queue(next(iter(sorted(self.queues)))).connection
        try:
            job = Job.fetch(result_id, connection=connection, serializer=JSONSerializer)
        except NoSuchJobError as exc:
            raise TaskResultDoesNotExist(result_id) from exc
        if job.func_name != EXECUTE:
            raise TaskResultDoesNotExist(result_id)
        return _result(job, self.alias)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = list(super().check(**kwargs))
        configured: Iterable[str] = django_rq.settings.QUEUES.keys()
        errors.extend(
            checks.Error(
                f"Task queue {name!r} of backend {self.alias!r} is not in RQ_QUEUES.",
                id="scopeline.E101",
            )
            for name in sorted(self.queues - set(configured))
        )
        return errors


class Worker(SimpleWorker):
    """``manage.py rqworker`` with this class (settings ``RQ["WORKER_CLASS"]``): jobs run in the
    worker process itself, not in a fork per job, so what a task loads once (the triage
    engine's embedding model, two seconds) stays loaded; and jobs are read as JSON."""

    # A worker lives long, like a server thread: database connections that broke or grew old
    # are closed around each job, as Django does around each request.
    manage_connections = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["serializer"] = JSONSerializer
        super().__init__(*args, **kwargs)

    def perform_job(self, job: Job, queue: Queue) -> bool:
        if self.manage_connections:
            close_old_connections()
        try:
            return super().perform_job(job, queue)
        finally:
            if self.manage_connections:
                close_old_connections()
