"""The whole change order flow through the pages: decide → draft → send → portal → accept."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from scopeline.changeorders.models import ChangeOrder
from scopeline.inbox import services as inbox
from scopeline.projects.models import AgreementVersion, LedgerEvent
from scopeline.projects.selectors import project_facts
from tests.web.conftest import World


def test_from_a_decision_to_an_accepted_change_order(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.client.email = "matti@acme.example"
    world.client.save(update_fields=["email"])
    message = inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text="Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    assert message.suggested_action == "change_order"
    http = world.http(world.owner)
    ws = world.workspace.slug
    response = http.post(
        reverse("request_detail", kwargs={"ws": ws, "pk": message.pk}),
        {"action": "change_order", "tone": "neutral", "reply_text": "", "note": ""},
    )
    co = ChangeOrder.objects.get(request=message)
    assert response.status_code == 302
    assert response["Location"] == reverse("change_order_detail", kwargs={"ws": ws, "pk": co.pk})
    assert co.status == "draft"
    assert re.fullmatch(r"CO-\d{4}-001", co.number)
    assert co.total == message.price_amount
    assert http.get(response["Location"]).status_code == 200

    # Send: the e-mail is queued for the background worker, which runs once the click's
    # transaction commits. Until it has gone out the order is a draft that cannot be edited.
    with django_capture_on_commit_callbacks() as queued:
        response = http.post(
            reverse("change_order_action", kwargs={"ws": ws, "pk": co.pk}), {"action": "send"}
        )
    assert response.status_code == 302
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_to) == ("draft", "queued", "matti@acme.example")
    assert mail.outbox == []
    queued_page = http.get(response["Location"]).content.decode()
    assert "is being sent" in queued_page
    assert 'value="send"' not in queued_page
    edit = reverse("change_order_edit", kwargs={"ws": ws, "pk": co.pk})
    assert http.get(edit).status_code == 302
    assert len(queued) == 1
    queued[0]()  # the worker's turn (the tests' task backend runs tasks inline)
    co.refresh_from_db()
    assert (co.status, co.delivery, co.delivery_attempts) == ("sent", "sent", 1)
    assert co.delivered_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["matti@acme.example"]
    assert co.number in sent.subject
    url = re.search(r"http\S+/p/(\S+)/", str(sent.body))
    assert url is not None
    token = url.group(1)
    assert sent.attachments
    assert sent.attachments[0][0] == f"{co.number}.pdf"

    portal = HttpClient()
    page = portal.get(reverse("portal_change_order", kwargs={"token": token, "number": co.number}))
    assert page.status_code == 200
    assert '<html lang="fi">' in page.content.decode()
    digest = re.search(r'name="document" value="([0-9a-f]{64})"', page.content.decode())
    assert digest is not None
    versions = AgreementVersion.objects.filter(project=world.project).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            reverse("portal_change_order", kwargs={"token": token, "number": co.number}),
            {"answer": "accept", "name": "Matti", "terms": "on", "document": digest.group(1)},
            HTTP_USER_AGENT="pytest-browser",
        )
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.status == "accepted"
    assert co.accepted_name == "Matti"
    assert co.accepted_user_agent == "pytest-browser"
    assert co.document_sha256 == digest.group(1)
    assert AgreementVersion.objects.filter(project=world.project).count() == versions + 1
    assert (
        LedgerEvent.objects.filter(project=world.project, type="change_order_accepted").count() == 1
    )
    state = project_facts(world.project).state
    assert state.change_orders_total == co.total
    # The owner is told, by e-mail too.
    assert any("accepted" in m.subject for m in mail.outbox[1:])


def test_every_portal_answer_is_private_even_a_not_found(world: World) -> None:
    from scopeline.changeorders import services

    _link, token = services.create_portal_link(client=world.client, actor=world.owner)
    portal = HttpClient()
    for url, status in [
        (reverse("portal_home", kwargs={"token": token}), 200),
        (reverse("portal_change_order", kwargs={"token": token, "number": "CO-1999-001"}), 404),
        (reverse("portal_home", kwargs={"token": "not-a-token"}), 404),
    ]:
        response = portal.get(url)
        assert response.status_code == status, url
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
    # Pages outside the portal keep the site-wide policy.
    assert HttpClient().get(reverse("login"))["Referrer-Policy"] == "same-origin"
    assert "X-Robots-Tag" not in HttpClient().get(reverse("login"))


def test_portal_forms_speak_the_clients_language(world: World) -> None:
    from scopeline.changeorders import services

    world.client.language = "zh-Hant"
    world.client.save(update_fields=["language"])
    co = services.create_change_order(
        project=world.project,
        actor=world.owner,
        title="加提一款標誌提案",
        lines=[services.Line("加提一款標誌提案", Decimal(8), Decimal(80))],
    )
    services.mark_sent(co=co, actor=world.owner, site_url="http://x")
    _link, token = services.create_portal_link(client=world.client, actor=world.owner)
    page = HttpClient(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("portal_change_order", kwargs={"token": token, "number": co.number})
    )
    text = page.content.decode()
    assert '<html lang="zh-hant">' in text
    assert "：</label>" in text  # the full-width label suffix, not ":"
    assert ":</label>" not in text
