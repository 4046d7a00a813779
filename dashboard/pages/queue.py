"""The SKPD work queue at `/antrian`: the open complaints the signed-in person covers, newest first,
with their SLA countdown, and the follow-up steps they may take (Ambil, Koordinasi, Disposisi,
Estimasi Waktu Selesai, Minta validasi).

A step opens one form with the fields it needs, docked at the bottom of the screen with its outcome,
and the chosen row is scrolled just above it, so a step on row 40 of 75 happens where the officer
is (the form used to open under the last row, thousands of pixels down); sending it calls
followup.steps.take_step with the person of this request's session, the same function as the
transitions API, so it is checked, stored with its evidence, audited and published live to the
command centre in one transaction. Buttons only show what crm.roles allows: take_step decides.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import (
    ALL,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
    register_page,
    set_props,
)
from dash.development.base_component import Component

from crm.complaint import Complaint, Status, utc_now
from crm.roles import FOLLOW_UP, Person, Role, covers, may_transition
from crm.skpd import SKPDS, kelurahan_office, sudin_for
from crm.sla import SlaClock
from crm.transitions import ALLOWED, TransitionError
from dashboard.context import services
from dashboard.guard import Guard
from dashboard.i18n import bi, dropdown, who
from dashboard.queue_widgets import (
    category_label,
    chosen_step,
    notice,
    place,
    refused,
    sent_list,
    sla_countdown,
    status_badge,
)
from followup.steps import MAX_NOTE, StepError, take_step
from store import complaints, notices

PATH = "/antrian"
OPEN = tuple(status for status in Status if status is not Status.SELESAI)
# The steps of this page, in the order of the chain, with their button labels.
ACTIONS: dict[Status, tuple[str, str]] = {
    Status.PROSES: ("Ambil", "Take"),
    Status.KOORDINASI: ("Koordinasi", "Coordinate"),
    Status.DISPOSISI: ("Disposisi", "Dispose"),
    Status.ESTIMASI_WAKTU_SELESAI: ("Estimasi Waktu Selesai", "Set a completion date"),
    Status.MENUNGGU_VALIDASI: ("Minta validasi", "Ask for validation"),
}
REFRESH_MS = 60_000  # the countdowns move; steps by others show up at the next refresh
GUARD = Guard(PATH)  # any signed-in person: the queue shows what their role covers

register_page(__name__, path=PATH, title="Antrian kerja SKPD", name="Antrian kerja SKPD")


def layout(**_query: str) -> html.Main:
    return GUARD.page(html.H2(bi("Antrian kerja SKPD", "SKPD work queue")), queue)


def queue(person: Person, title: Component) -> list[Component]:
    return [
        dcc.Store(id="queue-action"),
        dcc.Interval(id="queue-tick", interval=REFRESH_MS),
        title,
        html.P(who(person, person.skpd or ""), className="work-who"),
        html.Div(className="work-filters", children=[
            html.Label(bi("Status", "Status"), htmlFor="queue-status"),
            dropdown(id="queue-status", options=[{"label": str(s), "value": str(s)} for s in OPEN],
                         placeholder="Semua status", className="work-dropdown"),
            html.Label(bi("Kelurahan", "Kelurahan"), htmlFor="queue-kelurahan"),
            dcc.Input(id="queue-kelurahan", type="search", debounce=True, placeholder="Gambir",
                      className="work-text"),
        ]),
        html.Div(id="queue-list", children=rows(person, None, None)),
        # The form and its outcome stay at the bottom of the screen (pantau.css `.work-dock`), not under
        # the last of a long list: the officer sees them beside the row they chose, wherever that is.
        html.Div(className="work-dock", children=[form(), html.Div(id="queue-message", role="status")]),
    ]


def form() -> html.Section:
    """The one step form, filled for the step a row's button chose."""
    return html.Section(id="queue-form", className="card work-form", hidden=True, children=[
        html.H3(id="queue-form-title"),
        html.Div(className="work-sent", children=[  # what the reporter has heard so far, as on /triase
            html.H4(bi("Pemberitahuan ke pelapor", "Notices to the reporter")), html.Div(id="queue-form-notices")]),
        html.Div(id="queue-skpd-field", hidden=True, children=[
            html.Label(bi("Ke SKPD", "To SKPD"), htmlFor="queue-skpd"),
            dropdown(id="queue-skpd", className="work-dropdown"),
        ]),
        html.Div(id="queue-ews-field", hidden=True, children=[
            html.Label(bi("Estimasi selesai", "Estimated completion"), htmlFor="queue-ews"),
            dcc.Input(id="queue-ews", type="date", className="work-text"),
        ]),
        html.Label(bi("Catatan", "Note"), htmlFor="queue-note"),
        dcc.Textarea(id="queue-note", maxLength=MAX_NOTE, className="track-reason"),
        html.Div(id="queue-photo-field", hidden=True, children=[
            dcc.Upload(id="queue-photos", multiple=True, accept="image/jpeg,image/png", className="work-upload",
                       children=bi("Pilih foto bukti (JPEG/PNG)", "Choose evidence photos (JPEG/PNG)")),
            html.Div(id="queue-photo-names", className="work-photo-names"),
        ]),
        html.Div(className="work-buttons", children=[
            html.Button(bi("Kirim", "Send"), id="queue-send", className="track-button"),
            html.Button(bi("Batal", "Cancel"), id="queue-cancel", className="work-button-quiet"),
        ]),
    ])


