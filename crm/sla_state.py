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
through the public payload's `sla` (crm/public_view.py), the command centre's snapshot through
`states_at`, the same rule over columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from crm.complaint import Complaint, Status
from crm.lifecycle import REOPENED
from crm.overdue import is_open, passed, passed_at
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
    if not is_open(complaint.status):
        return None
    if complaint.status is Status.MENUNGGU:
        due, which, start = complaint.first_action_due, FIRST_ACTION, complaint.received_at
    else:
        reopened = [event.at for event in complaint.history if event.kind == REOPENED]
        due, which, start = complaint.completion_due, COMPLETION, max([complaint.received_at, *reopened])
    return None if due is None else Running(which, start, due)


def sla_state(complaint: Complaint, now: datetime) -> str | None:
    """The complaint's SLA colour at `now`, or None when no deadline runs (closed)."""
    found = running(complaint)
    return None if found is None else state(start=found.start, due=found.due, now=now)


def states_at(*, waiting: np.ndarray, still_open: np.ndarray, received: np.ndarray, first_action_due: np.ndarray,
              completion_due: np.ndarray, reopened: np.ndarray, now: float) -> np.ndarray:
    """`sla_state` over columns of epoch seconds (NaN: none), for a screen of thousands read without
    their histories (store/screen.py): `reopened` is the last reopening. None where no deadline runs."""
    due = np.where(waiting, first_action_due, completion_due)
    start = np.where(waiting, received, np.fmax(received, reopened))  # fmax: a NaN reopening is none
    late = passed_at(due, now)
    warned = np.less_equal(due - now, (due - start) * WARNING_SHARE, where=~np.isnan(due),
                           out=np.zeros(due.shape, dtype=bool))
    colours = np.where(late, TERLAMBAT, np.where(warned, PERINGATAN, AMAN)).astype(object)
    colours[~still_open | np.isnan(due)] = None
    return colours
