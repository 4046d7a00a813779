"""The command centre at `/`: the Jakarta map, KPI tiles, the newest complaints, SLA escalations and the
channel mix.

The layout reads a snapshot from the store at every load, so a reload repairs anything missed.
After that the page lives in the browser: assets/live.js receives `complaint_routed`,
`status_changed` and `sla_breached` over Socket.IO, buffers bursts and repaints at most every FLUSH_MS; no complaint costs a server round
trip, nor a Dash prop update; `complaint_moderated` drops a complaint an operator hid, or shows its
edited text. A signed-in moderator's page shows hidden complaints too, marked, and the detail card
offers them the moderation form (assets/view.js). Live complaints are drawn on a canvas over the map
(assets/overlay.js), so adding one never repaints the WebGL map of thousands of points
(benchmarks/map_add.py measures it). The callbacks here are the user's toggles; a click on a dot is
read by assets/overlay.js, which knows which dot is drawn on top.

The surge banner in the strip above the map (never over it) starts from the surges announced within
the current episode (crm/surge.py) and assets/surge.js adds each new `surge_detected` from the same
socket. `?layar=dinding` is the wall screen (dashboard/wall.py), which names its filter in the strip;
another `layar` is named in the strip.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import parse_qs

import plotly.graph_objects as go

from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    register_page,
)
from dash.exceptions import PreventUpdate

from crm.complaint import utc_now
from crm.complaint_filter import ComplaintFilter
from crm.events import SURGE_DETECTED
from crm.public_view import sees_hidden
from crm.surge import EPISODE
from dashboard.client import client_config, client_snapshot
from dashboard.components import (
    channel_card,
    detail_card,
    escalation_card,
    feed_card,
    kpi_bar,
    legend_card,
)
from dashboard.context import services, page_context
from dashboard.figures import draws_counts, jakarta_map
from dashboard.filter_bar import FILTER_INPUTS, filter_bar, filter_problem
from dashboard.map_places import map_places
from dashboard.page_filter import read_page_filter
from dashboard.palette import COLOUR_MODES
from dashboard.snapshot import read_snapshot
from dashboard.wall import filter_label, is_wall, screen_notice
from followup.auth import current_person
from store import surges

register_page(__name__, path="/", title="Pantau — Pusat Komando", name="Pusat Komando")

MAP_CONFIG = {"displayModeBar": False, "scrollZoom": True}


class Screen(NamedTuple):  # not a dataclass: Dash runs page modules before they are in sys.modules
    """What the page shows for one filter: the filter, the browser's config and snapshot, the map, the URL's problems."""

    where: ComplaintFilter
    config: dict[str, Any]
    snapshot: dict[str, Any]
    figure: go.Figure
    problems: list[dict[str, str]]


def screen(query: Mapping[str, Any], colour_by: str = "category", lang: str = "id") -> Screen:
    """The page for the filter in `query`, as the person asking may see it, at load or at a filter change."""
    context = page_context()
    now = utc_now()
    reader = current_person()
    where, problems = read_page_filter(query, now)
    snapshot = read_snapshot(services().sessions, now, reader, where)
    return Screen(
        where=where,
        config=client_config(now, moderator=sees_hidden(reader), where=where, counts=draws_counts(snapshot.facts)),
        snapshot=client_snapshot(snapshot),
        figure=jakarta_map(context.outlines, snapshot.facts, context.map_style, colour_by, places=map_places(),
                           dark=is_wall(query), outlines_url=context.outlines_url, lang=lang),
        problems=problems)


def layout(**query: str) -> html.Div:
    shown = screen(query)
    wall = is_wall(query)
    return html.Div(className="command-centre wall" if wall else "command-centre", children=[
        dcc.Store(id="cc-config", data=shown.config),
        dcc.Store(id="cc-snapshot", data=shown.snapshot),
        dcc.Store(id="cc-search", data=None),  # a new filter's URL query, written by assets/filters.js
        dcc.Store(id="cc-started", data=False),
        dcc.Store(id="cc-surge-data", data={"event": SURGE_DETECTED, "episode_ms": EPISODE // timedelta(milliseconds=1),
                                            "active": active_surges(utc_now())}),
        dcc.Store(id="cc-surge-started", data=False),
        kpi_bar(),
        html.Div(className="cc-main", children=[
            html.Div(className="cc-map-column", children=[
                filter_bar(query, shown.problems),  # over the map it narrows; the side column keeps its height for the feed
                html.Div(className="cc-alerts", children=[
                    screen_notice(query),
                    filter_label(shown.where, place_name) if wall else None,
                    html.Div(id="cc-surges", className="surge-banner", role="alert"),  # filled by assets/surge.js
                ]),
                html.Div(className="cc-map-wrap", children=[
                    dcc.Graph(id="jakarta-map", config=MAP_CONFIG, className="cc-map", responsive=True,
                              figure=shown.figure,
                              style={"height": "100%", "width": "100%"}),
                    legend_card(),
                    detail_card(),
                    html.Div(id="cc-tooltip", className="tooltip hidden"),
                ]),
            ]),
            html.Aside(className="cc-side", children=[feed_card(), escalation_card(), channel_card()]),
        ]),
    ])


def place_name(code: str) -> str:
    """A kecamatan's or kelurahan's name by its Kemendagri code (the gazetteer's), else the code."""
    place = services().corrector.gazetteer.unit(code)
    return place.name if place else code


@callback(Output("cc-config", "data"), Output("cc-snapshot", "data"), Output("jakarta-map", "figure"),
          Output("cc-filter-problem", "children"), Output("cc-filter-problem", "hidden"),
          Input("cc-search", "data"), State("cc-colour-by", "value"), State("lang", "data"), prevent_initial_call=True)
def refilter(search: str | None, colour_by: str | None, lang: str | None) -> tuple[Any, ...]:
    """A filter chosen on the page: the new snapshot, config and map in place, without re-rendering the
    page (assets/live.js starts again on the new snapshot, in the narrower room)."""
    if search is None:  # the layout's own arrival (Dash calls a callback whose outputs come with it): shown already
        raise PreventUpdate
    asked = parse_qs(search.removeprefix("?"))
    query = {name: values[0] if len(values) == 1 else values for name, values in asked.items()}  # as Dash hands them
    shown = screen(query, colour_by if colour_by in COLOUR_MODES else "category", "en" if lang == "en" else "id")
    problem = filter_problem(shown.problems, "cc-filter-problem")
    return shown.config, shown.snapshot, shown.figure, problem.children, problem.hidden


def active_surges(now: datetime) -> list[dict[str, Any]]:
    """The surges announced within the episode before `now`, newest first: the banner at load."""
    with services().sessions() as session:
        return surges.announced(session, since=now - EPISODE)


def _clientside(function: str, *dependencies: Input | Output | State) -> None:
    clientside_callback(ClientsideFunction("pantau", function), *dependencies)


# An output, because Dash makes the initial call only for callbacks whose outputs arrive with a layout.
_clientside("start", Output("cc-started", "data"), Input("cc-snapshot", "data"), State("cc-config", "data"),
            State("lang", "data"))
_clientside("colour_by", Output("cc-legend", "className"), Input("cc-colour-by", "value"))
clientside_callback(ClientsideFunction("pantau", "toggle_legend"), Output("cc-legend-open", "data"),
                    Input("cc-legend-toggle", "n_clicks"), State("cc-legend-open", "data"), prevent_initial_call=True)
_clientside("legend_open", Output("cc-legend-panel", "className"), Output("cc-legend-toggle", "aria-expanded"),
            Input("cc-legend-open", "data"))
_clientside("map_language", Input("lang", "data"))  # "lang" is the frame's (dashboard/app.py)
clientside_callback(ClientsideFunction("pantau_filters", "search"), Output("cc-search", "data"),
                    *(Input(control, prop) for control, prop in FILTER_INPUTS), prevent_initial_call=True)
clientside_callback(ClientsideFunction("pantau_surge", "start"), Output("cc-surge-started", "data"),
                    Input("cc-surge-data", "data"), State("cc-config", "data"))
