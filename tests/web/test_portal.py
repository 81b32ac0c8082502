"""The client portal: a private link per client that shows that client's change orders and
nothing else, in the client's language; clear pages for unknown, expired and revoked links;
the token kept only as a hash; private responses, CSRF and a rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.fixtures import Settings

from scopeline.changeorders import ratelimit, services
from scopeline.changeorders.models import ChangeOrder, PortalLink
from scopeline.projects.models import AgreementVersion, LedgerEvent, Project
from tests.web.conftest import World, make_project
from tests.web.test_change_orders import (
    accept,
    document_hash,
    in_threads,
    needs_postgresql,
    new_order,
    sent_order,
)


@pytest.fixture
def bistro(world: World) -> Project:
    """A Romanian client in the same workspace as ``world.client``."""
    return make_project(world.workspace, world.owner, "bistro-dunarea")


def translated(lang: str, message: str) -> str:
    """``message`` in ``lang`` (a Django language code); fails when it is not translated."""
    with translation.override(lang):
        text = gettext(message)
    assert text != message, f"{message!r} has no {lang} translation"
    return text


def shows(page: str, text: str) -> bool:
    return escape(text) in page or text in page


def url(name: str, token: str, number: str | None = None) -> str:
    kwargs = {"token": token} if number is None else {"token": token, "number": number}
    return reverse(name, kwargs=kwargs)


def assert_private(response: Any) -> None:
    """The portal's pages carry the token in their address: they are never cached and never
    send it to another site as a referrer ("same-origin" rather than "no-referrer", with which
    browsers send ``Origin: null`` on the portal's own forms and the CSRF check refuses them)."""
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "no-store" in response["Cache-Control"]


def form_hash(page: str) -> str:
    found = re.search(r'name="document" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


# -- what a link shows -------------------------------------------------------------------------


def test_the_portal_shows_the_clients_projects_and_change_orders_in_their_language(
    world: World, bistro: Project
) -> None:
    co, token = sent_order(bistro, world.owner, title="Sistem de rezervări online")
    draft = new_order(bistro, world.owner, title="Ciornă nepublicată")
    withdrawn, _ = sent_order(bistro, world.owner, title="Retrasă")
    services.withdraw(co=withdrawn, actor=world.owner)

    http = HttpClient()
    response = http.get(url("portal_home", token))
    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert '<html lang="ro">' in page
    assert "Bistro Dunărea SRL" in page
    assert bistro.name in page
    assert co.number in page
    assert "Sistem de rezervări online" in page
    assert shows(page, translated("ro", "Waiting for your answer"))
    assert shows(page, translated("ro", "Our agreement"))
    # Drafts and withdrawn orders are the owner's business.
    assert draft.number not in page
    assert withdrawn.number not in page
    for hidden in (draft, withdrawn):
        assert http.get(url("portal_change_order", token, hidden.number)).status_code == 404
    link = PortalLink.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert link.last_used_at is not None

    response = http.get(url("portal_change_order", token, co.number))
    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert '<html lang="ro">' in page
    assert shows(page, translated("ro", "Your full name"))
    assert shows(page, translated("ro", "I accept this change order and its terms."))
    assert form_hash(page) == document_hash(co)


def test_a_link_shows_nothing_of_another_clients_change_orders(
    world: World, bistro: Project
) -> None:
    ours, our_token = sent_order(world.project, world.owner, title="Acme registration")
    theirs, their_token = sent_order(bistro, world.owner, title="Rezervări")
    accepted, _ = sent_order(bistro, world.owner, title="Meniu tipărit")
    accept(accepted, their_token, name="Ioana Popescu")
    # The stranger's workspace numbers on its own: his first order has our first number.
    strangers, strangers_token = sent_order(
        world.other_project, world.stranger, title="Charlie-only work"
    )
    assert strangers.number == ours.number

    http = HttpClient()
    home = http.get(url("portal_home", our_token)).content.decode()
    assert ours.number in home
    for other in (theirs, accepted):
        assert other.number not in home
        assert other.title not in home
    assert "Bistro" not in home
    assert "Charlie-only work" not in home

    for other in (theirs, accepted):
        for name in ("portal_change_order", "portal_pdf", "portal_document", "portal_record"):
            response = http.get(url(name, our_token, other.number))
            assert response.status_code == 404, name
            assert other.title not in response.content.decode()
    # Answering another client's order through our link does nothing.
    response = http.post(
        url("portal_change_order", our_token, theirs.number),
        {"answer": "accept", "name": "Mallory", "terms": "on", "document": document_hash(theirs)},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ChangeOrder.Status.SENT
    with pytest.raises(services.ChangeOrderError, match="unknown"):
        accept(theirs, our_token)
    with pytest.raises(services.ChangeOrderError, match="unknown"):
        services.decline(
            link=services.resolve_link(our_token),
            number=theirs.number,
            comment="",
            ip=None,
            user_agent="",
        )

    # The same number in another workspace is another order.
    mine = http.get(url("portal_change_order", our_token, ours.number)).content.decode()
    assert "Acme registration" in mine
    elsewhere = http.get(url("portal_change_order", strangers_token, ours.number))
    assert "Acme registration" not in elsewhere.content.decode()
    assert "Charlie-only work" in elsewhere.content.decode()


def test_an_unknown_token_gets_the_not_found_page(world: World) -> None:
    sent_order(world.project, world.owner)
    http = HttpClient()
    for token in ("nope", "x" * 43, "a" * 101):
        for name, number in (("portal_home", None), ("portal_change_order", "CO-2026-001")):
            response = http.get(url(name, token, number))
            assert response.status_code == 404
            assert_private(response)
            page = response.content.decode()
            assert shows(page, gettext("Link not found"))
            assert "Acme" not in page
    response = http.post(
        url("portal_change_order", "nope", "CO-2026-001"), {"answer": "decline", "comment": ""}
    )
    assert response.status_code == 404


def test_expired_and_revoked_links_get_a_clear_page_in_the_clients_language(
    world: World, bistro: Project
) -> None:
    co, token = sent_order(bistro, world.owner)
    link = services.resolve_link(token)
    http = HttpClient()
    PortalLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for name, number in (
        ("portal_home", None),
        ("portal_change_order", co.number),
        ("portal_pdf", co.number),
    ):
        response = http.get(url(name, token, number))
        assert response.status_code == 410, name
        assert_private(response)
        page = response.content.decode()
        assert '<html lang="ro">' in page
        assert shows(page, translated("ro", "This link has expired"))
        assert co.title not in page
    response = http.post(
        url("portal_change_order", token, co.number),
        {"answer": "accept", "name": "Ioana", "terms": "on", "document": document_hash(co)},
    )
    assert response.status_code == 410
    with pytest.raises(services.PortalError, match="expired"):
        services.resolve_link(token)

    # A fresh link works until an owner's teammate switches it off.
    _link, fresh = services.create_portal_link(client=bistro.client, actor=world.owner)
    assert http.get(url("portal_home", fresh)).status_code == 200
    new = PortalLink.objects.get(client=bistro.client, revoked_at=None, pk__gt=link.pk)
    teammate = world.http(world.teammate)
    revoke = reverse("portal_link_revoke", kwargs={"ws": world.workspace.slug, "pk": new.pk})
    response = teammate.post(revoke)
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.revoked_at is not None
    response = http.get(url("portal_change_order", fresh, co.number))
    assert response.status_code == 410
    page = response.content.decode()
    assert '<html lang="ro">' in page
    assert shows(page, translated("ro", "This link no longer works"))
    with pytest.raises(services.PortalError, match="revoked"):
        services.resolve_link(fresh)
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT


def test_the_token_is_shown_once_and_stored_only_as_its_hash(world: World) -> None:
    owner = world.http(world.owner)
    ws = world.workspace.slug
    detail = reverse("client_detail", kwargs={"ws": ws, "pk": world.client.pk})
    response = owner.post(reverse("portal_link_new", kwargs={"ws": ws, "pk": world.client.pk}))
    assert response["Location"] == detail
    page = owner.get(detail).content.decode()
    found = re.findall(re.escape(django_settings.SITE_URL) + r"/p/([A-Za-z0-9_-]+)/", page)
    assert len(found) == 1, found  # shown once on the page, and not in its <title>
    token = found[0]
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert token not in title.group(1)
    assert token not in owner.get(detail).content.decode()  # and only once

    link = PortalLink.objects.get(client=world.client)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.hint == token[:6]
    assert len(token) >= 40
    # Nowhere in the database: not the link, the audit trail or the session.
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert token not in dump.getvalue()
    assert link.token_hash in dump.getvalue()
    assert HttpClient().get(url("portal_home", token)).status_code == 200
    # The hash itself is not a token.
    assert HttpClient().get(url("portal_home", link.token_hash)).status_code == 404


# -- answering ----------------------------------------------------------------------------------


def test_the_client_accepts_and_downloads_what_was_accepted(
    world: World, bistro: Project, django_capture_on_commit_callbacks: Any
) -> None:
    co, token = sent_order(bistro, world.owner, title="Sistem de rezervări online")
    http = HttpClient()
    address = url("portal_change_order", token, co.number)
    digest = form_hash(http.get(address).content.decode())

    # The terms box is required; nothing is accepted without it.
    response = http.post(address, {"answer": "accept", "name": "Ioana", "document": digest})
    assert response.status_code == 200
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            address,
            {"answer": "accept", "name": "Ioana Popescu", "terms": "on", "document": digest},
            HTTP_USER_AGENT="Mozilla/5.0 (pytest)",
        )
    assert response.status_code == 302
    assert response["Location"] == address
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED
    assert (co.accepted_name, co.accepted_ip, co.accepted_user_agent) == (
        "Ioana Popescu",
        "127.0.0.1",
        "Mozilla/5.0 (pytest)",
    )

    page = http.get(address)
    assert_private(page)
    assert "Ioana Popescu" in page.content.decode()
    document = http.get(url("portal_document", token, co.number))
    assert_private(document)
    assert hashlib.sha256(document.content).hexdigest() == co.document_sha256 == digest
    record = http.get(url("portal_record", token, co.number))
    assert_private(record)
    data = json.loads(record.content)
    assert (data["change_order"], data["accepted_by"], data["document_sha256"]) == (
        co.number,
        "Ioana Popescu",
        digest,
    )
    assert data["title"] == "Sistem de rezervări online"

    # A second answer is refused with a clear message, in the client's language.
    response = http.post(
        address, {"answer": "accept", "name": "Someone else", "terms": "on", "document": digest}
    )
    assert response.status_code == 409
    assert_private(response)
    assert shows(
        response.content.decode(), translated("ro", "This change order has already been accepted.")
    )
    response = http.post(address, {"answer": "decline", "comment": "Changed my mind"})
    assert response.status_code == 409
    co.refresh_from_db()
    assert (co.status, co.accepted_name, co.decline_comment) == ("accepted", "Ioana Popescu", "")
    assert LedgerEvent.objects.filter(project=bistro, type="change_order_accepted").count() == 1


def test_the_client_declines_with_a_comment(world: World, bistro: Project) -> None:
    co, token = sent_order(bistro, world.owner)
    http = HttpClient()
    address = url("portal_change_order", token, co.number)
    response = http.post(address, {"answer": "decline", "comment": "  Prea scump.  "})
    assert response.status_code == 302
    co.refresh_from_db()
    assert (co.status, co.decline_comment) == ("declined", "Prea scump.")
    event = LedgerEvent.objects.get(project=bistro, type="change_order_declined")
    assert event.data["note"] == "declined"
    page = http.get(address).content.decode()
    assert shows(page, translated("ro", "You declined this change order."))
    response = http.post(
        address,
        {"answer": "accept", "name": "Ioana", "terms": "on", "document": document_hash(co)},
    )
    assert response.status_code == 409
    assert shows(
        response.content.decode(),
        translated("ro", "This change order was declined; it can no longer be accepted."),
    )


def test_a_document_that_changed_since_it_was_read_is_not_accepted(
    world: World, bistro: Project
) -> None:
    co, token = sent_order(bistro, world.owner)
    http = HttpClient()
    address = url("portal_change_order", token, co.number)
    digest = form_hash(http.get(address).content.decode())
    bistro.client.contact = "Andrei Ionescu"
    bistro.client.save(update_fields=["contact"])
    response = http.post(
        address, {"answer": "accept", "name": "Ioana", "terms": "on", "document": digest}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert shows(
        page,
        translated(
            "ro",
            "The change order changed while you were reading it. Please read it again "
            "before you accept.",
        ),
    )
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT
    # The page now carries the new document's hash, and accepting it works.
    fresh = form_hash(page)
    assert fresh != digest
    response = http.post(
        address, {"answer": "accept", "name": "Ioana", "terms": "on", "document": fresh}
    )
    assert response.status_code == 302


def test_an_order_past_its_date_shows_as_expired_and_cannot_be_accepted(
    world: World, bistro: Project
) -> None:
    co, token = sent_order(bistro, world.owner)
    digest = document_hash(co)
    ChangeOrder.objects.filter(pk=co.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    http = HttpClient()
    address = url("portal_change_order", token, co.number)
    response = http.post(
        address, {"answer": "accept", "name": "Ioana", "terms": "on", "document": digest}
    )
    assert response.status_code == 409
    assert shows(
        response.content.decode(),
        translated("ro", "This change order has expired; please ask us for a new one."),
    )
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.EXPIRED  # the page expired it first
    assert not AgreementVersion.objects.filter(project=bistro, source="change_order").exists()


# -- protections ----------------------------------------------------------------------------------


def test_every_portal_response_is_private(world: World) -> None:
    co, token = sent_order(world.project, world.owner)
    accept(co, token)
    http = HttpClient()
    for name, number in (
        ("portal_home", None),
        ("portal_change_order", co.number),
        ("portal_pdf", co.number),
        ("portal_document", co.number),
        ("portal_record", co.number),
    ):
        response = http.get(url(name, token, number))
        assert response.status_code == 200, name
        assert_private(response)
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = http.get(url("portal_home", token)).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_portal_answers_need_the_csrf_token(world: World) -> None:
    co, token = sent_order(world.project, world.owner)
    http = HttpClient(enforce_csrf_checks=True)
    address = url("portal_change_order", token, co.number)
    page = http.get(address).content.decode()
    digest = form_hash(page)
    answer = {"answer": "accept", "name": "Matti", "terms": "on", "document": digest}
    assert http.post(address, answer).status_code == 403
    assert http.post(address, {"answer": "decline", "comment": "x"}).status_code == 403
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    response = http.post(address, answer | {"csrfmiddlewaretoken": csrf.group(1)})
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED


def test_too_many_requests_from_one_address_get_429(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PORTAL_RATE = {"GET": 3, "POST": 2}
    clock = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock[0]))
    co, token = sent_order(world.project, world.owner)
    http = HttpClient()
    home = url("portal_home", token)
    address = url("portal_change_order", token, co.number)

    assert [http.get(home).status_code for _ in range(3)] == [200, 200, 200]
    limited = http.get(address)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert world.client.name not in limited.content.decode()
    # X-Forwarded-For is not trusted unless the app is told it runs behind a proxy.
    assert http.get(home, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    # Another address has its own count; so have answers (POSTs).
    assert http.get(home, REMOTE_ADDR="198.51.100.10").status_code == 200
    posts = [http.post(address, {"answer": "decline", "comment": ""}).status_code for _ in range(2)]
    assert posts == [302, 409]
    assert http.post(address, {"answer": "decline", "comment": ""}).status_code == 429

    clock[0] += 60  # the next minute starts a new count
    assert http.get(home).status_code == 200
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.DECLINED


def test_behind_a_proxy_the_forwarded_address_is_counted(world: World, settings: Settings) -> None:
    settings.PORTAL_RATE = {"GET": 1, "POST": 1}
    settings.SCOPELINE_BEHIND_PROXY = True
    _co, token = sent_order(world.project, world.owner)
    http = HttpClient()
    home = url("portal_home", token)
    assert http.get(home, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1").status_code == 200
    assert http.get(home, HTTP_X_FORWARDED_FOR="198.51.100.2, 10.0.0.1").status_code == 200
    assert http.get(home, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_clients_accepting_at_once_accept_once(world: World, settings: Settings) -> None:
    settings.PORTAL_RATE = {"GET": 1000, "POST": 1000}
    count = 20
    co, token = sent_order(world.project, world.owner)
    address = url("portal_change_order", token, co.number)
    digest = form_hash(HttpClient().get(address).content.decode())
    versions = AgreementVersion.objects.filter(project=world.project).count()

    def post(i: int) -> int:
        response = HttpClient().post(
            address,
            {"answer": "accept", "name": f"Signer {i}", "terms": "on", "document": digest},
        )
        return response.status_code

    codes = in_threads(count, post)
    assert sorted(str(code) for code in codes) == ["302"] + ["409"] * (count - 1), codes
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED
    assert co.accepted_name.startswith("Signer ")
    assert (
        LedgerEvent.objects.filter(project=world.project, type="change_order_accepted").count() == 1
    )
    assert AgreementVersion.objects.filter(project=world.project).count() == versions + 1
