"""The Jakarta map figure: real outlines under the complaints, offline style, clickable points."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.complaint import Complaint, received_event
from crm.public_view import public_complaint
from dashboard.figures import (
    COMPLAINTS_TRACE,
    HOVER,
    POINT_FIELDS,
    jakarta_map,
    outlines_geojson,
)
from geo.jurisdiction import Jurisdiction

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")


def test_outlines_then_complaints_coloured_and_clickable(boundaries):
    outlines = outlines_geojson(boundaries.kelurahan)
    located = Complaint(ticket="JKT-261127-AAAAA", channel="sms", external_id="1", received_at=AT, text="Banjir",
                        category="banjir", lon=106.82, lat=-6.17, jurisdiction=GAMBIR, skpd="DSDA-JP", id=7,
                        first_action_due=AT + timedelta(hours=6), history=[received_event(AT)])
    nowhere = Complaint(ticket="JKT-261127-BBBBB", channel="sms", external_id="2", received_at=AT, text="?",
                        category="lainnya", lon=None, lat=None, jurisdiction=None, skpd="KEL", id=8)
    shown = [public_complaint(located, AT), public_complaint(nowhere, AT)]
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
