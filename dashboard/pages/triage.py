"""The operators' triage at `/triase`: the complaints intake could not classify or place, and the
correction that settles each.

The list shows why each waits (kategori ragu, lokasi tidak ditemukan), the citizen's text and the
classifier's three best categories with their confidence. Periksa opens the complaint beside the
list: a small map where a click picks the point (assets/triage.js reads it from the map itself),
a gazetteer search and a kelurahan picker for the same, the category and SKPD pickers, and three
ways to settle it: Simpan koreksi, Bukan pengaduan (spam, salam, pertanyaan) and Gabungkan (into
the open complaint it repeats, by ticket or id). Each calls followup.corrections.Corrector, the
function behind `POST /api/v1/complaints/<id>/correction`, with the person of this request's
session, so it is checked, audited and pushed live to the command centre in one transaction.
"""
from __future__ import annotations

from typing import Any

from dash import (
    ALL,
    Input,
    Output,
    Patch,
    State,
    callback,
    ctx,
    dcc,
    html,
    no_update,
    register_page,
)
from dash.development.base_component import Component

from crm.categories import CATEGORIES
from crm.classifier import Classifier
from crm.complaint import TRIAGE_CATEGORY, TRIAGE_LOCATION, Complaint
from crm.complaint_filter import ANY_TRIAGE, ComplaintFilter
from crm.corrections import CORRECTABLE, CorrectionError
from crm.roles import Person, Work, users_of
from crm.skpd import SKPDS, kelurahan_office
from dashboard.context import page_context, services
from dashboard.figures import PICKED, STORED, TRIAGE_POINTS, TRIAGE_ZOOM, triage_map
from dashboard.guard import Guard
from dashboard.i18n import bi, dropdown, who
from dashboard.queue_widgets import category_label, notice, place, refused, sent_list
from followup.steps import MAX_NOTE, StepError
from store import complaints, notices

PATH = "/triase"
GUARD = Guard(PATH, users_of(Work.TRIAGE), ("operator CRM", "CRM operators"))
REFRESH_MS = 30_000  # new triaged complaints arrive all the time; a correction redraws at once
SHOWN = 300  # the newest this many waiting; more are said to wait, not read
REASONS = {TRIAGE_CATEGORY: ("Kategori ragu", "Unsure category"),
           TRIAGE_LOCATION: ("Lokasi tidak ditemukan", "Place not found")}
NOT_A_COMPLAINT = (("spam", "Spam", "Spam"), ("salam", "Salam atau ucapan", "Greeting"),
                   ("pertanyaan", "Pertanyaan", "Question"))
MAP_CONFIG = {"displayModeBar": False, "scrollZoom": True}

register_page(__name__, path=PATH, title="Triase operator", name="Triase operator")


def layout(**_query: str) -> html.Main:
    return GUARD.page(html.H2(bi("Triase operator", "Operator triage")), workbench)


def workbench(person: Person, title: Component) -> list[Component]:
    return [
        dcc.Store(id="triage-selected"),
        dcc.Store(id="triage-point"),
        dcc.Store(id="triage-done", data=0),
        dcc.Interval(id="triage-tick", interval=REFRESH_MS),
        title,
        html.P(who(person), className="work-who"),
        html.Div(className="work-filters", children=[
            html.Label(bi("Alasan", "Reason"), htmlFor="triage-reason"),
            dropdown(id="triage-reason", className="work-dropdown", placeholder="Semua alasan",
                         options=[{"label": label, "value": code} for code, (label, _) in REASONS.items()]),
        ]),
        html.Div(id="triage-message", role="status"),
        html.Div(className="triage-layout", children=[
            html.Div(id="triage-list", className="triage-list", children=rows(None)),
            detail_panel(),
        ]),
    ]


