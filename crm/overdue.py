"""Overdue: the one rule of when a complaint is late, for every page, count, rank and screen.

A complaint is overdue at `now` while it is still open (not Selesai) and its completion deadline
has passed. That deadline is the SLA clock's (crm/sla.py: working days, skipping weekends and
holidays), an Estimasi Waktu Selesai that replaces it, or the fresh one a reopening sets, so there
is one meaning of "overdue", in working days. At the deadline itself a complaint is still on
time; without a deadline it is never overdue (intake, corrections and the import always set one).

A unit's view (crm/ranking.py, store/unit_stats.py) applies the same rule to a stint: open while
the unit still holds the complaint, late once the unit's own completion deadline has passed.

The SQL twin is store/overdue.py: the same test as one SQLAlchemy expression, for counting in the
database (store/areas.py, store/unit_stats.py, store/complaints.py). tests/store/test_overdue_sql.py
holds the two to the same answers on SQLite and PostGIS. The public payload carries the answer
(crm/public_view.py `overdue`), so the browser counts flags and decides nothing.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np

from crm.complaint import Complaint, Status

CLOSED = Status.SELESAI


def is_open(status: Status | str) -> bool:
    """Whether the follow-up still runs: every status but Selesai."""
    return status != CLOSED


def passed(deadline: datetime | None, now: datetime) -> bool:
    """Whether `deadline` is behind `now`, strictly: at the deadline itself there is still time."""
    return deadline is not None and deadline < now


def passed_at(deadlines: np.ndarray, at: float | np.ndarray) -> np.ndarray:
    """`passed` over epoch seconds (crm/ranking.py's columns, `at` one moment or one per row); NaN,
    no deadline (or no moment), never passes."""
    return np.less(deadlines, at, where=~np.isnan(deadlines), out=np.zeros(deadlines.shape, dtype=bool))


def is_overdue(*, status: Status | str, completion_due: datetime | None, now: datetime) -> bool:
    """Open and past its completion deadline at `now`."""
    return is_open(status) and passed(completion_due, now)


def overdue(complaint: Complaint, now: datetime) -> bool:
    """`is_overdue` of a complaint."""
    return is_overdue(status=complaint.status, completion_due=complaint.completion_due, now=now)
