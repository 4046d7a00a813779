"""The public tracking page (/lacak) in a real browser (Debian's Chromium, driven by Playwright) against
`python app.py`, at a phone's size: what a citizen sees by ticket, and reopening when Selesai did not
fix it. Complaints go in and along through the API; each test saves a screenshot in artifacts/."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from crm.notices import NoticeRule
from dashboard.palette import STATUS_COLOURS
from tests.browser import ARTIFACTS, phone_page
from tests.processes import Server

CONTACT, NAME = "0811-rahasia-77", "Bu Rahasia"
# A 1x1 JPEG: evidence is required to ask for validation.
PHOTO = ("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0"
         "Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==")

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with phone_page(browser) as page:
        yield page


def post(server: Server) -> dict[str, Any]:
    body = {"channel": "sms", "external_id": f"track-{uuid.uuid4().hex}", "text": "Jalan berlubang dalam",
            "category": "jalan", "lon": 106.8272, "lat": -6.1754, "reporter_contact": CONTACT, "reporter_name": NAME}
    answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                           headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def transition(server: Server, complaint_id: int, **body: Any) -> None:
    answer = requests.post(f"{server.url}/api/v1/complaints/{complaint_id}/transitions", json=body,
                           headers={"Authorization": f"Bearer {server.governor}"}, timeout=30)
    assert answer.status_code == 200, answer.text


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def status_colour(page: Page) -> str:
    return page.evaluate("() => { const s = getComputedStyle(document.querySelector('.track-status .swatch'));"
                         " const [r, g, b] = s.backgroundColor.match(/\\d+/g).map(Number);"
                         " return '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('').toUpperCase(); }")


def test_a_link_with_the_ticket_shows_status_and_history_without_personal_data(server, page):
    complaint = post(server)
    spaced = f" {complaint['ticket'].lower().replace('-', ' ')} "  # as typed into an SMS
    page.goto(f"{server.url}/lacak?tiket={spaced}")
    page.wait_for_selector(".track-card")
    card = page.inner_text(".track-card")
    assert complaint["ticket"] in card and "Menunggu" in card and "Jalan" in card and "Gambir" in card
    assert "Suku Dinas Bina Marga" in card and "WIB" in card and "sisa" in card
    assert status_colour(page) == STATUS_COLOURS["Menunggu"]
    assert page.is_hidden("#track-reopen")  # only Selesai may be reopened
    content = page.content()
    assert CONTACT not in content and NAME not in content
    assert page.input_value("#track-ticket") == complaint["ticket"]
    page.click("#lang-en")
    page.wait_for_selector(".track-card .t-en >> text=Waiting")
    page.click("#lang-id")
    screenshot(page, "track_waiting.png")


def test_an_unknown_ticket_says_so(server, page):
    page.goto(f"{server.url}/lacak")
    page.fill("#track-ticket", "jkt-000101-zzzzz")
    page.click("#track-go")
    page.wait_for_selector(".track-notice-bad")
    assert "JKT-000101-ZZZZZ" in page.inner_text("#track-result")
    assert "tidak ditemukan" in page.inner_text("#track-result")
    assert page.locator(".track-card").count() == 0
    screenshot(page, "track_unknown.png")


def test_a_citizen_reopens_a_complaint_closed_without_fixing_it(server, page):
    complaint = post(server)
    transition(server, complaint["id"], to="Proses", note="Petugas menuju lokasi")
    transition(server, complaint["id"], to="Menunggu Validasi", note="Sudah ditambal", evidence=[PHOTO])
    transition(server, complaint["id"], to="Selesai")
    page.goto(f"{server.url}/lacak")
    page.fill("#track-ticket", complaint["ticket"])
    page.press("#track-ticket", "Enter")
    page.wait_for_selector("#track-reopen:not([hidden])")
    assert "Selesai" in page.inner_text(".track-status") and "Sudah ditambal" in page.inner_text(".track-history")
    page.click("#track-reopen-go")  # no reason yet
    page.wait_for_selector("#track-reopen-message >> text=Tuliskan alasannya")
    page.fill("#track-reason", "Lubangnya muncul lagi setelah hujan")
    page.fill("#track-code", "BUKANKODE1")  # the public ticket alone, or a guess, reopens nothing
    page.click("#track-reopen-go")
    page.wait_for_selector("#track-reopen-message >> text=Kode pelacakan tidak cocok")
    page.fill("#track-code", complaint["tracking_code"].lower())
    screenshot(page, "track_done.png")
    page.click("#track-reopen-go")
    page.wait_for_selector(".track-notice-ok")
    assert "Proses" in page.inner_text(".track-status") and page.is_hidden("#track-reopen")
    assert "Dibuka ulang oleh pelapor: Lubangnya muncul lagi setelah hujan" in page.inner_text(".track-history")
    assert "1 kali" in page.inner_text(".track-card")
    tracked = requests.get(f"{server.url}/api/v1/track/{complaint['ticket']}", timeout=30).json()
    assert (tracked["status"], tracked["reopened"]) == ("Proses", 1)
    screenshot(page, "track_reopened.png")


def test_the_private_link_of_the_receipt_notice_fills_in_the_tracking_code(server, page):
    complaint = post(server)
    transition(server, complaint["id"], to="Proses", note="Petugas menuju lokasi")
    transition(server, complaint["id"], to="Menunggu Validasi", note="Sudah ditambal", evidence=[PHOTO])
    transition(server, complaint["id"], to="Selesai")
    page.goto(NoticeRule.default(server.url).link(complaint["ticket"], complaint["tracking_code"]))
    page.wait_for_selector("#track-reopen:not([hidden])")
    assert page.input_value("#track-code") == complaint["tracking_code"]
    page.fill("#track-reason", "Masih berlubang")
    page.click("#track-reopen-go")  # no code to type: the link carried it
    page.wait_for_selector(".track-notice-ok")
    assert "Proses" in page.inner_text(".track-status")
