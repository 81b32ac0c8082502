"""Signed webhooks, against a real HTTP server started in the test: the signature, the events
the services fire after their commit, and retries with back-off."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from scopeline.api import services, webhooks
from scopeline.api.models import Webhook, WebhookDelivery
from scopeline.api.tasks import deliver_due
from scopeline.changeorders import services as changeorders
from scopeline.changeorders.documents import render_document, sha256
from scopeline.inbox import services as inbox
from tests.web.conftest import World

PHONE = "Lisätkää etusivulle puhelinnumeromme."


@dataclass
class Receiver:
    """What the test server saw; it answers ``fail_first`` requests with 500, then 204."""

    secret: str = ""
    fail_first: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            signature = self.headers.get("Scopeline-Signature", "")
            state.seen.append(
                {
                    "body": body,
                    "event": self.headers.get("Scopeline-Event"),
                    "delivery": self.headers.get("Scopeline-Delivery"),
                    "valid": webhooks.verify(state.secret, body, signature, now=int(time.time())),
                }
            )
            failing = len(state.seen) <= state.fail_first
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def subscribe(world: World, receiver: Receiver, events: list[str]) -> Webhook:
    hook = services.create_webhook(
        workspace=world.workspace, actor=world.owner, url=receiver.url, events=events
    )
    receiver.secret = hook.secret
    return hook


def test_signatures_verify_and_refuse_tampering() -> None:
    body = b'{"id":"evt_1"}'
    now = int(time.time())
    header = webhooks.sign("whsec_x", body, now)
    assert header.startswith(f"t={now},v1=")
    assert webhooks.verify("whsec_x", body, header, now=now)
    assert not webhooks.verify("whsec_y", body, header, now=now)
    assert not webhooks.verify("whsec_x", body + b" ", header, now=now)
    assert not webhooks.verify("whsec_x", body, header, now=now + 3600)  # a replay
    assert not webhooks.verify("whsec_x", body, "garbage", now=now)


def test_a_triaged_request_is_posted_signed_after_the_commit(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(world, receiver, ["request.triaged"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    assert receiver.seen == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(receiver.seen) == 1
    seen = receiver.seen[0]
    assert seen["valid"]
    assert seen["event"] == "request.triaged"
    body = json.loads(seen["body"])
    assert body["type"] == "request.triaged"
    assert body["id"] == seen["delivery"]
    assert body["data"]["request"]["id"] == request.pk
    assert body["data"]["request"]["text"] == PHONE
    assert dt.datetime.fromisoformat(body["created"]).tzinfo is not None
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.response_code == 204


def test_a_rolled_back_change_announces_nothing(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(world, receiver, ["request.triaged"])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert receiver.seen == []
    assert not WebhookDelivery.objects.exists()


def test_only_subscribed_active_webhooks_get_events(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    hook = subscribe(world, receiver, ["change_order.accepted"])
    with django_capture_on_commit_callbacks(execute=True):
        inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    services.set_webhook_active(webhook=hook, actor=world.owner, active=False)
    assert webhooks.emit(world.workspace.pk, "change_order.accepted", {}) == []
    # Another workspace's events never reach this workspace's webhook.
    assert webhooks.emit(world.other_workspace.pk, "request.triaged", {}) == []
    assert receiver.seen == []


def _sent_order(world: World) -> tuple[Any, Any]:
    co = changeorders.create_change_order(
        project=world.project,
        actor=world.owner,
        title="Member registration",
        lines=[changeorders.Line("Member registration", Decimal(14), Decimal(80))],
    )
    co, url = changeorders.mark_sent(co=co, actor=world.owner, site_url="http://testserver")
    token = url.rstrip("/").rsplit("/", 1)[1]
    return co, changeorders.resolve_link(token)


@pytest.mark.parametrize("accepted", [True, False])
def test_the_clients_answer_to_a_change_order_is_posted(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any, accepted: bool
) -> None:
    subscribe(world, receiver, ["change_order.accepted", "change_order.declined"])
    co, link = _sent_order(world)
    with django_capture_on_commit_callbacks(execute=True):
        if accepted:
            changeorders.accept(
                link=link,
                number=co.number,
                name="Matti",
                document_hash=sha256(render_document(co)),
                ip="127.0.0.1",
                user_agent="test",
            )
        else:
            changeorders.decline(
                link=link, number=co.number, comment="Not now.", ip=None, user_agent="test"
            )
    event = "change_order.accepted" if accepted else "change_order.declined"
    assert [s["event"] for s in receiver.seen] == [event]
    assert receiver.seen[0]["valid"]
    data = json.loads(receiver.seen[0]["body"])["data"]["change_order"]
    assert data["number"] == co.number
    assert data["status"] == ("accepted" if accepted else "declined")
    assert data["total"] == "1120.000"


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(world, receiver, ["request.triaged"])
    receiver.fail_first = 2
    with django_capture_on_commit_callbacks(execute=True):
        inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.response_code == 500
    assert delivery.next_try_at is not None
    first_wait = delivery.next_try_at - delivery.last_attempt_at  # type: ignore[operator]
    assert first_wait == webhooks.backoff(1) == dt.timedelta(seconds=30)
    assert deliver_due() == 0  # not due yet

    later = timezone.now() + dt.timedelta(minutes=1)
    assert deliver_due(later) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 2
    assert delivery.next_try_at == later + webhooks.backoff(2)

    assert deliver_due(later + dt.timedelta(minutes=3)) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 3
    assert delivery.response_code == 204
    assert delivery.next_try_at is None
    # The same event, signed anew each time, identical body.
    assert len(receiver.seen) == 3
    assert all(s["valid"] for s in receiver.seen)
    assert len({s["body"] for s in receiver.seen}) == 1
    assert len({s["delivery"] for s in receiver.seen}) == 1
    assert deliver_due(later + dt.timedelta(days=1)) == 0


def test_a_receiver_that_never_answers_fails_after_the_last_attempt(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    hook = services.create_webhook(
        workspace=world.workspace,
        actor=world.owner,
        url="http://127.0.0.1:9/nothing-listens-here",
        events=["request.triaged"],
    )
    assert hook.active
    with django_capture_on_commit_callbacks(execute=True):
        inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    when = timezone.now()
    for _ in range(webhooks.MAX_ATTEMPTS):
        when += dt.timedelta(days=1)
        deliver_due(when)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.response_code is None
    assert delivery.last_error
    assert webhooks.attempt(delivery.pk, now=when + dt.timedelta(days=30)) is None


def test_backoff_grows_exponentially() -> None:
    waits = [webhooks.backoff(n).total_seconds() for n in range(1, webhooks.MAX_ATTEMPTS)]
    assert waits == [30, 120, 480, 1920, 7680, 30720]
