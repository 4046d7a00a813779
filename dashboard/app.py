"""The Dash application: the pages of the command centre on one Flask server, in a shared frame.

The frame (title, WIB clock, language toggle, who is signed in) is the same on every page; pages
live in dashboard/pages/, one file each with its own callbacks. The frame is built per page load,
so the header shows the person of that request's session, and links to the staff pages their role
may use (crm/roles.py `work_of`, the same rule their guards ask).

Callbacks are not checked against a validation layout (`suppress_callback_exceptions`): Dash would
build one from every page's layout as the first request's person sees it, and a staff page shown to
nobody holds only its sign-in link, so the browser logged "ID not found in layout" for each of their
callbacks on every page (28, and 36 on /wilayah). A callback request naming what no page draws is
refused at the callback door instead (dashboard/callback_guard.py).

Dash answers every path with its page shell and 200, and its router then shows the page the path
names. A path no page takes is answered 404 here (its shell then shows pages/not_found_404.py, in
Bahasa Indonesia), and `/favicon.ico`, which browsers ask for on their own, leads to Dash's icon.
"""
from __future__ import annotations

import json

from dash import ClientsideFunction, Dash, Input, Output, __version__, dcc, html, page_container
from dash._pages import _path_to_page  # the router's own matching, so the status agrees with the page shown
from dash.exceptions import DependencyException
from flask import Response, has_request_context, redirect, request
from flask_wtf.csrf import generate_csrf

from crm.formats import client_formats
from crm.roles import Person, Work, work_of
from dashboard.callback_guard import install_callback_guard
from dashboard.context import PageContext, install
from dashboard.figures import outlines_geojson
from dashboard.outlines_file import install_outlines_file
from dashboard.i18n import ROLE_NAMES, bi, who
from followup.auth import LOGIN_PATH, LOGOUT_PATH, current_person
from geo.boundaries import Boundaries
from settings import PROJECT_DIR

NOT_FOUND_MODULE = "not_found_404"  # the module name Dash's router shows for a path no page takes
WORK_LABELS: dict[Work, tuple[str, str]] = {
    Work.QUEUE: ("Antrian", "Work queue"), Work.VALIDATION: ("Validasi", "Validation"),
    Work.TRIAGE: ("Triase", "Triage"), Work.DESK: ("Meja", "Walk-in desk"),
    Work.DEAD_LETTERS: ("Surat mati", "Dead letters"),
}


def make_dash(boundaries: Boundaries, map_style: str) -> Dash:
    """The Dash app of every page; the pages read the store through the services installed later (context.py)."""
    dash = Dash("dashboard", title="Pantau", use_pages=True, pages_folder="pages",
                assets_folder=str(PROJECT_DIR / "assets"), update_title=None, suppress_callback_exceptions=True,
                compress=True)
    dash.server.config["COMPRESS_STREAMS"] = False  # exports stream row by row; a gzip stream would hold them back
    outlines = outlines_geojson(boundaries.kelurahan)
    install(dash.server, PageContext(outlines, map_style, install_outlines_file(dash.server, outlines)))
    dash.server.register_error_handler(DependencyException, no_such_script)
    catch_all = dash.config.routes_pathname_prefix + "<path:path>"

    @dash.server.after_request
    def unknown_page(response: Response) -> Response:
        """The page shell for a path no page takes says so with its status: 404, not 200."""
        rule = request.url_rule
        if rule is not None and rule.rule == catch_all and response.status_code == 200 \
                and not is_page(dash.strip_relative_path(request.path)):
            response.status_code = 404
        return response

    favicon = f"{dash.config.requests_pathname_prefix}_favicon.ico?v={__version__}"  # the one pages link to
    dash.server.add_url_rule("/favicon.ico", "favicon", lambda: redirect(favicon))
    install_callback_guard(dash)  # a callback request the renderer would not write is a 400, not a 500
    dash.layout = frame
    frame_callbacks(dash)
    return dash


def is_page(path: str) -> bool:
    """Whether a registered page (not the not-found page) takes `path` (without its slashes)."""
    page, _ = _path_to_page(path)
    return bool(page) and not page["module"].endswith(NOT_FOUND_MODULE)


def no_such_script(_: DependencyException) -> tuple[str, int, dict[str, str]]:
    """A script path Dash does not serve (`/_dash-component-suites/..%2f...`): 404, not 500."""
    return "Tidak ditemukan / Not found", 404, {"Content-Type": "text/plain; charset=utf-8"}


def frame() -> html.Div:
    person = current_person() if has_request_context() else None  # Dash also builds it outside requests
    return html.Div(id="pantau-root", className="pantau lang-id", **{"data-formats": json.dumps(client_formats())},
                    children=[
        dcc.Store(id="lang", storage_type="local", data="id"),
        dcc.Interval(id="clock-tick", interval=1000),
        html.Header(className="pantau-header" + (" signed-in" if person else ""), children=[
            html.H1(html.A(["Pantau", bi(" — Pusat Komando Pengaduan Jakarta", " — Jakarta Complaint Command Centre",
                                         className="brand-rest")], href="/", className="home-link")),
            html.Nav(className="header-nav", children=[
                html.A(bi("Peringkat", "Ranking"), href="/peringkat", className="header-link"),
                html.A(bi("Wilayah", "Areas"), href="/wilayah", className="header-link"),
                html.A(bi("Lacak pengaduan", "Track a complaint"), href="/lacak", className="header-link"),
            ]),
            work_nav(person),
            html.Span(id="clock", className="clock"),
            account(person),
            html.Div(className="lang-toggle", role="group", children=[
                html.Button("ID", id="lang-id", title="Bahasa Indonesia"),
                html.Button("EN", id="lang-en", title="English"),
            ]),
        ]),
        page_container,
    ])


def work_nav(person: Person | None) -> html.Nav | None:
    """Links to the staff pages the person's role may use, in crm/roles.py's order; nothing for nobody."""
    if person is None:
        return None
    return html.Nav(className="work-nav", **{"aria-label": "Pekerjaan"}, children=[
        html.A(bi(*WORK_LABELS[work]), href=str(work), className="header-link") for work in work_of(person.role)])


def account(person: Person | None) -> html.A | html.Form:
    """"Masuk", or the signed-in person with a Keluar button (a form POST carrying the CSRF token)."""
    if person is None:
        return html.A(bi("Masuk", "Sign in"), href=LOGIN_PATH, className="header-link")
    return html.Form(action=LOGOUT_PATH, method="post", className="account", children=[
        html.Span(who(person), className="account-name", title=f"{person.name} · {ROLE_NAMES[person.role][0]}"),
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
