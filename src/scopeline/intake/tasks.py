"""Background work of the intake, for Django's task framework (``settings.TASKS``).

``poll_mailbox`` is enqueued by ``manage.py poll_intake`` (cron, or the worker's schedule) and
by the "Check now" button; ``triage_email`` by the services once a matched message is stored.
With the immediate backend (the default, and the tests') both run inline.
"""

from __future__ import annotations

from django.tasks import task

from scopeline.intake import services


@task()
def poll_mailbox(workspace_id: int) -> dict[str, int | str | bool]:
    """Take in the workspace mailbox's new messages; failures are recorded, never raised."""
    result = services.poll_mailbox(workspace_id=workspace_id)
    return {
        "skipped": result.skipped,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
        "error": result.error,
    }


@task()
def triage_email(email_id: int) -> int | None:
    """Triage a matched message into its project's inbox; returns the client request's id."""
    email = services.triage_email(email_id=email_id)
    return None if email is None else email.request_id
