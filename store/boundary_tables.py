"""The kelurahan, kecamatan and kota tables that GIS users join complaints to (MapIt keeps its areas
in the database too), filled from the boundaries Pantau already loaded (geo/boundaries.py).

The boundary file stays the source: Pantau locates points with it in memory, and these tables are
its copy for SQL and QGIS, replaced whole by `pantau boundaries load` and filled by `pantau db
upgrade` while empty. On PostGIS every row carries its outline in `geom` (MultiPolygon, EPSG:4326);
SQLite has no geometry type here (no SpatiaLite), so there the rows hold codes, names and parents
only, and the shapes stay in the file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, column, delete, func, insert, select, table, text
from sqlalchemy.orm import Session

from store.models import Base, KecamatanRow, KelurahanRow, KotaRow
from store.postgis import GEOM_COLUMN

if TYPE_CHECKING:
    import pandas as pd

    from geo.boundaries import Boundaries

PARENTS_FIRST = (KotaRow, KecamatanRow, KelurahanRow)  # the order of inserts; deletes go the other way
_WKB = "wkb"


class UnusableBoundaries(ValueError):
    """An area of the boundary file lacks a code or a name; the message names it and the file."""


@dataclass(frozen=True, slots=True)
class AreaCounts:
    kelurahan: int
    kecamatan: int
    kota: int

    def __str__(self) -> str:
        return f"{self.kelurahan} kelurahan, {self.kecamatan} kecamatan, {self.kota} kota"


def counts(session: Session) -> AreaCounts:
    """How many areas of each level are stored."""
    found = {row: session.scalar(select(func.count()).select_from(row)) or 0 for row in PARENTS_FIRST}
    return AreaCounts(kelurahan=found[KelurahanRow], kecamatan=found[KecamatanRow], kota=found[KotaRow])


def replace(session: Session, *, boundaries: Boundaries) -> AreaCounts:
    """Every area of `boundaries` in place of the stored ones, within the session's transaction.

    Everything is checked before anything is deleted. Readers (QGIS) see the old rows until the
    commit; a second loader waits for the first (PostgreSQL: LOCK TABLE; SQLite: the write lock
    that store.db.writing takes).
    """
    frames = {KotaRow: boundaries.kota, KecamatanRow: boundaries.kecamatan, KelurahanRow: boundaries.kelurahan}
    postgis = session.get_bind().dialect.name == "postgresql"
    rows = {row: _records(row, frame, source=str(boundaries.source), geometry=postgis) for row, frame in frames.items()}
    _lock(session)
    for row in reversed(PARENTS_FIRST):
        session.execute(delete(row))
    for row in PARENTS_FIRST:
        session.execute(_insert(row, geometry=postgis), rows[row])
    return AreaCounts(kelurahan=len(rows[KelurahanRow]), kecamatan=len(rows[KecamatanRow]), kota=len(rows[KotaRow]))


def fill(session: Session, *, boundaries: Boundaries) -> AreaCounts | None:
    """`replace` when no area is stored yet; None, and nothing written, when some already are."""
    _lock(session)
    if counts(session).kelurahan:
        return None
    return replace(session, boundaries=boundaries)


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE kota, kecamatan, kelurahan IN EXCLUSIVE MODE"))  # SELECT goes on


def _records(row: type[Base], frame: pd.DataFrame, *, source: str, geometry: bool) -> list[dict[str, Any]]:
    """The table's columns of every area, with its outline as WKB when the table has `geom`."""
    names = [c.name for c in row.__table__.columns]
    values = frame[names]
    blank = values.isna() | values.eq("")
    if blank.any(axis=None):
        at = blank.any(axis=1).idxmax()
        kode = "tanpa kode" if blank.loc[at, names[0]] else values.loc[at, names[0]]
        field = blank.loc[at].idxmax()
        raise UnusableBoundaries(f"berkas batas wilayah {source}: {row.__tablename__} {kode} tanpa isian {field}; "
                                 f"perbaiki berkasnya atau atur PANTAU_BOUNDARIES / an area lacks its {field}")
    records = values.to_dict("records")
    if geometry:
        for record, wkb in zip(records, frame.geometry.to_wkb()):
            record[_WKB] = wkb
    return records


def _insert(row: type[Base], *, geometry: bool) -> Any:
    """An INSERT of the model's columns; on PostGIS also `geom`, made a MultiPolygon from the WKB
    (a valid outline can be a Polygon, or a collection holding lines beside its polygons)."""
    if not geometry:
        return insert(row)
    names = [c.name for c in row.__table__.columns]
    target = table(row.__tablename__, *map(column, names), column(GEOM_COLUMN))
    outline = func.ST_Multi(func.ST_CollectionExtract(func.ST_GeomFromWKB(bindparam(_WKB), 4326), 3))
    return insert(target).values({GEOM_COLUMN: outline})
