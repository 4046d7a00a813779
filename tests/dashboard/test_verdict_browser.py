"""The reporter's verdict page /lacak/<secret> in a real browser (Debian's Chromium, driven by
Playwright) against `python app.py`: a Selesai complaint rated, the rating on the unit's
/peringkat/<kode> page and in the ranking's `kepuasan_warga` share, then "belum selesai", which
reopens it and takes the rating back out. Screenshots go to artifacts/."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from crm.complaint import code_hash
from crm.verdict import secret_of
from tests.browser import ARTIFACTS, phone_page
from tests.followup.helpers import PHOTO
from tests.processes import Server, serving

UNIT = "BINAMARGA-JP"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Pantau of its own: the ranking counts everything in its store."""
    with serving(tmp_path_factory.mktemp("verdict")) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with phone_page(browser) as page:
        yield page


def closed(server: Server) -> tuple[dict[str, Any], str]:
    """A road complaint at Monas by SMS, taken to Selesai by its unit, and its reporter's verdict secret."""
    body = {"channel": "sms", "external_id": f"verdict-{uuid.uuid4().hex}", "text": "Jalan berlubang dalam",
            "category": "jalan", "lon": 106.8272, "lat": -6.1754, "reporter_contact": "6281299990000"}
    answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                           headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    complaint = answer.json()
    assert complaint["skpd"] == UNIT
    for to, extra in (("Proses", {}), ("Menunggu Validasi", {"evidence": [PHOTO]}), ("Selesai", {})):
        moved = requests.post(f"{server.url}/api/v1/complaints/{complaint['id']}/transitions",
                              json={"to": to, "note": "Sudah ditambal", **extra},
                              headers={"Authorization": f"Bearer {server.governor}"}, timeout=30)
        assert moved.status_code == 200, moved.text
    reporter = SimpleNamespace(ticket=complaint["ticket"], tracking_hash=code_hash(complaint["tracking_code"]))
    return complaint, secret_of(reporter)  # what the Selesai notice's link carries


def satisfaction(server: Server) -> dict[str, Any]:
    rows = requests.get(f"{server.url}/api/v1/ranking", params={"level": "skpd"}, timeout=30).json()["rows"]
    return next(row for row in rows if row["code"] == UNIT)["components"]["kepuasan_warga"]


def until(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the ranking did not follow"
        time.sleep(0.2)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_a_reporter_rates_then_says_belum_and_the_ranking_follows(server, page):
    complaint, secret = closed(server)
    assert satisfaction(server)["n"] == 0
    page.goto(f"{server.url}/lacak/{secret}")
    page.wait_for_selector("#verdict-form")
    assert complaint["ticket"] in page.inner_text(".track-card") and "Selesai" in page.inner_text(".track-status")
    photo = page.get_attribute(".verdict-photo", "src")  # the closure's evidence, for the reporter alone
    assert requests.get(f"{server.url}{photo}", timeout=30).headers["Content-Type"] == "image/jpeg"
    shot(page, "verdict_asked.png")
    page.click("#verdict-rate-2")
    page.wait_for_selector(".track-notice-ok >> text=2 dari 5")
    until(lambda: satisfaction(server)["n"] == 1)
    share = satisfaction(server)
    assert share["rate"] == 0.25 and share["shrunk"] == 0.25  # the only unit rated: the level's mean is its own

    page.goto(f"{server.url}/peringkat/{UNIT}")
    page.wait_for_selector("#rk-rating-count")
    assert page.inner_text("#rk-rating-count") == "1" and page.inner_text("#rk-rating-shrunk") == "2.00 / 5"
    shot(page, "verdict_on_unit_page.png")

    page.goto(f"{server.url}/lacak/{secret}")
    page.wait_for_selector("#verdict-current >> text=2 dari 5")
    page.fill("#verdict-reason", "Lubangnya muncul lagi setelah hujan")
    page.click("#verdict-belum")
    page.wait_for_selector(".track-notice-ok >> text=dibuka ulang")
    assert "Proses" in page.inner_text(".track-status") and page.locator("#verdict-form").count() == 0
    assert "Dibuka ulang oleh pelapor: Lubangnya muncul lagi setelah hujan" in page.inner_text(".track-history")
    tracked = requests.get(f"{server.url}/api/v1/track/{complaint['ticket']}", timeout=30).json()
    assert (tracked["status"], tracked["reopened"]) == ("Proses", 1)
    until(lambda: satisfaction(server)["n"] == 0)  # the closure it judged did not hold
    shot(page, "verdict_reopened.png")


def test_a_wrong_link_says_so_and_offers_nothing(server, page):
    complaint, _secret = closed(server)
    page.goto(f"{server.url}/lacak/{complaint['ticket']}.AAAAAAAAAAAAAAAA")
    page.wait_for_selector(".track-notice-bad >> text=tidak dikenal")
    assert page.locator("#verdict-form").count() == 0 and page.locator(".track-card").count() == 0
