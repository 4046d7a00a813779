"""The Dash application: pages of the command centre on one Flask server."""
from __future__ import annotations

from collections.abc import Callable

from dash import Dash

from crm.complaint import Complaint
from dashboard import command_centre
from dashboard.figures import outlines_geojson
from geo.boundaries import Boundaries
from settings import PROJECT_DIR

RecentComplaints = Callable[..., list[Complaint]]


def make_dash(boundaries: Boundaries, recent: RecentComplaints, map_style: str) -> Dash:
    """`recent(since=...)` reads complaints from the store; pages read snapshots through it."""
    dash = Dash(__name__, title="Pantau", assets_folder=str(PROJECT_DIR / "assets"), update_title=None)
    dash.layout = command_centre.layout(outlines_geojson(boundaries.kelurahan), recent, map_style)
    return dash
