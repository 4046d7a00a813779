"""The validator queue at `/validasi`: complaints in Menunggu Validasi with the unit's note and its
evidence photos, and Terima (-> Selesai) or Tolak (-> TL Ditolak, with a reason).

For validators and the governor: the unit that did the work never closes its own report. The
photos come from `GET /api/v1/complaints/<id>/evidence/<n>`, which checks the session's person
again; both buttons call followup.steps.take_step, the function behind the transitions API.
"""
from __future__ import annotations

from typing import Any

from dash import (
    ALL,
    Input,
    Output,
    State,
    callback,
    ctx,
    dcc,
    html,
    no_update,
    register_page,
)
from dash.development.base_component import Component

from crm.complaint import Complaint, Status, utc_now
from crm.roles import Person, Work, covers, may_transition, users_of
from crm.transitions import TransitionError
from dashboard.context import services
from dashboard.guard import Guard
from dashboard.i18n import bi, who
from dashboard.queue_widgets import (
    category_label,
    chosen_step,
    notice,
    place,
    refused,
    sla_countdown,
    status_badge,
)
from followup.steps import MAX_NOTE, StepError, take_step
from store import complaints, evidence

PATH = "/validasi"
GUARD = Guard(PATH, users_of(Work.VALIDATION), ("validator", "validators"))
REFRESH_MS = 60_000

register_page(__name__, path=PATH, title="Antrian validasi", name="Antrian validasi")


def layout(**_query: str) -> html.Main:
    return GUARD.page(html.H2(bi("Antrian validasi", "Validation queue")), queue)


def queue(person: Person, title: Component) -> list[Component]:
    return [
        dcc.Interval(id="validation-tick", interval=REFRESH_MS),
        title,
        html.P(who(person), className="work-who"),
        html.Div(id="validation-message", role="status"),
        html.Div(id="validation-list", children=cards(person)),
    ]


def waiting(person: Person) -> list[Complaint]:
    with services().sessions() as session:
        found = complaints.list_held(session, skpds=None, statuses=[Status.MENUNGGU_VALIDASI])
    return [c for c in found if covers(person, c) and may_transition(person, c, Status.SELESAI)]


def cards(person: Person) -> list[html.Section] | html.P:
    shown = waiting(person)
    if not shown:
        return notice(bi("Tidak ada tindak lanjut yang menunggu validasi.", "No follow-up awaits validation."), "ok")
    sla, now = services().sla, utc_now()
    with services().sessions() as session:
        photos = {c.id: evidence.count_for(session, complaint_id=c.id) for c in shown}
    return [html.Section(className="card work-card", **{"data-complaint-id": c.id}, children=[
        html.H3(c.ticket, className="work-ticket"),
        html.P([status_badge(c.status), " ", sla_countdown(c, sla, now)]),
        html.Dl(className="track-facts", children=[
            html.Dt(bi("Kategori", "Category")), html.Dd(category_label(c)),
            html.Dt(bi("Tempat", "Place")), html.Dd(place(c)),
            html.Dt(bi("Ditangani oleh", "Handled by")), html.Dd(c.skpd),
            html.Dt(bi("Laporan warga", "Citizen's report")), html.Dd(c.text),
            html.Dt(bi("Catatan tindak lanjut", "Follow-up note")), html.Dd(follow_up_note(c), className="work-note"),
        ]),
        html.Div(className="work-photos", children=[
            html.A(html.Img(src=src, alt=f"Foto bukti {n + 1}"), href=src, target="_blank")
            for n in range(photos[c.id]) for src in [f"/api/v1/complaints/{c.id}/evidence/{n}"]
        ] or bi("Tidak ada foto bukti.", "No evidence photos.")),
        html.Label(bi("Alasan penolakan (wajib untuk Tolak)", "Reason for rejecting (required to reject)"),
                   className="work-label"),
        dcc.Textarea(id={"type": "validation-reason", "id": c.id}, maxLength=MAX_NOTE, className="track-reason"),
        html.Div(className="work-buttons", children=[
            html.Button(bi("Terima", "Accept"), id={"type": "validation-act", "id": c.id, "to": str(Status.SELESAI)},
                        className="track-button"),
            html.Button(bi("Tolak", "Reject"), id={"type": "validation-act", "id": c.id, "to": str(Status.TL_DITOLAK)},
                        className="work-button-reject"),
        ]),
    ]) for c in shown]


def follow_up_note(complaint: Complaint) -> str:
    """What the unit wrote when it asked for validation (the latest such step)."""
    asked = [e for e in complaint.history if e.status == Status.MENUNGGU_VALIDASI]
    return asked[-1].note if asked else "—"


@callback(Output("validation-list", "children"), Output("validation-message", "children"),
          Input({"type": "validation-act", "id": ALL, "to": ALL}, "n_clicks"), Input("validation-tick", "n_intervals"),
          State({"type": "validation-reason", "id": ALL}, "value"), prevent_initial_call=True)
def act(clicks: list[int | None], _tick: int | None, reasons: list[str | None]) -> tuple[Any, Any]:
    """Accept or reject as the person of this request's session (take_step checks again); redraw."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person, None
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict):
        return cards(person), no_update
    step = chosen_step(chosen)
    if step is None or not any(clicks):  # the cards were redrawn, nothing was clicked
        return no_update, no_update
    complaint_id, to = step
    by_id = {state["id"]["id"]: value for state, value in zip(ctx.states_list[0], reasons)}
    context = services()
    try:
        after = take_step(context.sessions, context.publisher, context.sla, person, complaint_id, to=to,
                          note=by_id.get(complaint_id) or "")
    except (StepError, TransitionError) as exc:
        return no_update, notice(refused(exc), "bad")
    done = bi(f"{after.ticket}: sekarang {after.status}.", f"{after.ticket}: now {after.status}.")
    return cards(person), notice(done, "ok")
