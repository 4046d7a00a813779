"""The command centre's filter in a real browser (Debian's Chromium) against `python app.py`: the URL
narrows the map, feed and KPI tiles; a live complaint outside the filter never appears while one inside
does; the filter bar writes the URL and the page follows without a reload. Complaints go in through the API."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser import watched_page
from tests.processes import Server, serving

MONAS = (106.8272, -6.1754)  # Gambir, Jakarta Pusat (31.71)
MUARA_ANGKE = (106.7745, -6.1130)  # Pluit, Penjaringan, Jakarta Utara (31.72)
LIVE_READY = ("() => window.pantau && window.pantau.overlay.inspect().settled"
              " && window.pantau.live.stats().connected")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("filters"), PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser) as page:
        yield page


def post(server: Server, category: str, where: tuple[float, float], text: str) -> dict[str, Any]:
    body = {"channel": "sms", "external_id": f"filters-{uuid.uuid4().hex}", "text": text,
            "category": category, "lon": where[0], "lat": where[1]}
    answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                           headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def feed_tickets(page: Page) -> list[str]:
    return page.locator("#cc-feed .feed-ticket").all_inner_texts()


def test_the_url_narrows_the_page_and_its_live_events(pantau: Server, page: Page) -> None:
    central = post(pantau, "banjir", MONAS, "Genangan di depan Monas")
    north = post(pantau, "banjir", MUARA_ANGKE, "Rob masuk kampung nelayan")
    page.goto(f"{pantau.url}/?kota=31.72&kategori=banjir")
    page.wait_for_function(LIVE_READY)
    assert page.evaluate("() => window.pantau.live.stats().room") == "kota:31.72"
    expect(page.locator("#cc-feed .feed-ticket")).to_have_count(1)
    assert feed_tickets(page) == [north["ticket"]]
    expect(page.locator("#kpi-open")).to_contain_text("1")
    assert page.locator("#cc-filter-kota").inner_text().strip().startswith("Kota Administrasi Jakarta Utara")
    received = page.evaluate("() => window.pantau.live.stats().received")
    post(pantau, "banjir", MONAS, "Genangan lagi di Monas")  # another kota: never sent to this screen
    post(pantau, "jalan", MUARA_ANGKE, "Jalan rusak di Muara Angke")  # this kota, another category
    inside = post(pantau, "banjir", MUARA_ANGKE, "Rob di Muara Angke lagi")
    expect(page.locator("#cc-feed .feed-ticket").first).to_have_text(inside["ticket"])
    assert feed_tickets(page) == [inside["ticket"], north["ticket"]]
    assert page.evaluate("() => window.pantau.live.stats().received") == received + 2  # the kota's two, not Monas
    assert central["ticket"] not in feed_tickets(page)


def test_the_filter_bar_writes_the_url_and_the_page_follows(pantau: Server, page: Page) -> None:
    flood = post(pantau, "banjir", MONAS, "Air setinggi lutut di Jalan Medan Merdeka")
    road = post(pantau, "jalan", MONAS, "Aspal mengelupas di Jalan Medan Merdeka")
    page.goto(f"{pantau.url}/")
    page.wait_for_function(LIVE_READY)
    expect(page.locator("#cc-feed .feed-ticket").first).to_be_visible()
    page.locator("#cc-filter-q input, input#cc-filter-q").fill("aspal mengelupas")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=aspal\+mengelupas$"))
    expect(page.locator("#cc-feed .feed-ticket")).to_have_count(1)
    assert feed_tickets(page) == [road["ticket"]]
    page.wait_for_function(LIVE_READY)
    later = post(pantau, "jalan", MONAS, "Aspal mengelupas lagi dekat halte")
    post(pantau, "banjir", MONAS, "Air naik lagi di Medan Merdeka")  # no match for the words
    expect(page.locator("#cc-feed .feed-ticket").first).to_have_text(later["ticket"])
    expect(page.locator("#cc-feed .feed-ticket")).to_have_count(2)
    page.locator("#cc-filter-clear").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#cc-feed .feed-ticket", has_text=flood["ticket"])).to_have_count(1)


def test_a_url_that_cannot_be_used_says_so(pantau: Server, page: Page) -> None:
    page.goto(f"{pantau.url}/?kategori=banjr")
    page.wait_for_function(LIVE_READY)
    expect(page.locator("#cc-filter-problem")).to_contain_text("kategori: tidak dikenal: banjr")


def test_the_area_page_filter_writes_its_url_and_links_keep_it(pantau: Server, page: Page) -> None:
    post(pantau, "banjir", MONAS, "Genangan di Jalan Merdeka Barat")
    post(pantau, "jalan", MONAS, "Trotoar rusak di Merdeka Barat")
    page.goto(f"{pantau.url}/wilayah/31.71?window=7d&measure=count")
    expect(page.locator(".areas-kpis .kpi-value").first).to_be_visible()
    before = int(page.locator(".areas-kpis .kpi-value .t-id").first.inner_text()
                 .replace(".", ""))
    page.locator("#areas-filter-kategori").click()
    page.keyboard.type("Banjir")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/wilayah/31\.71\?window=7d&measure=count&kategori=banjir$"))
    expect(page.locator("#areas-filter-kategori")).to_contain_text("Banjir")
    after = page.locator(".areas-kpis .kpi-value .t-id").first
    expect(after).not_to_have_text(str(before))
    page.locator(".areas-link", has_text="Gambir").first.click()
    expect(page).to_have_url(re.compile(r"/wilayah/31\.71\.01\?window=7d&measure=count&kategori=banjir$"))
