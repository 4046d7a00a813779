"""The surge banner in a real browser (Debian's Chromium, driven by Playwright) against `python app.py`.

Flood reports go in through the API; the surge watch runs in the test process and announces through
Redis, as a worker would (tests/live/test_surge_watch.py surge_server), so the page must show the
banner live, keep it after a reload and forget it once dismissed.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import utc_now
from live.publish import Publisher
from live.surge_watch import watch_surges_once
from tests.dashboard.test_command_centre_browser import LIVE_READY, screenshot
from tests.live.test_surge_watch import post_flood, surge_server
from tests.processes import Server

BIDARA_CINA = {"lon": 106.8681, "lat": -6.2345}  # 31.75.03.1002, beside Kampung Melayu in Jatinegara
GAMBIR = {"lon": 106.8272, "lat": -6.1754}  # 31.71.01.1001, Monas
LINES = "#cc-surges .surge"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, sessionmaker[Session], Publisher]]:
    with surge_server(tmp_path_factory.mktemp("surge")) as world:
        yield world


def open_command_centre(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.wait_for_function(LIVE_READY, timeout=60_000)


def lines(page: Page) -> list[str]:
    """The banner's sentences, top first, in the language shown."""
    return page.locator(f"{LINES} .surge-text").all_inner_texts()


def test_a_flood_surge_raises_a_banner_live_that_stays_after_a_reload_until_dismissed(world, browser):
    server, sessions, publisher = world
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_command_centre(page, server)
    assert lines(page) == []

    post_flood(server, 6)  # Kampung Melayu
    post_flood(server, 5, **BIDARA_CINA)
    # Whichever watch runs first (this one, or the server's own) announces; the page must show both.
    watch_surges_once(sessions, publisher, utc_now())
    page.wait_for_function(f"() => document.querySelectorAll('{LINES}').length === 2", timeout=10_000)
    assert lines(page) == [  # stacked, the larger surge for its bar on top
        "Lonjakan banjir di Kel. Kampung Melayu (Jatinegara): 6 laporan dalam 3 jam, biasanya 0",
        "Lonjakan banjir di Kel. Bidara Cina (Jatinegara): 5 laporan dalam 3 jam, biasanya 0",
    ]
    assert all(time.endswith(" WIB") for time in page.locator(f"{LINES} .surge-time").all_inner_texts())

    page.click("#lang-en")
    page.wait_for_function("() => document.querySelector('#pantau-root').classList.contains('lang-en')")
    assert lines(page)[0] == "Flooding surge in Kel. Kampung Melayu (Jatinegara): 6 reports in 3 hours, usually 0"
    page.click("#lang-id")
    screenshot(page, "command_centre_surge.png")

    page.click(f"{LINES}:nth-child(2) .surge-close")  # Bidara Cina, dismissed
    page.wait_for_function(f"() => document.querySelectorAll('{LINES}').length === 1")
    page.reload()
    open_command_centre(page, server)
    page.wait_for_function(f"() => document.querySelectorAll('{LINES}').length === 1")  # from the layout's snapshot
    assert "Kel. Kampung Melayu (Jatinegara): 6 laporan" in lines(page)[0]
    page.close()
    assert errors == []


def box(page: Page, selector: str) -> dict[str, float]:
    return page.evaluate(f"() => {{ const r = document.querySelector('{selector}').getBoundingClientRect();"
                         " return {x: r.x, y: r.y, right: r.right, bottom: r.bottom}; }")


def test_the_banner_sits_above_the_map_and_is_loud_on_the_wall_screen(world, browser):
    """The banner is in a strip above the map, on the ordinary screen and the wall's: the map gives it
    room rather than lying under it. On the wall its lines are large and ringed by a pulsing band."""
    server, sessions, publisher = world
    post_flood(server, 6, **GAMBIR)
    watch_surges_once(sessions, publisher, utc_now())
    for path in ("/", "/?layar=dinding"):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + path)
        page.wait_for_function(LIVE_READY, timeout=60_000)
        page.wait_for_selector(f"{LINES}[data-surge-key*='31.71.01.1001']", timeout=10_000)
        banner, graph = box(page, "#cc-surges"), box(page, "#jakarta-map")
        assert banner["bottom"] <= graph["y"] and banner["x"] < graph["right"] and graph["x"] < banner["right"]
        if path != "/":
            style = page.evaluate(f"() => {{ const s = getComputedStyle(document.querySelector('{LINES}'));"
                                  " return [parseFloat(s.fontSize), s.animationName, s.borderTopColor,"
                                  " parseFloat(s.borderTopWidth)]; }")
            assert style[0] >= 26 and style[1] == "surge-pulse" and style[3] >= 5
            assert page.evaluate("() => getComputedStyle(document.querySelector('.cc-map-column')).outlineStyle") \
                == "solid"
            screenshot(page, "command_centre_wall_surge.png")
        page.close()
        assert errors == []
