"""What the page reads on load: the last 24 hours plus every open complaint, and the KPI rows."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crm.breaches import COMPLETION, FIRST_ACTION, record_breaches
from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.complaint_filter import ComplaintFilter
from crm.public_view import public_complaint
from dashboard.client import FEED_SIZE, client_config, client_snapshot
from dashboard.kpis import OVERDUE_AFTER, kpi_row, response_ms
from dashboard.snapshot import read_snapshot

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 WIB


def complaint(cid: int, age: timedelta, status: Status = Status.MENUNGGU) -> Complaint:
    at = NOW - age
    return Complaint(ticket=f"JKT-{cid}", channel="sms", external_id=str(cid), received_at=at, text="Sampah",
                     category="sampah", lon=106.8, lat=-6.2, jurisdiction=None, skpd="DLH", status=status,
                     reporter_contact="0812-rahasia", id=cid, history=[received_event(at)])


class FakeStore:
    """`recent(where)` over a list, as app.py's recent does over the store (since and statuses only)."""

    def __init__(self, complaints: list[Complaint]) -> None:
        self.complaints = complaints

    def __call__(self, where: ComplaintFilter) -> list[Complaint]:
        return [c for c in self.complaints if (where.since is None or c.received_at >= where.since)
                and (not where.statuses or c.status in where.statuses)]


def test_snapshot_is_last_24_hours_plus_open_ones_newest_first_without_contact():
    store = FakeStore([
        complaint(1, timedelta(hours=2)),
        complaint(2, timedelta(hours=30), Status.SELESAI),  # old and done: not shown
        complaint(3, timedelta(days=9), Status.PROSES),  # old but open: shown
        complaint(4, timedelta(hours=5), Status.SELESAI),  # recent and done: shown
    ])
    shown = read_snapshot(store, NOW)
    assert [c["id"] for c in shown] == [1, 4, 3]
    assert "0812-rahasia" not in repr(shown)


def test_response_time_is_the_first_status_change_after_menunggu():
    waiting = public_complaint(complaint(1, timedelta(hours=3)))
    assert response_ms(waiting) is None
    handled = complaint(2, timedelta(hours=3), Status.PROSES)
    handled = replace(handled, history=[*handled.history,
                                        ComplaintEvent("status", NOW - timedelta(hours=2), Status.KOORDINASI, "DLH"),
                                        ComplaintEvent("status", NOW - timedelta(hours=1), Status.PROSES, "DLH")])
    assert response_ms(public_complaint(handled)) == 3600 * 1000
    received_ms = int((NOW - timedelta(hours=3)).timestamp() * 1000)
    assert kpi_row(public_complaint(handled))[1:] == [received_ms, "sms", "Proses", 3600 * 1000,
                                                     received_ms + 7 * 86400 * 1000]


def test_overdue_is_the_completion_deadline_when_the_complaint_has_one():
    due = NOW + timedelta(days=2)
    with_due = replace(complaint(1, timedelta(hours=3)), completion_due=due)
    assert kpi_row(public_complaint(with_due))[5] == int(due.timestamp() * 1000)
    without = public_complaint(complaint(2, timedelta(hours=3)))
    assert kpi_row(without)[5] == int((NOW - timedelta(hours=3) + OVERDUE_AFTER).timestamp() * 1000)


def test_the_browser_gets_rows_for_all_and_the_newest_for_the_feed():
    shown = [public_complaint(complaint(i, timedelta(minutes=i))) for i in range(1, 30)]
    snapshot = client_snapshot(shown)
    assert len(snapshot["rows"]) == 29 and [f["id"] for f in snapshot["feed"]] == list(range(1, FEED_SIZE + 1))
    config = client_config(NOW)
    assert config["wib_offset_ms"] == 7 * 3600 * 1000 and config["overdue_after_ms"] == 7 * 86400 * 1000
    assert config["closed"] == "Selesai" and config["categories"]["sampah"] == ["Sampah", "Rubbish"]


def test_breaches_in_the_history_mark_the_feed_row_and_fill_the_escalations():
    old = replace(complaint(1, timedelta(days=20)), first_action_due=NOW - timedelta(days=19),
                  completion_due=NOW - timedelta(days=5))
    late = replace(complaint(2, timedelta(hours=8)), first_action_due=NOW - timedelta(hours=2))
    shown = [public_complaint(c) for c in (
        record_breaches(late, NOW - timedelta(hours=1)), complaint(3, timedelta(hours=9)),
        record_breaches(record_breaches(old, NOW - timedelta(days=10)), NOW))]
    snapshot = client_snapshot(shown)
    assert [(f["id"], f["breach"]) for f in snapshot["feed"]] == [(2, FIRST_ACTION), (3, None), (1, COMPLETION)]
    assert [(e["id"], e["breach"], e["ticket"], e["skpd"]) for e in snapshot["escalations"]] == [
        (1, COMPLETION, "JKT-1", "DLH"), (2, FIRST_ACTION, "JKT-2", "DLH"), (1, FIRST_ACTION, "JKT-1", "DLH")]
    assert client_config(NOW)["breach_kinds"] == {"sla_terlambat:tindakan_pertama": FIRST_ACTION,
                                                  "sla_terlambat:penyelesaian": COMPLETION}