def open_complaints(person: Person) -> list[Complaint]:
    """Not Selesai and covered by the person; an SKPD role reads only its units' rows."""
    skpds = None
    if person.role in (Role.SKPD_STAFF, Role.SKPD_HEAD) and person.skpd:
        skpds = {person.skpd}
        if person.role is Role.SKPD_HEAD:
            skpds |= {code for code, unit in SKPDS.items() if unit.parent == person.skpd}
    with services().sessions() as session:
        found = complaints.list_held(session, skpds=skpds, statuses=OPEN)
    return [complaint for complaint in found if covers(person, complaint)]


def steps_for(person: Person, complaint: Complaint) -> list[Status]:
    return [to for to in ACTIONS if to in ALLOWED[complaint.status] and to in FOLLOW_UP
            and may_transition(person, complaint, to)]


def rows(person: Person, status: str | None, kelurahan: str | None) -> html.Table | html.P:
    shown = [c for c in open_complaints(person)
             if (not status or c.status == status)
             and (not kelurahan or (c.jurisdiction and kelurahan.strip().lower() in c.jurisdiction.kelurahan.lower()))]
    if not shown:
        return notice(bi("Tidak ada pengaduan terbuka untuk Anda.", "No open complaints for you."), "ok")
    sla, now = services().sla, utc_now()
    return html.Table(className="work-table", children=[
        html.Thead(html.Tr([html.Th(bi(*label)) for label in (
            ("Tiket", "Ticket"), ("Kategori", "Category"), ("Tempat", "Place"), ("Status", "Status"),
            ("Batas waktu", "Deadline"), ("Aksi", "Actions"))])),
        html.Tbody([html.Tr(id=row_id(c.id), **{"data-complaint-id": c.id}, children=cells(person, c, sla, now))
                    for c in shown]),
    ])


def row_id(complaint_id: int) -> dict[str, str | int]:
    return {"type": "queue-row", "id": complaint_id}


def cells(person: Person, c: Complaint, sla: SlaClock, now: datetime) -> list[html.Td]:
    return [
        html.Td(c.ticket, className="work-ticket"),
        html.Td(category_label(c)),
        html.Td(place(c)),
        html.Td([status_badge(c.status), html.Div(c.skpd, className="work-holder")]),
        html.Td(sla_countdown(c, sla, now)),
        html.Td(className="work-actions", children=[
            html.Button(bi(*ACTIONS[to]), id={"type": "queue-act", "id": c.id, "to": str(to)}, className="work-button")
            for to in steps_for(person, c)]),
    ]


@callback(Output("queue-list", "children"),
          Input("queue-status", "value"), Input("queue-kelurahan", "value"), Input("queue-tick", "n_intervals"),
          prevent_initial_call=True)
def refresh(status: str | None, kelurahan: str | None, _tick: int | None) -> Any:
    person = GUARD.check()
    return rows(person, status, kelurahan) if isinstance(person, Person) else person


@callback(Output("queue-action", "data"), Output("queue-form", "hidden"), Output("queue-form-title", "children"),
          Output("queue-skpd-field", "hidden"), Output("queue-skpd", "options"), Output("queue-skpd", "value"),
          Output("queue-ews-field", "hidden"), Output("queue-photo-field", "hidden"),
          Output("queue-note", "value"), Output("queue-ews", "value"), Output("queue-photos", "contents"),
          Output("queue-message", "children"), Output("queue-form-notices", "children"),
          Input({"type": "queue-act", "id": ALL, "to": ALL}, "n_clicks"), Input("queue-cancel", "n_clicks"),
          prevent_initial_call=True)
