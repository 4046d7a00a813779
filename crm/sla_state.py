"""How close a complaint is to the deadline now running: the one rule of the SLA colours.

Green (AMAN), amber (PERINGATAN) in the last quarter of the time allowed, red (TERLAMBAT) once the
deadline has passed (crm/overdue.py `passed`: at the deadline itself there is still time). The
time allowed is relative, from the clock's start to the deadline, so a 6-hour first action turns
amber 90 minutes before it is due and a 7-working-day completion about two days before: a fresh
complaint is green, and the colours separate what needs doing now from what can wait.

The deadline running is the first action's while the complaint waits (Menunggu), else the
completion's; a closed complaint has none. Both clocks start at receipt (a correction keeps
`received_at`, crm/corrections.py), except that a citizen's reopening starts a fresh completion
clock (crm/lifecycle.py reopen). The queues (dashboard/queue_widgets.py), the map's SLA colours
and the KPI tiles all read this module: the pages through `running` and `state`, the browser
through the public payload's `sla` (crm/public_view.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm.complaint import Complaint, Status
from crm.lifecycle import REOPENED
from crm.overdue import is_open, passed
from crm.sla import AMAN, PERINGATAN, TERLAMBAT

WARNING_SHARE = 0.25  # amber in the last quarter of the time allowed
FIRST_ACTION, COMPLETION = "first_action", "completion"


@dataclass(frozen=True, slots=True)
class Running:
    """The deadline a complaint is measured against now: which one, when its clock started, when due."""

    which: str  # FIRST_ACTION or COMPLETION
    start: datetime
    due: datetime


def state(*, start: datetime, due: datetime, now: datetime) -> str:
    """TERLAMBAT past `due`, PERINGATAN in the last WARNING_SHARE of `start`..`due`, else AMAN."""
    if passed(due, now):
        return TERLAMBAT
    return PERINGATAN if due - now <= (due - start) * WARNING_SHARE else AMAN


def running(complaint: Complaint) -> Running | None:
    """The deadline running now, or None when closed or when that deadline is not set."""
    reopened = [event.at for event in complaint.history if event.kind == REOPENED]
    return running_of(status=complaint.status, received_at=complaint.received_at,
                      first_action_due=complaint.first_action_due, completion_due=complaint.completion_due,
                      reopened_at=max(reopened) if reopened else None)


def running_of(*, status: Status | str, received_at: datetime, first_action_due: datetime | None,
               completion_due: datetime | None, reopened_at: datetime | None) -> Running | None:
    """`running` from a complaint's columns (store/screen.py reads no history): the completion
    clock restarts at the last reopening."""
    if not is_open(status):
        return None
    if status == Status.MENUNGGU:
        due, which, start = first_action_due, FIRST_ACTION, received_at
    else:
        due, which, start = completion_due, COMPLETION, max(received_at, reopened_at or received_at)
    return None if due is None else Running(which, start, due)


def sla_state(complaint: Complaint, now: datetime) -> str | None:
    """The complaint's SLA colour at `now`, or None when no deadline runs (closed)."""
    return colour_of(running(complaint), now)


def colour_of(found: Running | None, now: datetime) -> str | None:
    """The colour of a running deadline at `now`; None when none runs."""
    return None if found is None else state(start=found.start, due=found.due, now=now)
