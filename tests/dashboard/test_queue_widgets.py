"""The work queues' SLA countdown takes its colour from crm/sla_state.py: a fresh complaint is green,
the last quarter of the time allowed amber, a passed deadline red and worded as late."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.complaint import Complaint, Status, received_event
from crm.sla import SlaClock
from dashboard.palette import SLA_COLOURS
from dashboard.queue_widgets import sla_countdown

RECEIVED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CLOCK = SlaClock.default()
DUE = CLOCK.deadlines(channel="qlue", category="jalan", received_at=RECEIVED)


def complaint(status: Status) -> Complaint:
    return Complaint(ticket="JKT-1", channel="qlue", external_id="1", received_at=RECEIVED, text="Jalan berlubang",
                     category="jalan", lon=None, lat=None, jurisdiction=None, skpd="BINAMARGA-JP", status=status,
                     first_action_due=DUE.first_action, completion_due=DUE.completion, id=1,
                     history=[received_event(RECEIVED)])


def pill(status: Status, now: datetime) -> tuple[str, str, str]:
    span = sla_countdown(complaint(status), CLOCK, now)
    words = " ".join(str(part.children) for part in span.children.children)
    return span.className.removeprefix("work-sla work-sla-"), span.style["background"], words


def test_a_fresh_complaint_is_green_then_amber_then_red():
    assert pill(Status.MENUNGGU, RECEIVED + timedelta(minutes=1))[:2] == ("aman", SLA_COLOURS["aman"])
    state, colour, words = pill(Status.MENUNGGU, DUE.first_action - timedelta(hours=1))
    assert (state, colour) == ("peringatan", SLA_COLOURS["peringatan"]) and "sisa 1 jam" in words
    state, colour, words = pill(Status.MENUNGGU, DUE.first_action + timedelta(hours=2))
    assert (state, colour) == ("terlambat", SLA_COLOURS["terlambat"]) and "lewat 2 jam (tindakan pertama)" in words


def test_once_taken_the_completion_runs_and_colours_by_its_own_time():
    assert pill(Status.PROSES, DUE.first_action + timedelta(hours=1))[0] == "aman"
    assert pill(Status.PROSES, DUE.completion - timedelta(hours=12))[0] == "peringatan"
    assert "(selesai)" in pill(Status.PROSES, DUE.completion - timedelta(hours=12))[2]
    assert pill(Status.PROSES, DUE.completion + timedelta(seconds=1))[0] == "terlambat"
