"""What exists only on PostGIS: the `geom` columns of `complaints` and of the boundary tables
(`kelurahan`, `kecamatan`, `kota`: MultiPolygons, filled by store/boundary_tables.py), with their GIST indexes.

`complaints.geom` is a STORED GENERATED column, ST_SetSRID(ST_MakePoint(lon, lat), 4326), created by
the migration on PostgreSQL only. Writes set lon/lat and the database fills geom, so the ORM models
(shared with SQLite, which has no geometry type) leave it out and QGIS still sees a point layer.
The boundary tables' `geom` is left out of the models for the same reason; their loader writes it.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy import Result
    from sqlalchemy.orm import Session

GEOM_COLUMN = "geom"
GEOM_TABLES = ("complaints", "kelurahan", "kecamatan", "kota")
GEOM_INDEXES = {f"ix_{table}_{GEOM_COLUMN}" for table in GEOM_TABLES}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic autogenerate filter: ignore PostGIS-only objects and tables the models don't own.

    Without it autogenerate would propose dropping geom, its index and PostGIS's spatial_ref_sys.
    """
    if type_ == "table" and reflected and compare_to is None:
        return False
    if type_ == "column" and name == GEOM_COLUMN and obj.table.name in GEOM_TABLES:
        return False
    return not (type_ == "index" and name in GEOM_INDEXES)


SIGHTINGS_IN_BOXES = text(f"""
    SELECT DISTINCT c.id, c.duplicate_of, c.category, c.status, c.received_at, c.lon, c.lat, c.location_precision
    FROM unnest(CAST(:categories AS text[]), CAST(:wests AS float8[]), CAST(:souths AS float8[]),
                CAST(:easts AS float8[]), CAST(:norths AS float8[])) AS box(category, west, south, east, north)
    JOIN complaints AS c ON c.category = box.category
     AND c.{GEOM_COLUMN} && ST_MakeEnvelope(box.west, box.south, box.east, box.north, 4326)
    WHERE c.received_at BETWEEN :start AND :end""")


def complaints_in_boxes(session: Session, boxes: Collection[tuple[str, tuple[float, float, float, float]]],
                        start: datetime, end: datetime) -> Result[Any]:
    """Complaints received between `start` and `end` whose point lies in a box of their own
    category, each once: the duplicate check's candidates (store/complaints.py).

    The boxes go in as arrays, so the statement's text is the same for any number of them: psycopg
    and PostgreSQL parse and plan it once, and each box is a probe of the GIST index. Built as an OR
    of one test per box it was a new statement for every group of reports, parsed and planned afresh
    each time, and a generic plan of it read the whole time window."""
    categories, corners = zip(*boxes)
    wests, souths, easts, norths = zip(*corners)
    return session.execute(SIGHTINGS_IN_BOXES, {"categories": list(categories), "wests": list(wests),
                                                "souths": list(souths), "easts": list(easts),
                                                "norths": list(norths), "start": start, "end": end})
