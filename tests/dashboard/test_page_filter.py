"""The command centre's URL filter in-process (dashboard/page_filter.py, dashboard/filter_bar.py), on
SQLite and PostGIS: the URL read by the one complaint-list reader, the snapshot narrowed by it, the
room a filtered screen listens in, and a bad URL said in words. The live side is the browser's
(test_filters_browser.py)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from crm.complaint import Complaint, Status, new_ticket, utc_now
from crm.complaint_filter import ComplaintFilter
from crm.windows import window_start
from dashboard.page_filter import client_filter, read_page_filter, room_of
from geo.jurisdiction import Jurisdiction
from settings import Settings
from store import complaints
from tests.dashboard.rendering import render

GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
PENJARINGAN = Jurisdiction("31.72.01.1001", "Kamal Muara", "31.72.01", "Penjaringan", "31.72", "Jakarta Utara")
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


def test_the_url_is_read_by_the_one_reader_in_the_pages_words() -> None:
    where, problems = read_page_filter({"kota": "31.71", "kategori": "banjir,jalan", "status": "Menunggu",
                                        "kanal": "sms", "sejak": "7d", "q": "Genangan  Monas", "layar": "dinding"}, NOW)
    assert problems == []
    assert where == ComplaintFilter(kode_kota="31.71", categories=("banjir", "jalan"), statuses=(Status.MENUNGGU,),
                                    channels=("sms",), since=window_start("7d", NOW), words=("Genangan", "Monas"))
    assert client_filter(where)["words"] == ["genangan", "monas"]
    assert client_filter(where)["since_ms"] == int(window_start("7d", NOW).timestamp() * 1000)
    where, problems = read_page_filter({"kategori": "banjr", "warna": "merah", "sejak": "kemarin"}, NOW)
    assert where == ComplaintFilter()
    assert {p["field"] for p in problems} == {"kategori", "warna", "sejak"}


def test_a_filtered_screen_listens_in_the_narrowest_room() -> None:
    assert room_of(ComplaintFilter()) == "city"
    assert room_of(ComplaintFilter(categories=("banjir",))) == "city"
    assert room_of(ComplaintFilter(kode_kota="31.71")) == "kota:31.71"
    assert room_of(ComplaintFilter(kode_kelurahan="31.72.01.1001")) == "kota:31.72"
    assert room_of(ComplaintFilter(kode_kota="31.71", skpd="BINAMARGA-JP")) == "skpd:BINAMARGA-JP"


def _add(pantau: Pantau, where: Jurisdiction, category: str, received: datetime, text: str,
         status: Status = Status.MENUNGGU) -> str:
    complaint = Complaint(ticket=new_ticket(received), channel="sms", external_id=f"{text}-{received.timestamp()}",
                          received_at=received, text=text, category=category, lon=106.82, lat=-6.17,
                          jurisdiction=where, skpd="BINAMARGA-JP", status=status)
    with pantau.sessions.begin() as session:
        return complaints.add(session, complaint=complaint).ticket


def _snapshot(page: str) -> dict:
    layout = json.loads(page)
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "cc-snapshot":
                found.append(node["props"]["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(layout)
    return found[0]


def test_the_snapshot_keeps_only_what_the_url_asks_for(pantau) -> None:
    now = utc_now()
    flood = _add(pantau, GAMBIR, "banjir", now - timedelta(hours=1), "genangan depan stasiun")
    _add(pantau, GAMBIR, "jalan", now - timedelta(hours=2), "jalan berlubang")
    _add(pantau, PENJARINGAN, "banjir", now - timedelta(hours=3), "rob di kampung")
    old_open = _add(pantau, GAMBIR, "banjir", now - timedelta(days=5), "genangan lama")
    _add(pantau, GAMBIR, "banjir", now - timedelta(days=5), "selesai lama", status=Status.SELESAI)
    tickets = lambda page: {row["ticket"] for row in _snapshot(page)["feed"]}  # noqa: E731
    assert len(tickets(render(pantau, "command_centre"))) == 4  # 24 hours plus the older open one
    assert tickets(render(pantau, "command_centre", kota="31.71", kategori="banjir")) == {flood, old_open}
    since = (now - timedelta(minutes=90)).isoformat()
    assert tickets(render(pantau, "command_centre", kota="31.71", kategori="banjir", sejak=since)) == {flood}
    assert tickets(render(pantau, "command_centre", q="genangan stasiun")) == {flood}
    assert tickets(render(pantau, "command_centre", q=flood.lower())) == {flood}
    page = render(pantau, "command_centre", kota="31.71")
    assert '"room": "kota:31.71"' in page and '"cc-filter-kota"' in page


def test_a_bad_url_is_said_in_words_and_everything_is_shown(pantau) -> None:
    _add(pantau, GAMBIR, "banjir", utc_now() - timedelta(hours=1), "genangan")
    page = render(pantau, "command_centre", kategori="banjr")
    assert "Filter di alamat tidak dapat dipakai" in page and "kategori: tidak dikenal: banjr" in page
    assert len(_snapshot(page)["feed"]) == 1
    assert "Filter di alamat tidak dapat dipakai" not in render(pantau, "command_centre")


def test_the_area_page_takes_the_same_filter_and_its_links_keep_it(pantau) -> None:
    now = utc_now()
    _add(pantau, GAMBIR, "banjir", now - timedelta(hours=1), "genangan depan stasiun")
    _add(pantau, GAMBIR, "banjir", now - timedelta(hours=2), "genangan lagi")
    _add(pantau, GAMBIR, "jalan", now - timedelta(hours=2), "jalan berlubang")
    everything = render(pantau, "areas", kode="31.71", window="7d")
    narrowed = render(pantau, "areas", kode="31.71", window="7d", kategori="banjir", kanal="sms")
    assert "/wilayah/31.71.01?window=7d&measure=count&kategori=banjir&kanal=sms" in narrowed
    assert "/wilayah/31.71.01?window=7d&measure=count\"" in everything
    assert _tiles(everything)[0] == "3" and _tiles(narrowed)[0] == "2"
    assert _tiles(render(pantau, "areas", kode="31.71", window="7d", q="berlubang"))[0] == "1"
    refused = render(pantau, "areas", kode="31.71", window="7d", kategori="banjr")
    assert "kategori: tidak dikenal: banjr" in refused and _tiles(refused)[0] == "3"


def _tiles(page: str) -> list[str]:
    """The Indonesian text of the KPI tiles' values, in order (dashboard/pages/areas.py kpi_tiles)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("className") == "kpi-value":
                found.append("".join(_texts(props.get("children"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(page))
    return found


def _texts(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        props = node.get("props", {})
        return [] if props.get("lang") == "en" else _texts(props.get("children"))
    if isinstance(node, list):
        return [t for child in node for t in _texts(child)]
    return []
