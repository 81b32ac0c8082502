"""End-to-end tests: the real app, served by pytest-django's ``live_server``, driven in Debian's
headless Chromium through Playwright's sync API (never a browser that Playwright downloads).

Each test gets its own browser, launched after the test database is set up and closed before
it is flushed: Playwright's sync API keeps an event loop running in the main thread, and Django
refuses database work in a thread with a running loop. Playwright gives every launch a fresh,
temporary profile (user-data dir) of its own. Screenshots of every step land in
``test-artifacts/e2e/<test>/NN-step.png`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_OUTCOME = pytest.StashKey[pytest.TestReport]()
# The first triage loads the engine (about two seconds); every other step is quicker.
TIMEOUT_MS = 20_000


@dataclass
class Screenshots:
    """Numbered full-page screenshots of one test's steps."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def __call__(self, page: Page, step: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@dataclass
class Browsing:
    """A logged-out browser at the live server's address."""

    browser: Browser
    context: BrowserContext
    page: Page
    base_url: str
    shot: Screenshots

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_OUTCOME] = report
    return report


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return Screenshots(folder)


@pytest.fixture
def browsing(
    request: pytest.FixtureRequest,
    transactional_db: None,
    live_server: LiveServer,
    screenshots: Screenshots,
) -> Iterator[Browsing]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the end-to-end tests need Debian's chromium "
            "(`make setup` installs it; or `apt-get install chromium`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                locale="en-US",
                timezone_id="Europe/Helsinki",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            yield Browsing(browser, context, page, live_server.url, screenshots)
            report = request.node.stash.get(_OUTCOME, None)
            if report is not None and report.failed and not page.is_closed():
                screenshots(page, "failure")
        finally:
            browser.close()
