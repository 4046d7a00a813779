"""PostGIS only: the generated point geometry that QGIS and spatial SQL read."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from crm.complaint import Complaint
from store import complaints

pytestmark = pytest.mark.parametrize(
    "engine", [pytest.param("postgis", marks=pytest.mark.postgis)], indirect=True
)


def test_geom_is_generated_from_lon_lat_and_null_without_a_point(
    session: Session, make_complaint: Callable[..., Complaint]
) -> None:
    located = complaints.add(session, complaint=make_complaint(lon=106.8307, lat=-6.1767))
    unplaced = complaints.add(session, complaint=make_complaint(lon=None, lat=None))
    session.commit()
    row = session.execute(
        text("SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM complaints WHERE id = :id"),
        {"id": located.id},
    ).one()
    assert tuple(row) == (106.8307, -6.1767, 4326)
    geom = session.scalar(text("SELECT geom FROM complaints WHERE id = :id"), {"id": unplaced.id})
    assert geom is None


def test_geom_has_a_gist_index(session: Session) -> None:
    indexdef = session.scalar(
        text(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = 'complaints' AND indexname = 'ix_complaints_geom'"
        )
    )
    assert indexdef is not None and "USING gist (geom)" in indexdef


def test_qgis_finds_the_point_layer_in_geometry_columns(session: Session) -> None:
    row = session.execute(
        text(
            "SELECT srid, type, coord_dimension FROM geometry_columns"
            " WHERE f_table_schema = current_schema() AND f_table_name = 'complaints'"
            " AND f_geometry_column = 'geom'"
        )
    ).one()
    assert tuple(row) == (4326, "POINT", 2)


def test_st_dwithin_in_metres_finds_a_stored_point(
    session: Session, make_complaint: Callable[..., Complaint]
) -> None:
    gambir = complaints.add(session, complaint=make_complaint(lon=106.8307, lat=-6.1767))
    complaints.add(session, complaint=make_complaint(lon=106.8456, lat=-6.2297))  # ~6 km south
    session.commit()
    near = text(
        "SELECT id FROM complaints WHERE ST_DWithin(geom::geography,"
        " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :metres)"
    )
    # Monas, about 400 m from the Gambir station point
    assert session.scalars(near, {"lon": 106.8272, "lat": -6.1754, "metres": 1000}).all() == [
        gambir.id
    ]
    assert session.scalars(near, {"lon": 106.8272, "lat": -6.1754, "metres": 100}).all() == []
