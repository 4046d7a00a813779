"""Figure builders: pure functions from data to Plotly figures, no Dash and no store."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go

from crm import formats
from crm.categories import CATEGORIES, FALLBACK
from dashboard.palette import BLUE, GREY, colour_of

JAKARTA_CENTER = {"lon": 106.84, "lat": -6.2}
JAKARTA_ZOOM = 9.9
MAINLAND_BOUNDS = ((106.68, -6.375), (106.98, -6.08))  # the browser fits the map box to these
ATTRIBUTION = "Batas wilayah: BPS / OCHA HDX COD-AB Indonesia (CC BY-IGO); kode Kemendagri: cahyadsn (MIT)"
DISPLAY_TOLERANCE_DEG = 0.0001  # about 11 m: invisible at city zoom, a fifth of the bytes
COMPLAINTS_TRACE = 1  # index of the complaints in the figure's data, after the outlines
DOT_LIMIT = 3000  # located complaints above which the map draws counts per kelurahan (draws_counts)
COUNT_SCALE = [[0, "#eef1f4"], [0.02, "#d6e6f2"], [0.3, "#6baed6"], [1, "#08306b"]]  # 0 stays the plain outline grey

# customdata columns of a complaint point; the browser's live layer shows the same fields
POINT_FIELDS = ("id", "ticket", "category_id", "category_en", "place", "time_wib", "category", "status",
                "duplicate_of", "sla", "time_en")
HOVER = {
    "id": "<b>%{customdata[2]}</b><br>%{customdata[1]} · %{customdata[7]}<br>%{customdata[4]}"
          "<br>%{customdata[5]}<extra></extra>",
    "en": "<b>%{customdata[3]}</b><br>%{customdata[1]} · %{customdata[7]}<br>%{customdata[4]}"
          "<br>%{customdata[10]}<extra></extra>",
}


def outlines_geojson(kelurahan: gpd.GeoDataFrame) -> dict[str, Any]:
    """Kelurahan outlines for display only, simplified; never used for assignment."""
    shown = kelurahan[["kode_kelurahan", "kelurahan", "kecamatan", "kota", "geometry"]].copy()
    shown["geometry"] = shown.geometry.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True)
    return shown.set_index("kode_kelurahan").__geo_interface__


def place(complaint: dict[str, Any]) -> str:
    """Where a complaint is, as an operator reads it; the flag says why there is no kelurahan."""
    if complaint["kelurahan"]:
        return f'{complaint["kelurahan"]}, {complaint["kecamatan"]}'
    return "luar wilayah" if complaint["lon"] is not None else "tanpa lokasi"


def point_data(complaint: dict[str, Any]) -> list[Any]:
    """One point's POINT_FIELDS from a complaint's snapshot facts (dashboard/snapshot.py); its time in
    each language's format (crm/formats.py)."""
    category = CATEGORIES.get(complaint["category"]) or CATEGORIES[FALLBACK]
    received = datetime.fromtimestamp(complaint["received_ms"] / 1000, timezone.utc)
    return [complaint["id"], complaint["ticket"], category.name, category.name_en, place(complaint),
            formats.date_time(received, "id"), complaint["category"], complaint["status"], complaint["duplicate_of"],
            complaint["sla"], formats.date_time(received, "en")]


def draws_counts(facts: dict[str, list[Any]]) -> bool:
    """Whether the map shows counts per kelurahan rather than a dot per complaint: above DOT_LIMIT
    located complaints dots cover each other, and every dot is data the page must fetch."""
    return len(facts["lon"]) - facts["lon"].count(None) > DOT_LIMIT


