"""The drill-down map: pure functions from outlines and area figures to a Plotly figure.

Every text the map shows is built in both languages; a trace's `meta` holds the pair and the page
swaps them in the browser when the language changes, so a language switch needs no server.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from crm import formats
from crm.formats import LANGS
from dashboard.figures import ATTRIBUTION
from store.areas import AreaFigures

MEASURES = ("count", "open", "overdue", "median_response_hours")
MEASURE_LABELS: Mapping[str, tuple[str, str]] = {
    "count": ("Pengaduan", "Complaints"),
    "open": ("Terbuka", "Open"),
    "overdue": ("Lewat batas", "Overdue"),
    "median_response_hours": ("Median respons (jam)", "Median response (hours)"),
}
NO_FIGURES = AreaFigures(count=0, open=0, overdue=0, median_response_hours=None)
# Light to dark blue: more is darker, and even the lightest stands apart from the white map.
SCALE = [[0.0, "#e3eef8"], [0.5, "#5b9bd0"], [1.0, "#08306b"]]
NO_DATA, OUTLINE, SELECTED = "#f2f2f2", "#5d6b78", "#1b1f23"
# The map box the view is fitted to, in CSS pixels (assets/areas.css): Plotly's auto-fit does not
# look at choropleth outlines, so the centre and zoom are worked out here for a box about this big.
FIT_WIDTH, FIT_HEIGHT, FIT_MARGIN = 900, 560, 0.9
Bounds = tuple[float, float, float, float]  # west, south, east, north


def fit(bounds: Bounds) -> dict[str, Any]:
    """The centre and zoom that show `bounds` whole in the map box (web Mercator, 512-pixel tiles)."""
    west, south, east, north = bounds
    across = max(east - west, 1e-6) / 360
    down = max(_mercator(north) - _mercator(south), 1e-6) / (2 * math.pi)
    zoom = math.log2(FIT_MARGIN * min(FIT_WIDTH / across, FIT_HEIGHT / down) / 512)
    centre_lat = math.degrees(2 * math.atan(math.exp((_mercator(north) + _mercator(south)) / 2)) - math.pi / 2)
    return {"center": {"lon": (west + east) / 2, "lat": centre_lat}, "zoom": round(zoom, 2)}


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def hours_text(hours: float | None) -> tuple[str, str]:
    """A median in hours as each language writes it (crm/formats.py): "2,5 jam" and "2.5 h"; a dash for none."""
    if hours is None:
        return "—", "—"
    return f"{formats.number(hours, 'id', 1)} jam", f"{formats.number(hours, 'en', 1)} h"


def _hover(lang: int) -> str:
    """Hover text of one language; its figures are customdata 1-4 (Indonesian) or 5-8 (English),
    already formatted, since plotly would print 1553 where people read 1.553 or 1,553."""
    labels = [MEASURE_LABELS[m][lang] for m in ("count", "open", "overdue")]
    median = ("Median respons", "Median response")[lang]
    first = 1 + 4 * lang
    return (f"<b>%{{customdata[0]}}</b><br>{labels[0]}: %{{customdata[{first}]}}"
            f"<br>{labels[1]}: %{{customdata[{first + 1}]}}<br>{labels[2]}: %{{customdata[{first + 2}]}}"
            f"<br>{median}: %{{customdata[{first + 3}]}}<extra></extra>")


HOVER = {"id": _hover(0), "en": _hover(1)}


def area_map(outlines: dict[str, Any], names: Mapping[str, str], figures: Mapping[str, AreaFigures], measure: str,
             *, bounds: Bounds, selected: str | None = None, map_style: str = "white-bg") -> go.Figure:
    """The areas of `outlines` (a FeatureCollection with codes as ids) coloured by `measure`, framed
    on `bounds` (west, south, east, north).

    Areas missing from `figures` had no complaints; an area with no value for the measure (no
    median yet) is drawn grey. `selected` is outlined.
    """
    codes = [feature["id"] for feature in outlines["features"]]
    shown = {code: figures.get(code, NO_FIGURES) for code in codes}
    valued = [code for code in codes if getattr(shown[code], measure) is not None]
    empty = [code for code in codes if code not in valued]
    label = MEASURE_LABELS[measure]
    values = [getattr(shown[code], measure) for code in valued]
    colorbar: dict[str, Any] = {"title": {"text": label[0]}, "thickness": 14, "len": 0.6, "x": 0.99, "xanchor": "right"}
    if measure != "median_response_hours":  # counts: whole-number ticks, about five of them
        colorbar |= {"tick0": 0, "dtick": max(1, math.ceil(max(values, default=0) / 5))}
    fig = go.Figure()
    fig.add_trace(_choropleth(outlines, empty, names, shown, name="tanpa data", z=[0] * len(empty),
                              colorscale=[[0, NO_DATA], [1, NO_DATA]], showscale=False))
    fig.add_trace(_choropleth(
        outlines, valued, names, shown, name=label[0], z=values, colorscale=SCALE, zmin=0,
        zmax=max(values, default=0) or 1, showscale=True, colorbar=colorbar,
        meta={"hover": HOVER, "colorbar": {"id": label[0], "en": label[1]}},
    ))
    if selected is not None:
        fig.add_trace(go.Choroplethmap(
            geojson=_subset(outlines, [selected]), locations=[selected], z=[0],
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker={"line": {"color": SELECTED, "width": 3}}, hoverinfo="skip", name="terpilih",
        ))
    fig.update_layout(
        map={"style": map_style, **fit(bounds)}, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
        clickmode="event", hoverlabel={"font": {"size": 15}},
        annotations=[{"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper", "x": 1, "y": 0,
                      "xanchor": "right", "yanchor": "bottom", "font": {"size": 10},
                      "bgcolor": "rgba(255,255,255,0.8)"}],
    )
    return fig


def _choropleth(outlines: dict[str, Any], codes: Sequence[str], names: Mapping[str, str],
                shown: Mapping[str, AreaFigures], **style: Any) -> go.Choroplethmap:
    """One trace of `codes`, hovering with the area's name and all its figures in both languages."""
    customdata = [[names.get(code, code), *_figures_text(shown[code], "id"), *_figures_text(shown[code], "en")]
                  for code in codes]
    style.setdefault("meta", {"hover": HOVER})
    return go.Choroplethmap(geojson=_subset(outlines, codes), locations=list(codes), customdata=customdata,
                            hovertemplate=HOVER["id"], marker={"line": {"color": OUTLINE, "width": 1}, "opacity": 0.85},
                            **style)


def _figures_text(figures: AreaFigures, lang: formats.Lang) -> list[str]:
    """Count, open, overdue and median response as `lang` writes them."""
    median = hours_text(figures.median_response_hours)[LANGS.index(lang)]
    return [formats.number(value, lang) for value in (figures.count, figures.open, figures.overdue)] + [median]


def _subset(outlines: dict[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    """Only the features a trace draws: the browser gets each outline once, not once per trace."""
    wanted = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in outlines["features"] if f["id"] in wanted]}