def choose(_clicks: list[int | None], _cancel: int | None) -> tuple[Any, ...]:
    """The form for the clicked step, with the fields that step needs and what the reporter was
    sent; Batal closes it."""
    chosen = ctx.triggered_id
    if chosen == "queue-cancel":
        return None, True, None, True, [], None, True, True, "", None, None, None, None
    step = chosen_step(chosen)
    if step is None or not ctx.triggered[0].get("value"):  # a row was redrawn: its new button was not clicked
        return (no_update,) * 13
    complaint_id, to = step
    person = GUARD.check()
    with services().sessions() as session:
        complaint = complaints.get(session, complaint_id=complaint_id)
        told = notices.of_complaint(session, complaint_id=complaint_id)
    if complaint is None or not isinstance(person, Person) or not covers(person, complaint):  # another's: as unknown
        return (no_update,) * 11 + (notice(bi("Pengaduan ini tidak ditemukan.", "This complaint was not found."),
                                           "bad"), no_update)
    options, value = targets(complaint, to)
    title = [bi(*ACTIONS[to]), f" · {complaint.ticket}"]
    return ({"id": complaint.id, "to": str(to)}, False, title, not options, options, value,
            to is not Status.ESTIMASI_WAKTU_SELESAI, to is not Status.MENUNGGU_VALIDASI, "", None, None, None,
            sent_list(told))


def targets(complaint: Complaint, to: Status) -> tuple[list[dict[str, str]], str | None]:
    """Where Koordinasi may pass it (any other SKPD or the place's kelurahan office) or Disposisi
    may hand it (the holder's Suku Dinas in the complaint's kota, preselected)."""
    if to is Status.KOORDINASI:
        units = [(code, unit.name) for code, unit in SKPDS.items() if code != complaint.skpd]
        if complaint.jurisdiction:
            office = kelurahan_office(complaint.jurisdiction)
            units.insert(0, (office.code, office.name))
        return [{"label": f"{code} — {name}", "value": code} for code, name in units], None
    if to is Status.DISPOSISI:
        units = [code for code, unit in SKPDS.items() if unit.parent == complaint.skpd]
        kota = complaint.jurisdiction.kode_kota if complaint.jurisdiction else None
        expected = sudin_for(complaint.skpd, kota) if kota else None
        return ([{"label": f"{code} — {SKPDS[code].name}", "value": code} for code in units],
                expected if expected in units else None)
    return [], None


# The chosen row just above the docked form once it opens: the officer keeps their place in the list.
clientside_callback(
    """
    function(action) {
        if (!action) { return; }
        window.requestAnimationFrame(() => {
            const row = document.querySelector('#queue-list tr[data-complaint-id="' + action.id + '"]');
            const dock = document.querySelector('.work-dock');
            const list = row && row.closest('main');
            if (!row || !dock || !list) { return; }
            const r = row.getBoundingClientRect(), d = dock.getBoundingClientRect(), l = list.getBoundingClientRect();
            if (r.bottom > d.top - 8) { list.scrollTop += r.bottom - d.top + 8; }
            else if (r.top < l.top) { list.scrollTop -= l.top - r.top; }
        });
    }
    """,
    Input("queue-action", "data"),
    prevent_initial_call=True,
)


@callback(Output("queue-photo-names", "children"), Input("queue-photos", "filename"), prevent_initial_call=True)
def photo_names(names: list[str] | None) -> str:
    return ", ".join(names or [])


@callback(Output("queue-message", "children", allow_duplicate=True),
          Output("queue-form", "hidden", allow_duplicate=True),
          Input("queue-send", "n_clicks"),
          State("queue-action", "data"), State("queue-note", "value"), State("queue-skpd", "value"),
          State("queue-ews", "value"), State("queue-photos", "contents"),
          prevent_initial_call=True)
def send(_send: int | None, action: dict[str, Any] | None, note: str | None, to_skpd: str | None,
         ews: str | None, photos: list[str] | None) -> tuple[Any, ...]:
    """Take the step as the person of this request's session: take_step checks everything again.

    Only the complaint's row is drawn again, in place: redrawing the whole list of 75 rows held the
    browser's main thread for 10 to 19 s (Dash's renderer pays per component on the page for each
    component it mounts), so the row read Menunggu long after the step. The list itself is read
    again at the next refresh (REFRESH_MS) or filter change."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person, no_update
    step = chosen_step(action)
    if step is None:
        return no_update, no_update
    complaint_id, to = step
    context = services()
    try:
        after = take_step(context.sessions, context.publisher, context.sla, person, complaint_id, to=to,
                          note=note or "", ews=ews or None,
                          to_skpd=to_skpd if to in (Status.KOORDINASI, Status.DISPOSISI) else None,
                          evidence=[data.partition(",")[2] for data in photos or []])
    except (StepError, TransitionError) as exc:
        return notice(refused(exc), "bad"), no_update
    set_props(row_id(after.id), {"children": cells(person, after, context.sla, utc_now())})
    done_text = bi(f"{after.ticket}: sekarang {after.status}, dipegang {after.skpd}.",
                   f"{after.ticket}: now {after.status}, held by {after.skpd}.")
    return notice(done_text, "ok"), True
