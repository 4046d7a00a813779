"""The drill-down page (/wilayah) in a real browser (Debian's Chromium, driven by Playwright) against
`python app.py`: a click on a kota on the map goes down to its kecamatan, the list goes further, the
URL follows every step so it can be shared, and the breadcrumb goes back up. Complaints go in
through the API; screenshots go to artifacts/."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser import ARTIFACTS
from tests.processes import Server

MONAS = (106.8272, -6.1754)  # Kelurahan Gambir, Kecamatan Gambir, Jakarta Pusat (31.71)
MAP = "#areas-map .js-plotly-plot"
# The map has drawn once MapLibre has loaded its style and the outlines.
MAP_READY = f"() => {{ const gd = document.querySelector('{MAP}'); const m = gd && gd._fullLayout.map && "\
            "gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map; return Boolean(m && m.loaded()); }"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reported(server: Server) -> Server:
    """Two road complaints at Monas, so Gambir has figures to show."""
    for _ in range(2):
        body = {"channel": "qlue", "external_id": f"areas-{uuid.uuid4().hex}", "text": "Jalan berlubang dekat Monas",
                "category": "jalan", "lon": MONAS[0], "lat": MONAS[1], "reporter_contact": "0811-rahasia"}
        answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                               headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
        assert answer.status_code == 201, answer.text
    return server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == []


def expect_heading(page: Page, text: str) -> None:
    """A heading by its accessible name: the other language's hidden half is not part of it."""
    expect(page.get_by_role("heading", name=text, exact=True)).to_be_visible()


def click_map_at(page: Page, lon: float, lat: float) -> None:
    """A real mouse click where the map draws (lon, lat), found through the map Plotly holds."""
    page.wait_for_function(MAP_READY)
    where = page.evaluate(f"""() => {{
        const map = document.querySelector('{MAP}')._fullLayout.map._subplot.map;
        const box = map.getCanvas().getBoundingClientRect();
        const point = map.project([{lon}, {lat}]);
        return {{x: box.left + point.x, y: box.top + point.y}};
    }}""")
    page.mouse.click(where["x"], where["y"])


def test_drill_down_by_map_and_list_and_back_up_by_breadcrumb(reported: Server, page: Page):
    page.goto(f"{reported.url}/wilayah")
    expect_heading(page, "Seluruh DKI Jakarta")
    expect(page.locator(".areas-table tbody tr")).to_have_count(6)  # the six kota, Kepulauan Seribu too

    click_map_at(page, *MONAS)
    page.wait_for_url(re.compile(r"/wilayah/31\.71\?window=7d&measure=count$"))
    expect_heading(page, "Jakarta Pusat")
    expect_heading(page, "Kecamatan di Jakarta Pusat")
    gambir = page.locator(".areas-table tbody tr", has=page.get_by_role("link", name="Gambir", exact=True))
    assert int(gambir.locator("td").nth(1).inner_text()) >= 2
    page.wait_for_function(MAP_READY)
    page.screenshot(path=str(ARTIFACTS / "areas_kota.png"))

    page.get_by_role("link", name="Gambir", exact=True).click()
    page.wait_for_url(re.compile(r"/wilayah/31\.71\.01\?"))
    expect_heading(page, "Kecamatan Gambir")
    crumbs = page.locator("#areas-breadcrumb")
    expect(crumbs).to_have_text(re.compile(r"Jakarta\W+Jakarta Pusat\W+Kecamatan Gambir"), use_inner_text=True)

    crumbs.get_by_role("link", name="Jakarta Pusat").click()
    page.wait_for_url(re.compile(r"/wilayah/31\.71\?"))
    expect_heading(page, "Jakarta Pusat")
    crumbs.get_by_role("link", name="Jakarta", exact=True).click()
    page.wait_for_url(re.compile(r"/wilayah\?window=7d"))
    expect_heading(page, "Seluruh DKI Jakarta")


def test_the_url_carries_the_window_and_a_shared_link_opens_the_same_view(reported: Server, page: Page):
    page.goto(f"{reported.url}/wilayah/31.71.01.1001?window=30d&measure=overdue")
    expect_heading(page, "Kelurahan Gambir")
    expect(page.locator("#areas-window input:checked")).to_have_value("30d")
    expect(page.locator("#areas-measure input:checked")).to_have_value("overdue")
    expect(page.locator(".areas-current")).to_contain_text("Gambir")  # shown among its neighbours

    page.locator("#areas-window").get_by_text("Hari ini").click()
    page.wait_for_url(re.compile(r"/wilayah/31\.71\.01\.1001\?window=today&measure=overdue$"))
    expect(page.locator("#areas-window input:checked")).to_have_value("today")


def test_an_unknown_area_or_window_is_explained(reported: Server, page: Page):
    page.goto(f"{reported.url}/wilayah/31.99")
    expect(page.locator(".areas-notice")).to_contain_text("Tidak ada wilayah dengan kode “31.99”")
    page.goto(f"{reported.url}/wilayah/31.71?window=1y")
    expect(page.locator(".areas-notice")).to_contain_text("Jangka waktu “1y” tidak dikenal")
    page.get_by_role("link", name="30 hari").click()
    page.wait_for_url(re.compile(r"/wilayah/31\.71\?window=30d"))
    expect_heading(page, "Jakarta Pusat")
