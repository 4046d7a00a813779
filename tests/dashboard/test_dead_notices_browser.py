"""An outbound dead letter on /surat-mati in a real browser against `python app.py`, whose in-process
dispatcher sends SMS to a local gateway the test starts (the true edge): the gateway refuses the
receipt for good, so it is dead; an operator sees it with the ticket and the number masked, sends
it again, and the dispatcher delivers it; it leaves the list, and the step is audited with their name."""
from __future__ import annotations

import sqlite3
import time

import pytest
import requests

from tests.browser import ARTIFACTS, signed_in_at
from tests.notify.servers import http_gateway
from tests.processes import serving

OPERATOR = "operator_kirim"
PHONE = "6281234567890"
PATH = "/surat-mati"

pytestmark = pytest.mark.slow


def notice_state(database, complaint_id: int) -> str | None:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state FROM notices WHERE complaint_id = ?", (complaint_id,)).fetchone()
    return None if row is None else row[0]


def notice_id_of(database, complaint_id: int) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT id FROM notices WHERE complaint_id = ?", (complaint_id,)).fetchone()[0]


def wait_for_state(database, complaint_id: int, state: str) -> None:
    for _ in range(120):
        if notice_state(database, complaint_id) == state:
            return
        time.sleep(0.25)
    pytest.fail(f"notice of complaint {complaint_id} is {notice_state(database, complaint_id)}, not {state}")


def test_an_operator_sends_a_dead_notice_again_and_it_leaves_the_list(tmp_path, browser):
    with http_gateway(422, 202) as (gateway_url, gateway), serving(
            tmp_path, {OPERATOR: ("operator",)}, PANTAU_SMS_GATEWAY_URL=gateway_url,
            PANTAU_SMS_GATEWAY_TOKEN="rahasia-gateway", PANTAU_NOTICE_SECONDS="0.5") as server:
        report = {"channel": "sms", "external_id": "sms-1", "text": "Jalan berlubang dalam", "category": "jalan",
                  "lon": 106.8272, "lat": -6.1754, "reporter_contact": PHONE}
        posted = requests.post(f"{server.url}/api/v1/reports", json=report, timeout=30,
                               headers={"Authorization": f"Bearer {server.key}"})
        assert posted.status_code == 201, posted.text
        complaint = posted.json()
        database = tmp_path / "pantau.db"
        wait_for_state(database, complaint["id"], "dead")  # the gateway's 422: no retry can fix it

        page, errors = signed_in_at(browser, server.url, PATH, OPERATOR)
        card = page.locator(".notice-card")
        card.wait_for()
        assert card.count() == 1
        text = card.inner_text()
        assert complaint["ticket"] in text and "•••890" in text and PHONE not in page.content()
        assert "422" in page.inner_text(".notice-card .notice-error")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dead_notices.png"), full_page=True)

        card.locator("button >> text=Kirim ulang").click()
        page.wait_for_selector(".notice-card >> text=masuk antrean kirim lagi")
        wait_for_state(database, complaint["id"], "sent")  # the in-process dispatcher sent it
        page.click("#letters-reload")
        page.wait_for_selector("#notices-list >> text=Tidak ada pemberitahuan yang gagal terkirim")
        assert page.locator(".notice-card").count() == 0
        assert errors == []
    assert [r.body["to"] for r in gateway.requests] == [PHONE, PHONE]
    assert len({r.headers["Idempotency-Key"] for r in gateway.requests}) == 1
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT actor, target FROM audit_log WHERE action = 'notice.retry'").fetchall() == [
            (OPERATOR, str(notice_id_of(database, complaint["id"])))]
