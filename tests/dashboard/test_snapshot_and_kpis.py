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
from dashboard.kpis import kpi_rows
from dashboard.snapshot import FEED_SIZE, each, facts, read_snapshot
from store import complaints, screen
from store.db import make_sessionmaker, upgrade

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


def test_the_facts_say_what_the_public_view_says(sessions):
    """One rule each for overdue, SLA colour and response time: the columns read by store/screen.py
    give the answers crm/ gives the whole complaint, before, at and after each deadline."""
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
        assert kpi_rows(found) == [public_row(public_complaint(whole[cid], now)) for cid in found["id"]], now
    by_ticket = {f["ticket"]: f for f in each(facts(rows, due + timedelta(seconds=1)))}
    assert [by_ticket["JKT-1"][k] for k in ("response_ms", "overdue", "sla")] == [24 * 3600 * 1000, True, "terlambat"]
    assert set(facts(rows, NOW + timedelta(minutes=50))["sla"]) >= {"peringatan", "aman"}
    assert [f["overdue"] for f in each(facts(rows, due)) if f["ticket"] == "JKT-1"] == [False]  # at the deadline: on time


def public_row(shown: dict) -> list:
    """What the browser's assets/kpis.js `row` makes of a live complaint's public payload."""
    received = int(datetime.fromisoformat(shown["received_at"]).timestamp() * 1000)
    acted = shown["first_action_at"]
    response = None if acted is None else int(datetime.fromisoformat(acted).timestamp() * 1000) - received
    return [shown["id"], received, shown["channel"], shown["status"], response, int(shown["overdue"]), shown["sla"]]


def test_the_browser_gets_rows_for_all_and_the_newest_for_the_feed(sessions):
    ids = store(sessions, *(complaint(i, timedelta(minutes=i)) for i in range(1, FEED_SIZE + 18)))
    snapshot = client_snapshot(read_snapshot(sessions, NOW))
    assert len(snapshot["rows"]) == FEED_SIZE + 17 and [f["id"] for f in snapshot["feed"]] == ids[:FEED_SIZE]
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
