"""Complaints by area: the figures of the drill-down pages, and the filtered rows the exports stream.

Areas are Kemendagri codes, never names (23 kelurahan share their kecamatan's name): a kota is
`31.71`, its kecamatan `31.71.01`, their kelurahan `31.71.01.1001`, so a code's level is its
number of parts and its parent is the code without the last part. Counting happens in SQL (GROUP
BY); only the median response needs the durations themselves, since SQLite has no median.
Everything here runs the same on SQLite and PostGIS. `area_page` reads what `/wilayah` shows in
three queries (the children's counts, their durations, the breakdowns), since at 20,000 complaints
each query over the window is most of the page's time.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
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


NONE = AreaFigures(count=0, open=0, overdue=0, median_response_hours=None)


@dataclass(frozen=True, slots=True)
class AreaPage:
    """What the drill-down page shows of one area: its children's figures (a kelurahan's are its
    kecamatan's kelurahan), its own, and the breakdowns of BREAKDOWNS in it."""

    children: dict[str, AreaFigures]
    current: AreaFigures
    breakdowns: dict[str, list[tuple[str, int]]]


def area_page(session: Session, *, kode: str | None, since: datetime, now: datetime,
              where: ComplaintFilter = ComplaintFilter()) -> AreaPage:
    """The figures `by_area`, `totals` and `breakdown` give the page of `kode` (Jakarta for None), in
    three queries: a kelurahan's own figures are one of its kecamatan's children's, any other area's
    the sum of its children's (every group, an unplaced one too, so the same set `totals` counts)
    with the median over all their durations."""
    parent = parent_of(kode) if kode is not None and level_of(kode) == KELURAHAN else kode
    children, seconds = _figures_and_durations(session, _child_column(parent), _window(parent, since, where), now)
    if parent != kode:
        current = children.get(kode, NONE)
    else:
        median = float(np.median(seconds)) / 3600 if len(seconds) else None
        current = AreaFigures(sum(f.count for f in children.values()), sum(f.open for f in children.values()),
                              sum(f.overdue for f in children.values()), median)
    return AreaPage(children, current, breakdowns(session, kode=kode, since=since, by=BREAKDOWNS, where=where))


def by_area(session: Session, *, parent: str | None, since: datetime, now: datetime,
            where: ComplaintFilter = ComplaintFilter()) -> dict[str, AreaFigures]:
    """Figures per child of `parent` (Jakarta's kota for None, a kota's kecamatan, a kecamatan's
    kelurahan), for complaints received from `since` that `where` takes; children without complaints are absent."""
    return _figures_and_durations(session, _child_column(parent), _window(parent, since, where), now)[0]


def totals(session: Session, *, kode: str | None, since: datetime, now: datetime,
           where: ComplaintFilter = ComplaintFilter()) -> AreaFigures:
    """Figures of one area (all of Jakarta for None: every complaint located in a kota)."""
    return _figures_and_durations(session, None, _window(kode, since, where), now)[0].get("", NONE)


def breakdown(session: Session, *, kode: str | None, since: datetime, by: str,
              where: ComplaintFilter = ComplaintFilter()) -> list[tuple[str, int]]:
    """(value, count) of `by` (one of BREAKDOWNS) in one area from `since`, most frequent first."""
    return breakdowns(session, kode=kode, since=since, by=(by,), where=where)[by]


def breakdowns(session: Session, *, kode: str | None, since: datetime, by: tuple[str, ...],
               where: ComplaintFilter = ComplaintFilter()) -> dict[str, list[tuple[str, int]]]:
    """`breakdown` of each of `by`, from one query grouped by all of them."""
    unknown = [name for name in by if name not in BREAKDOWNS]
    if unknown or not by:
        raise ValueError(f"breakdown by {unknown or by!r}: use one of {', '.join(BREAKDOWNS)}")
    columns = [getattr(ComplaintRow, name) for name in by]
    rows = session.execute(select(*columns, func.count(ComplaintRow.id)).where(*_window(kode, since, where))
                           .group_by(*columns)).all()
    found: dict[str, dict[str, int]] = {name: {} for name in by}
    for *values, n in rows:
        for name, value in zip(by, values):
            found[name][value] = found[name].get(value, 0) + n
    return {name: sorted(counted.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
            for name, counted in found.items()}


def _child_column(parent: str | None) -> InstrumentedAttribute[str | None]:
    level = KOTA if parent is None else level_of(parent)
    if level == KELURAHAN:
        raise ValueError(f"kelurahan {parent} has no smaller areas")
    return _COLUMNS[KOTA if parent is None else LEVELS[LEVELS.index(level) + 1]]


def _window(kode: str | None, since: datetime, where: ComplaintFilter) -> list[ColumnElement[bool]]:
    return [_in_area(kode), ComplaintRow.received_at >= since, *conditions(where)]


def _in_area(kode: str | None) -> ColumnElement[bool]:
    if kode is None:
        return ComplaintRow.kode_kota.is_not(None)
    return _COLUMNS[level_of(kode)] == kode


def _figures_and_durations(session: Session, column: InstrumentedAttribute[str | None] | None,
                           where: list[ColumnElement[bool]], now: datetime) -> tuple[dict[str, AreaFigures], np.ndarray]:
    """Counts per value of `column` in one query, medians from a second, and the seconds to the first
    action of everything counted; with no column, one ungrouped row under the key "" (PostgreSQL
    refuses GROUP BY a constant)."""
    key = column if column is not None else literal_column("''")
    still_open = is_open(ComplaintRow.status)
    query = select(key.label("kode"), func.count(ComplaintRow.id),
                   func.coalesce(func.sum(case((still_open, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((overdue(now), 1), else_=0)), 0)).where(*where)
    counts = session.execute(query if column is None else query.group_by(column)).all()
    medians, seconds = _median_response_hours(session, key, where)
    figures = {kode: AreaFigures(count, int(n_open), int(n_overdue), medians.get(kode))
               for kode, count, n_open, n_overdue in counts if count}
    return figures, seconds


def _median_response_hours(session: Session, key: ColumnElement[str | None],
                           where: list[ColumnElement[bool]]) -> tuple[dict[str, float], np.ndarray]:
    """Median hours from receipt to the first action per key, over the complaints acted on, and
    their seconds; read as two columns, not a Python object per complaint."""
    epoch = epoch_seconds(session)
    rows = session.execute(select(key.label("kode"), epoch(ComplaintRow.first_action_at) - epoch(ComplaintRow.received_at))
                           .where(*where, ComplaintRow.first_action_at.is_not(None))).all()
    if not rows:
        return {}, np.empty(0)
    kodes, seconds = zip(*rows)
    frame = pd.DataFrame({"kode": kodes, "seconds": np.round(np.array(seconds, dtype=float), 3)})  # julianday: sub-ms noise
    medians = frame.groupby("kode")["seconds"].median()
    return {kode: float(median) / 3600 for kode, median in medians.items()}, frame["seconds"].to_numpy()


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
