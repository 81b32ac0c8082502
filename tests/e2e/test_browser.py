"""The issue's Done-when, as a person does it in a real browser: sign up, add a Finnish client,
write the agreement in the editor, paste the client's message, read the verdict, switch the
reply's tone, decide, and see the decision in the project's ledger; and switch the interface to
Finnish from the footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Locator, Page, expect

from .conftest import REPO, Browsing

pytestmark = pytest.mark.e2e

PASSWORD = "plum orchard 4417 lantern"
MESSAGE = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
FI_CATALOGUE = REPO / "src" / "scopeline" / "locale" / "fi" / "LC_MESSAGES" / "django.po"
NAVIGATION = ("Overview", "Inbox", "Clients", "Projects", "Team", "Settings")


def field(page: Page, label: str) -> Locator:
    """The form field in the page's main part with this label (Django adds a colon)."""
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def sign_up(b: Browsing, *, name: str, email: str, studio: str) -> None:
    page = b.page
    page.goto(b.url("/"))
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    field(page, "Your name").fill(name)
    field(page, "E-mail address").fill(email)
    field(page, "Password").fill(PASSWORD)
    field(page, "Studio or business name").fill(studio)
    b.shot(page, "signup-form")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Add a client")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Welcome to Scopeline")
    expect(page.locator("header .user")).to_contain_text(email)


def draft(page: Page, tone: str) -> str:
    text = page.locator(f"template#draft-{tone}").evaluate("t => t.content.textContent")
    assert isinstance(text, str)
    return text.strip()


def reply_box(page: Page) -> str:
    return page.locator("#decide textarea[name=reply_text]").input_value().strip()


def test_scope_creep_from_signup_to_ledger(browsing: Browsing) -> None:
    b = browsing
    page = b.page
    sign_up(b, name="Maria Laine", email="maria@example.com", studio="Studio North")
    b.shot(page, "signed-up")

    # A Finnish company as the client.
    field(page, "Name").fill("Acme Oy")
    field(page, "Language").select_option("fi")
    field(page, "Contact person").fill("Matti Virtanen")
    b.shot(page, "client-form")
    page.get_by_role("button", name="Save").click()

    # The agreement editor, with the new client chosen.
    expect(page.get_by_role("heading", name="New project")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Client added")
    expect(field(page, "Client").locator("option:checked")).to_have_text("Acme Oy")
    field(page, "Project").fill("Corporate website for Acme Oy")
    field(page, "Currency").fill("EUR")
    field(page, "Price model").select_option("fixed")
    field(page, "Fixed price").fill("4800")
    field(page, "Hourly rate").fill("80")
    page.locator("[name=scope-0-id]").fill("pages")
    page.locator("[name=scope-0-title]").fill(
        "Five-page display website: Home, About, Products, News, Contact"
    )
    page.locator("[name=scope-0-quantity]").fill("5")
    page.locator("[name=scope-0-unit]").fill("page")
    page.locator("[name=scope-0-hours]").fill("30")
    page.locator("[name=exclusions-0-id]").fill("accounts")
    page.locator("[name=exclusions-0-title]").fill("User registration, member accounts or login")
    b.shot(page, "agreement-editor")
    page.get_by_role("button", name="Create the project").click()

    # Before signing: the lead check and the understanding check, then on to the project.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you sign")
    expect(page.locator(".messages")).to_contain_text("version 1")
    expect(page.locator("#lead-check .lead-verdict").first).to_have_text("realistic")
    b.shot(page, "before-you-sign")
    page.get_by_role("link", name="On to the project").click()

    # The project page: the agreement as written, an empty ledger, nothing in the inbox.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate website for Acme Oy")
    project_url = page.url
    agreement = page.locator(".split")
    expect(agreement).to_contain_text(
        re.compile(r"Fixed price €4,800(\.00)? · €80(\.00)? per hour")
    )
    expect(agreement).to_contain_text("User registration, member accounts or login")
    expect(page.locator("#ledger")).to_have_count(0)
    expect(page.get_by_text("Nothing recorded yet.")).to_be_visible()
    inbox_link = page.locator("nav.main").get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox_link.locator(".count")).to_have_count(0)
    b.shot(page, "project-created")

    # Paste the client's message for this project.
    page.get_by_role("link", name="Paste a client message").click()
    expect(field(page, "Project").locator("option:checked")).to_have_text(
        "Acme Oy – Corporate website for Acme Oy"
    )
    field(page, "The client's message").fill(MESSAGE)
    b.shot(page, "message-pasted")
    page.get_by_role("button", name="Read it").click()

    # The verdict: an addition and a threat, excluded by `accounts`, with a price.
    expect(page.get_by_role("heading", name="What it is")).to_be_visible()
    verdict = page.locator("#verdict")
    expect(verdict.locator(".kind.addition")).to_have_text("addition")
    expect(verdict.locator(".kind.threat")).to_have_text("threat")
    expect(verdict.locator("dd").nth(1)).to_have_text("Suomi")
    agreement_dd = verdict.locator("dt:text-is('Agreement') + dd")
    expect(agreement_dd).to_contain_text("excluded")
    expect(agreement_dd.locator("code")).to_have_text("accounts")
    expect(agreement_dd).to_contain_text("User registration, member accounts or login")
    expect(verdict.locator("dt:text-is('Price') + dd")).to_have_text(re.compile(r"^€[1-9][\d,]*"))
    suggested = verdict.locator("strong.action").inner_text().strip()
    assert suggested
    expect(inbox_link.locator(".count")).to_have_text("1")
    b.shot(page, "verdict")

    # Tone: the reply changes in place, without loading the page again.
    request_url = page.url.split("?")[0].split("#")[0]
    drafts = {tone: draft(page, tone) for tone in ("warm", "neutral", "firm")}
    assert len(set(drafts.values())) == 3, "the three tones should read differently"
    assert reply_box(page) == drafts["neutral"]
    page.evaluate("window.__sameDocument = true")
    tones = page.get_by_role("navigation", name="Tone")
    tones.get_by_role("link", name="warm", exact=True).click()
    expect(page.locator("#decide textarea[name=reply_text]")).to_have_value(
        re.compile(re.escape(drafts["warm"][:60]))
    )
    assert reply_box(page) == drafts["warm"]
    expect(tones.locator("[aria-current]")).to_have_text("warm")
    b.shot(page, "tone-warm")
    tones.get_by_role("link", name="firm", exact=True).click()
    assert reply_box(page) == drafts["firm"]
    expect(page.locator("#decide input[name=tone]")).to_have_value("firm")
    expect(page).to_have_url(re.compile(r"\?tone=firm#reply$"))
    assert page.evaluate("window.__sameDocument") is True, "the tone switch reloaded the page"
    b.shot(page, "tone-firm")

    # The same links work without JavaScript: a page load with the chosen draft.
    no_js = b.browser.new_context(
        java_script_enabled=False, storage_state=b.context.storage_state(), locale="en-US"
    )
    try:
        plain = no_js.new_page()
        plain.goto(request_url)
        assert reply_box(plain) == drafts["neutral"]
        plain.get_by_role("navigation", name="Tone").get_by_role(
            "link", name="warm", exact=True
        ).click()
        expect(plain).to_have_url(re.compile(r"\?tone=warm#reply$"))
        assert reply_box(plain) == drafts["warm"]
        expect(plain.locator("#decide input[name=tone]")).to_have_value("warm")
        b.shot(plain, "tone-warm-without-javascript")
    finally:
        no_js.close()

    # Decide: accept the suggested action, with the firm reply.
    decision = field(page, "Decision")
    expect(decision.locator("option:checked")).to_have_text(suggested)
    page.get_by_role("button", name="Decide and record").click()
    # A change order decision lands on its draft, priced as triage priced the request.
    expect(page.locator(".messages")).to_contain_text("Draft change order CO-")
    expect(page.locator("h1")).to_contain_text("CO-")
    b.shot(page, "change-order-draft")
    page.goto(request_url)
    expect(page.locator("#sent-reply")).to_have_text(drafts["firm"])
    expect(page.locator(".decided")).to_contain_text(f"Decided: {suggested}")
    expect(inbox_link.locator(".count")).to_have_count(0)
    b.shot(page, "decided")

    # The project page: the decision is in the ledger, and nothing is left unhandled.
    page.locator(".crumbs").get_by_role("link", name=re.compile("Corporate website")).click()
    expect(page).to_have_url(project_url)
    ledger = page.locator("#ledger tbody tr")
    expect(ledger).to_have_count(1)
    expect(ledger.first).to_contain_text("request decided")
    expect(ledger.first).to_contain_text(suggested)
    expect(ledger.first.get_by_role("link", name="message")).to_have_attribute(
        "href", re.compile(re.escape(request_url.removeprefix(b.base_url)) + "$")
    )
    expect(inbox_link.locator(".count")).to_have_count(0)
    messages = page.locator(".requests li")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text(suggested)
    expect(messages.first).not_to_contain_text("not handled")
    b.shot(page, "ledger")


