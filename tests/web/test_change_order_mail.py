"""The change order e-mails, sent through a real SMTP server on 127.0.0.1 that the tests start
(aiosmtpd): the client's message in the client's language with the portal link and the PDF,
and the owners' notifications in each owner's language."""

from __future__ import annotations

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
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from scopeline.accounts.models import Membership, User
from scopeline.changeorders import services
from scopeline.changeorders.models import ChangeOrder, PortalLink
from scopeline.core.money import format_money
from scopeline.projects.models import LedgerEvent, Project
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
    world: World, bistro: Project, smtp: Inbox
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
    response = http.post(action, {"action": "send"})
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT

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


def test_the_finnish_client_gets_the_finnish_email(world: World, smtp: Inbox) -> None:
    world.client.email = "matti.virtanen@acme.example"
    world.client.save(update_fields=["email"])
    co = new_order(world.project, world.owner, title="Jäsenrekisteröinti")
    services.send_change_order(co=co, actor=world.owner, site_url="https://app.example")
    (message,) = smtp.to("matti.virtanen@acme.example")
    assert message["Content-Language"] == "fi"
    assert message["Subject"] == translated(
        "fi", "Change order %(number)s: %(title)s", number=co.number, title="Jäsenrekisteröinti"
    )
    body = body_of(message)
    assert translated("fi", "Dear %(name)s,", name="Matti Virtanen") in body
    assert "https://app.example/p/" in body
    assert format_money(Decimal("800"), "EUR", "fi") in body


def test_a_mail_server_that_is_down_changes_nothing(
    world: World, bistro: Project, settings: Settings
) -> None:
    use_smtp(settings, free_port())  # nothing listens there
    co = new_order(bistro, world.owner)
    with pytest.raises(ConnectionRefusedError):
        services.send_change_order(co=co, actor=world.owner, site_url="http://t")
    http = world.http(world.owner)
    ws = world.workspace.slug
    response = http.post(
        reverse("change_order_action", kwargs={"ws": ws, "pk": co.pk}),
        {"action": "send"},
        follow=True,
    )
    assert response.status_code == 200
    assert "nothing was changed" in response.content.decode()
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.DRAFT
    assert co.sent_at is None
    assert not PortalLink.objects.filter(client=bistro.client).exists()
    assert not LedgerEvent.objects.filter(project=bistro, type="change_order_issued").exists()


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
