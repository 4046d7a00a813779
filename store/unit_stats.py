"""One unit's figures for its page (/peringkat/<kode>): what it holds now, which of those are overdue,
how long its first actions and completions took, and where its complaints are.

Everything is read from ranking_stints (store/models.py StintRow), the rows the ranking itself counts
(crm/ranking.py), so the page and the rank agree: time is charged to the unit that held the
complaint, and "overdue" is the unit's own completion deadline passed while it still holds the
complaint (crm/overdue.py, in SQL by store/overdue.py; crm/ranking.py held_at). Counting happens in SQL, the same on SQLite and PostGIS; hours
between two times come from store.db.epoch_seconds.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Numeric, case, cast, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.db import epoch_seconds
from store.models import ComplaintRow, StintRow
from store.overdue import passed

Took = Literal["response", "completion"]
_ENDS: dict[Took, InstrumentedAttribute[datetime | None]] = {
    "response": StintRow.first_action_at, "completion": StintRow.closed_at,
}


@dataclass(frozen=True, slots=True)
class Overdue:
    """A complaint the unit holds past its own completion deadline."""

    ticket: str
    category: str
    kelurahan: str | None
    completion_due: datetime


def held_by_status(session: Session, *, skpd: str, now: datetime) -> dict[str, int]:
    """The complaints the unit holds at `now`, counted by their current status."""
    query = (select(ComplaintRow.status, func.count()).select_from(StintRow)
             .join(ComplaintRow, ComplaintRow.id == StintRow.complaint_id)
             .where(*_held(skpd, now)).group_by(ComplaintRow.status))
    return {status: count for status, count in session.execute(query)}


def overdue(session: Session, *, skpd: str, now: datetime, limit: int) -> tuple[list[Overdue], int]:
    """The unit's overdue complaints, longest overdue first (at most `limit`), and how many there are."""
    late = [*_held(skpd, now), passed(StintRow.completion_due, now)]
    total = session.scalar(select(func.count()).select_from(StintRow).where(*late)) or 0
    rows = session.execute(
        select(ComplaintRow.ticket, ComplaintRow.category, ComplaintRow.kelurahan, StintRow.completion_due)
        .select_from(StintRow).join(ComplaintRow, ComplaintRow.id == StintRow.complaint_id).where(*late)
        .order_by(StintRow.completion_due, ComplaintRow.id).limit(limit))
    return [Overdue(*row) for row in rows], total


def histogram(session: Session, *, skpd: str, took: Took, since: datetime, edges: Sequence[float]) -> list[int]:
    """How many of the unit's first actions (or completions) from `since` took less than each of
    `edges` hours (ascending), bucket by bucket: counts[i] for [edges[i-1], edges[i]), the last one
    for `edges[-1]` hours or more. Time is counted from when the unit got the complaint."""
    end = _ENDS[took]
    hours = _hours(session, end, StintRow.start_at)
    bucket = case(*((hours < edge, i) for i, edge in enumerate(edges)), else_=len(edges)).label("bucket")
    inner = select(bucket).where(StintRow.skpd == skpd, end.is_not(None), end >= since).subquery()
    counts = [0] * (len(edges) + 1)
    for index, count in session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket)):
        counts[index] = count
    return counts


def by_kelurahan(session: Session, *, skpd: str, since: datetime, now: datetime) -> dict[str, int]:
    """Complaints the unit held at some time from `since` to `now`, per kode_kelurahan; complaints
    outside every kelurahan are left out."""
    query = (select(StintRow.kode_kelurahan, func.count(func.distinct(StintRow.complaint_id)))
             .where(StintRow.skpd == skpd, StintRow.kode_kelurahan.is_not(None), StintRow.start_at <= now,
                    or_(StintRow.end_at.is_(None), StintRow.end_at >= since))
             .group_by(StintRow.kode_kelurahan))
    return {kode: count for kode, count in session.execute(query)}


def _held(skpd: str, now: datetime) -> list[ColumnElement[bool]]:
    return [StintRow.skpd == skpd, StintRow.start_at <= now, StintRow.end_at.is_(None)]


def _hours(session: Session, later: ColumnElement[datetime | None],
           earlier: ColumnElement[datetime]) -> ColumnElement[float]:
    """`later - earlier` in hours, rounded to the millisecond first: SQLite's julianday carries
    sub-millisecond noise, and an hour must be exactly 1.0 at a bucket's edge."""
    epoch = epoch_seconds(session)
    return func.round(cast(epoch(later) - epoch(earlier), Numeric), 3) / 3600.0
