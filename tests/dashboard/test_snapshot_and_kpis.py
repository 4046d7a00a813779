"""What the page reads on load, from a real store (SQLite and PostGIS): the last 24 hours plus every open
complaint, the KPI rows, the feed and the escalations. The set is read as plain columns
(store/screen.py); its `facts` must say what the public view of the same complaint says."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from crm.breaches import COMPLETION, FIRST_ACTION, record_breaches
from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.complaint_filter import ComplaintFilter
from crm.lifecycle import REOPENED
from crm.public_view import public_complaint
from dashboard.client import client_config, client_snapshot
from dashboard.kpis import KPI_CODES, kpi_columns
from dashboard.snapshot import FEED_SIZE, each, facts, read_snapshot
from store import complaints, screen
from store.db import make_sessionmaker, upgrade
from tests.processes import ROOT

ASSETS = ROOT / "assets"

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 WIB


@pytest.fixture
def sessions(engine: Engine):
    upgrade(engine)
    return make_sessionmaker(engine)


def complaint(n: int, age: timedelta, status: Status = Status.MENUNGGU) -> Complaint:
    at = NOW - age
    return Complaint(ticket=f"JKT-{n}", channel="sms", external_id=str(n), received_at=at, text="Sampah",
                     category="sampah", lon=106.8, lat=-6.2, jurisdiction=None, skpd="DLH", status=status,
                     reporter_contact="0812-rahasia", history=[received_event(at)])


def store(sessions, *found: Complaint) -> list[int]:
    with sessions.begin() as session:
        return [complaints.add(session, complaint=c).id for c in found]


def test_snapshot_is_last_24_hours_plus_open_ones_newest_first_without_contact(sessions):
    ids = store(sessions,
                complaint(1, timedelta(hours=2)),
                complaint(2, timedelta(hours=30), Status.SELESAI),  # old and done: not shown
                complaint(3, timedelta(days=9), Status.PROSES),  # old but open: shown
                complaint(4, timedelta(hours=5), Status.SELESAI))  # recent and done: shown
    shown = read_snapshot(sessions, NOW)
    assert shown.facts["id"] == [ids[0], ids[3], ids[2]]
    assert [c["id"] for c in shown.feed] == [ids[0], ids[3], ids[2]]
    assert "0812-rahasia" not in repr(shown)


def test_the_facts_say_what_the_public_view_says(sessions, browser):
    """One rule each for overdue, SLA colour and response time: the columns read by store/screen.py
    give the answers crm/ gives the whole complaint, before, at and after each deadline; assets/kpis.js,
    run in Chromium, makes of the snapshot's columns and of each public payload the same compact rows."""
    due = NOW + timedelta(days=2)
    acted = NOW - timedelta(days=7)
    handled = replace(complaint(1, timedelta(days=8), Status.PROSES), completion_due=due, first_action_at=acted,
                      first_action_due=NOW - timedelta(days=7, hours=20))
    handled = replace(handled, history=[*handled.history,
                                        ComplaintEvent("status", acted, Status.PROSES, "DLH"),
                                        ComplaintEvent(REOPENED, NOW - timedelta(days=1), Status.PROSES, "warga")])
    waiting = replace(complaint(2, timedelta(hours=5)), first_action_due=NOW + timedelta(hours=1))
    closed = replace(handled, status=Status.SELESAI, ticket="JKT-3", external_id="3")
    without = complaint(4, timedelta(days=30))  # no deadline: never overdue
    store(sessions, handled, waiting, closed, without)
    for now in (NOW, NOW + timedelta(minutes=50), NOW + timedelta(hours=1, seconds=1), due - timedelta(hours=12),
                due, due + timedelta(seconds=1), due + timedelta(days=3)):
        with sessions() as session:
            rows = screen.screen_rows(session, ComplaintFilter(), since=now - timedelta(hours=24), hidden=False)
            whole = {c.id: c for c in complaints.list_complaints(session, limit=10)}
        found = facts(rows, now)
        shown = [public_complaint(whole[cid], now) for cid in found["id"]]
        assert column_rows(kpi_columns(found)) == [public_row(c) for c in shown], now
        assert browser_rows(browser, kpi_columns(found), shown) == [public_row(c) for c in shown], now
    by_ticket = {f["ticket"]: f for f in each(facts(rows, due + timedelta(seconds=1)))}
    assert [by_ticket["JKT-1"][k] for k in ("response_ms", "overdue", "sla")] == [24 * 3600 * 1000, True, "terlambat"]
    assert set(facts(rows, NOW + timedelta(minutes=50))["sla"]) >= {"peringatan", "aman"}
    assert [f["overdue"] for f in each(facts(rows, due)) if f["ticket"] == "JKT-1"] == [False]  # at the deadline: on time


def seconds(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000) // 1000


