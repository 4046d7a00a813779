"""The ranking pages in a real browser (Debian's Chromium, driven by Playwright) against `python app.py`.

Complaints go in and move along through the API, as channels and officials send them; the table at
/peringkat must follow without a reload, and a unit's page must show its standing row, its backlog
and its overdue complaints. Screenshots go to artifacts/.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page

from crm.ranking import MIN_VOLUME
from tests.browser import ARTIFACTS
from tests.followup.helpers import PHOTO
from tests.processes import Server, serving

UNIT = "BINAMARGA-JP"  # roads at Monas (Gambir, Jakarta Pusat)
ROW = f"#rk-rows tr[data-code='{UNIT}']"
READY = ("() => window.pantau && window.pantau.ranking && window.pantau.ranking.stats().connected"
         " && window.pantau.ranking.stats().renders > 0")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Pantau of its own: the ranking counts everything in its store, so no other test may add to it."""
    with serving(tmp_path_factory.mktemp("ranking")) as server:
        yield server


def post(server: Server, **fields: Any) -> dict[str, Any]:
    body = {"channel": "qlue", "external_id": f"rank-{uuid.uuid4().hex}", "text": "Jalan berlubang dalam dekat Monas",
            "category": "jalan", "lon": 106.8272, "lat": -6.1754} | fields
    answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                           headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    assert answer.json()["skpd"] == UNIT
    return answer.json()


def step(server: Server, complaint_id: int, **body: Any) -> None:
    """A follow-up step through the API, as the governor (who may take every step)."""
    answer = requests.post(f"{server.url}/api/v1/complaints/{complaint_id}/transitions", json=body,
                           headers={"Authorization": f"Bearer {server.governor}"}, timeout=30)
    assert answer.status_code == 200, answer.text


def cell(page: Page, name: str) -> str:
    return page.inner_text(f"{ROW} .rk-{name}").strip()


def wait_cell(page: Page, name: str, text: str, timeout: int = 2_000) -> None:
    page.wait_for_function(
        f"() => {{ const e = document.querySelector(\"{ROW} .rk-{name}\"); return e && e.innerText.trim() === '{text}'; }}",
        timeout=timeout)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_the_table_follows_the_follow_up_without_a_reload(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/peringkat?window=today")
    page.wait_for_function(READY, timeout=60_000)
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads

    posted = [post(server)["id"] for _ in range(MIN_VOLUME)]
    page.wait_for_selector(f"{ROW}.rk-unranked")  # held, not yet judged: listed under "Belum cukup data"
    assert "Belum cukup data" in page.inner_text("#rk-rows .rk-divider")
    assert cell(page, "score") == "belum dinilai"  # never 100,0: nothing of it is judged yet
    for complaint_id in posted:
        step(server, complaint_id, to="Proses", note="Tim menuju lokasi")
    page.wait_for_selector(f"{ROW}.rk-ranked")  # a unit appears ranked once its complaints are acted on
    assert (cell(page, "rank-n"), cell(page, "volume")) == ("1", str(MIN_VOLUME))
    assert page.get_attribute(f"{ROW} a", "href") == f"/peringkat/{UNIT}?window=today"
    on_time = page.get_attribute(f"{ROW} td[data-component='respons_tepat_waktu']", "title")
    assert f"mentah 100% dari {MIN_VOLUME}" in on_time

    fetches = page.evaluate("window.pantau.ranking.stats().fetches")
    another = post(server)["id"]
    sent = time.monotonic()
    step(server, another, to="Proses", note="Tim menuju lokasi")
    wait_cell(page, "volume", str(MIN_VOLUME + 1))
    print(f"ranking cell changed {time.monotonic() - sent:.2f} s after the step was answered")
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.pantau.ranking.stats().fetches") > fetches

    # asked for validation within minutes of getting it, then closed: flagged, never re-ranked for it
    step(server, posted[0], to="Menunggu Validasi", note="Sudah ditambal", evidence=[PHOTO])
    step(server, posted[0], to="Selesai")
    page.wait_for_selector(f"{ROW} .rk-flag[data-flag='penutupan_terlalu_cepat']")
    assert "Ditutup terlalu cepat ×1" in cell(page, "flags")
    assert cell(page, "backlog") == f"{MIN_VOLUME} / 0"
    assert page.evaluate("window.sameDocument") is True
    screenshot(page, "ranking.png")

    page.click(".rk-chip:has-text('Kota (wali kota)')")  # a selector is a link: the URL keeps the state
    page.wait_for_url("**/peringkat?window=today&level=kota")
    page.wait_for_selector("#rk-rows tr[data-code='31.71']")
    assert "Jakarta Pusat" in page.inner_text("#rk-rows tr[data-code='31.71']")
    assert page.get_attribute(".rk-csv", "href") == "/api/v1/ranking.csv?window=today&level=kota"
    assert page.evaluate("window.sameDocument") is True
    page.close()
    assert errors == []


def test_a_unit_page_shows_its_row_backlog_and_overdue_complaints(server, browser):
    a_month_ago = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 30 * 86400))
    late = post(server, reported_at=a_month_ago)  # past its completion deadline as soon as it arrives
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/peringkat?window=today")
    page.wait_for_function(READY, timeout=60_000)
    page.click(f"{ROW} a")
    page.wait_for_url(f"**/peringkat/{UNIT}?window=today")
    page.wait_for_selector(ROW)
    assert page.locator("#rk-rows tr").count() == 1  # this unit's standing only
    assert "Suku Dinas Bina Marga" in page.inner_text("h2")
    assert late["ticket"] in page.inner_text(".rk-overdue-card")
    assert page.get_attribute(f".rk-overdue-card a:has-text('{late['ticket']}')", "href") == \
        f"/lacak?tiket={late['ticket']}"
    assert "Menunggu" in page.inner_text(".rk-held")
    page.wait_for_selector("#rk-places .js-plotly-plot")
    screenshot(page, "ranking_unit.png")

    page.goto(f"{server.url}/peringkat/TIDAK-ADA")
    page.wait_for_selector(".track-notice-bad")
    assert "tidak dikenal" in page.inner_text(".track-notice-bad")
    page.close()
    assert errors == []
