"""The SQL twin of crm/overdue.py: the same rule as SQLAlchemy expressions, so the database counts.

Each function here mirrors the one of the same name in crm/overdue.py, the way Netflix Dispatch
keeps `EvergreenMixin.overdue` and its hybrid-property expression side by side: open is "status
is not Selesai", passed is "a deadline that is not NULL and strictly before now". A change to the
rule is made in both files; tests/store/test_overdue_sql.py fails on SQLite and PostGIS until they
agree again. The NULL test is written out so an expression is true or false, never NULL, wherever
it is used (WHERE, CASE, a selected column).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_

from crm.overdue import CLOSED
from store.models import ComplaintRow


def is_open(status: ColumnElement[str]) -> ColumnElement[bool]:
    """crm.overdue.is_open: every status but Selesai."""
    return status != CLOSED.value


def passed(deadline: ColumnElement[datetime | None], now: datetime) -> ColumnElement[bool]:
    """crm.overdue.passed: a deadline strictly before `now`; none never passes."""
    return and_(deadline.is_not(None), deadline < now)


def overdue(now: datetime) -> ColumnElement[bool]:
    """crm.overdue.overdue of a complaints row."""
    return and_(is_open(ComplaintRow.status), passed(ComplaintRow.completion_due, now))

