"""The command centre in a real browser (Debian's Chromium, driven by Playwright)."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.mark.slow
def test_map_shows_kelurahan_outlines_and_a_posted_complaint(server, browser):
    url, key = server
    body = {"channel": "qlue", "external_id": "browser-1", "text": "Pohon tumbang menutup jalan",
            "category": "pohon", "lon": 106.8133, "lat": -6.1352, "reporter_contact": "0811-rahasia"}
    posted = requests.post(f"{url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert posted.status_code in (200, 201)
    ticket = posted.json()["ticket"]

    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.goto(url)
    page.wait_for_selector("#jakarta-map .maplibregl-canvas", timeout=30_000)
    page.wait_for_function("document.querySelector('#jakarta-map .js-plotly-plot')?.data?.length === 2",
                           timeout=30_000)
    traces = page.evaluate("""() => document.querySelector('#jakarta-map .js-plotly-plot').data
        .map(t => ({type: t.type, n: (t.locations || t.lon).length, text: t.text}))""")
    assert traces[0]["type"] == "choroplethmap" and traces[0]["n"] == 267
    assert traces[1]["type"] == "scattermap" and any(ticket in t for t in traces[1]["text"])
    assert "pengaduan dalam 24 jam terakhir" in page.inner_text("#summary")
    assert "0811-rahasia" not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1500)  # let MapLibre finish painting before the screenshot
    page.screenshot(path=str(ARTIFACTS / "command_centre.png"))
    page.close()