def detail_panel() -> html.Section:
    categories = [{"label": f"{c.name} ({code})", "value": code} for code, c in CATEGORIES.items()]
    kelurahan = sorted(({"label": f'{f["properties"]["kelurahan"]}, Kec. {f["properties"]["kecamatan"]} ({f["id"]})',
                         "value": f["id"]} for f in page_context().outlines["features"]), key=lambda o: o["label"])
    return html.Section(id="triage-detail", className="card work-form triage-detail", hidden=True, children=[
        html.H3(id="triage-title"),
        html.P(id="triage-text", className="work-note"),
        html.Dl(id="triage-facts", className="track-facts"),
        html.Div(className="triage-map-wrap", children=dcc.Graph(
            id="triage-map", figure=triage_map(page_context().outlines, None, page_context().map_style),
            config=MAP_CONFIG, className="triage-map", responsive=True, style={"height": "100%", "width": "100%"})),
        html.P(bi("Klik peta untuk memilih titik, atau cari tempat:", "Click the map to pick the point, or search:"),
               className="work-label"),
        html.Div(className="work-buttons", children=[
            dcc.Input(id="triage-search", type="search", debounce=True, placeholder="halte cawang, pasar baru, ...",
                      className="work-text triage-search"),
            html.Button(bi("Cari", "Search"), id="triage-search-go", className="work-button"),
        ]),
        html.Div(id="triage-results", className="triage-results"),
        html.Label(bi("atau kelurahan", "or kelurahan"), htmlFor="triage-kelurahan"),
        dropdown(id="triage-kelurahan", options=kelurahan, className="work-dropdown",
                     placeholder="Pilih kelurahan"),
        html.P(id="triage-where", className="triage-where"),
        html.Label(bi("Kategori", "Category"), htmlFor="triage-category"),
        dropdown(id="triage-category", options=categories, className="work-dropdown", clearable=False),
        html.Label(bi("SKPD (kosong: menurut aturan)", "SKPD (empty: by the rules)"), htmlFor="triage-skpd"),
        dropdown(id="triage-skpd", className="work-dropdown", placeholder="Menurut aturan"),
        html.Label(bi("Catatan (wajib)", "Note (required)"), htmlFor="triage-note"),
        dcc.Textarea(id="triage-note", maxLength=MAX_NOTE, className="track-reason"),
        html.Div(className="work-buttons", children=[
            html.Button(bi("Simpan koreksi", "Save correction"), id="triage-send", className="track-button"),
            html.Button(bi("Batal", "Cancel"), id="triage-cancel", className="work-button-quiet"),
        ]),
        html.Div(className="work-buttons triage-close", children=[
            dropdown(id="triage-nac-kind", className="work-dropdown triage-nac-kind", clearable=False, value="spam",
                         options=[{"label": label, "value": code} for code, label, _ in NOT_A_COMPLAINT]),
            html.Button(bi("Bukan pengaduan", "Not a complaint"), id="triage-nac", className="work-button-reject"),
        ]),
        html.Div(className="work-buttons triage-close", children=[
            dcc.Input(id="triage-merge", type="text", placeholder="JKT-261127-7K2QF atau id",
                      className="work-text"),
            html.Button(bi("Gabungkan", "Merge"), id="triage-merge-send", className="work-button"),
        ]),
    ])


def waiting(reason: str | None) -> tuple[list[Complaint], bool]:
    """The triaged complaints still correctable, newest first (at most SHOWN), and whether more wait."""
    with services().sessions() as session:
        found = complaints.list_complaints(session, ComplaintFilter(triage=reason or ANY_TRIAGE,
                                                                    statuses=tuple(CORRECTABLE)), limit=SHOWN + 1)
    return found[:SHOWN], len(found) > SHOWN


def suggestions(complaint: Complaint) -> html.Ol:
    return html.Ol(className="triage-suggestions", children=[
        html.Li([category_label_of(s.category), html.Span(f" {s.confidence:.0%}", className="triage-confidence")])
        for s in Classifier.default().suggest(complaint.text)])


def category_label_of(code: str) -> html.Span | str:
    category = CATEGORIES.get(code)
    return bi(category.name, category.name_en) if category else code


def rows(reason: str | None) -> Component:
    shown, more = waiting(reason)
    if not shown:
        return notice(bi("Tidak ada pengaduan yang menunggu triase.", "No complaints await triage."), "ok")
    return html.Div([
        html.P(bi(f"Lebih dari {SHOWN} menunggu triase; {SHOWN} terbaru ditampilkan" if more
                  else f"{len(shown)} menunggu triase",
                  f"More than {SHOWN} await triage; the newest {SHOWN} shown" if more
                  else f"{len(shown)} awaiting triage"), className="work-who"),
        html.Table(className="work-table", children=[
            html.Thead(html.Tr([html.Th(bi(*label)) for label in (
                ("Tiket", "Ticket"), ("Alasan", "Reason"), ("Laporan", "Report"), ("Saran kategori", "Suggested"),
                ("", ""))])),
            html.Tbody([html.Tr(**{"data-complaint-id": c.id}, children=[
                html.Td([html.Div(c.ticket, className="work-ticket"), html.Div(c.channel, className="work-holder")]),
                html.Td([html.Div(bi(*REASONS[r]), className="triage-reason") for r in (c.triage or "").split(",")
                         if r in REASONS]),
                html.Td(c.text, className="triage-text"),
                html.Td(suggestions(c)),
                html.Td(html.Button(bi("Periksa", "Review"), id={"type": "triage-pick", "id": c.id},
                                    className="work-button")),
            ]) for c in shown]),
        ]),
    ])


