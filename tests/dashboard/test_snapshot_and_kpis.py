"""What the page reads on load: the last 24 hours plus every open complaint, and the KPI rows."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crm.breaches import COMPLETION, FIRST_ACTION, record_breaches
from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.complaint_filter import ComplaintFilter
from crm.public_view import public_complaint
from dashboard.client import FEED_SIZE, client_config, client_snapshot
from dashboard.kpis import kpi_row, response_ms
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
    assert kpi_row(public_complaint(handled, NOW))[1:] == [received_ms, "sms", "Proses", 3600 * 1000, 0, None]


def test_the_kpi_row_carries_the_payloads_overdue_flag_of_the_snapshots_moment():
    """The row only copies crm/overdue.py's answer: late once the completion deadline is behind `now`,
    whatever the receipt date (no second rule of 7 calendar days)."""
    due = NOW + timedelta(days=2)
    old = replace(complaint(1, timedelta(days=8)), completion_due=due)  # 8 days old, deadline still ahead
    assert kpi_row(public_complaint(old, NOW))[5] == 0
    assert kpi_row(public_complaint(old, due))[5] == 0  # at the deadline itself: on time
    assert kpi_row(public_complaint(old, due + timedelta(seconds=1)))[5] == 1
    closed = replace(old, status=Status.SELESAI)
    assert kpi_row(public_complaint(closed, due + timedelta(days=1)))[5] == 0
    without = complaint(2, timedelta(days=30))  # no deadline: never overdue
    assert kpi_row(public_complaint(without, NOW))[5] == 0
    assert [row[5] for row in client_snapshot(read_snapshot(FakeStore([old]), due + timedelta(hours=1)))["rows"]] == [1]


def test_the_browser_gets_rows_for_all_and_the_newest_for_the_feed():
    shown = [public_complaint(complaint(i, timedelta(minutes=i))) for i in range(1, FEED_SIZE + 18)]
    snapshot = client_snapshot(shown)
    assert len(snapshot["rows"]) == FEED_SIZE + 17 and [f["id"] for f in snapshot["feed"]] == list(range(1, FEED_SIZE + 1))
    config = client_config(NOW)
    assert config["wib_offset_ms"] == 7 * 3600 * 1000 and "overdue_after_ms" not in config
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
