"""The change order e-mails, sent through a real SMTP server on 127.0.0.1 that the tests start
(aiosmtpd): the client's message in the client's language with the portal link and the PDF,
and the owners' notifications in each owner's language."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from scopeline.accounts.models import Membership, User
from scopeline.changeorders import services
from scopeline.changeorders.models import ChangeOrder, Notification, PortalLink
from scopeline.core.money import format_money
from scopeline.projects.models import LedgerEvent, Project
from scopeline.web.tasks import MAX_ATTEMPTS
from tests.web.conftest import PASSWORD, World, make_project
from tests.web.test_change_orders import accept, line, new_order, sent_order, token_of


@dataclass
class Received:
    """What the test SMTP server was given."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The messages an SMTP server on 127.0.0.1 received, in order."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.messages if address in r.recipients]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def use_smtp(settings: Settings, port: int) -> None:
    # Django's test runner puts the locmem backend in place at set-up: override it here.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_smtp(settings, controller.port)
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def bistro(world: World) -> Project:
    """Bistro Dunărea (Romanian), with its e-mail address, in the owner's workspace."""
    project = make_project(world.workspace, world.owner, "bistro-dunarea")
    project.client.email = "ioana@bistrodunarea.example"
    project.client.save(update_fields=["email"])
    return project


def translated(lang: str, message: str, **values: object) -> str:
    with translation.override(lang):
        text = gettext(message)
    assert text != message, f"{message!r} has no {lang} translation"
    return text % values if values else text


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    assert isinstance(content, str)
    return content