def jakarta_map(outlines: dict[str, Any], facts: dict[str, list[Any]], map_style: str = "white-bg",
                colour_by: str = "category") -> go.Figure:
    """Kelurahan outlines under the located complaints (the snapshot's facts, dashboard/snapshot.py),
    or, above DOT_LIMIT, kelurahan shaded by their count of complaints (draws_counts; a click narrows the
    page to that kelurahan). white-bg needs no internet."""
    counts = Counter(k for k in facts["kode_kelurahan"] if k) if draws_counts(facts) else None
    complaints = [] if counts is not None else (dict(zip(facts, values)) for values in zip(*facts.values()))
    located = [c for c in complaints if c["lon"] is not None]
    props = [f["properties"] for f in outlines["features"]]
    names = [f'{p["kelurahan"]}, {p["kecamatan"]}, {p["kota"]}' for p in props]
    fig = go.Figure()
    if counts is None:
        fig.add_trace(go.Choroplethmap(
            geojson=outlines, locations=[f["id"] for f in outlines["features"]], z=[0] * len(props), text=names,
            colorscale=[[0, "#eef1f4"], [1, "#eef1f4"]], showscale=False,
            marker={"line": {"color": "#8a96a3", "width": 0.6}, "opacity": 0.9},
            hovertemplate="%{text}<extra></extra>", name="Kelurahan",
        ))
    else:
        fig.add_trace(go.Choroplethmap(
            geojson=outlines, locations=[f["id"] for f in outlines["features"]],
            z=[counts.get(f["id"], 0) for f in outlines["features"]], text=names, colorscale=COUNT_SCALE,
            marker={"line": {"color": "#8a96a3", "width": 0.6}, "opacity": 0.9},
            colorbar={"title": {"text": "Pengaduan"}, "thickness": 12, "len": 0.4, "x": 0.99, "xanchor": "right"},
            hovertemplate="%{text}<br><b>%{z}</b> pengaduan · klik untuk titiknya<extra></extra>", name="Kelurahan",
        ))
    fig.add_trace(go.Scattermap(
        lon=[c["lon"] for c in located], lat=[c["lat"] for c in located],
        customdata=np.array([point_data(c) for c in located], dtype=object),  # an array: 3x faster to validate
        hovertemplate=HOVER["id"], mode="markers",
        marker={"size": 9, "opacity": 0.85, "color": [colour_of(c, colour_by) for c in located]},
        name="Pengaduan",
    ))
    fig.update_layout(
        map={"style": map_style, "center": JAKARTA_CENTER, "zoom": JAKARTA_ZOOM},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, uirevision="jakarta",
        hoverlabel={"font": {"size": 15}}, clickmode="event",
        annotations=[{"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom", "font": {"size": 10},
                      "bgcolor": "rgba(255,255,255,0.8)"}],
    )
    return fig


TRIAGE_POINTS = 1  # index of the stored and picked points in triage_map's data
STORED, PICKED = GREY, BLUE  # where intake put it, where the operator says it is
TRIAGE_ZOOM = 13.5  # a few kelurahan around a point: close enough to click the right street


def triage_map(outlines: dict[str, Any], stored: tuple[float, float] | None, map_style: str = "white-bg") -> go.Figure:
    """The operator's small map on /triase: kelurahan outlines and the complaint's stored point
    (grey), with room for the picked point (PICKED) that the page patches in. A click anywhere is read
    by the browser from the map itself (assets/triage.js), so there is no grid of invisible points."""
    props = [f["properties"] for f in outlines["features"]]
    fig = go.Figure()
    fig.add_trace(go.Choroplethmap(
        geojson=outlines, locations=[f["id"] for f in outlines["features"]], z=[0] * len(props),
        text=[f'{p["kelurahan"]}, {p["kecamatan"]}' for p in props], colorscale=[[0, "#eef1f4"], [1, "#eef1f4"]],
        showscale=False, marker={"line": {"color": "#8a96a3", "width": 0.6}, "opacity": 0.9},
        hovertemplate="%{text}<extra></extra>", name="Kelurahan",
    ))
    points = [stored] if stored else []
    fig.add_trace(go.Scattermap(
        lon=[p[0] for p in points], lat=[p[1] for p in points], mode="markers", hoverinfo="skip", name="Titik",
        marker={"size": 14, "color": [STORED] * len(points), "opacity": 0.95},
    ))
    center = {"lon": stored[0], "lat": stored[1]} if stored else JAKARTA_CENTER
    fig.update_layout(map={"style": map_style, "center": center, "zoom": TRIAGE_ZOOM if stored else JAKARTA_ZOOM - 0.6},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, clickmode="none")
    return fig
