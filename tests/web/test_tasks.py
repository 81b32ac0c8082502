"""Background work: the shared pieces (enqueue after commit, retries with back-off, the e-mail
task), the settings, and the RQ adapter for ``django.tasks`` against the real Redis on
127.0.0.1:6379 (database 12, emptied after each test). Real worker processes are in
test_workers.py."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core import mail
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.utils import timezone
from pytest_django.fixtures import Settings
from rq.registry import ScheduledJobRegistry

from scopeline.web import rq_backend
from scopeline.web.tasks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    describe,
    enqueue_on_commit,
    is_transient,
    retry_delay,
    send_email,
)
from tests.web import sample_tasks
from tests.web.test_change_order_mail import free_port, run_worker, use_smtp

ROOT = Path(__file__).resolve().parents[2]
TEST_REDIS = "redis://127.0.0.1:6379/12"


def test_the_tests_run_tasks_inline() -> None:
    assert task_backends["default"].__class__.__name__ == "ImmediateBackend"
    result = sample_tasks.add.enqueue(2, 3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


def test_retries_back_off_from_a_minute_to_six_hours() -> None:
    assert [retry_delay(n) for n in range(1, MAX_ATTEMPTS + 1)] == [*RETRY_DELAYS, None]
    assert RETRY_DELAYS == (60, 300, 1800, 7200, 21600)
    assert retry_delay(0) is None


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPResponseException(421, b"Service not available"), True),
        (smtplib.SMTPSenderRefused(451, b"Try again later", "me@x"), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"Mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"No such user")}), False),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"Busy"), "b@x": (550, b"No")}), False),
        (smtplib.SMTPAuthenticationError(535, b"Authentication failed"), False),
        (smtplib.SMTPDataError(554, b"Message rejected as spam"), False),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), False),
        (ValueError("a bug"), False),
    ],
)
def test_which_mail_errors_are_worth_another_try(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient
    assert describe(exc)


def test_a_mail_error_is_described_for_a_person() -> None:
    refused = smtplib.SMTPRecipientsRefused({"ioana@x.example": (550, b"5.1.1 No such user")})
    assert describe(refused) == "ioana@x.example: 550 5.1.1 No such user"
    assert describe(smtplib.SMTPDataError(554, b"Rejected")) == "554 Rejected"
    assert describe(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


@transaction.atomic
def rolled_back() -> None:
    enqueue_on_commit(send_email, to=["b@example.com"], subject="rolled back", body="x")
    raise RuntimeError


@pytest.mark.django_db(transaction=True)
def test_work_is_enqueued_after_the_commit_and_never_after_a_rollback() -> None:
    with transaction.atomic():
        enqueue_on_commit(send_email, to=["a@example.com"], subject="kept", body="x")
        assert mail.outbox == []  # not before the commit
    assert [m.subject for m in mail.outbox] == ["kept"]
    with pytest.raises(RuntimeError):
        rolled_back()
    assert [m.subject for m in mail.outbox] == ["kept"]


def test_the_email_task_sends_plain_text_with_headers() -> None:
    result = send_email.enqueue(
        to=["ioana@example.com"], subject="Subiect", body="Corp", headers={"X-Test": "1"}
    )
    assert result.return_value == "sent"
    (message,) = mail.outbox
    assert (message.to, message.subject, message.body) == (["ioana@example.com"], "Subiect", "Corp")
    assert message.extra_headers == {"X-Test": "1"}


def test_the_email_task_retries_a_down_server_later(db: None, settings: Settings) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    use_smtp(settings, free_port())  # nothing listens there
    before = timezone.now()
    send_email.enqueue(to=["a@example.com"], subject="s", body="b")
    first = DBTaskResult.objects.get()
    task_result = first.task_result
    run_worker(max_tasks=1)
    first.refresh_from_db()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == "retrying"
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after is not None
    assert 55 < (retry.run_after - before).total_seconds() < 65
    assert task_result.id == str(first.id)

    # The last attempt gives up: the task fails, and says why in its result.
    DBTaskResult.objects.all().delete()
    send_email.enqueue(to=["a@example.com"], subject="s", body="b", attempt=MAX_ATTEMPTS)
    run_worker()
    last = DBTaskResult.objects.get()
    assert last.status == TaskResultStatus.FAILED
    assert last.exception_class_path == "builtins.ConnectionRefusedError"


def test_an_unknown_task_engine_stops_the_start() -> None:
    env = {**os.environ, "SCOPELINE_TASKS": "celery", "SECRET_KEY": "x" * 50}
    run = subprocess.run(
        [sys.executable, "-c", "import scopeline.web.settings"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "SCOPELINE_TASKS must be one of database, rq, immediate, not 'celery'" in run.stderr


# -- the RQ adapter, against the real Redis --------------------------------------------------


@pytest.fixture
def rq_tasks(settings: Settings) -> Iterator[redis.Redis]:
    """The "rq" engine on Redis database 12, emptied before and after."""
    connection = redis.Redis.from_url(TEST_REDIS)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (scripts/services.sh starts it)")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS}}
    settings.TASKS = {
        "default": {"BACKEND": "scopeline.web.rq_backend.RQBackend", "QUEUES": ["default"]}
    }
    try:
        yield connection
    finally:
        connection.flushdb()
        connection.close()


def work_off() -> None:
    """Run the queued jobs in this process, as ``manage.py rqworker --burst`` would."""
    queue = rq_backend.queue("default")
    worker = rq_backend.Worker([queue], connection=queue.connection)
    worker.manage_connections = False  # the test's database connection is not the worker's
    worker.work(burst=True)


def test_rq_runs_django_tasks_and_keeps_their_results(rq_tasks: redis.Redis) -> None:
    queued = sample_tasks.add.enqueue(2, 40)
    assert queued.status == TaskResultStatus.READY
    assert queued.backend == "default"
    # Stored as JSON, never pickle.
    stored = rq_tasks.hget(f"rq:job:{queued.id}", "data")
    assert isinstance(stored, bytes)
    data = zlib.decompress(stored)
    assert data.startswith(
        b'["scopeline.web.rq_backend.execute", null, ["tests.web.sample_tasks.add"'
    )
    assert sample_tasks.add.get_result(queued.id).status == TaskResultStatus.READY

    work_off()
    done = sample_tasks.add.get_result(queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 42
    assert done.args == [2, 40]
    assert done.finished_at is not None
    assert len(done.worker_ids) == 1
    queued.refresh()
    assert queued.return_value == 42


def test_rq_records_a_failure_with_its_exception(rq_tasks: redis.Redis) -> None:
    queued = sample_tasks.fail.enqueue("out of paper")
    work_off()
    failed = sample_tasks.fail.get_result(queued.id)
    assert failed.status == TaskResultStatus.FAILED
    (error,) = failed.errors
    assert error.exception_class is ValueError
    assert "out of paper" in error.traceback
    with pytest.raises(ValueError, match="Task failed"):
        _ = failed.return_value


def test_rq_gives_tasks_their_context(rq_tasks: redis.Redis) -> None:
    queued = sample_tasks.attempt.enqueue()
    work_off()
    assert sample_tasks.attempt.get_result(queued.id).return_value == {
        "id": queued.id,
        "attempt": 0,
    }


def test_rq_defers_a_task_to_its_time(rq_tasks: redis.Redis) -> None:
    later = timezone.now() + dt.timedelta(minutes=5)
    queued = sample_tasks.add.using(run_after=later).enqueue(1, 1)
    registry: ScheduledJobRegistry = rq_backend.queue("default").scheduled_job_registry
    assert queued.id in registry.get_job_ids()
    assert abs(registry.get_scheduled_time(queued.id).timestamp() - later.timestamp()) < 1
    work_off()  # not due: nothing runs
    assert sample_tasks.add.get_result(queued.id).status == TaskResultStatus.READY


def test_rq_knows_no_other_results(rq_tasks: redis.Redis) -> None:
    with pytest.raises(TaskResultDoesNotExist):
        sample_tasks.add.get_result("no-such-job")


def test_rq_refuses_what_it_cannot_do(rq_tasks: redis.Redis) -> None:
    with pytest.raises(InvalidTask):
        sample_tasks.add.using(priority=10).enqueue(1, 2)
    with pytest.raises(InvalidTask):
        sample_tasks.add.using(queue_name="elsewhere").enqueue(1, 2)


def test_the_rq_backend_checks_its_queues_exist(settings: Settings, rq_tasks: Any) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "scopeline.web.rq_backend.RQBackend",
            "QUEUES": ["default", "missing"],
        }
    }
    errors = task_backends["default"].check()
    assert [e.id for e in errors] == ["scopeline.E101"]
