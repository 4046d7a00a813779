"""The gaps left in the workbench and the citizen loop, in a real browser (Debian's Chromium, driven by
Playwright) and a real Socket.IO client against one `python app.py`: a filtered feed with nothing in
it says so until a match arrives; a filtered wall names its filter; dropdowns speak Indonesian; a
screen held to a kota drops a complaint a correction moves out of it; a walk-in visitor with no phone
or email gets a printable slip; /antrian's form lists what the reporter was sent. Screenshots go to
artifacts/."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, Page, expect

from crm.events import COMPLAINT_CORRECTED
from tests.browser import ARTIFACTS, sign_in, watched_page
from tests.processes import Server, next_event, serving

MONAS = (106.8272, -6.1754)  # Gambir, Jakarta Pusat (31.71): Suku Dinas Bina Marga JP holds its roads
MUARA_ANGKE = (106.7745, -6.1130)  # Pluit, Penjaringan, Jakarta Utara (31.72)
CAKUNG = (106.9158, -6.2035)  # Jatinegara, Cakung, Jakarta Timur (31.75)
SNAPSHOT_DOT = ("(id) => { const t = window.pantau.overlay.graphDiv().data[1];"  # the snapshot's dots
                " const i = Array.from(t.customdata, (c) => c[0]).indexOf(id); return i >= 0 && t.lon[i] !== null; }")
LIVE_READY = ("() => window.pantau && window.pantau.overlay.inspect().settled"
              " && window.pantau.live.stats().connected")
OPERATOR, STAFF = "operator_meja", "staf_binamarga_jp"
EMPTY = "Tidak ada pengaduan yang cocok dengan saringan ini"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    people = {OPERATOR: ("operator",), STAFF: ("skpd_staff", "--skpd", "BINAMARGA-JP")}
    with serving(tmp_path_factory.mktemp("workbench"), people, PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser) as page:
        yield page


def post(server: Server, category: str, where: tuple[float, float], text: str, **extra: str) -> dict[str, Any]:
    body = {"channel": "sms", "external_id": f"workbench-{uuid.uuid4().hex}", "text": text,
            "category": category, "lon": where[0], "lat": where[1]} | extra
    answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                           headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()



def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_a_filter_nothing_matches_says_so_until_a_live_match_arrives(pantau: Server, page: Page) -> None:
    word = f"kali{uuid.uuid4().hex[:8]}"  # this test's own words: what other tests post never matches
    page.goto(f"{pantau.url}/?kota=31.75&kategori=banjir&q={word}")
    page.wait_for_function(LIVE_READY)
    empty = page.locator("#cc-feed .feed-none")
    expect(empty).to_have_count(1)
    assert empty.locator(".t-id").inner_text() == EMPTY
    assert empty.locator(".t-en").inner_text() == "No complaint matches this filter"
    assert empty.is_visible() and not empty.locator(".t-en").is_visible()  # Indonesian unless asked
    page.click("#lang-en")
    expect(empty.locator(".t-en")).to_be_visible()
    page.click("#lang-id")
    screenshot(page, "workbench_feed_empty_filtered.png")

    post(pantau, "banjir", MONAS, f"Banjir {word} di Monas")  # another kota: still nothing here
    post(pantau, "jalan", CAKUNG, f"Jalan {word} rusak")  # another category
    arrived = post(pantau, "banjir", CAKUNG, f"Banjir {word} setinggi lutut di Cakung")
    expect(page.locator("#cc-feed .feed-ticket")).to_have_text([arrived["ticket"]])
    expect(empty).to_have_count(0)

    page.goto(f"{pantau.url}/")  # unfiltered, with complaints: never the message
    page.wait_for_function(LIVE_READY)
    expect(page.locator("#cc-feed .feed-ticket").first).to_be_visible()
    assert page.locator("#cc-feed .feed-none").count() == 0


def test_a_filtered_wall_names_its_filter_in_large_type(pantau: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{pantau.url}/?layar=dinding&kota=31.71&kategori=banjir&status=Menunggu")
    page.wait_for_function(LIVE_READY, timeout=60_000)
    label = page.locator(".wall-filter")
    expect(label).to_be_visible()
    assert label.locator(".t-id").inner_text() == "Saringan: Jakarta Pusat · Banjir · Menunggu"
    assert label.locator(".t-en").inner_text() == "Filter: Jakarta Pusat · Flooding · Waiting"
    assert page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.wall-filter')).fontSize)") >= 40
    assert page.is_hidden(".cc-filters")  # why the label is needed
    page.wait_for_timeout(500)
    screenshot(page, "workbench_wall_filtered.png")

    page.goto(f"{pantau.url}/?layar=dinding")
    page.wait_for_function(LIVE_READY, timeout=60_000)
    assert page.locator(".wall-filter").count() == 0
    page.goto(f"{pantau.url}/?kota=31.71&kategori=banjir")  # not a wall: the filter bar says it
    page.wait_for_function(LIVE_READY, timeout=60_000)
    assert page.locator(".wall-filter").count() == 0


def test_dropdowns_speak_indonesian(pantau: Server, page: Page) -> None:
    page.goto(f"{pantau.url}/?kategori=banjir,jalan")
    page.wait_for_function(LIVE_READY)
    expect(page.locator("#cc-filter-kategori .dash-dropdown-value-count")).to_have_text("2 dipilih")
    page.click("#cc-filter-kanal")
    search = page.locator(".dash-dropdown-search input, input.dash-dropdown-search").first
    expect(search).to_have_attribute("placeholder", "Cari")
    search.fill("zzzz tidak ada")
    expect(page.get_by_text("Tidak ada pilihan")).to_be_visible()
    screenshot(page, "workbench_dropdown_indonesian.png")
    for english in ("selected", "Select All", "Deselect All", "No options found", "Select..."):
        assert english not in page.inner_text("body")


def test_a_kota_screen_drops_a_complaint_a_correction_moves_out_of_it(pantau: Server, page: Page) -> None:
    north = post(pantau, "jalan", MUARA_ANGKE, "Jalan berlubang, padahal sebenarnya di dekat Monas")
    page.goto(f"{pantau.url}/?kota=31.72")
    page.wait_for_function(LIVE_READY)
    assert page.evaluate("() => window.pantau.live.stats().room") == "kota:31.72"
    expect(page.locator("#cc-feed .feed-ticket", has_text=north["ticket"])).to_have_count(1)
    assert page.evaluate(SNAPSHOT_DOT, north["id"])

    client = socketio.SimpleClient()  # a second screen, held to the kota it leaves
    client.connect(pantau.url, transports=["websocket"])
    try:
        assert client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5)["rooms"] == ["kota:31.72"]
        moved = requests.post(f"{pantau.url}/api/v1/complaints/{north['id']}/correction",
                              json={"lon": MONAS[0], "lat": MONAS[1], "note": "Titik salah: di Gambir"},
                              headers={"Authorization": f"Bearer {pantau.governor}"}, timeout=30)
        assert moved.status_code == 200 and moved.json()["skpd"] == "BINAMARGA-JP", moved.text
        name, event = next_event(client)
    finally:
        client.disconnect()
    assert (name, event["id"], event["kode_kota"]) == (COMPLAINT_CORRECTED, north["id"], "31.71")

    expect(page.locator("#cc-feed .feed-ticket", has_text=north["ticket"])).to_have_count(0)
    page.wait_for_function(f"(id) => !({SNAPSHOT_DOT})(id) && !window.pantau.overlay.inspect().ids.includes(id)",
                           arg=north["id"])
    page.goto(f"{pantau.url}/?kota=31.71")  # it is Jakarta Pusat's now
    page.wait_for_function(LIVE_READY)
    expect(page.locator("#cc-feed .feed-ticket", has_text=north["ticket"])).to_have_count(1)


def test_a_walk_in_visitor_without_phone_or_email_gets_a_printable_slip(pantau: Server, page: Page) -> None:
    sign_in(page, pantau.url, "/meja", OPERATOR)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.fill("#desk-name", "Kantor Kecamatan Tebet")
    page.fill("#desk-visitor-name", "Ibu Sri")
    page.fill("#desk-text", "Lampu jalan di depan pasar mati sejak seminggu.")
    page.fill("#desk-location", "Jl. Tebet Raya, Tebet Timur")
    page.click("#desk-send")
    slip = page.locator("#desk-result .desk-slip")
    expect(slip).to_be_visible()
    ticket = page.inner_text("#desk-result .desk-ticket")
    code = page.inner_text("#desk-result .desk-code")
    assert slip.locator(".desk-slip-ticket").inner_text() == ticket
    assert slip.locator(".desk-slip-code").inner_text() == code
    assert slip.locator(".desk-slip-link").inner_text().endswith(f"/lacak?tiket={ticket}&kode={code}")
    assert slip.locator(".desk-slip-when").inner_text().endswith(" WIB")
    assert slip.locator(".desk-slip-desk").inner_text() == "Kantor Kecamatan Tebet"
    assert "Ibu Sri" not in slip.inner_text()
    page.click("#desk-print")
    page.wait_for_function("() => window.printed === 1")

    page.emulate_media(media="print")  # printed, the slip alone
    hidden = "(selector) => getComputedStyle(document.querySelector(selector)).visibility"
    assert page.evaluate(hidden, ".pantau-header") == "hidden"
    assert page.evaluate(hidden, ".work-form") == "hidden"
    assert page.evaluate(hidden, ".desk-slip-ticket") == "visible"
    assert page.is_hidden("#desk-print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "workbench_desk_slip.pdf"))
    screenshot(page, "workbench_desk_slip_print.png")
    page.emulate_media(media="screen")

    page.reload()  # a visitor who left a phone hears by SMS: no slip
    page.fill("#desk-name", "Kantor Kecamatan Tebet")
    page.fill("#desk-visitor-contact", "0812-8765-4321")
    page.fill("#desk-text", "Got mampet di gang sebelah masjid.")
    page.click("#desk-send")
    expect(page.locator("#desk-result .desk-ticket")).to_be_visible()
    assert page.locator("#desk-result .desk-slip").count() == 0


def test_the_queue_form_lists_what_the_reporter_was_sent(pantau: Server, page: Page) -> None:
    road = post(pantau, "jalan", MONAS, "Jalan berlubang dalam di Medan Merdeka Barat", channel="qlue",
                reporter_contact="0811-rahasia")
    sign_in(page, pantau.url, "/antrian", STAFF)
    row = f"#queue-list tr[data-complaint-id='{road['id']}']"
    page.click(f"{row} button:has-text('Ambil')")
    told = page.locator("#queue-form-notices .sent-notices")
    expect(told).to_be_visible()
    text = told.inner_text()
    assert "diterima · Aplikasi Qlue" in text and "WIB" in text and "rahasia" not in text
    screenshot(page, "workbench_queue_notices.png")
    page.click("#queue-cancel")
    expect(page.locator("#queue-form")).to_be_hidden()
