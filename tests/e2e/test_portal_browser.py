"""Issue 6's Done-when, as people do it in a real browser: the owner turns a triaged request into a
change order and sends it; the client opens the portal link (no account), reads it in Romanian and
accepts; the owner then sees the agreement's new version, the accepted change order and the
notification."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from babel.dates import get_month_names
from babel.messages.pofile import read_po
from babel.numbers import parse_decimal
from django.core import mail
from playwright.sync_api import Locator, Page, expect
from pytest_django.fixtures import Settings

from scopeline.web import i18n

from .conftest import REPO, Browsing

pytestmark = pytest.mark.e2e

PASSWORD = "plum orchard 4417 lantern"
AGREEMENT = REPO / "examples" / "bistro-dunarea.yaml"
RO_CATALOGUE = REPO / "src" / "scopeline" / "locale" / "ro" / "LC_MESSAGES" / "django.po"
CLIENT = "Bistro Dunărea SRL"
CLIENT_EMAIL = "ioana@bistrodunarea.example"
SIGNER = "Ioana Popescu"
PROJECT = "Site de prezentare și meniu digital pentru Bistro Dunărea"
# An online table-reservation system: the agreement excludes it (`rezervari`), so the engine
# prices it as a change order.
MESSAGE = (
    "Bună ziua, am vrea să adăugăm pe site un sistem de rezervări online pentru mese, "
    "ca clienții să poată rezerva direct."
)


def field(page: Page, label: str) -> Locator:
    """The form field in the page's main part with this label (Django adds a colon)."""
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


@cache
def _ro_catalogue() -> dict[str, str]:
    with RO_CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="ro")
    found: dict[str, str] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if isinstance(text, str) and text.strip():
            found[msgid] = text
    return found


def ro(msgid: str, **values: str) -> str:
    """What a Romanian page shows for ``msgid``: the ro catalogue's translation when it has one
    (fuzzy entries are not used), else the English text, as Django falls back."""
    text = _ro_catalogue().get(msgid, msgid)
    return text % values if values else text


def mo_hint() -> str:
    compiled = RO_CATALOGUE.with_suffix(".mo")
    if not compiled.exists():
        return f"{compiled.relative_to(REPO)} is missing: the catalogues must be compiled"
    return f"is {compiled.relative_to(REPO)} older than the .po?"


def expect_text(where: Locator, msgid: str, **values: str) -> None:
    """``where`` shows ``msgid`` as the ro catalogue says it (with ``values`` filled in)."""
    text = ro(msgid, **values)
    assert text in where.inner_text(), (
        f"expected {text!r} (the ro catalogue's {msgid!r}) in {where.inner_text()!r}; {mo_hint()}"
    )


def romanian_date() -> re.Pattern[str]:
    months = "|".join(re.escape(m) for m in get_month_names("wide", locale="ro").values())
    return re.compile(rf"\b\d{{1,2}} ({months}) \d{{4}}\b")


def sign_up(b: Browsing) -> None:
    page = b.page
    page.goto(b.url("/signup/"))
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    field(page, "Your name").fill("Andrei Ionescu")
    field(page, "E-mail address").fill("andrei@atelierpixel.example")
    field(page, "Password").fill(PASSWORD)
    field(page, "Studio or business name").fill("Atelier Pixel")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Add a client")).to_be_visible()


def add_client_and_import(b: Browsing) -> str:
    """The Romanian restaurant as a client with an e-mail address, and its agreement imported
    from the example file. Returns the project page's address."""
    page = b.page
    field(page, "Name").fill(CLIENT)
    field(page, "Language").select_option("ro")
    field(page, "Contact person").fill(SIGNER)
    field(page, "E-mail").fill(CLIENT_EMAIL)
    b.shot(page, "client-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="New project")).to_be_visible()

    page.get_by_role("link", name="Or import an agreement file.").click()
    expect(page.get_by_role("heading", name="Import an agreement file")).to_be_visible()
    field(page, "Client").select_option(label=CLIENT)
    field(page, "Agreement file (YAML or JSON)").set_input_files(AGREEMENT)
    b.shot(page, "import-form")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROJECT)
    expect(page.locator(".messages")).to_contain_text(
        "Project created from bistro-dunarea.yaml with 3 ledger entries."
    )
    # A new project opens on "Before you sign" (the lead check); then on to the project.
    page.get_by_role("link", name="On to the project").click()
    expect(page.locator(".split")).to_contain_text("Sistem de rezervări online")
    b.shot(page, "project-imported")
    return page.url