def public_row(shown: dict) -> list:
    """What the browser's assets/kpis.js `row` makes of a live complaint's public payload."""
    received = seconds(shown["received_at"])
    acted = shown["first_action_at"]
    sla = None if shown["sla"] is None else KPI_CODES["sla"].index(shown["sla"])
    return [shown["id"], received, KPI_CODES["channel"].index(shown["channel"]),
            KPI_CODES["status"].index(shown["status"]), None if acted is None else seconds(acted) - received,
            int(shown["overdue"]), sla]


def column_rows(columns: dict) -> list[list]:
    """What assets/kpis.js `rows` makes of the snapshot's KPI columns."""
    return [[cid, columns["t0"] + received, *rest] for cid, received, *rest in zip(
        *(columns[name] for name in ("id", "received", "channel", "status", "response", "overdue", "sla")))]


def browser_rows(browser, columns: dict, shown: list[dict]) -> list[list]:
    """assets/kpis.js in Chromium: its rows of the columns, checked against its row of each payload."""
    page = browser.new_page()
    try:
        page.add_script_tag(path=str(ASSETS / "kpis.js"))
        made, live = page.evaluate("([columns, shown, cfg]) => [pantau.kpis.rows(columns),"
                                   " shown.map((c) => pantau.kpis.row(c, cfg))]",
                                   [columns, shown, client_config(NOW)])
    finally:
        page.close()
    assert made == live
    return made


def test_the_browser_counts_the_columns_as_the_server_reads_them(sessions, browser):
    """The KPI tiles' counts of assets/kpis.js `summarise` over the snapshot's compact columns."""
    store(sessions, complaint(1, timedelta(hours=2)), complaint(2, timedelta(hours=12), Status.PROSES),
          replace(complaint(3, timedelta(days=3), Status.PROSES), completion_due=NOW - timedelta(hours=1)),
          complaint(4, timedelta(hours=20), Status.SELESAI))
    snapshot = client_snapshot(read_snapshot(sessions, NOW))
    page = browser.new_page()
    try:
        page.add_script_tag(path=str(ASSETS / "kpis.js"))
        summary = page.evaluate("([columns, now, cfg]) => pantau.kpis.summarise(pantau.kpis.rows(columns), now, cfg)",
                                [snapshot["kpis"], int(NOW.timestamp() * 1000), client_config(NOW)])
    finally:
        page.close()
    found = read_snapshot(sessions, NOW).facts
    assert summary["today"] == 1  # since midnight WIB: 2 hours ago at 10:00 WIB, not 12
    assert summary["open"] == 3 and summary["overdue"] == sum(found["overdue"]) == 1
    assert summary["channels"] == {"sms": 3} and summary["sla"]["terlambat"] == 1


def test_the_browser_gets_rows_for_all_and_the_newest_for_the_feed(sessions):
    ids = store(sessions, *(complaint(i, timedelta(minutes=i)) for i in range(1, FEED_SIZE + 18)))
    snapshot = client_snapshot(read_snapshot(sessions, NOW))
    assert len(snapshot["kpis"]["id"]) == FEED_SIZE + 17 and [f["id"] for f in snapshot["feed"]] == ids[:FEED_SIZE]
    config = client_config(NOW)
    assert config["wib_offset_ms"] == 7 * 3600 * 1000 and "overdue_after_ms" not in config
    assert config["closed"] == "Selesai" and config["categories"]["sampah"] == ["Sampah", "Rubbish"]


def test_breaches_in_the_history_mark_the_feed_row_and_fill_the_escalations(sessions):
    old = replace(complaint(1, timedelta(days=20)), first_action_due=NOW - timedelta(days=19),
                  completion_due=NOW - timedelta(days=5))
    late = replace(complaint(2, timedelta(hours=8)), first_action_due=NOW - timedelta(hours=2))
    old_id, late_id, quiet_id = store(sessions, record_breaches(record_breaches(old, NOW - timedelta(days=10)), NOW),
                                      record_breaches(late, NOW - timedelta(hours=1)), complaint(3, timedelta(hours=9)))
    snapshot = client_snapshot(read_snapshot(sessions, NOW))
    assert [(f["id"], f["breach"]) for f in snapshot["feed"]] == [(late_id, FIRST_ACTION), (quiet_id, None),
                                                                    (old_id, COMPLETION)]
    assert [(e["id"], e["breach"], e["ticket"], e["skpd"]) for e in snapshot["escalations"]] == [
        (old_id, COMPLETION, "JKT-1", "DLH"), (late_id, FIRST_ACTION, "JKT-2", "DLH"),
        (old_id, FIRST_ACTION, "JKT-1", "DLH")]
    assert client_config(NOW)["breach_kinds"] == {"sla_terlambat:tindakan_pertama": FIRST_ACTION,
                                                  "sla_terlambat:penyelesaian": COMPLETION}
