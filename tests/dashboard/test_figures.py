"""The Jakarta map figure: real outlines under the complaints, offline style, clickable points."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import shapely
from plotly.utils import PlotlyJSONEncoder

from crm.complaint import Complaint, received_event
from crm.public_view import public_complaint
from dashboard.area_outlines import build_outlines
from dashboard.figures import (
    COMPLAINTS_TRACE,
    HOVER,
    JAKARTA_ZOOM,
    KOTA_TRACE,
    POINT_FIELDS,
    jakarta_map,
    outlines_geojson,
)
from dashboard.map_places import places_of
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


def test_kota_outlines_and_place_names_cost_under_50_kb(boundaries):
    """Kota outlines over the kelurahan (a trace after the complaints, whose index stays) and every name
    at a point inside its area, for assets/labels.js; the figure grows by under 50 KB (533 KB to 578 KB
    with no complaints, measured when added)."""
    outlines = outlines_geojson(boundaries.kelurahan)
    places = places_of(build_outlines(outlines), outlines)
    plain, named = jakarta_map(outlines, []), jakarta_map(outlines, [], places=places)
    assert [t.name for t in named.data] == ["Kelurahan", "Pengaduan", "Kota"] and COMPLAINTS_TRACE == 1
    kota = named.data[KOTA_TRACE]
    assert kota.mode == "lines" and kota.hoverinfo == "skip" and None in kota.lon
    labels = named.layout.meta["labels"]
    assert [name for _, _, name in labels["kota"]] == ["Kepulauan Seribu", "Jakarta Pusat", "Jakarta Utara",
                                                       "Jakarta Barat", "Jakarta Selatan", "Jakarta Timur"]
    assert len(labels["kelurahan"]) == 267 and labels["kelurahan_zoom"] > JAKARTA_ZOOM + 1
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in outlines["features"]}
    for (lon, lat, name), feature in zip(labels["kelurahan"], outlines["features"]):
        assert name == feature["properties"]["kelurahan"]
        assert shapes[feature["id"]].buffer(1e-4).contains(shapely.Point(lon, lat))  # rounded to 11 m
    grown = len(json.dumps(named.to_plotly_json(), cls=PlotlyJSONEncoder)) - \
        len(json.dumps(plain.to_plotly_json(), cls=PlotlyJSONEncoder))
    assert 0 < grown < 50_000, grown


def test_the_wall_map_is_dark_over_a_dark_sea(boundaries):
    outlines = outlines_geojson(boundaries.kelurahan)
    light, dark = jakarta_map(outlines, []), jakarta_map(outlines, [], dark=True)
    assert light.data[0].colorscale[0][1] == "#eef1f4" and not light.layout.map.layers
    assert dark.data[0].colorscale[0][1] == "#1f2a36"
    (sea,) = dark.layout.map.layers
    assert sea.type == "fill" and sea.below == "traces" and sea.color == "#0b1117"
    assert dark.layout.map.style == "white-bg"  # still the one style that needs no internet
