"""A page's layout rendered as Dash sends it, for tests that read a page without a browser."""
from __future__ import annotations

import json

import dash
import plotly.utils

from app import Pantau


def render(pantau: Pantau, page: str, **query: str) -> str:
    """The page's layout as Dash sends it, for a request of this app."""
    layout = dash.page_registry[f"dashboard.pages.{page}"]["layout"]
    with pantau.dash.server.test_request_context():
        return json.dumps(layout(**query), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
