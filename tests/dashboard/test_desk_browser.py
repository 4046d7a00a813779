"""The walk-in desk form (/meja) in a real browser against `python app.py`: an operator enters what a
visitor told the Tebet kecamatan desk, gets a ticket the tracking API knows, a double submit of the
same form load keeps that ticket, and SKPD staff are turned away. Screenshots go to artifacts/."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.browser import ARTIFACTS, signed_in_at
from tests.processes import serving

OPERATOR, STAFF = "operator_meja", "staf_binamarga_js"
PATH = "/meja"

pytestmark = pytest.mark.slow


class Server(NamedTuple):
    url: str
    database: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Pantau process with an operator and an SKPD officer, and its SQLite file."""
    people = {OPERATOR: ("operator",), STAFF: ("skpd_staff", "--skpd", "BINAMARGA-JS")}
    data = tmp_path_factory.mktemp("meja")
    with serving(data, people) as server:
        yield Server(server.url, data / "pantau.db")


def signed_in(browser: Browser, server: Server, name: str) -> tuple[Page, list[str]]:
    return signed_in_at(browser, server.url, PATH, name)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_an_operator_enters_a_walk_in_complaint_once(server, browser):
    page, errors = signed_in(browser, server, OPERATOR)
    page.fill("#desk-name", "Kantor Kecamatan Tebet")
    page.fill("#desk-visitor-name", "Bambang Sutrisno")
    page.fill("#desk-visitor-contact", "0812-8765-4321")
    page.fill("#desk-text", "Saluran air di RT 05/RW 03 tersumbat sampah sehingga meluap saat hujan.")
    page.fill("#desk-location", "Jl. Tebet Barat Dalam II, Tebet Barat")
    page.fill("#desk-visited-at", "2026-11-23 10:15")  # a Monday: the kecamatan desk opens on Saturdays
    page.click("#desk-send")
    page.wait_for_selector("#desk-result .desk-ticket")
    ticket = page.inner_text("#desk-result .desk-ticket")
    assert "Tercatat sebagai tiket" in page.inner_text("#desk-result")
    assert "di luar jam buka" in page.inner_text("#desk-result")
    code = page.inner_text("#desk-result .desk-code")  # handed to the visitor, for reopening later
    with sqlite3.connect(server.database) as db:
        [(kept,)] = db.execute("SELECT tracking_hash FROM complaints WHERE ticket = ?", (ticket,)).fetchall()
    assert kept == hashlib.sha256(code.encode()).hexdigest()
    screenshot(page, "desk_entry.png")

    tracked = requests.get(f"{server.url}/api/v1/track/{ticket}", timeout=30)
    assert tracked.status_code == 200, tracked.text
    assert tracked.json()["ticket"] == ticket and "Bambang" not in tracked.text  # personal: never published
    with sqlite3.connect(server.database) as db:
        assert db.execute("SELECT actor FROM audit_log WHERE action = 'desk.entry'").fetchall() == [(OPERATOR,)]

    page.click("#desk-send")  # the same form load: the same entry id
    page.wait_for_selector("#desk-result >> text=Sudah tercatat sebelumnya")
    assert page.inner_text("#desk-result .desk-ticket") == ticket
    assert page.locator("#desk-result .desk-code").count() == 0  # a code is given once

    page.fill("#desk-text", "")  # the adapter refuses it, and keeps it as a dead letter
    page.click("#desk-send")
    page.wait_for_selector("#desk-result .track-notice-bad >> text=wajib diisi")
    assert "surat mati #" in page.inner_text("#desk-result")
    assert errors == []


def test_skpd_staff_may_not_use_the_desk_form(server, browser):
    page, errors = signed_in(browser, server, STAFF)
    page.wait_for_selector(".track-notice-bad >> text=halaman ini untuk operator meja pengaduan")
    assert page.locator("#desk-send").count() == 0
    assert errors == []
