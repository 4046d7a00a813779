"""The SLA colours (crm/sla_state.py): red past the deadline, amber in the last quarter of the time
allowed, else green, for the deadline running; a fresh complaint is green."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.lifecycle import REOPENED
from crm.public_view import public_complaint
from crm.sla import AMAN, PERINGATAN, TERLAMBAT, SlaClock
from crm.sla_state import COMPLETION, FIRST_ACTION, Running, running, sla_state, state

RECEIVED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 09:00 WIB
CLOCK = SlaClock.default()
DUE = CLOCK.deadlines(channel="qlue", category="jalan", received_at=RECEIVED)


def complaint(status: Status = Status.MENUNGGU, **changes: object) -> Complaint:
    base = Complaint(ticket="JKT-1", channel="qlue", external_id="1", received_at=RECEIVED, text="Jalan berlubang",
                     category="jalan", lon=None, lat=None, jurisdiction=None, skpd="BINAMARGA-JP", status=status,
                     first_action_due=DUE.first_action, completion_due=DUE.completion, id=1,
                     history=[received_event(RECEIVED)])
    return replace(base, **changes)


def test_the_last_quarter_of_the_time_allowed_is_amber_and_past_the_deadline_red():
    start, due = RECEIVED, RECEIVED + timedelta(hours=8)
    assert state(start=start, due=due, now=start) == AMAN
    assert state(start=start, due=due, now=due - timedelta(hours=2, seconds=1)) == AMAN
    assert state(start=start, due=due, now=due - timedelta(hours=2)) == PERINGATAN
    assert state(start=start, due=due, now=due) == PERINGATAN  # at the deadline itself: still on time
    assert state(start=start, due=due, now=due + timedelta(microseconds=1)) == TERLAMBAT


def test_a_fresh_complaint_is_green_for_its_first_action():
    fresh = complaint()
    assert running(fresh) == Running(FIRST_ACTION, RECEIVED, DUE.first_action)
    assert sla_state(fresh, RECEIVED + timedelta(minutes=5)) == AMAN
    assert sla_state(fresh, DUE.first_action - timedelta(minutes=90)) == PERINGATAN  # 6 h: the last 1.5 h
    assert sla_state(fresh, DUE.first_action + timedelta(minutes=1)) == TERLAMBAT


def test_after_the_first_action_the_completion_deadline_runs():
    taken = complaint(Status.PROSES, first_action_at=RECEIVED + timedelta(hours=1))
    found = running(taken)
    assert found == Running(COMPLETION, RECEIVED, DUE.completion)
    allowed = DUE.completion - RECEIVED
    assert sla_state(taken, DUE.first_action + timedelta(hours=1)) == AMAN  # the first action's deadline is past
    assert sla_state(taken, DUE.completion - allowed / 4 - timedelta(seconds=1)) == AMAN
    assert sla_state(taken, DUE.completion - allowed / 4) == PERINGATAN
    assert sla_state(taken, DUE.completion + timedelta(seconds=1)) == TERLAMBAT


def test_a_reopening_starts_a_fresh_completion_clock_and_closed_has_none():
    at = RECEIVED + timedelta(days=20)
    fresh_due = CLOCK.deadlines(channel="qlue", category="jalan", received_at=at).completion
    reopened = complaint(Status.PROSES, completion_due=fresh_due,
                         history=[received_event(RECEIVED), ComplaintEvent(REOPENED, at, Status.PROSES, "warga")])
    assert running(reopened) == Running(COMPLETION, at, fresh_due)
    assert sla_state(reopened, at + timedelta(hours=1)) == AMAN
    assert sla_state(complaint(Status.SELESAI), RECEIVED) is None
    assert sla_state(complaint(first_action_due=None), RECEIVED) is None


def test_the_public_payload_carries_the_colour_of_its_moment():
    assert public_complaint(complaint(), RECEIVED)["sla"] == AMAN
    assert public_complaint(complaint(), DUE.first_action + timedelta(seconds=1))["sla"] == TERLAMBAT
    assert public_complaint(complaint(Status.SELESAI), RECEIVED)["sla"] is None
