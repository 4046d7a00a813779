"""The Dash application: the pages of the command centre on one Flask server, in a shared frame.

The frame (title, WIB clock, language toggle, who is signed in) is the same on every page; pages
live in dashboard/pages/, one file each with its own callbacks. The frame is built per page load,
so the header shows the person of that request's session.
"""
from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, dcc, html, page_container
from dash.exceptions import DependencyException
from flask import has_request_context
from flask_wtf.csrf import generate_csrf

from dashboard.callback_guard import install_callback_guard
from dashboard.context import PageContext, install
from dashboard.figures import outlines_geojson
from dashboard.i18n import bi
from dashboard.snapshot import RecentComplaints
from followup.auth import LOGIN_PATH, LOGOUT_PATH, current_person
from geo.boundaries import Boundaries
from settings import PROJECT_DIR


def make_dash(boundaries: Boundaries, recent: RecentComplaints, map_style: str) -> Dash:
    """`recent(since=..., status=...)` reads complaints from the store; pages read snapshots through it."""
    dash = Dash("dashboard", title="Pantau", use_pages=True, pages_folder="pages",
                assets_folder=str(PROJECT_DIR / "assets"), update_title=None)
    install(dash.server, PageContext(outlines_geojson(boundaries.kelurahan), recent, map_style))
    dash.server.register_error_handler(DependencyException, no_such_script)
    install_callback_guard(dash)  # a callback request the renderer would not write is a 400, not a 500
    dash.layout = frame
    frame_callbacks(dash)
    return dash


def no_such_script(_: DependencyException) -> tuple[str, int, dict[str, str]]:
    """A script path Dash does not serve (`/_dash-component-suites/..%2f...`): 404, not 500."""
    return "Tidak ditemukan / Not found", 404, {"Content-Type": "text/plain; charset=utf-8"}


def frame() -> html.Div:
    return html.Div(id="pantau-root", className="pantau lang-id", children=[
        dcc.Store(id="lang", storage_type="local", data="id"),
        dcc.Interval(id="clock-tick", interval=1000),
        html.Header(className="pantau-header", children=[
            html.H1(html.A(bi("Pantau — Pusat Komando Pengaduan Jakarta", "Pantau — Jakarta Complaint Command Centre"),
                           href="/", className="home-link")),
            html.Nav(className="header-nav", children=[
                html.A(bi("Peringkat", "Ranking"), href="/peringkat", className="header-link"),
                html.A(bi("Wilayah", "Areas"), href="/wilayah", className="header-link"),
                html.A(bi("Lacak pengaduan", "Track a complaint"), href="/lacak", className="header-link"),
            ]),
            html.Span(id="clock", className="clock"),
            account(),
            html.Div(className="lang-toggle", role="group", children=[
                html.Button("ID", id="lang-id", title="Bahasa Indonesia"),
                html.Button("EN", id="lang-en", title="English"),
            ]),
        ]),
        page_container,
    ])


def account() -> html.A | html.Form:
    """"Masuk", or the signed-in person with a Keluar button (a form POST carrying the CSRF token).
    Dash also builds the frame outside any request, to check it: then nobody is signed in."""
    person = current_person() if has_request_context() else None
    if person is None:
        return html.A(bi("Masuk", "Sign in"), href=LOGIN_PATH, className="header-link")
    return html.Form(action=LOGOUT_PATH, method="post", className="account", children=[
        html.Span(f"{person.name} · {person.role}", className="account-name"),
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        html.Button(bi("Keluar", "Sign out"), type="submit", className="account-button"),
    ])


def frame_callbacks(dash: Dash) -> None:
    """Clientside: the language and the clock never wait for the server."""
    dash.clientside_callback(ClientsideFunction("pantau", "pick_language"), Output("lang", "data"),
                             Input("lang-id", "n_clicks"), Input("lang-en", "n_clicks"),
                             prevent_initial_call=True)
    dash.clientside_callback(ClientsideFunction("pantau", "root_class"), Output("pantau-root", "className"),
                             Input("lang", "data"))
    dash.clientside_callback(ClientsideFunction("pantau", "clock"), Output("clock", "children"),
                             Input("clock-tick", "n_intervals"), Input("lang", "data"))
