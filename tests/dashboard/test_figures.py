"""The Jakarta map figure: real outlines under the complaints, offline style, clickable points."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import shapely
from flask import Flask
from plotly.utils import PlotlyJSONEncoder

from dashboard.area_outlines import build_outlines
from dashboard.figures import (
    COMPLAINTS_TRACE,
    DOT_LIMIT,
    HOVER,
    JAKARTA_ZOOM,
    KOTA_TRACE,
    POINT_FIELDS,
    draws_counts,
    jakarta_map,
    outlines_geojson,
)
from dashboard.map_places import places_of
from dashboard.outlines_file import install_outlines_file
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


def test_kota_outlines_and_place_names_cost_under_50_kb(boundaries):
    """Kota outlines over the kelurahan (a trace after the complaints, whose index stays) and every name
    at a point inside its area, for assets/labels.js; the figure grows by under 50 KB (533 KB to 578 KB
    with no complaints, measured when added)."""
    outlines = outlines_geojson(boundaries.kelurahan)
    places = places_of(build_outlines(outlines), outlines)
    plain, named = jakarta_map(outlines, facts()), jakarta_map(outlines, facts(), places=places)
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
    light, dark = jakarta_map(outlines, facts()), jakarta_map(outlines, facts(), dark=True)
    assert light.data[0].colorscale[0][1] == "#eef1f4" and not light.layout.map.layers
    assert dark.data[0].colorscale[0][1] == "#1f2a36"
    (sea,) = dark.layout.map.layers
    assert sea.type == "fill" and sea.below == "traces" and sea.color == "#0b1117"
    assert dark.layout.map.style == "white-bg"  # still the one style that needs no internet


def test_the_outlines_are_one_file_the_browser_keeps(boundaries, tmp_path):
    """The command centre's figure names the outlines by URL (dashboard/outlines_file.py); the file is
    the same GeoJSON, cached for good under a digest that changes with it, and answers 304 when kept."""
    outlines = outlines_geojson(boundaries.kelurahan)
    server = Flask("outlines")
    url = install_outlines_file(server, outlines)
    fig = jakarta_map(outlines, facts(), outlines_url=url)
    assert fig.data[0].geojson == url and len(fig.data[0].locations) == 267
    assert len(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder)) < 100_000  # was over 530 KB with the shapes
    answer = server.test_client().get(url)
    assert answer.status_code == 200 and answer.json == json.loads(json.dumps(outlines))
    assert "immutable" in answer.headers["Cache-Control"]
    again = server.test_client().get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    other = install_outlines_file(Flask("other"), outlines | {"features": outlines["features"][:1]})
    assert other != url  # other boundaries, another address: no stale outlines from a cache
