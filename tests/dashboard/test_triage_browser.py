"""The operators' triage (/triase) in a real browser (Debian's Chromium, driven by Playwright) against
`python app.py`: an SMS that intake can neither classify nor place waits in triage with the
classifier's suggestions; an operator signs in, finds Monas with the gazetteer search, clicks the
right spot on the map, picks Jalan and saves; the command centre, open in another page, shows the
complaint re-routed live: a new dot at Monas in the roads' colour and the feed row in Gambir.
Screenshots go to artifacts/."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from dashboard.palette import CATEGORY_COLOURS
from tests.browser import sign_in
from tests.dashboard.test_queue_browser import LIVE_READY, screenshot, watched
from tests.processes import Server, serving

OPERATOR = "operator_crm"
MONAS = (106.8272, -6.1754)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("triage"), {OPERATOR: ("operator",)}) as server:
        yield server


def post_vague(desk: Server) -> dict[str, Any]:
    """An SMS with no category and no place intake can read: both triage reasons, held by BIROPEM."""
    body = {"channel": "sms", "external_id": f"triase-{uuid.uuid4().hex}",
            "text": "tolong segera ditangani pak, sudah seminggu bahaya buat motor", "reporter_contact": "0811-rahasia"}
    answer = requests.post(f"{desk.url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {desk.key}"},
                           timeout=30)
    assert answer.status_code == 201, answer.text
    complaint = answer.json()
    assert complaint["triage"] == "kategori_ragu,lokasi_tidak_ditemukan" and complaint["skpd"] == "BIROPEM"
    return complaint


def post_misplaced(desk: Server) -> dict[str, Any]:
    """A Qlue report with a point (Tanjung Priok) but a text the classifier cannot read: kategori_ragu only."""
    body = {"channel": "qlue", "external_id": f"triase-{uuid.uuid4().hex}", "text": "tolong dicek pak, sudah lama",
            "lon": 106.8806, "lat": -6.1090}
    answer = requests.post(f"{desk.url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {desk.key}"},
                           timeout=30)
    assert answer.status_code == 201 and answer.json()["triage"] == "kategori_ragu", answer.text
    return answer.json()


def test_an_operator_fixes_place_and_category_and_the_command_centre_reroutes_it_live(desk, browser):
    complaint = post_vague(desk)
    misplaced = post_misplaced(desk)  # on the map's snapshot trace when the command centre loads
    centre, centre_errors = watched(browser, {"width": 1920, "height": 1080})
    centre.goto(desk.url)
    centre.wait_for_function(LIVE_READY, timeout=60_000)
    feed_row = f"#cc-feed li[data-complaint-id='{complaint['id']}']"
    centre.wait_for_selector(feed_row)
    assert complaint["id"] not in centre.evaluate("() => window.pantau.overlay.inspect().ids")  # no place, no dot

    operator, operator_errors = watched(browser, {"width": 1600, "height": 1000})
    sign_in(operator, desk.url, "/triase", OPERATOR)
    row = f"#triage-list tr[data-complaint-id='{complaint['id']}']"
    operator.wait_for_selector(row)
    listed = operator.inner_text(row)
    assert "Kategori ragu" in listed and "Lokasi tidak ditemukan" in listed and "bahaya buat motor" in listed
    assert operator.locator(f"{row} .triage-suggestions li").count() == 3
    assert "%" in operator.inner_text(f"{row} .triage-suggestions")

    operator.click(f"{row} button:has-text('Periksa')")
    operator.wait_for_selector("#triage-detail:not([hidden])")
    told = operator.inner_text("#triage-facts .sent-notices")  # what the reporter was sent, no address
    assert "diterima · SMS Center" in told and "rahasia" not in told
    operator.fill("#triage-search", "monas")
    operator.click("#triage-search-go")
    operator.click(".triage-place:has-text('Monumen Nasional')")
    operator.wait_for_selector("#triage-where >> text=Gambir")
    operator.wait_for_function(  # the map has moved to Monas: Gambir's middle is on screen
        "([lon, lat]) => { const gd = document.querySelector('#triage-map .js-plotly-plot');"
        " const c = gd._fullLayout.map._subplot.map.getCenter();"
        " return Math.abs(c.lng - lon) < 1e-3 && Math.abs(c.lat - lat) < 1e-3; }", arg=list(MONAS))
    operator.wait_for_timeout(500)
    # click the map itself, a little north-east of the monument (still Gambir)
    at = operator.evaluate(
        "([lon, lat]) => { const gd = document.querySelector('#triage-map .js-plotly-plot');"
        " const map = gd._fullLayout.map._subplot.map; const p = map.project([lon, lat]);"
        " const box = map.getCanvas().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }",
        [MONAS[0] + 0.002, MONAS[1] + 0.002])
    operator.mouse.click(*at)
    operator.wait_for_selector("#triage-where >> text=Titik dipilih: Gambir")

    operator.click("#triage-category")
    operator.fill(".dash-dropdown-search", "jalan")
    operator.click('.dash-dropdown-option >> text="Jalan (jalan)"')
    operator.wait_for_selector('#triage-category >> text="Jalan (jalan)"')
    operator.click("#triage-send")  # no note: refused, nothing changes
    operator.wait_for_selector("#triage-message .track-notice-bad")
    operator.fill("#triage-note", "Pelapor ditelepon: lubang di jalan dekat Monas")
    screenshot(operator, "triage_before_saving.png")
    operator.click("#triage-send")
    operator.wait_for_selector("#triage-message .track-notice-ok >> text=BINAMARGA-JP")
    operator.wait_for_selector(row, state="detached")
    screenshot(operator, "triage_saved.png")

    centre.wait_for_function(f"() => document.querySelector(\"{feed_row}\").innerText.includes('Gambir')")
    centre.wait_for_function(f"() => window.pantau.overlay.inspect().ids.includes({complaint['id']})")
    shown = centre.evaluate("() => window.pantau.overlay.inspect()")
    assert shown["colours"][str(complaint["id"])] == CATEGORY_COLOURS["jalan"]
    assert "Jalan" in centre.inner_text(feed_row)
    centre.wait_for_timeout(800)
    screenshot(centre, "triage_command_centre_rerouted.png")
    stored = requests.get(f"{desk.url}/api/v1/complaints/{complaint['id']}", timeout=30).json()
    assert (stored["skpd"], stored["category"], stored["kelurahan"], stored["triage"]) == (
        "BINAMARGA-JP", "jalan", "Gambir", None)
    assert abs(stored["lon"] - MONAS[0] - 0.002) < 2e-4 and abs(stored["lat"] - MONAS[1] - 0.002) < 2e-4

    # a dot the snapshot drew moves: its old dot leaves the trace, a live one shows the new place
    moved = requests.post(f"{desk.url}/api/v1/complaints/{misplaced['id']}/correction",
                          json={"category": "jalan", "lon": MONAS[0], "lat": MONAS[1], "note": "Titik salah"},
                          headers={"Authorization": f"Bearer {desk.governor}"}, timeout=30)
    assert moved.status_code == 200 and moved.json()["skpd"] == "BINAMARGA-JP", moved.text
    centre.wait_for_function(
        "(id) => { const t = window.pantau.overlay.graphDiv().data[1];"
        " const i = Array.from(t.customdata, (c) => c[0]).indexOf(id); return i >= 0 && t.lon[i] === null; }",
        arg=misplaced["id"])
    assert centre.evaluate("() => window.pantau.overlay.inspect()")["colours"][str(misplaced["id"])] == (
        CATEGORY_COLOURS["jalan"])
    assert (centre_errors, operator_errors) == ([], [])


def test_triage_is_for_operators(desk, browser):
    page, errors = watched(browser, {"width": 1280, "height": 800})
    page.goto(f"{desk.url}/triase")
    page.wait_for_selector(".work-sign-in")
    assert errors == []
