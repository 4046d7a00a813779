"""Figure builders: pure functions from data to Plotly figures, no Dash and no store."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

from dataclasses import dataclass

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
KOTA_TRACE = 2  # the kota outlines, over the dots: plotly re-adds a trace's map layers on top at each update,
# so only the order of traces holds, and the complaints stay at index 1
# Wall mode (dashboard/wall.py) is dark: the sea and the land take these instead of white and light grey.
# `counts`: the shading of kelurahan by count above DOT_LIMIT; none stays the land's colour.
THEMES = {"light": {"land": "#eef1f4", "line": "#8a96a3", "kota": "#1b1f23", "sea": None, "credit": "#444444",
                    "credit_bg": "rgba(255,255,255,0.8)", "counts": ["#d6e6f2", "#6baed6", "#08306b"]},
          "dark": {"land": "#1f2a36", "line": "#4b5a6a", "kota": "#c9d4df", "sea": "#0b1117", "credit": "#c9d4df",
                   "credit_bg": "rgba(11,17,23,0.8)", "counts": ["#23415a", "#2f7fb5", "#c6dbef"]}}
WORLD = {"type": "Feature", "properties": {},  # a dark sea under the land, drawn above white-bg's white
         "geometry": {"type": "Polygon", "coordinates": [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]}}

# customdata columns of a complaint point; the browser's live layer shows the same fields
POINT_FIELDS = ("id", "ticket", "category_id", "category_en", "place", "time_wib", "category", "status",
                "duplicate_of", "sla", "time_en")
HOVER = {
    "id": "<b>%{customdata[2]}</b><br>%{customdata[1]} · %{customdata[7]}<br>%{customdata[4]}"
          "<br>%{customdata[5]}<extra></extra>",
    "en": "<b>%{customdata[3]}</b><br>%{customdata[1]} · %{customdata[7]}<br>%{customdata[4]}"
          "<br>%{customdata[10]}<extra></extra>",
}


@dataclass(frozen=True)
class Places:
    """What the map names (dashboard/map_places.py builds it): the kota outlines as lines (longitudes
    and latitudes, None between rings) and, for assets/labels.js, each kota's and kelurahan's name at
    a point inside it ([lon, lat, name]) and the zoom from which kelurahan names replace the kota's."""

    kota_lines: tuple[list[float | None], list[float | None]]
    kota_labels: list[list[Any]]
    kelurahan_labels: list[list[Any]]
    kelurahan_zoom: float


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
                colour_by: str = "category", *, places: Places | None = None, dark: bool = False,
                outlines_url: str | None = None, lang: str = "id") -> go.Figure:
    """Kelurahan outlines under the located complaints (the snapshot's facts, dashboard/snapshot.py),
    or, above DOT_LIMIT, kelurahan shaded by their count of complaints (draws_counts; a click narrows the
    page to that kelurahan). white-bg needs no internet. `places`: kota outlines over them (KOTA_TRACE),
    and the names assets/labels.js writes (MapLibre would fetch fonts from the internet for text).
    `dark`: the wall screen's colours. `outlines_url`: where the browser fetches `outlines` itself
    (dashboard/outlines_file.py), so the figure carries only their codes and names. `colour_by` and
    `lang` (the dots' hover text): a figure sent to a page already showing a map comes as that map is set."""
    theme = THEMES["dark" if dark else "light"]
    geojson = outlines_url or outlines
    counts = Counter(k for k in facts["kode_kelurahan"] if k) if draws_counts(facts) else None
    complaints = [] if counts is not None else (dict(zip(facts, values)) for values in zip(*facts.values()))
    located = [c for c in complaints if c["lon"] is not None]
    props = [f["properties"] for f in outlines["features"]]
    names = [f'{p["kelurahan"]}, {p["kecamatan"]}, {p["kota"]}' for p in props]
    marker = {"line": {"color": theme["line"], "width": 0.6}, "opacity": 0.9}
    fig = go.Figure()
    if counts is None:
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[f["id"] for f in outlines["features"]], z=[0] * len(props), text=names,
            colorscale=[[0, theme["land"]], [1, theme["land"]]], showscale=False, marker=marker,
            hovertemplate="%{text}<extra></extra>", name="Kelurahan",
        ))
    else:
        low, mid, high = theme["counts"]
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[f["id"] for f in outlines["features"]],
            z=[counts.get(f["id"], 0) for f in outlines["features"]], text=names, marker=marker,
            colorscale=[[0, theme["land"]], [0.02, low], [0.3, mid], [1, high]],
            colorbar={"title": {"text": "Pengaduan", "font": {"color": theme["credit"]}}, "thickness": 12, "len": 0.4,
                      "x": 0.99, "xanchor": "right", "tickfont": {"color": theme["credit"]}},
            hovertemplate="%{text}<br><b>%{z}</b> pengaduan · klik untuk titiknya<extra></extra>", name="Kelurahan",
        ))
    fig.add_trace(go.Scattermap(
        lon=[c["lon"] for c in located], lat=[c["lat"] for c in located],
        customdata=np.array([point_data(c) for c in located], dtype=object),  # an array: 3x faster to validate
        hovertemplate=HOVER["en" if lang == "en" else "id"], mode="markers",
        marker={"size": 9, "opacity": 0.85, "color": [colour_of(c, colour_by) for c in located]},
        name="Pengaduan",
    ))
    if places is not None:
        fig.add_trace(go.Scattermap(lon=places.kota_lines[0], lat=places.kota_lines[1], mode="lines", hoverinfo="skip",
                                    line={"width": 2, "color": theme["kota"]}, opacity=0.7, name="Kota"))
    fig.update_layout(
        map={"style": map_style, "center": JAKARTA_CENTER, "zoom": JAKARTA_ZOOM, "layers": _sea(theme)},
        meta=None if places is None else {"labels": {"kota": places.kota_labels, "kelurahan": places.kelurahan_labels,
                                                     "kelurahan_zoom": places.kelurahan_zoom}},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, uirevision="jakarta",
        hoverlabel={"font": {"size": 15}}, clickmode="event",
        annotations=[{"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom",
                      "font": {"size": 10, "color": theme["credit"]}, "bgcolor": theme["credit_bg"]}],
    )
    return fig


def _sea(theme: dict[str, Any]) -> list[dict[str, Any]]:
    """The dark theme's sea: a fill under every trace, over white-bg's white (no other style works offline)."""
    if not theme["sea"]:
        return []
    return [{"sourcetype": "geojson", "source": WORLD, "type": "fill", "color": theme["sea"], "below": "traces"}]


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
