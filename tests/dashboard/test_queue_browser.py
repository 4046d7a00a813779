"""The SKPD work queue (/antrian) and the validator queue (/validasi) in a real browser (Debian's Chromium,
driven by Playwright) against `python app.py`: an SKPD officer signs in, takes a road complaint to
Menunggu Validasi with a photo, a validator signs in and accepts it, and the command centre, open in
another page, shows it Selesai live. People are made with `pantau users create`, as an admin would;
screenshots go to artifacts/."""
from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from dashboard.palette import SLA_COLOURS
from tests.browser import ARTIFACTS, sign_in
from tests.processes import Server, serving

LIVE_READY = ("() => window.pantau && window.pantau.overlay.inspect().settled"
              " && window.pantau.live.stats().connected")
STAFF, VALIDATOR = "staf_binamarga_jp", "validator_crm"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Pantau process with an SKPD officer of Suku Dinas Bina Marga Jakarta Pusat and a validator."""
    people = {STAFF: ("skpd_staff", "--skpd", "BINAMARGA-JP"), VALIDATOR: ("validator",)}
    with serving(tmp_path_factory.mktemp("desk"), people) as server:
        yield server


def watched(browser: Browser, size: dict[str, int]) -> tuple[Page, list[str]]:
    """A page in its own browser context (its own cookies: one person each) and its script errors."""
    page = browser.new_context(viewport=size).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def post(desk: Server) -> dict[str, Any]:
    """A pothole at Monas (Gambir, Jakarta Pusat): routed to BINAMARGA-JP."""
    body = {"channel": "qlue", "external_id": f"queue-{uuid.uuid4().hex}", "text": "Jalan berlubang dalam dekat Monas",
            "category": "jalan", "lon": 106.8272, "lat": -6.1754, "reporter_contact": "0811-rahasia"}
    answer = requests.post(f"{desk.url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {desk.key}"},
                           timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()



def png(width: int = 96, height: int = 64) -> bytes:
    """A small solid PNG, as a phone camera's photo stands in for one."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x2a\x80\x55" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def sla_pill(page: Page, row: str) -> tuple[str, str]:
    """The row's SLA state (from its class) and the colour the browser paints it, as #RRGGBB."""
    state, colour = page.evaluate(
        "(row) => { const e = document.querySelector(row + ' .work-sla');"
        " const [r, g, b] = getComputedStyle(e).backgroundColor.match(/\\d+/g).map(Number);"
        " return [e.className.replace('work-sla work-sla-', ''),"
        " '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('').toUpperCase()]; }", row)
    return state, colour


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_an_officer_takes_a_complaint_to_validation_and_the_validator_closes_it_live(desk, browser):
    centre, centre_errors = watched(browser, {"width": 1920, "height": 1080})
    centre.goto(desk.url)
    centre.wait_for_function(LIVE_READY, timeout=60_000)
    complaint = post(desk)
    feed_row = f"#cc-feed li[data-complaint-id='{complaint['id']}']"
    centre.wait_for_selector(feed_row)

    officer, officer_errors = watched(browser, {"width": 1440, "height": 900})
    sign_in(officer, desk.url, "/antrian", STAFF)
    row = f"#queue-list tr[data-complaint-id='{complaint['id']}']"
    officer.wait_for_selector(row)
    assert complaint["ticket"] in officer.inner_text(row) and "Gambir" in officer.inner_text(row)
    # a fresh complaint has most of its 6 hours left: green (amber only in the last quarter, crm/sla_state.py)
    assert sla_pill(officer, row) == ("aman", SLA_COLOURS["aman"])
    assert "tindakan pertama" in officer.inner_text(f"{row} .work-sla")
    assert "Minta validasi" not in officer.inner_text(row)  # the chain: take it first

    officer.click(f"{row} button:has-text('Ambil')")
    officer.fill("#queue-note", "Tim menuju lokasi")
    officer.click("#queue-send")
    officer.wait_for_selector(f"{row} .work-status >> text=Proses")
    assert sla_pill(officer, row) == ("aman", SLA_COLOURS["aman"])  # 7 working days to completion: green

    officer.click(f"{row} button:has-text('Minta validasi')")
    officer.click("#queue-send")  # no note and no photo: refused by take_step, nothing changes
    officer.wait_for_selector("#queue-message .track-notice-bad")
    officer.fill("#queue-note", "Lubang sudah ditambal aspal")
    officer.set_input_files("#queue-photos input[type=file]",
                            files=[{"name": "bukti.png", "mimeType": "image/png", "buffer": png()}])
    officer.wait_for_selector("#queue-photo-names >> text=bukti.png")
    screenshot(officer, "queue_ask_validation.png")
    officer.click("#queue-send")
    officer.wait_for_selector("#queue-message .track-notice-ok >> text=Menunggu Validasi")
    officer.wait_for_selector(f"{row} .work-status >> text=Menunggu Validasi")
    assert officer.locator(f"{row} button").count() == 0  # validation is not the unit's to do
    screenshot(officer, "queue_waiting_validation.png")
    centre.wait_for_function(f"() => document.querySelector(\"{feed_row}\").innerText.includes('Menunggu Validasi')")

    validator, validator_errors = watched(browser, {"width": 1440, "height": 900})
    sign_in(validator, desk.url, "/validasi", VALIDATOR)
    card = f"#validation-list [data-complaint-id='{complaint['id']}']"
    validator.wait_for_selector(card)
    assert "Lubang sudah ditambal aspal" in validator.inner_text(f"{card} .work-note")
    validator.wait_for_function(f"() => document.querySelector(\"{card} .work-photos img\").naturalWidth === 96")
    validator.click(f"{card} button:has-text('Tolak')")  # no reason: refused
    validator.wait_for_selector("#validation-message .track-notice-bad")
    screenshot(validator, "validation_queue.png")
    validator.click(f"{card} button:has-text('Terima')")
    validator.wait_for_selector("#validation-message .track-notice-ok >> text=Selesai")
    assert validator.locator(card).count() == 0

    centre.wait_for_function(f"() => document.querySelector(\"{feed_row}\").innerText.includes('Selesai')")
    centre.wait_for_timeout(800)
    screenshot(centre, "queue_command_centre_selesai.png")
    tracked = requests.get(f"{desk.url}/api/v1/track/{complaint['ticket']}", timeout=30).json()
    assert [e["status"] for e in tracked["history"]] == ["Menunggu", "Proses", "Menunggu Validasi", "Selesai"]
    assert (centre_errors, officer_errors, validator_errors) == ([], [], [])


def test_the_evidence_of_a_complaint_is_not_public(desk):
    complaint = post(desk)
    answer = requests.get(f"{desk.url}/api/v1/complaints/{complaint['id']}/evidence/0", timeout=30)
    assert answer.status_code == 401
