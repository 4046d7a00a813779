"""What the command centre counts and draws, read as plain columns: on a flood day it shows tens of
thousands of complaints, and building each one with its history (store/complaints.py) would take
seconds. Only the newest few (the feed, the escalations) are read whole.

The set is the command centre's (dashboard/snapshot.py): the filter's complaints received since
`since`, plus, unless the filter names its own start, every one still open.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.orm import Session

from crm.complaint_filter import ComplaintFilter
from crm.lifecycle import REOPENED
from store.db import epoch_seconds
from store.filters import conditions
from store.models import ComplaintEventRow, ComplaintRow
from store.overdue import is_open
from store.rows import publicly_visible

_REOPENED_AT = (select(ComplaintEventRow.complaint_id, func.max(ComplaintEventRow.at).label("at"))
                .where(ComplaintEventRow.kind == REOPENED).group_by(ComplaintEventRow.complaint_id).subquery())
# Times leave as epoch seconds computed by the database: 20,000 rows of five datetimes each would
# cost more to build in Python than the query itself.
TIMES = {"received": ComplaintRow.received_at, "first_action": ComplaintRow.first_action_at,
         "first_action_due": ComplaintRow.first_action_due, "completion_due": ComplaintRow.completion_due,
         "reopened": _REOPENED_AT.c.at}
COLUMNS = (ComplaintRow.id, ComplaintRow.ticket, ComplaintRow.channel, ComplaintRow.category, ComplaintRow.status,
           ComplaintRow.kode_kelurahan, ComplaintRow.kelurahan, ComplaintRow.kecamatan, ComplaintRow.lon,
           ComplaintRow.lat, ComplaintRow.duplicate_of)


def _shown(where: ComplaintFilter, since: datetime, hidden: bool) -> list[ColumnElement[bool]]:
    shown = conditions(where)
    if where.since is None:
        shown.append(or_(ComplaintRow.received_at >= since, is_open(ComplaintRow.status)))
    if not hidden:
        shown.append(publicly_visible())
    return shown


def screen_rows(session: Session, where: ComplaintFilter, *, since: datetime, hidden: bool) -> list[Row[Any]]:
    """The set's COLUMNS and TIMES (epoch seconds, None when unset), newest first; `hidden`: with the
    complaints hidden from the public."""
    epoch = epoch_seconds(session)
    query = (select(*COLUMNS, *(epoch(column).label(name) for name, column in TIMES.items()))
             .outerjoin(_REOPENED_AT, _REOPENED_AT.c.complaint_id == ComplaintRow.id)
             .where(*_shown(where, since, hidden))
             .order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc()))
    return list(session.execute(query))


def newest_events(session: Session, where: ComplaintFilter, kinds: tuple[str, ...], limit: int, *,
                  since: datetime, hidden: bool) -> list[Row[Any]]:
    """(complaint_id, kind, at) of the newest history events of `kinds` within the set, newest first."""
    query = (select(ComplaintEventRow.complaint_id, ComplaintEventRow.kind, ComplaintEventRow.at)
             .join(ComplaintRow, ComplaintRow.id == ComplaintEventRow.complaint_id)
             .where(ComplaintEventRow.kind.in_(kinds), *_shown(where, since, hidden))
             .order_by(ComplaintEventRow.at.desc(), ComplaintEventRow.id.desc()).limit(limit))
    return list(session.execute(query))
