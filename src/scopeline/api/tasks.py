"""Background work of the API: sending webhook deliveries.

``deliver_webhook`` makes one attempt. After a failure, the next attempt is due at
``next_try_at`` (exponential backoff, see ``scopeline.api.webhooks``):

- with a task backend that can defer (``django_tasks_db``, RQ), the task enqueues itself again
  with ``run_after``;
- with one that cannot (Django's immediate backend, used by the tests and by a single machine
  without a worker), ``manage.py deliver_webhooks`` (cron, every minute) sends every delivery
  that is due. Running it as well on a deferring backend is harmless: an attempt is claimed with
  a conditional update, so it is made once.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from scopeline.api import webhooks
from scopeline.api.models import WebhookDelivery


@task
def deliver_webhook(delivery_id: int) -> str:
    delivery = webhooks.attempt(delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == WebhookDelivery.Status.PENDING and delivery.next_try_at is not None:
        backend = deliver_webhook.get_backend()
        if backend.supports_defer:
            deliver_webhook.using(run_after=delivery.next_try_at).enqueue(delivery_id)
    return str(delivery.status)


def deliver_due(now: dt.datetime | None = None) -> int:
    """Make the attempts that are due now, in this process; returns how many were made."""
    made = 0
    for pk in webhooks.due_deliveries(now):
        if webhooks.attempt(pk, now=now) is not None:
            made += 1
    return made
