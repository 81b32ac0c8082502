"""The change orders' background work: the client's e-mail (PDF and portal link) and the
owners' notifications. Both are thin: the work is in ``services.deliver`` and ``mail``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.tasks import TaskContext, task

from scopeline.web.tasks import can_defer


@task(takes_context=True)
def deliver_change_order(
    context: TaskContext[Any, Any], change_order_id: int, actor_id: int | None = None
) -> str:
    """One attempt at e-mailing a queued change order to its client; a transient failure
    queues the next attempt on the same backend, after the back-off."""
    from scopeline.changeorders import services

    this = context.task_result.task
    result = services.deliver(
        change_order_id=change_order_id,
        actor_id=actor_id,
        site_url=settings.SITE_URL,
        can_retry=can_defer(this),
    )
    if result.retry_at is not None:
        this.using(run_after=result.retry_at).enqueue(change_order_id, actor_id)
    return result.outcome


@task
def notify_owners(change_order_id: int, kind: str) -> int:
    """E-mail each owner of the workspace, in their language, that the client answered; each
    e-mail is its own task (``web.tasks.send_email``) with its own retries. Returns how many."""
    from scopeline.changeorders import mail

    return mail.notify_owners(change_order_id, kind)
