"""Background work shared by the apps: enqueueing after a commit, retries with back-off, and
the one task that sends an e-mail.

Tasks are Django's (``from django.tasks import task``); which backend runs them is a setting
(``SCOPELINE_TASKS``: the database queue and ``manage.py db_worker`` by default, RQ on Redis in
production, inline in the tests). How to write one is in docs/architecture.md, "Background
work": arguments are ids and plain values (JSON), a task may run twice, and a task retries a
transient failure by enqueueing itself again later (:func:`retry_later`).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Mapping
from functools import partial
from typing import Any, Final

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import Task, TaskContext, task
from django.utils import timezone

log = logging.getLogger(__name__)

# Seconds to wait after failed attempt 1, 2, ...: one minute up to six hours, about eight and a
# half hours in all, so a mail server down for a night's maintenance still gets the message.
RETRY_DELAYS: Final = (60, 300, 1800, 7200, 21600)
MAX_ATTEMPTS: Final = len(RETRY_DELAYS) + 1


def enqueue_on_commit(task_: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task_`` once the current transaction commits (at once outside one), so a
    worker never reads rows that are not committed yet, and a rolled-back write queues nothing.
    A queue that cannot be reached is logged, not raised: the write has happened, and what was
    to be done is in the database for a retry (see ``changeorders.services.resume_deliveries``)."""
    transaction.on_commit(partial(task_.enqueue, *args, **kwargs), robust=True)


def retry_delay(attempt: int) -> int | None:
    """Seconds to wait before the attempt after ``attempt`` (1-based), or None: give up."""
    if attempt < 1 or attempt > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempt - 1]


def can_defer(task_: Task[Any, Any]) -> bool:
    """Whether ``task_``'s backend can run it later (the inline backend of the tests cannot)."""
    return bool(task_.get_backend().supports_defer)


def retry_later(
    task_: Task[Any, Any], failed_attempt: int, /, *args: Any, **kwargs: Any
) -> dt.datetime | None:
    """Enqueue ``task_`` again after the back-off for ``failed_attempt``; returns when it will
    run, or None when it will not (attempts used up, or a backend that cannot defer). Call it
    from the task with ``context.task_result.task``: the retry goes where the task came from."""
    delay = retry_delay(failed_attempt)
    if delay is None or not can_defer(task_):
        return None
    when = timezone.now() + dt.timedelta(seconds=delay)
    task_.using(run_after=when).enqueue(*args, **kwargs)
    return when


def is_transient(exc: BaseException) -> bool:
    """Whether a mail server's error may go away by itself: no connection, a timeout, a dropped
    connection, or a 4xx reply ("try again later"). A 5xx reply (no such mailbox, relaying
    denied, wrong password) stays until someone changes something."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False  # the server lacks what the settings ask for (STARTTLS, AUTH)
    return isinstance(exc, OSError)


def describe(exc: BaseException) -> str:
    """A short, readable account of a mail error for the owner (no traceback)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {message.decode('utf-8', 'replace')}"
            for address, (code, message) in exc.recipients.items()
        ]
        return "; ".join(parts)[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"{exc.smtp_code} {text}"[:500]
    return (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:500]


@task(takes_context=True)
def send_email(
    context: TaskContext[Any, Any],
    *,
    to: list[str],
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
    attempt: int = 1,
) -> str:
    """Send one plain-text e-mail; a transient failure is tried again later, up to
    ``MAX_ATTEMPTS`` times. Returns "sent" or "retrying"; raises when it gives up."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=dict(headers or {}),
    )
    try:
        message.send()
    except Exception as exc:
        if is_transient(exc):
            when = retry_later(
                context.task_result.task,
                attempt,
                to=to,
                subject=subject,
                body=body,
                headers=headers,
                attempt=attempt + 1,
            )
            if when is not None:
                log.warning("e-mail to %s failed (%s); retrying at %s", to, describe(exc), when)
                return "retrying"
        log.error("e-mail to %s failed for good after %d attempts: %s", to, attempt, describe(exc))
        raise
    return "sent"
