"""Signed webhooks: an event becomes one delivery per subscribed webhook, sent by a task.

The body is JSON ``{"id", "type", "created", "data"}``, fixed when the event happens (a retry
sends the same bytes). Each attempt is signed afresh::

    Scopeline-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

so a receiver checks the signature and refuses old timestamps (replays). A delivery that gets
no 2xx answer is tried again with exponential backoff (30 s, 2 min, 8 min, 32 min, ~2 h, ~8 h)
up to ``MAX_ATTEMPTS`` in all; see ``scopeline.api.tasks`` for who runs the retries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Final

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from scopeline.api.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 7
BASE_DELAY: Final = dt.timedelta(seconds=30)
TIMEOUT_SECONDS: Final = 10
STALE_SENDING: Final = dt.timedelta(minutes=5)
USER_AGENT: Final = "Scopeline-Webhooks/1"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s × 4^(attempts-1)."""
    return BASE_DELAY * (1 << (2 * max(attempts - 1, 0)))


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """The receiver's side, for tests and for documentation: a valid, recent signature."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def emit(workspace_id: int, event: str, data: dict[str, Any]) -> list[int]:
    """Record the event for every active webhook of the workspace that wants it and enqueue
    the first attempts. Call it after the commit (``transaction.on_commit``): a rolled-back
    change must not be announced. Returns the deliveries' ids."""
    from scopeline.api.tasks import deliver_webhook  # the task module imports this one

    hooks = [
        hook
        for hook in Webhook.objects.filter(workspace_id=workspace_id, active=True)
        if event in hook.events
    ]
    if not hooks:
        return []
    created = timezone.now()
    ids: list[int] = []
    for hook in hooks:
        event_id = "evt_" + secrets.token_hex(12)
        body = {
            "id": event_id,
            "type": event,
            "created": created.isoformat(),
            "data": data,
        }
        delivery = WebhookDelivery.objects.create(
            webhook=hook,
            event=event,
            event_id=event_id,
            payload=json.dumps(
                body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
            ),
            next_try_at=created,
        )
        ids.append(delivery.pk)
    for pk in ids:
        try:
            deliver_webhook.enqueue(pk)
        except Exception:  # a broken queue must not break the request; the retry sweep sends it
            logger.exception("could not enqueue webhook delivery %s", pk)
    return ids


def _emit_loaded(workspace_id: int, event: str, kind: str, pk: int) -> None:
    from scopeline.api import serialize
    from scopeline.changeorders.models import ChangeOrder
    from scopeline.projects.models import ClientRequest

    if not Webhook.objects.filter(workspace_id=workspace_id, active=True).exists():
        return
    if kind == "change_order":
        co = ChangeOrder.objects.filter(pk=pk).prefetch_related("lines").first()
        if co is not None:
            emit(workspace_id, event, {"change_order": serialize.change_order(co)})
    else:
        request = ClientRequest.objects.filter(pk=pk).first()
        if request is not None:
            emit(workspace_id, event, {"request": serialize.request(request)})


def change_order_decided(workspace_id: int, change_order_id: int, *, accepted: bool) -> None:
    """For the change order services: announce the client's answer once it is committed."""
    event = "change_order.accepted" if accepted else "change_order.declined"
    transaction.on_commit(
        lambda: _emit_loaded(workspace_id, event, "change_order", change_order_id), robust=True
    )


def request_triaged(workspace_id: int, request_id: int) -> None:
    """For the inbox service: announce a triaged message once it is committed."""
    transaction.on_commit(
        lambda: _emit_loaded(workspace_id, "request.triaged", "request", request_id), robust=True
    )


@dataclass(frozen=True)
class Attempt:
    ok: bool
    code: int | None
    error: str


def post(url: str, body: bytes, headers: dict[str, str]) -> Attempt:
    """One POST, no redirects followed (a redirect is a failure, not a new destination)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            code = int(response.status)
            return Attempt(200 <= code < 300, code, "")
    except urllib.error.HTTPError as exc:
        return Attempt(False, int(exc.code), f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Attempt(False, None, str(reason)[:300] or type(exc).__name__)


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Claim the delivery if it is due, send it once, and record the outcome. Returns the
    delivery, or None when another worker has it, it is done, or it is not due yet."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_try_at__lte=now
    )
    stale = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.SENDING,
        last_attempt_at__lte=now - STALE_SENDING,
    )
    claim = {
        "status": WebhookDelivery.Status.SENDING,
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
    }
    if due.update(**claim) != 1 and stale.update(**claim) != 1:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    body = delivery.payload.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Scopeline-Event": delivery.event,
        "Scopeline-Delivery": delivery.event_id,
        "Scopeline-Signature": sign(hook.secret, body, int(timezone.now().timestamp())),
    }
    result = (
        post(hook.url, body, headers) if hook.active else Attempt(False, None, "webhook paused")
    )
    delivery.response_code = result.code
    delivery.last_error = result.error
    if result.ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_try_at = None
    elif delivery.attempts >= MAX_ATTEMPTS or not hook.active:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_try_at = None
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_try_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=["status", "response_code", "last_error", "delivered_at", "next_try_at"]
    )
    return delivery


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    pending = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_try_at__lte=now
    )
    stale = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, last_attempt_at__lte=now - STALE_SENDING
    )
    return sorted({*pending.values_list("pk", flat=True), *stale.values_list("pk", flat=True)})
