"""The wall screen and the map's aids in a real browser (Debian's Chromium, driven by Playwright) against
`python app.py`: `/?layar=dinding` fills the screen, dark, in large type, without the site's header; a
lost connection is a red bar over the KPI tiles, gone when the server is back; the legend folds and
stays folded; kota outlines and names at low zoom, kelurahan names zoomed in. Screenshots go to artifacts/.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import ARTIFACTS
from tests.dashboard.test_command_centre_browser import GRAPH, LIVE_READY, post
from tests.processes import Server, create_key, create_user_token, free_port, serving, start, stop, wait_serving

WALL = "/?layar=dinding"
GAMBIR = (106.8272, -6.1754)  # Monas, in Kelurahan Gambir
BOX = "(selector) => { const r = document.querySelector(selector).getBoundingClientRect();" \
      " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("wall"), PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        yield server


def open_page(browser: Browser, url: str, errors: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_function(LIVE_READY, timeout=60_000)
    return page


def box(page: Page, selector: str) -> dict[str, float]:
    return page.evaluate(BOX, selector)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] \
        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def background(page: Page, selector: str) -> tuple[int, int, int]:
    return tuple(page.evaluate(f"() => getComputedStyle(document.querySelector('{selector}')).backgroundColor"
                               ".match(/\\d+/g).slice(0, 3).map(Number)"))


def luminance(page: Page, selector: str) -> float:
    """Relative luminance (0 black .. 1 white) of the element's background colour."""
    r, g, b = background(page, selector)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def px(page: Page, selector: str, prop: str = "fontSize") -> float:
    return page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{selector}')).{prop})")


def test_the_wall_screen_is_the_command_centre_alone_dark_and_large(pantau, browser):
    errors: list[str] = []
    page = open_page(browser, pantau.url + WALL, errors)
    assert page.is_hidden(".pantau-header")
    assert box(page, ".command-centre.wall") == {"x": 0, "y": 0, "width": 1920, "height": 1080}
    assert luminance(page, ".command-centre") < 0.1 and luminance(page, ".kpi") < 0.15
    assert px(page, ".kpi-value") >= 60 and px(page, ".feed-card") >= 22  # from across the room
    assert page.evaluate(f"{GRAPH}.data[0].colorscale[0][1]") == "#1f2a36"  # the map is dark too
    map_box = box(page, "#jakarta-map")
    assert map_box["height"] > 750 and map_box["width"] > 1100
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "command_centre_wall.png"))

    page.goto(pantau.url + "/?layar=terang")  # not a screen we have: said so, and the ordinary screen
    page.wait_for_function(LIVE_READY, timeout=60_000)
    assert page.is_visible(".pantau-header") and page.locator(".command-centre.wall").count() == 0
    assert page.inner_text(".screen-notice") == \
        "Layar “terang” tidak dikenal; ditampilkan layar biasa. Layar dinding: ?layar=dinding"
    assert not overlap(box(page, ".screen-notice"), box(page, "#jakarta-map"))
    page.close()
    assert errors == []


def test_a_lost_connection_is_a_red_bar_over_the_tiles_until_the_server_is_back(tmp_path: Path, browser):
    """The server stops, as in a crash or a deploy: the wall shows the bar within seconds, beside the
    map and never over it, and clears it by itself once a server answers on that address again."""
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{tmp_path}/pantau.db", "PANTAU_PORT": str(free_port()),
                        "PANTAU_SURGE_WATCH_SECONDS": "3600"}
    create_key(env)
    create_user_token(env, "gubernur", "governor")
    log = tmp_path / "server.log"
    process = start(env, log)
    errors: list[str] = []
    try:
        url = wait_serving(process, env, log)
        page = open_page(browser, url + WALL, errors)
        assert page.locator(".offline-bar").count() == 0
        stop(process)
        page.wait_for_selector(".offline-bar", timeout=10_000)
        bar = box(page, ".offline-bar")
        assert page.inner_text(".offline-title") == "TERPUTUS — menyambung ulang…"
        assert "tidak diperbarui sejak" in page.inner_text(".offline-since")
        assert bar["width"] > 0.95 * 1920 and bar["height"] >= 90  # over the whole row of tiles
        assert not overlap(bar, box(page, "#jakarta-map"))
        red, green, blue = background(page, ".command-centre")  # the frame in the gaps around the cards
        assert red > 150 and green < 60 and blue < 60 and px(page, ".offline-title") >= 48
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "command_centre_wall_offline.png"))

        process = start(env, log)
        wait_serving(process, env, log)
        page.wait_for_function("() => document.querySelector('.offline-bar') === null"
                               " && window.pantau.live.stats().connected", timeout=30_000)
        page.close()
    finally:
        stop(process)
    assert errors == []


