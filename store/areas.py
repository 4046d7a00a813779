"""Complaints by area: the figures of the drill-down pages, and the filtered rows the exports stream.

Areas are Kemendagri codes, never names (23 kelurahan share their kecamatan's name): a kota is
`31.71`, its kecamatan `31.71.01`, their kelurahan `31.71.01.1001`, so a code's level is its
number of parts and its parent is the code without the last part. Counting happens in SQL (GROUP
BY); only the median response needs the durations themselves, since SQLite has no median.
Everything here runs the same on SQLite and PostGIS.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from crm.complaint import Complaint
from crm.complaint_filter import ComplaintFilter
from store.db import epoch_seconds
from store.filters import conditions
from store.models import ComplaintRow
from store.overdue import is_open, overdue
from store.rows import publicly_visible, to_domain

KOTA, KECAMATAN, KELURAHAN = "kota", "kecamatan", "kelurahan"
LEVELS = (KOTA, KECAMATAN, KELURAHAN)
_CODE = re.compile(r"\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?")
_COLUMNS: dict[str, InstrumentedAttribute[str | None]] = {
    KOTA: ComplaintRow.kode_kota, KECAMATAN: ComplaintRow.kode_kecamatan, KELURAHAN: ComplaintRow.kode_kelurahan,
}
BREAKDOWNS = ("category", "channel", "skpd")
EXPORT_CHUNK = 1000


def level_of(kode: str) -> str:
    """KOTA, KECAMATAN or KELURAHAN by the code's shape; ValueError for anything else."""
    if not _CODE.fullmatch(kode):
        raise ValueError(f"kode wilayah tidak sah: {kode!r}; contoh 31.71, 31.71.01, 31.71.01.1001 "
                         f"/ not an area code")
    return LEVELS[kode.count(".") - 1]


def parent_of(kode: str) -> str | None:
    """The kota of a kecamatan, the kecamatan of a kelurahan; None for a kota (its parent is Jakarta)."""
    return kode.rsplit(".", 1)[0] if level_of(kode) != KOTA else None


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """One area's figures over a window; `median_response_hours` is None when nothing was acted on."""

    count: int
    open: int
    overdue: int
    median_response_hours: float | None


def by_area(session: Session, *, parent: str | None, since: datetime, now: datetime,
            where: ComplaintFilter = ComplaintFilter()) -> dict[str, AreaFigures]:
    """Figures per child of `parent` (Jakarta's kota for None, a kota's kecamatan, a kecamatan's
    kelurahan), for complaints received from `since` that `where` takes; children without complaints are absent."""
    level = KOTA if parent is None else level_of(parent)
    if level == KELURAHAN:
        raise ValueError(f"kelurahan {parent} has no smaller areas")
    column = _COLUMNS[KOTA if parent is None else LEVELS[LEVELS.index(level) + 1]]
    return _figures(session, column, [_in_area(parent), ComplaintRow.received_at >= since, *conditions(where)], now)


def totals(session: Session, *, kode: str | None, since: datetime, now: datetime,
           where: ComplaintFilter = ComplaintFilter()) -> AreaFigures:
    """Figures of one area (all of Jakarta for None: every complaint located in a kota)."""
    return _figures(session, None, [_in_area(kode), ComplaintRow.received_at >= since, *conditions(where)], now)[""]


def breakdown(session: Session, *, kode: str | None, since: datetime, by: str,
              where: ComplaintFilter = ComplaintFilter()) -> list[tuple[str, int]]:
    """(value, count) of `by` (one of BREAKDOWNS) in one area from `since`, most frequent first."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by {by!r}: use one of {', '.join(BREAKDOWNS)}")
    column = getattr(ComplaintRow, by)
    count = func.count(ComplaintRow.id)
    rows = session.execute(select(column, count).where(_in_area(kode), ComplaintRow.received_at >= since,
                                                       *conditions(where))
                           .group_by(column).order_by(count.desc(), column))
    return [(value, n) for value, n in rows]


def _in_area(kode: str | None) -> ColumnElement[bool]:
    if kode is None:
        return ComplaintRow.kode_kota.is_not(None)
    return _COLUMNS[level_of(kode)] == kode


def _figures(session: Session, column: InstrumentedAttribute[str | None] | None,
             where: list[ColumnElement[bool]], now: datetime) -> dict[str, AreaFigures]:
    """Counts per value of `column` in one query, medians from a second; with no column, one
    ungrouped row under the key "" (PostgreSQL refuses GROUP BY a constant)."""
    key = column if column is not None else literal_column("''")
    still_open = is_open(ComplaintRow.status)
    query = select(key.label("kode"), func.count(ComplaintRow.id),
                   func.coalesce(func.sum(case((still_open, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((overdue(now), 1), else_=0)), 0)).where(*where)
    counts = session.execute(query if column is None else query.group_by(column)).all()
    medians = _median_response_hours(session, key, where)
    return {kode: AreaFigures(count, int(n_open), int(n_overdue), medians.get(kode))
            for kode, count, n_open, n_overdue in counts}


def _median_response_hours(session: Session, key: ColumnElement[str | None],
                           where: list[ColumnElement[bool]]) -> dict[str, float]:
    """Median hours from receipt to the first action, per key, over the complaints acted on."""
    epoch = epoch_seconds(session)
    rows = session.execute(select(key.label("kode"), epoch(ComplaintRow.first_action_at) - epoch(ComplaintRow.received_at))
                           .where(*where, ComplaintRow.first_action_at.is_not(None))).all()
    if not rows:
        return {}
    frame = pd.DataFrame(rows, columns=["kode", "seconds"]).round({"seconds": 3})  # julianday: sub-ms noise
    return {kode: float(median) / 3600 for kode, median in frame.groupby("kode")["seconds"].median().items()}


def stream(sessions: sessionmaker[Session], *, where: ComplaintFilter,
           chunk: int = EXPORT_CHUNK) -> Iterator[Complaint]:
    """Every matching complaint the public may see (exports are open data: none hidden by an
    operator), in id order, without history, read `chunk` rows at a time.

    Keyset pages (id > the last one seen), each in its own short session: memory stays at one
    chunk however many rows match, and no transaction stays open while a slow client downloads.
    """
    after = 0
    while True:
        with sessions() as session:
            rows = session.scalars(select(ComplaintRow)
                                   .where(*conditions(where), publicly_visible(), ComplaintRow.id > after)
                                   .order_by(ComplaintRow.id).limit(chunk)).all()
            for row in rows:
                set_committed_value(row, "events", [])  # exports leave history out: never read it
            found = [to_domain(row) for row in rows]
        yield from found
        if len(rows) < chunk:
            return
        after = rows[-1].id
