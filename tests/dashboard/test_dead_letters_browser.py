"""The dead letters (/surat-mati) in a real browser against `python app.py`: an operator signs in from the
page (its `next` wins over their landing page), sees the letters by channel with their reasons and
bodies, replays one whose adapter now reads it (a complaint the tracking API knows), dismisses another,
and both are audited with their name; SKPD staff are turned away, and a path no page takes is a 404
page in Bahasa Indonesia. Screenshots go to artifacts/."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
import requests
from playwright.sync_api import Browser, Page

from store import dead_letters
from store.db import make_engine, make_sessionmaker
from tests.browser import ARTIFACTS, signed_in_at
from tests.ingest.test_key_scopes import QLUE
from tests.processes import serving

OPERATOR, STAFF = "operator_surat", "staf_binamarga_jp"
PATH = "/surat-mati"
AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB

pytestmark = pytest.mark.slow


class Server(NamedTuple):
    url: str
    database: Path
    letters: dict[str, int]  # the kept letters' ids by what they are


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Pantau process with an operator and an SKPD officer, and three dead letters in its SQLite file:
    a Qlue report its adapter now reads (as after a fix), an SMS that is still unreadable, and the
    Facebook letter that counts unsigned deliveries without their bodies."""
    people = {OPERATOR: ("operator",), STAFF: ("skpd_staff", "--skpd", "BINAMARGA-JP")}
    data = tmp_path_factory.mktemp("surat")
    with serving(data, people) as running:
        engine = make_engine(f"sqlite:///{data}/pantau.db")
        with make_sessionmaker(engine).begin() as session:
            letters = {
                "qlue": keep(session, "qlue", "application/json", QLUE, "Kiriman tidak dapat dibaca."),
                "sms": keep(session, "sms", "application/x-www-form-urlencoded", b"message=tanpa+pengirim",
                            "Laporan tidak sah.", errors=[{"field": "sender", "message": "wajib diisi"}]),
                "facebook": keep(session, "facebook", "application/json", None, "Tanda tangan tidak sah."),
            }
        engine.dispose()
        yield Server(running.url, data / "pantau.db", letters)


def keep(session, channel: str, content_type: str, body: bytes | None, error: str, errors=()) -> int:
    return dead_letters.keep(session, channel=channel, content_type=content_type, headers={"user-agent": "gateway/1"},
                             query={}, body=body, status=400 if body else 403, error=error, errors=list(errors),
                             received_at=AT)


def signed_in(browser: Browser, server: Server, name: str) -> tuple[Page, list[str]]:
    return signed_in_at(browser, server.url, PATH, name)


def card(page: Page, letter_id: int) -> str:
    return f'.letter-card[data-letter-id="{letter_id}"]'


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def audited(server: Server, action: str) -> list[tuple[str, str]]:
    with sqlite3.connect(server.database) as db:
        return db.execute("SELECT actor, target FROM audit_log WHERE action = ? ORDER BY id", (action,)).fetchall()


def test_an_operator_replays_one_dead_letter_and_dismisses_another(server, browser):
    page, errors = signed_in(browser, server, OPERATOR)
    page.wait_for_selector(".work-nav a")  # Dash draws the header after the page has loaded
    assert page.locator(".work-nav a").all_inner_texts() == ["Triase", "Meja", "Surat mati"]
    qlue, sms, facebook = (card(page, server.letters[c]) for c in ("qlue", "sms", "facebook"))
    page.wait_for_selector(qlue)
    assert page.locator(".letter-card").count() == 3
    assert "sender: wajib diisi" in page.inner_text(f"{sms} .letter-reason")
    assert "1 Des 2026 08.00 WIB" in page.inner_text(sms)  # crm/formats.py, in Indonesian
    assert page.locator(f"{facebook} button >> text=Putar ulang").is_disabled()
    page.click(f"{facebook} button >> text=Lihat isi")
    page.wait_for_selector(f"{facebook} .letter-body >> text=Isinya tidak disimpan")

    page.click("#letters-channel")
    page.click("text=Aplikasi Qlue (1)")
    page.wait_for_function("() => document.querySelectorAll('.letter-card').length === 1")
    page.click(f"{qlue} button >> text=Lihat isi")
    page.wait_for_selector(f"{qlue} .letter-text")
    assert page.inner_text(f"{qlue} .letter-text") == QLUE.decode()
    screenshot(page, "dead_letters_body.png")
    page.click(f"{qlue} button >> text=Putar ulang")
    page.wait_for_selector(f"{qlue} [role=status] >> text=Diputar ulang")
    result = page.inner_text(f"{qlue} [role=status]")
    ticket = result.split("tercatat sebagai ")[1].rstrip(".")
    assert page.locator(f"{qlue} button >> text=Abaikan").is_hidden()
    tracked = requests.get(f"{server.url}/api/v1/track/{ticket}", timeout=30)
    assert tracked.status_code == 200 and tracked.json()["ticket"] == ticket
    assert audited(server, "dead_letter.replay") == [(OPERATOR, str(server.letters["qlue"]))]
    screenshot(page, "dead_letters_replayed.png")

    page.click("#letters-channel")
    page.click("text=SMS Center (1)")
    page.wait_for_selector(sms)
    page.click(f"{sms} button >> text=Abaikan")
    page.wait_for_selector(f"{sms} [role=status] >> text=Diabaikan oleh {OPERATOR}")
    assert audited(server, "dead_letter.dismiss") == [(OPERATOR, str(server.letters["sms"]))]
    page.click("#letters-reload")
    page.wait_for_selector("#letters-list >> text=Tidak ada surat mati dari SMS Center")
    page.click(".letters-all input")
    page.wait_for_selector(f"{sms} [role=status] >> text=Diabaikan oleh {OPERATOR}")
    assert page.locator(f"{sms} button >> text=Abaikan").is_hidden()
    assert errors == []


def test_skpd_staff_may_not_see_dead_letters(server, browser):
    page, errors = signed_in(browser, server, STAFF)
    page.wait_for_selector(".track-notice-bad >> text=halaman ini untuk operator")
    assert page.locator(".letter-card").count() == 0
    assert page.locator(".work-nav a").all_inner_texts() == ["Antrian"]
    assert errors == []


def test_a_path_no_page_takes_is_a_404_page_in_bahasa_indonesia(server, browser):
    page = browser.new_page()
    answer = page.goto(f"{server.url}/surat-hidup")
    assert answer is not None and answer.status == 404
    page.wait_for_selector("main.not-found >> text=Halaman tidak ditemukan")
    assert page.title() == "Halaman tidak ditemukan — Pantau"
    assert not page.locator("text=Page not found").is_visible()
    screenshot(page, "not_found.png")