@callback(Output("triage-list", "children"),
          Input("triage-reason", "value"), Input("triage-tick", "n_intervals"), Input("triage-done", "data"),
          prevent_initial_call=True)
def refresh(reason: str | None, _tick: int | None, _done: int) -> Any:
    person = GUARD.check()
    return rows(reason) if isinstance(person, Person) else person


@callback(Output("triage-selected", "data"), Output("triage-detail", "hidden"), Output("triage-title", "children"),
          Output("triage-text", "children"), Output("triage-facts", "children"), Output("triage-map", "figure"),
          Output("triage-category", "value"), Output("triage-skpd", "value"), Output("triage-note", "value"),
          Output("triage-point", "data"), Output("triage-kelurahan", "value"), Output("triage-results", "children"),
          Output("triage-merge", "value"),
          Input({"type": "triage-pick", "id": ALL}, "n_clicks"), Input("triage-cancel", "n_clicks"),
          prevent_initial_call=True)
def choose(clicks: list[int | None], _cancel: int | None) -> tuple[Any, ...]:
    """The chosen complaint in the panel, its category preset to the classifier's first suggestion."""
    chosen = ctx.triggered_id
    if chosen == "triage-cancel":
        return (None, True) + (no_update,) * 11
    if not isinstance(chosen, dict) or not any(clicks) or not isinstance(GUARD.check(), Person):
        return (no_update,) * 13
    with services().sessions() as session:
        complaint = complaints.get(session, complaint_id=chosen["id"])
        told = notices.of_complaint(session, complaint_id=chosen["id"])
    if complaint is None:
        return (no_update,) * 13
    stored = (complaint.lon, complaint.lat) if complaint.lon is not None and complaint.lat is not None else None
    first = Classifier.default().suggest(complaint.text)[0].category
    facts = [html.Dt(bi("Kategori sekarang", "Category now")), html.Dd(category_label(complaint)),
             html.Dt(bi("Tempat sekarang", "Place now")), html.Dd(place(complaint)),
             html.Dt(bi("Dipegang", "Held by")), html.Dd(complaint.skpd),
             html.Dt(bi("Catatan intake", "Intake's note")), html.Dd(complaint.history[0].note),
             html.Dt(bi("Pemberitahuan ke pelapor", "Notices to the reporter")), html.Dd(sent_list(told))]
    return (complaint.id, False, [complaint.ticket, " · ", complaint.channel], complaint.text, facts,
            triage_map(page_context().outlines, stored, page_context().map_style),
            first if TRIAGE_CATEGORY in (complaint.triage or "") else complaint.category,
            None, "", None, None, [], "")


@callback(Output("triage-results", "children", allow_duplicate=True),
          Input("triage-search-go", "n_clicks"), Input("triage-search", "value"), prevent_initial_call=True)
def search(_go: int | None, text: str | None) -> Any:
    """The gazetteer's places for the words typed: one, the candidates of a shared name, or none."""
    if not text or not text.strip() or not isinstance(GUARD.check(), Person):
        return []
    found = services().corrector.search(text)
    if not found:
        return notice(bi("Tempat tidak ditemukan; klik peta atau pilih kelurahan.",
                         "No such place; click the map or pick a kelurahan."), "bad")
    return [html.Button(f"{p.name} ({p.kind})", className="work-button triage-place",
                        id={"type": "triage-place", "lon": p.lon, "lat": p.lat}) for p in found]


@callback(Output("triage-point", "data", allow_duplicate=True),
          Input({"type": "triage-place", "lon": ALL, "lat": ALL}, "n_clicks"), prevent_initial_call=True)
def pick_place(clicks: list[int | None]) -> Any:
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not any(clicks):
        return no_update
    return {"lon": chosen["lon"], "lat": chosen["lat"], "centre": True}


@callback(Output("triage-point", "data", allow_duplicate=True),
          Input("triage-kelurahan", "value"), prevent_initial_call=True)
