"""What the browser tests share: Debian's Chromium, run headless by Playwright (the `browser` fixture
of tests/conftest.py), artifacts/, where they save screenshots to be looked at, and signing in the
way a person does, through a staff page's own sign-in link."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from tests.processes import PASSWORD, ROOT

ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def signed_in_at(browser: Browser, url: str, path: str, name: str) -> tuple[Page, list[str]]:
    """A page of its own (its own cookies) signed in as `name` through `path`'s sign-in link and /masuk,
    back on `path`; and the list the page's script errors are collected in."""
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, url, path, name)
    return page, errors


def sign_in(page: Page, url: str, path: str, name: str) -> None:
    """Open a work page signed out, follow its link to /masuk, sign in as `name`, land back on the page."""
    page.goto(f"{url}{path}")
    page.click(".work-sign-in")
    page.wait_for_url(f"**/masuk?next={path}")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{path}")


@contextmanager
def watched_page(browser: Browser, width: int = 1400, height: int = 950) -> Iterator[Page]:
    """A fresh page whose script errors and console errors fail the test when it closes."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield page
    finally:
        page.close()
    assert errors == []


PHONE = {"width": 390, "height": 844}


@contextmanager
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (a citizen's screen) whose script errors fail the test when it closes."""
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        page.close()
    assert errors == []
