"""The command centre page at `/`: the Jakarta map with complaints of the last 24 hours.

The layout is a function that reads a snapshot from the store, so a reload repairs anything
missed. Live updates over Socket.IO come with the live command-centre work.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from dash import dcc, html

from crm.complaint import WIB, utc_now
from crm.events import public_complaint
from dashboard.figures import jakarta_map

Snapshot = Callable[..., list]


def layout(outlines: dict[str, Any], recent: Snapshot, map_style: str) -> Callable[[], html.Div]:
    def render() -> html.Div:
        since = utc_now() - timedelta(hours=24)
        complaints = [public_complaint(c) for c in recent(since=since)]
        located = [c for c in complaints if c["lon"] is not None]
        now = utc_now().astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
        return html.Div(className="pantau", children=[
            html.Header([html.H1("Pantau — Pusat Komando Pengaduan Jakarta"),
                         html.Span(f"{len(complaints)} pengaduan dalam 24 jam terakhir · {now}", id="summary")]),
            dcc.Graph(id="jakarta-map", figure=jakarta_map(outlines, located, map_style),
                      style={"height": "80vh"}, config={"displaylogo": False}),
        ])
    return render