def test_change_order_accepted_in_the_portal_in_romanian(
    browsing: Browsing, settings: Settings
) -> None:
    b = browsing
    page = b.page
    # The links in e-mails and on the page point at the server the browser talks to.
    settings.SITE_URL = b.base_url
    sign_up(b)
    project_url = add_client_and_import(b)

    # The client's message: an addition the agreement excludes, priced as a change order.
    page.get_by_role("link", name="Paste a client message").click()
    field(page, "The client's message").fill(MESSAGE)
    page.get_by_role("button", name="Read it").click()
    verdict = page.locator("#verdict")
    expect(verdict.locator(".kind.addition")).to_have_text("addition")
    expect(verdict.locator("dt:text-is('Agreement') + dd code")).to_have_text("rezervari")
    expect(verdict.locator("strong.action")).to_have_text("Change order (priced)")
    b.shot(page, "verdict")

    # Decide "change order": the draft, numbered, priced, in the client's language.
    expect(field(page, "Decision").locator("option:checked")).to_have_text("Change order (priced)")
    page.get_by_role("button", name="Decide and record").click()
    expect(page).to_have_url(re.compile(r"/change-orders/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"Draft change order CO-\d{4}-001")
    )
    heading = page.get_by_role("heading", level=1)
    expect(heading.locator(".status.draft")).to_have_text("Draft")
    number_match = re.search(r"CO-\d{4}-001", heading.inner_text())
    assert number_match is not None
    number = number_match.group(0)
    owner_co_url = page.url
    total_dd = page.locator("dl.facts dt:text-is('Total') + dd")
    amount = re.search(r"[\d,]+(\.\d+)?", total_dd.inner_text())
    assert amount is not None, total_dd.inner_text()
    assert total_dd.inner_text().startswith("RON"), total_dd.inner_text()
    total = parse_decimal(amount.group(0), locale="en_US")
    assert total > Decimal(0)
    total_ro = i18n.money(total, "RON", "ro")
    # The document as the client will see it is already in Romanian.
    preview = page.frame_locator("iframe.document").locator("html")
    expect(preview).to_have_attribute("lang", "ro")
    b.shot(page, "draft")

    # Send it: a worker e-mails the client the PDF and the portal link (the test server runs
    # tasks at once, so the page after the redirect already shows it sent).
    send = page.get_by_role("button", name=f"Send to {CLIENT_EMAIL}")
    send.click()
    expect(page.locator(".messages")).to_contain_text(f"The e-mail to {CLIENT_EMAIL} is on its way")
    page.reload()
    expect(heading.locator(".status.sent")).to_have_text("Sent")
    b.shot(page, "sent")
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    sent = mail.outbox[0]
    assert sent.to == [CLIENT_EMAIL]
    assert number in sent.subject
    assert sent.attachments
    assert sent.attachments[0][0] == f"{number}.pdf"
    body = str(sent.body)
    link = re.search(r"https?://\S+/p/\S+/", body)
    assert link is not None, body
    shown = link.group(0)
    assert shown.startswith(b.base_url + "/p/"), shown
    # The link travels only in the e-mail: the owner's page never shows it.
    expect(page.locator("#portal-url")).to_have_count(0)

    # The client: a fresh browser (no login, an English browser), the link from the e-mail.
    client_context = b.browser.new_context(
        locale="en-US", timezone_id="Europe/Bucharest", viewport={"width": 1280, "height": 900}
    )
    try:
        portal = client_context.new_page()
        portal.goto(link.group(0))
        expect(portal.locator("html")).to_have_attribute("lang", "ro")
        expect(portal.get_by_role("heading", level=1)).to_have_text(CLIENT)
        expect_text(portal.locator("header.top"), "Client portal")
        b.shot(portal, "portal-home")
        expect(portal.locator(".portal-project h2")).to_have_text(PROJECT)
        # The first table lists the change orders; the agreement's own tables follow it.
        orders = portal.locator(".portal-project table.data").first.locator("tbody tr")
        expect(orders).to_have_count(1)
        expect(orders.first).to_contain_text(total_ro)
        expect_text(orders.first, "Waiting for your answer")
        orders.first.get_by_role("link", name=number).click()

        # The change order, in Romanian: the page, its labels, and the document itself.
        expect(portal).to_have_url(re.compile(rf"/p/\S+/co/{number}/$"))
        expect(portal.locator("html")).to_have_attribute("lang", "ro")
        expect(portal.get_by_role("heading", level=1)).to_have_text(number)
        main = portal.locator("main")
        for label in ("Download the PDF", "Accept", "Decline"):
            expect_text(main, label)
        document = portal.frame_locator("iframe.document")
        expect(document.locator("html")).to_have_attribute("lang", "ro")
        doc = document.locator("article.doc")
        expect(doc).to_contain_text(PROJECT)
        expect(doc).to_contain_text(total_ro)
        expect(doc.locator("table.facts")).to_contain_text(romanian_date())
        expect_text(doc, "Change order %(number)s", number=number)
        for label in ("Work", "Hours", "Rate", "Amount", "Total", "Schedule", "Terms"):
            expect_text(doc, label)
        title = document.locator("title")
        assert ro("Change order %(number)s", number=number) in (title.text_content() or ""), (
            title.text_content(),
            mo_hint(),
        )
        accept = portal.locator("button[name=answer][value=accept]")
        expect(accept).to_have_text(ro("Accept (%(total)s)", total=total_ro))
        b.shot(portal, "portal-change-order")

        # Accept: the name, the terms, the button.
        portal.get_by_label(ro("Your full name")).fill(SIGNER)
        portal.get_by_label(ro("I accept this change order and its terms.")).check()
        b.shot(portal, "portal-filled")
        accept.click()
        record = portal.locator(".record")
        expect(record).to_be_visible()
        expect(portal.locator("html")).to_have_attribute("lang", "ro")
        expect(accept).to_have_count(0)
        expect(record).to_contain_text(SIGNER)
        accepted_line = ro("Accepted by %(name)s on %(when)s.", name=SIGNER, when="WHEN")
        before, _, after = accepted_line.partition("WHEN")
        expect(record.locator("p").first).to_have_text(
            re.compile(rf"^{re.escape(before)}.+{re.escape(after)}$")
        )
        b.shot(portal, "portal-accepted")

        # The acceptance record: what was accepted, by whom, from where, with the document's hash.
        with portal.expect_download() as download_info:
            record.get_by_role("link", name=ro("The acceptance record")).click()
        download = download_info.value
        assert download.suggested_filename == f"{number}-acceptance.json"
        facts = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert facts["change_order"] == number
        assert facts["status"] == "accepted"
        assert facts["accepted_by"] == SIGNER
        assert Decimal(facts["total"]) == total
        assert facts["currency"] == "RON"
        assert facts["ip"] == "127.0.0.1"
        assert "Chrome" in facts["user_agent"]
        assert re.fullmatch(r"[0-9a-f]{64}", facts["document_sha256"])
        # The accepted document is the frozen one whose hash was recorded.
        with portal.expect_download() as download_info:
            record.get_by_role("link", name=ro("The accepted document")).click()
        frozen = Path(download_info.value.path()).read_bytes()
        assert hashlib.sha256(frozen).hexdigest() == facts["document_sha256"]
        assert b'<html lang="ro">' in frozen
    finally:
        client_context.close()

    # Back as the owner: the notification, the record, the new agreement version, the project.
    page.goto(owner_co_url)
    nav_link = page.locator("nav.main").get_by_role("link", name=re.compile("^Change orders"))
    expect(nav_link.locator(".count")).to_have_text("1")
    expect(heading.locator(".status.accepted")).to_have_text("Accepted")
    owner_record = page.locator("section.record")
    expect(owner_record).to_contain_text(SIGNER)
    expect(owner_record).to_contain_text(facts["document_sha256"])
    expect(page.get_by_role("button", name=f"Send to {CLIENT_EMAIL}")).to_have_count(0)
    b.shot(page, "owner-accepted")
    # The owner is told by e-mail as well.
    assert any(number in m.subject and "accepted" in m.subject for m in mail.outbox[1:]), [
        m.subject for m in mail.outbox
    ]

    # The change orders page leads to the answers; reading them clears the count.
    nav_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change orders")
    row = page.locator("table.data tbody tr").filter(has_text=number)
    expect(row.locator(".status.accepted")).to_have_text("Accepted")
    b.shot(page, "change-orders")
    page.get_by_role("link", name="1 new answer from a client").click()
    expect(page.get_by_role("heading", name="Answers from clients")).to_be_visible()
    unread = page.locator("li.unread")
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text(f"{number} · {CLIENT} accepted")
    b.shot(page, "notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("li.unread")).to_have_count(0)
    expect(nav_link.locator(".count")).to_have_count(0)

    # The project: the change order accepted, in the ledger too, and the agreement's version 2.
    page.goto(project_url)
    listed = page.locator("ul.plain li").filter(has_text=number)
    expect(listed).to_have_count(1)
    expect(listed.locator(".status.accepted")).to_have_text("Accepted")
    expect(page.locator("#ledger tbody tr").first).to_contain_text("change order accepted")
    b.shot(page, "project")

    page.get_by_role("link", name="version 2, history").click()
    expect(page.get_by_role("heading", name="Agreement history")).to_be_visible()
    versions = page.locator("ol.versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Version 2")
    expect(versions.first).to_contain_text("change order accepted")
    expect(versions.first).to_contain_text(number)
    expect(versions.first).to_have_attribute("aria-current", "true")
    expect(page.locator("section h2")).to_contain_text("Version 2")
    expect(page.locator("table.data").first).to_contain_text(number.lower())
    b.shot(page, "agreement-history")