def test_the_client_gets_the_change_order_in_romanian_with_the_link_and_the_pdf(
    world: World, bistro: Project, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    co = new_order(
        bistro,
        world.owner,
        title="Sistem de rezervări online",
        lines=[line("Formular de rezervare și confirmare prin e-mail", "8.25", "150")],
        days=2,
    )
    http = world.http(world.owner)
    action = reverse("change_order_action", kwargs={"ws": world.workspace.slug, "pk": co.pk})
    with django_capture_on_commit_callbacks(execute=True):  # the click, then its task
        response = http.post(action, {"action": "send"})
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT
    assert co.delivery == ChangeOrder.Delivery.SENT

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.recipients == ["ioana@bistrodunarea.example"]
    message = received.message
    assert message["To"] == "ioana@bistrodunarea.example"
    assert message["Content-Language"] == "ro"
    assert message["Subject"] == translated(
        "ro", "Change order %(number)s: %(title)s", number=co.number, title=co.title
    )

    body = body_of(message)
    total = format_money(Decimal("1237.50"), "RON", "ro")
    assert total.replace("\xa0", " ") == "1.237,50 RON"
    assert translated("ro", "Dear %(name)s,", name="Ioana Popescu") in body
    assert (
        translated(
            "ro",
            'Here is the change order for "%(title)s" that we discussed: %(total)s in total.',
            title="Sistem de rezervări online",
            total=total,
        )
        in body
    )
    assert translated("ro", "You can read it, accept it or decline it in your client portal:") in (
        body
    )
    assert "Atelier Pixel" in body  # signed by the provider of the agreement
    assert "Here is the change order" not in body

    # The portal link works and belongs to this client.
    links = [word for word in body.split() if "/p/" in word]
    assert len(links) == 1
    assert links[0].startswith(f"{django_settings.SITE_URL}/p/")
    token = token_of(links[0])
    assert services.resolve_link(token).client == bistro.client
    portal = world.http(None).get(
        reverse("portal_change_order", kwargs={"token": token, "number": co.number})
    )
    assert portal.status_code == 200
    assert "Sistem de rezervări online" in portal.content.decode()

    # The PDF is attached, named after the change order, in Romanian with the amounts as
    # Romanian readers write them.
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    pdf = attachments[0]
    assert isinstance(pdf, EmailMessage)
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"{co.number}.pdf"
    data = pdf.get_content()
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = "".join(text.split())
    assert "Sistemderezervărionline" in flat
    assert co.number in flat
    assert "1.237,50RON" in flat
    assert "".join(translated("ro", "Change order %(number)s", number=co.number).split()) in flat


def test_the_finnish_client_gets_the_finnish_email(
    world: World, smtp: Inbox, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://app.example"
    world.client.email = "matti.virtanen@acme.example"
    world.client.save(update_fields=["email"])
    co = new_order(world.project, world.owner, title="Jäsenrekisteröinti")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_by_email(co=co, actor=world.owner)
    (message,) = smtp.to("matti.virtanen@acme.example")
    assert message["Content-Language"] == "fi"
    assert message["Subject"] == translated(
        "fi", "Change order %(number)s: %(title)s", number=co.number, title="Jäsenrekisteröinti"
    )
    body = body_of(message)
    assert translated("fi", "Dear %(name)s,", name="Matti Virtanen") in body
    assert "https://app.example/p/" in body
    assert format_money(Decimal("800"), "EUR", "fi") in body


# -- delivery: queued, retried, failed, sent -------------------------------------------------


def use_database_tasks(settings: Settings) -> None:
    """Tasks go to the database queue (which can defer a retry), run by ``run_worker``."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker(max_tasks: int | None = None) -> None:
    """What ``manage.py db_worker --batch`` does, in this process and the test's transaction:
    run every task that is due, then stop. (The real worker closes old connections between
    tasks, as a server does between requests; here that would end the test's transaction.)"""
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", return_value=None):
        worker.run()


def nothing_issued(project: Project) -> bool:
    return not (
        PortalLink.objects.filter(client=project.client).exists()
        or LedgerEvent.objects.filter(project=project, type="change_order_issued").exists()
    )


def test_a_mail_server_that_is_down_is_tried_again_later_and_nothing_is_lost(
    world: World, bistro: Project, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    use_database_tasks(settings)
    use_smtp(settings, free_port())  # nothing listens there
    co = new_order(bistro, world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_by_email(co=co, actor=world.owner)
    assert DBTaskResult.objects.count() == 1  # queued, not run: the click did not wait
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("draft", "queued", 0)

    before = timezone.now()
    run_worker()
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("draft", "queued", 1)
    assert "ConnectionRefusedError" in co.delivery_error
    assert co.delivery_at is not None
    assert dt.timedelta(seconds=55) < co.delivery_at - before < dt.timedelta(seconds=65)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == co.delivery_at
    assert nothing_issued(bistro)
    assert not Notification.objects.exists()  # not yet a failure: it will be tried again
    page = world.http(world.owner).get(
        reverse("change_order_detail", kwargs={"ws": world.workspace.slug, "pk": co.pk})
    )
    assert "will be tried again" in page.content.decode()

    run_worker()  # the retry is not due yet
    co.refresh_from_db()
    assert co.delivery_attempts == 1

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_smtp(settings, controller.port)
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
    finally:
        controller.stop()
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("sent", "sent", 2)
    assert co.delivery_error == ""
    assert len(inbox.to("ioana@bistrodunarea.example")) == 1
    assert LedgerEvent.objects.filter(project=bistro, type="change_order_issued").count() == 1
    assert PortalLink.objects.filter(client=bistro.client).count() == 1
    # A duplicate of the task (a queue may deliver one twice) finds nothing to do.
    assert services.deliver(
        change_order_id=co.pk, actor_id=None, site_url="http://t", can_retry=True
    ) == services.Delivered("skipped")
    assert len(inbox.messages) == 1


class Refusing(Inbox):
    """A mail server that has no such mailbox (a permanent 550)."""

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, _envelope: Any, _address: str, _options: Any
    ) -> str:
        return "550 5.1.1 No such user here"


def test_a_refused_address_fails_at_once_tells_the_owners_and_can_be_sent_again(
    world: World, bistro: Project, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    use_database_tasks(settings)
    refusing = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    refusing.start()
    try:
        use_smtp(settings, refusing.port)
        co = new_order(bistro, world.owner)
        with django_capture_on_commit_callbacks(execute=True):
            services.send_by_email(co=co, actor=world.owner)
        run_worker()
    finally:
        refusing.stop()
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("draft", "failed", 1)
    assert "550" in co.delivery_error
    assert "No such user" in co.delivery_error
    assert nothing_issued(bistro)
    (notice,) = Notification.objects.filter(change_order=co)
    assert (notice.user, notice.kind) == (world.owner, "change_order_undelivered")

    http = world.http(world.owner)
    ws = world.workspace.slug
    page = http.get(reverse("change_order_detail", kwargs={"ws": ws, "pk": co.pk})).content
    assert "was not delivered" in page.decode()
    assert 'value="retry"' in page.decode()
    assert (
        "was not delivered"
        in http.get(reverse("notifications", kwargs={"ws": ws})).content.decode()
    )
    # A failed draft can be edited again.
    assert http.get(reverse("change_order_edit", kwargs={"ws": ws, "pk": co.pk})).status_code == 200

    # The owner corrects the address and sends it again: it goes to the new address.
    bistro.client.email = "rezervari@bistrodunarea.example"
    bistro.client.save(update_fields=["email"])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_smtp(settings, controller.port)
        with django_capture_on_commit_callbacks(execute=True):
            response = http.post(
                reverse("change_order_action", kwargs={"ws": ws, "pk": co.pk}), {"action": "retry"}
            )
        assert response.status_code == 302
        run_worker()
    finally:
        controller.stop()
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_to) == (
        "sent",
        "sent",
        "rezervari@bistrodunarea.example",
    )
    assert len(inbox.to("rezervari@bistrodunarea.example")) == 1
    assert LedgerEvent.objects.filter(project=bistro, type="change_order_issued").count() == 1


def test_without_a_deferring_queue_a_down_server_fails_after_one_attempt(
    world: World, bistro: Project, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    """The inline backend (tests, SCOPELINE_TASKS=immediate) cannot wait: the click's task
    tries once, and the owner sees the failure with the retry button."""
    use_smtp(settings, free_port())
    co = new_order(bistro, world.owner)
    http = world.http(world.owner)
    ws = world.workspace.slug
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            reverse("change_order_action", kwargs={"ws": ws, "pk": co.pk}),
            {"action": "send"},
            follow=True,
        )
    assert response.status_code == 200
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("draft", "failed", 1)
    assert nothing_issued(bistro)


def test_the_last_attempt_gives_up(world: World, bistro: Project, settings: Settings) -> None:
    use_smtp(settings, free_port())
    co = new_order(bistro, world.owner)
    ChangeOrder.objects.filter(pk=co.pk).update(
        delivery="queued",
        delivery_to=bistro.client.email,
        delivery_attempts=MAX_ATTEMPTS - 1,
        delivery_at=timezone.now(),
    )
    result = services.deliver(
        change_order_id=co.pk, actor_id=None, site_url="http://t", can_retry=True
    )
    assert result == services.Delivered("failed")
    co.refresh_from_db()
    assert (co.delivery, co.delivery_attempts) == ("failed", MAX_ATTEMPTS)
    assert Notification.objects.filter(change_order=co, kind="change_order_undelivered").exists()


def test_a_queued_order_is_locked_and_a_withdrawn_one_is_not_sent(
    world: World, bistro: Project, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    co = new_order(bistro, world.owner)
    with django_capture_on_commit_callbacks() as queued:
        services.send_by_email(co=co, actor=world.owner)
    with pytest.raises(services.ChangeOrderError, match="being_sent"):
        services.send_by_email(co=co, actor=world.owner)
    with pytest.raises(services.ChangeOrderError, match="being_sent"):
        services.mark_sent(co=co, actor=world.owner, site_url="http://t")
    with pytest.raises(services.ChangeOrderError, match="being_sent"):
        services.update_draft(
            co=co,
            actor=world.owner,
            title="Changed while queued",
            lines=[line("More", "1", "80")],
            days=0,
            valid_until=co.valid_until,
            terms="",
            concepts=0,
            revision_rounds=0,
        )
    with pytest.raises(services.ChangeOrderError, match="not_retryable"):
        services.retry_delivery(co=co, actor=world.owner)
    services.withdraw(co=co, actor=world.owner)
    for callback in queued:
        callback()  # the task runs after the withdrawal
    co.refresh_from_db()
    assert (co.status, co.delivery) == ("withdrawn", "")
    assert smtp.messages == []
    assert nothing_issued(bistro)


def test_an_order_being_sent_cannot_be_withdrawn(world: World, bistro: Project) -> None:
    co = new_order(bistro, world.owner)
    ChangeOrder.objects.filter(pk=co.pk).update(delivery="sending", delivery_at=timezone.now())
    with pytest.raises(services.ChangeOrderError, match="being_sent"):
        services.withdraw(co=co, actor=world.owner)


def test_lost_deliveries_are_queued_again(
    world: World, bistro: Project, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    waiting = new_order(bistro, world.owner, title="Queued, its task lost")
    crashed = new_order(bistro, world.owner, title="A worker died sending it")
    recent = new_order(bistro, world.owner, title="Queued a minute ago")
    long_ago = now - dt.timedelta(minutes=20)
    for co, state, when in (
        (waiting, "queued", long_ago),
        (crashed, "sending", long_ago),
        (recent, "queued", now - dt.timedelta(minutes=1)),
    ):
        ChangeOrder.objects.filter(pk=co.pk).update(
            delivery=state, delivery_to=bistro.client.email, delivery_at=when
        )
    http = world.http(world.owner)
    page = http.get(
        reverse("change_order_detail", kwargs={"ws": world.workspace.slug, "pk": waiting.pk})
    )
    assert "may not be running" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_deliveries(now=now) == 2
    for co in (waiting, crashed):
        co.refresh_from_db()
        assert co.status == ChangeOrder.Status.SENT, co.title
    recent.refresh_from_db()
    assert recent.delivery == "queued"
    assert len(smtp.messages) == 2


def test_owners_are_told_in_their_own_language(
    world: World, bistro: Project, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    world.owner.language = "ro"
    world.owner.save(update_fields=["language"])
    chen = User.objects.create_user("chen@example.com", PASSWORD, language="zh-hant")
    Membership.objects.create(workspace=world.workspace, user=chen, role=Membership.Role.OWNER)
    world.teammate.language = "fi"
    world.teammate.save(update_fields=["language"])

    yes, token = sent_order(bistro, world.owner, title="Rezervări online")
    no, _ = sent_order(bistro, world.owner, title="Meniu tipărit")
    with django_capture_on_commit_callbacks(execute=True):
        accept(yes, token, name="Ioana Popescu")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(
            link=services.resolve_link(token),
            number=no.number,
            comment="Prea scump pentru noi acum.",
            ip=None,
            user_agent="",
        )

    client = "Bistro Dunărea SRL"
    assert smtp.to("bob@example.com") == []  # a member, not an owner
    assert smtp.to("ioana@bistrodunarea.example") == []  # the client answered; no echo
    for address, lang in (("alice@example.com", "ro"), ("chen@example.com", "zh-hant")):
        accepted, declined = smtp.to(address)
        assert accepted["Subject"] == translated(
            lang, "%(client)s accepted change order %(number)s", client=client, number=yes.number
        )
        body = body_of(accepted)
        assert (
            translated(
                lang,
                "%(client)s accepted change order %(number)s (%(title)s); it was accepted in "
                "the client portal by %(name)s.",
                client=client,
                number=yes.number,
                title="Rezervări online",
                name="Ioana Popescu",
            )
            in body
        )
        link = f"{django_settings.SITE_URL}/w/{world.workspace.slug}/change-orders/{yes.pk}/"
        assert link in body
        assert declined["Subject"] == translated(
            lang, "%(client)s declined change order %(number)s", client=client, number=no.number
        )
        body = body_of(declined)
        assert translated(lang, "Their comment:") in body
        assert "Prea scump pentru noi acum." in body
    # The same message in two languages really differs.
    assert smtp.to("alice@example.com")[0]["Subject"] != smtp.to("chen@example.com")[0]["Subject"]


def test_an_owner_notification_that_cannot_be_mailed_does_not_undo_the_answer(
    world: World, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    use_smtp(settings, free_port())  # nothing listens there
    co, token = sent_order(world.project, world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        accept(co, token)
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED
    assert LedgerEvent.objects.filter(type="change_order_accepted").count() == 1