def finnish_navigation(catalogue: Path) -> dict[str, str]:
    """The navigation's words that the Finnish catalogue translates (fuzzy entries are not)."""
    with catalogue.open("rb") as po:
        messages = read_po(po, locale="fi")
    found = {}
    for word in NAVIGATION:
        entry = messages.get(word)
        text = entry.string if entry is not None and not entry.fuzzy else None
        if isinstance(text, str) and text.strip():
            found[word] = text
    return found


def test_footer_switches_the_interface_to_finnish(browsing: Browsing) -> None:
    b = browsing
    page = b.page
    sign_up(b, name="Aino Virta", email="aino@example.com", studio="Aino Design")
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    b.shot(page, "english")

    page.locator("footer").get_by_label("Language").select_option("fi")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("footer select option:checked")).to_have_text(re.compile("^suomi$", re.I))
    b.shot(page, "finnish")

    # The navigation speaks Finnish as far as the catalogue does (until it is translated,
    # the page's language is the check).
    translated = finnish_navigation(FI_CATALOGUE)
    compiled = FI_CATALOGUE.with_suffix(".mo")
    links = page.locator("nav.main a")
    for english, finnish in translated.items():
        assert links.filter(has_text=finnish).count() == 1, (
            f"the fi catalogue translates {english!r} as {finnish!r}, but the navigation shows "
            f"{links.all_inner_texts()}; "
            + (
                f"{compiled.relative_to(REPO)} is missing: the catalogues must be compiled"
                if not compiled.exists()
                else f"is {compiled.relative_to(REPO)} older than the .po?"
            )
        )
    # The choice is the user's: it holds on the next page too.
    page.locator("nav.main a").nth(2).click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    b.shot(page, "finnish-next-page")