def test_the_legend_folds_to_its_button_and_stays_folded_after_a_reload(pantau, browser):
    errors: list[str] = []
    page = open_page(browser, pantau.url, errors)
    assert page.is_visible(".swatches-category")
    swatches = page.locator(".swatches-category li").all_inner_texts()
    assert len(swatches) >= 8 and all(text.strip() for text in swatches)  # every colour named: not colour alone
    opened = box(page, "#cc-legend-panel")
    page.click("#cc-legend-toggle")
    page.wait_for_selector("#cc-legend", state="hidden")
    folded = box(page, "#cc-legend-panel")
    assert folded["width"] * folded["height"] < opened["width"] * opened["height"] / 8
    assert folded["height"] < 50 and page.get_attribute("#cc-legend-toggle", "aria-expanded") == "false"
    page.reload()
    page.wait_for_function(LIVE_READY, timeout=60_000)
    assert page.is_hidden("#cc-legend") and page.is_visible("#cc-legend-toggle")
    page.click("#cc-legend-toggle")
    page.wait_for_selector(".swatches-category", state="visible")
    assert page.get_attribute("#cc-legend-toggle", "aria-expanded") == "true"
    page.close()
    assert errors == []


def test_kota_outlines_and_names_at_low_zoom_and_kelurahan_names_zoomed_in(pantau, browser):
    post(pantau, lon=GAMBIR[0], lat=GAMBIR[1])
    errors: list[str] = []
    page = open_page(browser, pantau.url, errors)
    assert page.evaluate(f"{GRAPH}.data.map(t => t.name)") == ["Kelurahan", "Pengaduan", "Kota"]
    assert page.evaluate(f"{GRAPH}.data[2].lon.length") > 500
    page.wait_for_function("() => window.pantau.labels.inspect().level === 'kota'")
    labels = page.evaluate("window.pantau.labels.inspect()")
    assert labels["attached"]
    assert {"Jakarta Pusat", "Jakarta Utara", "Jakarta Barat", "Jakarta Selatan", "Jakarta Timur"} <= set(labels["drawn"])
    assert "Gambir" not in labels["drawn"]
    # The names are drawn above the map and below the live layer, never taking its clicks.
    order = page.evaluate("() => [...document.querySelector('#jakarta-map .maplibregl-canvas-container').children]"
                          ".map(c => c.className)")
    assert order.index("place-labels") == order.index("maplibregl-canvas") + 1 < order.index("live-overlay")

    page.evaluate(f"() => Plotly.relayout({GRAPH}, {{'map.center': {{lon: {GAMBIR[0]}, lat: {GAMBIR[1]}}},"
                  " 'map.zoom': 14})")
    page.wait_for_function("() => window.pantau.labels.inspect().level === 'kelurahan'", timeout=5_000)
    drawn = page.evaluate("window.pantau.labels.inspect().drawn")
    assert "Gambir" in drawn and "Jakarta Pusat" not in drawn
    assert page.evaluate("() => { const c = document.querySelector('.place-labels');"
                         " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                         " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }")
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "command_centre_kelurahan_names.png"))
    page.close()
    assert errors == []
