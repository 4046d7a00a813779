"""The walk-in desk form at `/meja`: staff enter what a visitor at a kecamatan, kelurahan, balai warga,
the Pendopo or the Inspektorat tells them.

For operators and the governor. The form builds the walk-in JSON of ingest/channels/walk_in.py and
hands it to the Receiver, as `POST /api/v1/channels/<desk>` does, so validation, dead letters and
dedupe are the adapter's. The entry id is made once per form load: a double submit is one complaint.
A visitor who left no phone or email (crm/notices.py `address`: nothing to send a notice to) is
handed a printed slip instead: ticket, tracking code, their private /lacak link, when and where.
The slip is drawn right after saving, because the tracking code is never stored; Cetak prints it
alone (assets/pantau.css `@media print`).
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from dash import Input, Output, State, callback, clientside_callback, dcc, html, register_page
from dash.development.base_component import Component

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import WIB, Complaint, utc_now
from crm.desks import DESK_WINDOWS
from crm.formats import date_time
from crm.notices import NoticeRule, address
from crm.roles import Person, Work, users_of
from dashboard.context import services
from dashboard.i18n import bi, dropdown, who
from dashboard.guard import Guard
from dashboard.queue_widgets import notice, place
from ingest.channels.base import Inbound, Rejected
from services.unit_of_work import notice_rule
from store import users

PATH = "/meja"
GUARD = Guard(PATH, users_of(Work.DESK), ("operator meja pengaduan", "desk operators"))
MINUTE = "%Y-%m-%d %H:%M"

register_page(__name__, path=PATH, title="Meja pengaduan", name="Meja pengaduan")


def layout(**_query: str) -> html.Main:
    return GUARD.page(html.H2(bi("Meja pengaduan", "Walk-in desk")), form)


def form(person: Person, title: Component) -> list[Component]:
    return [
        title,
        html.P(who(person), className="work-who"),
        dcc.Store(id="desk-entry", data=uuid.uuid4().hex),
        html.Section(className="card work-form", children=[
            field("Kanal meja", "Desk channel", dropdown(
                id="desk-channel", value=next(iter(DESK_WINDOWS)), clearable=False, className="work-dropdown",
                options=[{"label": CHANNELS[code], "value": code} for code in DESK_WINDOWS])),
            field("Nama kantor", "Desk name", text("desk-name", "Kantor Kecamatan Tebet")),
            field("Nama pengadu (opsional)", "Visitor's name (optional)", text("desk-visitor-name", "")),
            field("Kontak pengadu (opsional)", "Visitor's contact (optional)", text("desk-visitor-contact", "")),
            field("Isi pengaduan", "Complaint", dcc.Textarea(id="desk-text", className="track-reason")),
            field("Kategori", "Category", dropdown(
                id="desk-category", value="", clearable=False, className="work-dropdown",
                options=[{"label": "biar sistem yang menentukan", "value": ""}]
                + [{"label": c.name, "value": c.code} for c in CATEGORIES.values()])),
            field("Lokasi (opsional)", "Location (optional)", text("desk-location", "Jl. ..., RT/RW, kelurahan")),
            field("Waktu kunjungan (WIB, TTTT-BB-HH JJ:MM)", "Visited at (WIB, YYYY-MM-DD HH:MM)", dcc.Input(
                id="desk-visited-at", type="text", value=utc_now().astimezone(WIB).strftime(MINUTE),
                className="work-text")),
            html.Div(className="work-buttons", children=[
                html.Button(bi("Simpan pengaduan", "Save complaint"), id="desk-send", className="track-button"),
            ]),
        ]),
        html.Div(id="desk-result", role="status"),
    ]


def field(label_id: str, label_en: str, control: Any) -> html.Div:
    return html.Div(className="work-field", children=[
        html.Label(bi(label_id, label_en), htmlFor=control.id, className="work-label"), control])


def text(id_: str, placeholder: str) -> dcc.Input:
    return dcc.Input(id=id_, type="text", placeholder=placeholder, className="work-text")


def entry(channel: str, entry_id: str, officer: str, values: dict[str, str | None]) -> dict[str, Any]:
    """The walk-in JSON the channel API takes; blank fields are sent as null, as the adapter reads them."""
    return {
        "entry_id": f"{channel}-{entry_id}",
        "desk": values["desk"],
        "officer": officer,
        "visitor": {"name": values["visitor_name"], "contact": values["visitor_contact"]},
        "text": values["text"],
        "category": values["category"] or None,
        "location": values["location"],
        "visited_at": in_wib(values["visited_at"]),
    }


def in_wib(typed: str | None) -> str | None:
    """The typed time with its zone, WIB unless one is given; what does not parse goes as typed, for the
    adapter to refuse in its own words."""
    try:
        at = datetime.fromisoformat((typed or "").strip())
    except ValueError:
        return typed
    return (at if at.tzinfo else at.replace(tzinfo=WIB)).isoformat()


def taken(complaint: Complaint, created: bool, rule: NoticeRule) -> html.Div:
    """The ticket and where intake routed it; the flag when the desk was closed; the slip to print
    for a visitor no notice can reach."""
    said = bi(f"Tercatat sebagai tiket {complaint.ticket}.", f"Recorded as ticket {complaint.ticket}.") if created \
        else bi(f"Sudah tercatat sebelumnya sebagai tiket {complaint.ticket}.",
                f"Already recorded as ticket {complaint.ticket}.")
    return html.Div([
        notice(said, "ok"),
        html.Dl(className="track-facts", children=[
            html.Dt(bi("Tiket", "Ticket")), html.Dd(complaint.ticket, className="desk-ticket"),
            *([html.Dt(bi("Kode pelacakan (berikan hanya kepada pelapor)", "Tracking code (for the reporter only)")),
               html.Dd(complaint.tracking_code, className="desk-code")] if complaint.tracking_code else []),
            html.Dt(bi("Kelurahan", "Kelurahan")), html.Dd(place(complaint)),
            html.Dt(bi("Diteruskan ke SKPD", "Routed to SKPD")), html.Dd(complaint.skpd),
        ]),
        notice(bi("Ditandai: dicatat di luar jam buka meja ini.", "Flagged: entered outside this desk's hours."),
               "bad") if complaint.outside_desk_hours else None,
        slip(complaint, rule) if address(complaint) is None else None,
    ])


def slip(complaint: Complaint, rule: NoticeRule) -> html.Section:
    """The visitor's slip: what a notice would have told them, on paper, in Indonesian (the visitor's
    language at a Jakarta desk), with a button that prints it alone."""
    link = rule.link(complaint.ticket, complaint.tracking_code)
    return html.Section(className="desk-slip card", children=[
        html.H3("Tanda terima pengaduan"),
        html.Dl(className="desk-slip-facts", children=[
            html.Dt("Nomor tiket"), html.Dd(complaint.ticket, className="desk-slip-ticket"),
            *([html.Dt("Kode pelacakan (rahasia, hanya untuk Anda)"),
               html.Dd(complaint.tracking_code, className="desk-slip-code")] if complaint.tracking_code else []),
            html.Dt("Lacak pengaduan Anda di"), html.Dd(link, className="desk-slip-link"),
            html.Dt("Dicatat"), html.Dd(date_time(complaint.received_at), className="desk-slip-when"),
            html.Dt("Meja pengaduan"), html.Dd(complaint.desk or CHANNELS.get(complaint.channel, complaint.channel),
                                               className="desk-slip-desk"),
        ]),
        html.P("Simpan tanda terima ini. Petugas tidak dapat mengirim kabar karena tidak ada nomor telepon "
               "atau email; pantau kemajuannya lewat tautan di atas.", className="desk-slip-note"),
        html.Button(bi("Cetak tanda terima", "Print the slip"), id="desk-print", className="track-button desk-print"),
    ])


@callback(Output("desk-result", "children"), Input("desk-send", "n_clicks"),
          State("desk-entry", "data"), State("desk-channel", "value"), State("desk-name", "value"),
          State("desk-visitor-name", "value"), State("desk-visitor-contact", "value"), State("desk-text", "value"),
          State("desk-category", "value"), State("desk-location", "value"), State("desk-visited-at", "value"),
          prevent_initial_call=True)
def send(_clicks: int, entry_id: str, channel: str, desk: str | None, visitor_name: str | None,
         visitor_contact: str | None, text_: str | None, category: str | None, location: str | None,
         visited_at: str | None) -> Any:
    """Receive the entry as the channel API would, as the person of this request's session; audit it."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person
    body = entry(channel, entry_id, person.name, {
        "desk": desk, "visitor_name": visitor_name, "visitor_contact": visitor_contact, "text": text_,
        "category": category, "location": location, "visited_at": visited_at})
    context = services()
    try:
        receipts = context.receiver(Inbound(channel=channel, body=json.dumps(body).encode(),
                                            content_type="application/json", received_at=utc_now()))
    except Rejected as exc:
        return notice(bi(f"Ditolak: {exc.error.message} (surat mati #{exc.dead_letter_id})",
                         f"Refused: {exc.error.message} (dead letter #{exc.dead_letter_id})"), "bad")
    receipt = receipts[0]
    with context.sessions.begin() as session:
        users.audit(session, actor=person.name, action="desk.entry", target=str(receipt.complaint.id),
                    detail={"ticket": receipt.complaint.ticket, "channel": channel, "created": receipt.created},
                    at=utc_now())
        rule = notice_rule(session)
    return taken(receipt.complaint, receipt.created, rule)


# The browser's own print dialog; CSS prints the slip alone.
clientside_callback("function(clicks) { if (clicks) { window.print(); } return window.dash_clientside.no_update; }",
                    Output("desk-print", "title"), Input("desk-print", "n_clicks"), prevent_initial_call=True)
