"""Issue 7's Done-when in a real browser: on the demo workspace the owner sees the Taiwanese
clinic in red on the overview, opens its health page (the red flags and their evidence),
follows "consider ending" to the exit kit, reads the letter in Traditional Chinese, switches
the tone, asks to leave the work out of the portfolio, saves, and sees it saved."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from scopeline.health.models import ClientHealth, ExitKitChoice
from scopeline.web import demo

from .conftest import Browsing

pytestmark = pytest.mark.e2e

CLINIC = "安心牙醫診所"
PROJECT = "安心牙醫診所品牌識別設計"


@pytest.fixture
def red(transactional_db: None, live_server: LiveServer) -> ClientHealth:
    """The demo workspace (five clients, their ledgers, a month of triaged messages), loaded
    before the browser starts: Django refuses database work beside Playwright's event loop."""
    demo.load_demo()
    row = ClientHealth.objects.get(client__name=CLINIC)
    assert row.consider_ending, row.flags
    return row


def in_thread(query: Any) -> Any:
    """Read the database from a thread without Playwright's running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(query).result()


def test_red_client_to_exit_kit(red: ClientHealth, browsing: Browsing) -> None:
    b = browsing
    page = b.page

    page.goto(b.url("/login/"))
    page.locator("main").get_by_label(re.compile("^E-mail")).fill(demo.DEMO_EMAIL)
    page.locator("main").get_by_label(re.compile("^Password")).fill(demo.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.goto(b.url(f"/w/{demo.WORKSPACE_SLUG}/"))

    # The overview: the clinic is red, and its name leads to its health.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Studio North")
    table = page.locator("#client-table")
    row = table.locator("tr", has=page.get_by_role("link", name=CLINIC))
    expect(row).to_contain_text("Consider ending")
    expect(row.locator(".score")).to_have_text(str(red.score))
    row.scroll_into_view_if_needed()
    b.shot(page, "overview")
    row.get_by_role("link", name=CLINIC).click()

    # The health page: the score, the band, every red flag with its evidence.
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLINIC)
    expect(page.locator("#score")).to_have_text(f"{red.score} / 100")
    expect(page.locator("#band")).to_have_text("consider ending")
    flags = page.locator("ol.flags > li")
    expect(flags).to_have_count(len(red.flags))
    expect(page.locator("ol.flags")).to_contain_text(
        "Beyond the agreed concepts or revision rounds"
    )
    expect(page.locator("ol.flags")).to_contain_text("Threats")
    expect(page.locator("svg.chart-trend")).to_be_visible()
    # The evidence of the first flag links to the client's messages or the ledger's rows.
    first = flags.first.locator("ul.evidence a").first
    expect(first).to_have_attribute("href", re.compile(r"/inbox/\d+/$|/projects/\d+/#event-\d+$"))
    b.shot(page, "health")

    # Consider ending: on to the exit kit of the active project.
    section = page.locator("#consider-ending")
    expect(section.get_by_role("heading", name="Consider ending")).to_be_visible()
    section.get_by_role("link", name=re.compile("Exit kit")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exit kit")
    letter = page.locator("textarea[name=text]")
    expect(letter).to_have_attribute("lang", "zh-Hant")
    neutral = letter.input_value()
    assert "林怡君" in neutral, neutral[:200]
    assert "訂金" in neutral, neutral[:200]
    assert len(re.findall(r"[\u4e00-\u9fff]", neutral)) > 200
    expect(page.locator(".kit-farewell")).to_have_attribute("lang", "zh-Hant")
    b.shot(page, "exit-kit")

    # The tone: warm. The letter changes, still in Traditional Chinese.
    page.locator("nav.tones").get_by_role("link", name="warm").click()
    expect(page.locator("nav.tones a[aria-current]")).to_have_text("warm")
    warm = letter.input_value()
    assert warm != neutral
    assert "林怡君" in warm
    page.get_by_label("Leave this work out of my portfolio").check()
    page.locator("fieldset.money-options").get_by_text("Keep the deposit").click()
    b.shot(page, "exit-kit-warm")
    page.get_by_role("button", name="Save").click()

    # Saved: the page says so and keeps the choices.
    expect(page.locator(".messages")).to_contain_text("Exit kit saved.")
    expect(page.locator("#saved")).to_contain_text("left out of the portfolio")
    expect(page.get_by_label("Leave this work out of my portfolio")).to_be_checked()
    expect(page.locator("nav.tones a[aria-current]")).to_have_text("warm")
    assert letter.input_value() == warm
    b.shot(page, "exit-kit-saved")
    choice = in_thread(lambda: ExitKitChoice.objects.get(project__name=PROJECT))
    assert (choice.tone, choice.money_option, choice.leave_out_of_portfolio, choice.text) == (
        "warm",
        "keep_deposit",
        True,
        "",
    )
