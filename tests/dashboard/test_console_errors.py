"""Every page in a real browser (Debian's Chromium, driven by Playwright) against `python app.py`, signed
out and signed in as a governor (whose work is every staff page), raises no console error and no script
error: neither Dash's "ID not found in layout" for the callbacks of the pages not shown, nor React's."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.browser import signed_in_at
from tests.processes import Server, serving

GOVERNOR = "gubernur_dki"
PUBLIC = ["/", "/?layar=dinding", "/?layar=terang", "/wilayah", "/wilayah/31.71", "/peringkat", "/lacak", "/tidak-ada-halaman-ini"]
SIGNED_IN = ["/", "/?layar=dinding", "/wilayah", "/wilayah/31.71", "/peringkat", "/lacak", "/antrian", "/validasi", "/meja", "/triase",
             "/surat-mati", "/tidak-ada-halaman-ini"]
SETTLE_MS = 2500  # Dash wires callbacks, and logs their missing ids, after the layout arrives

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("console"), {GOVERNOR: ("governor",)},
                 PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        yield server


def listen(page: Page) -> list[str]:
    """The page's console errors and script errors, as they come. The browser's own line for a
    document answered 404 (the not-found page's status, on purpose) is the only one left out."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        own_404 = message.text.startswith("Failed to load resource") and "404" in message.text \
            and message.location.get("url") == page.url
        if message.type == "error" and not own_404:
            problems.append(f"{page.url}: {message.text[:300]}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def visit(page: Page, url: str, path: str) -> None:
    page.goto(f"{url}{path}")
    page.wait_for_selector("#_pages_content > *")
    page.wait_for_timeout(SETTLE_MS)


def test_no_page_logs_an_error_signed_out(pantau: Server, browser: Browser):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    problems = listen(page)
    for path in PUBLIC:
        visit(page, pantau.url, path)
    assert problems == []


def test_no_page_logs_an_error_signed_in(pantau: Server, browser: Browser):
    page, errors = signed_in_at(browser, pantau.url, "/antrian", GOVERNOR)
    problems = listen(page)
    for path in SIGNED_IN:
        visit(page, pantau.url, path)
    assert (problems, errors) == ([], [])