def pick_kelurahan(code: str | None) -> Any:
    point = services().corrector.kelurahan_point(code) if code else None
    return None if point is None else {"kode_kelurahan": code, "lon": point[0], "lat": point[1], "centre": True}


@callback(Output("triage-map", "figure", allow_duplicate=True), Output("triage-where", "children"),
          Output("triage-skpd", "options"),
          Input("triage-point", "data"), State("triage-selected", "data"), prevent_initial_call=True)
def show_point(point: dict[str, Any] | None, complaint_id: int | None) -> tuple[Any, ...]:
    """The picked point on the map (patched: the outlines are not sent again), where it falls, and
    the SKPDs it may go to: the catalogue and the kelurahan office of that place."""
    if complaint_id is None or not isinstance(GUARD.check(), Person):
        return no_update, no_update, no_update
    with services().sessions() as session:
        complaint = complaints.get(session, complaint_id=complaint_id)
    if complaint is None:
        return no_update, no_update, no_update
    stored = [(complaint.lon, complaint.lat)] if complaint.lon is not None and complaint.lat is not None else []
    picked = [(point["lon"], point["lat"])] if point else []
    where = services().corrector.intake.locate(*picked[0]) if picked else complaint.jurisdiction
    figure = Patch()
    figure["data"][TRIAGE_POINTS]["lon"] = [p[0] for p in stored + picked]
    figure["data"][TRIAGE_POINTS]["lat"] = [p[1] for p in stored + picked]
    figure["data"][TRIAGE_POINTS]["marker"]["color"] = [STORED] * len(stored) + [PICKED] * len(picked)
    if point and point.get("centre"):
        figure["layout"]["map"]["center"] = {"lon": point["lon"], "lat": point["lat"]}
        figure["layout"]["map"]["zoom"] = TRIAGE_ZOOM
    if not picked:
        said = bi("Belum ada titik dipilih.", "No point picked yet.")
    elif where is None:
        said = bi("Titik ini di luar DKI Jakarta: pilih titik lain.", "This point is outside DKI Jakarta.")
    else:
        said = bi(f"Titik dipilih: {where.kelurahan}, Kec. {where.kecamatan}, {where.kota}",
                  f"Picked: {where.kelurahan}, {where.kecamatan}, {where.kota}")
    units = [(code, unit.name) for code, unit in SKPDS.items()]
    if where is not None:
        office = kelurahan_office(where)
        units.insert(0, (office.code, office.name))
    return figure, said, [{"label": f"{code} — {name}", "value": code} for code, name in units]


@callback(Output("triage-message", "children"), Output("triage-done", "data"),
          Output("triage-detail", "hidden", allow_duplicate=True),
          Input("triage-send", "n_clicks"), Input("triage-nac", "n_clicks"), Input("triage-merge-send", "n_clicks"),
          State("triage-selected", "data"), State("triage-point", "data"), State("triage-category", "value"),
          State("triage-skpd", "value"), State("triage-note", "value"), State("triage-nac-kind", "value"),
          State("triage-merge", "value"), State("triage-done", "data"), prevent_initial_call=True)
def send(_send: int | None, _nac: int | None, _merge: int | None, complaint_id: int | None,
         point: dict[str, Any] | None, category: str | None, skpd: str | None, note: str | None, kind: str | None,
         merge: str | None, done: int) -> tuple[Any, ...]:
    """Correct, set aside or merge as the person of this request's session: the corrector checks everything."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person, no_update, no_update
    if complaint_id is None:
        return no_update, no_update, no_update
    fields: dict[str, Any] = {"note": note or ""}
    if ctx.triggered_id == "triage-nac":
        fields["not_a_complaint"] = kind or True
    elif ctx.triggered_id == "triage-merge-send":
        fields["duplicate_of"] = (merge or "").strip()  # empty: refused, never a bare confirmation
    else:
        fields |= {"category": category, "skpd": skpd or None}
        if point and point.get("kode_kelurahan"):
            fields["kode_kelurahan"] = point["kode_kelurahan"]
        elif point:
            fields |= {"lon": point["lon"], "lat": point["lat"]}
    try:
        after = services().corrector(person, complaint_id, {k: v for k, v in fields.items() if v is not None})
    except (StepError, CorrectionError) as exc:
        return notice(refused(exc), "bad"), no_update, no_update
    said = bi(f"{after.ticket}: {after.status}, kategori {after.category}, dipegang {after.skpd}.",
              f"{after.ticket}: {after.status}, category {after.category}, held by {after.skpd}.")
    return notice(said, "ok"), done + 1, True
