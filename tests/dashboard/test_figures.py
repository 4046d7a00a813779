"""The Jakarta map figure: real outlines under the complaints, offline style, clickable points."""
from __future__ import annotations

from datetime import UTC, datetime

from dashboard.figures import (
    COMPLAINTS_TRACE,
    DOT_LIMIT,
    HOVER,
    POINT_FIELDS,
    draws_counts,
    jakarta_map,
    outlines_geojson,
)
from dashboard.snapshot import FACTS

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def facts(*complaints: dict) -> dict[str, list]:
    """The snapshot's columns (dashboard/snapshot.py FACTS) of complaints given as dicts."""
    return {name: [c[name] for c in complaints] for name in FACTS}


LOCATED = {"id": 7, "ticket": "JKT-261127-AAAAA", "channel": "sms", "category": "banjir", "status": "Menunggu",
           "kode_kelurahan": "31.71.01.1001", "kelurahan": "Gambir", "kecamatan": "Gambir", "lon": 106.82,
           "lat": -6.17, "duplicate_of": None, "received_ms": int(AT.timestamp() * 1000), "response_ms": None,
           "overdue": False, "sla": "aman"}
NOWHERE = LOCATED | {"id": 8, "ticket": "JKT-261127-BBBBB", "category": "lainnya", "kode_kelurahan": None,
                     "kelurahan": None, "kecamatan": None, "lon": None, "lat": None}


def test_outlines_then_complaints_coloured_and_clickable(boundaries):
    outlines = outlines_geojson(boundaries.kelurahan)
    shown = facts(LOCATED, NOWHERE)
    fig = jakarta_map(outlines, shown, "white-bg")
    outline_trace, points = fig.data[0], fig.data[COMPLAINTS_TRACE]
    assert outline_trace.type == "choroplethmap" and len(outline_trace.locations) == 267
    assert points.type == "scattermap" and list(points.lon) == [106.82]  # no place, no dot
    row = dict(zip(POINT_FIELDS, points.customdata[0]))
    assert row == {"id": 7, "ticket": "JKT-261127-AAAAA", "category_id": "Banjir", "category_en": "Flooding",
                   "place": "Gambir, Gambir", "time_wib": "27 Nov 2026 10.00 WIB", "category": "banjir",
                   "status": "Menunggu", "duplicate_of": None, "sla": "aman", "time_en": "27 Nov 2026 10:00 WIB"}
    assert list(points.marker.color) == ["#D55E00"] and points.hovertemplate == HOVER["id"]
    assert list(jakarta_map(outlines, shown, colour_by="sla").data[COMPLAINTS_TRACE].marker.color) == ["#009E73"]
    assert fig.layout.map.style == "white-bg"


def test_above_the_dot_limit_kelurahan_are_shaded_by_count(boundaries):
    outlines = outlines_geojson(boundaries.kelurahan)
    many = [LOCATED | {"id": i} for i in range(DOT_LIMIT)] + [NOWHERE]
    assert not draws_counts(facts(*many))  # the limit itself still draws dots
    many += [LOCATED | {"id": -1, "kode_kelurahan": "31.72.01.1001"}]
    fig = jakarta_map(outlines, facts(*many))
    assert draws_counts(facts(*many)) and len(fig.data[COMPLAINTS_TRACE].lon) == 0
    counts = dict(zip(fig.data[0].locations, fig.data[0].z))
    assert counts["31.71.01.1001"] == DOT_LIMIT and counts["31.72.01.1001"] == 1 and sum(counts.values()) == DOT_LIMIT + 1
