"""Figure builders: pure functions from data to Plotly figures, no Dash and no store."""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import plotly.graph_objects as go

JAKARTA_CENTER = {"lon": 106.83, "lat": -6.20}
ATTRIBUTION = "Batas wilayah: BPS / OCHA HDX COD-AB Indonesia (CC BY-IGO); kode Kemendagri: cahyadsn (MIT)"
DISPLAY_TOLERANCE_DEG = 0.0001  # about 11 m: invisible at city zoom, a fifth of the bytes


def outlines_geojson(kelurahan: gpd.GeoDataFrame) -> dict[str, Any]:
    """Kelurahan outlines for display only, simplified; never used for assignment."""
    shown = kelurahan[["kode_kelurahan", "kelurahan", "kecamatan", "kota", "geometry"]].copy()
    shown["geometry"] = shown.geometry.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True)
    return shown.set_index("kode_kelurahan").__geo_interface__


def jakarta_map(outlines: dict[str, Any], complaints: list[dict[str, Any]], map_style: str = "white-bg") -> go.Figure:
    """The Jakarta map: kelurahan outlines under the complaints. white-bg needs no internet."""
    names = [f["properties"]["kelurahan"] for f in outlines["features"]]
    fig = go.Figure()
    fig.add_trace(go.Choroplethmap(
        geojson=outlines, locations=[f["id"] for f in outlines["features"]], z=[0] * len(names),
        text=names, colorscale=[[0, "#f4f6f8"], [1, "#f4f6f8"]], showscale=False,
        marker={"line": {"color": "#8a96a3", "width": 0.6}}, hovertemplate="%{text}<extra></extra>",
        name="Kelurahan",
    ))
    fig.add_trace(go.Scattermap(
        lon=[c["lon"] for c in complaints], lat=[c["lat"] for c in complaints],
        text=[f'{c["ticket"]}: {c["category"]} ({c["kelurahan"] or "luar wilayah"})' for c in complaints],
        mode="markers", marker={"size": 9, "color": "#d55e00"}, name="Pengaduan",
        hovertemplate="%{text}<extra></extra>",
    ))
    fig.update_layout(
        map={"style": map_style, "center": JAKARTA_CENTER, "zoom": 10},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, uirevision="jakarta",
        annotations=[{"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom", "font": {"size": 10}}],
    )
    return fig
