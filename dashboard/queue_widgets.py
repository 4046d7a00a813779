"""What the staff pages show alike: a complaint's labels, its SLA countdown, notices, what its reporter
was sent, and a refused step worded for people (the two work queues, /antrian for SKPD staff and
/validasi for validators; /triase's detail and /antrian's form list what was sent; the desk form at
/meja uses the notices and places).

Both queues change complaints only through followup.steps.take_step, the function behind the
transitions API, so its checks (role, scope, chain, fields) guard every button.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from dash import html

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import Complaint, Status
from crm.corrections import CorrectionError
from crm.sla import TERLAMBAT, SlaClock
from crm.sla_state import FIRST_ACTION, running, state
from crm.transitions import TransitionError
from dashboard.i18n import bi, when
from dashboard.palette import GREY, SLA_COLOURS, STATUS_COLOURS, STATUS_SWATCHES
from followup.steps import BadField, Forbidden, NotFound, StepError
from store.notices import StoredNotice
from web.params import MAX_ID

STATUS_LABELS = {str(swatch.key): swatch for swatch in STATUS_SWATCHES}
STATUSES = frozenset(s.value for s in Status)


def chosen_step(chosen: object) -> tuple[int, Status] | None:
    """The complaint and the step a button or the open form names (`{"id", "to"}`, drawn by a page and
    sent back by the browser), or None for what no page draws: another status, or an id that is not a
    stored row's (a text, a fraction, one past the database's BIGINT)."""
    if not isinstance(chosen, Mapping):
        return None
    complaint_id, to = chosen.get("id"), chosen.get("to")
    if type(complaint_id) is not int or not 1 <= complaint_id <= MAX_ID or not (isinstance(to, str) and to in STATUSES):
        return None
    return complaint_id, Status(to)


def notice(text: html.Span, kind: str) -> html.P:
    return html.P(text, className=f"track-notice track-notice-{kind}")


def status_badge(status: str) -> html.Span:
    swatch = STATUS_LABELS.get(status)
    return html.Span(className="work-status", children=[
        html.Span(className="swatch", style={"background": STATUS_COLOURS.get(status, GREY)}),
        bi(swatch.label_id, swatch.label_en) if swatch else status,
    ])


def category_label(complaint: Complaint) -> html.Span | str:
    category = CATEGORIES.get(complaint.category)
    return bi(category.name, category.name_en) if category else complaint.category


def place(complaint: Complaint) -> str:
    place = complaint.jurisdiction
    return f"{place.kelurahan}, {place.kecamatan}" if place else "—"


def sent_list(told: list[StoredNotice]) -> html.Ul | html.Span:
    """What the reporter was sent, oldest first: kind, channel, state and when (the API's
    /api/v1/complaints/<id>/notices in short; no address: these panels are about the report)."""
    if not told:
        return bi("belum ada", "none yet")
    return html.Ul(className="sent-notices", children=[
        html.Li([f"{n.kind} · {CHANNELS.get(n.channel, n.channel)} · {n.state} · ", when(n.sent_at or n.created_at)])
        for n in told])


def sla_countdown(complaint: Complaint, sla: SlaClock, now: datetime) -> html.Span:
    """Time left to the deadline running (crm/sla_state.py: the first action's while Menunggu, else
    completion's), coloured by how much of the time allowed is left."""
    found = running(complaint)
    if found is None:
        return html.Span("—", className="work-sla")
    colour = state(start=found.start, due=found.due, now=now)
    left = sla.time_left(found.due, now)
    span_id, span_en = duration(abs(left))
    first = found.which == FIRST_ACTION
    what_id, what_en = ("tindakan pertama", "first action") if first else ("selesai", "completion")
    text = (bi(f"lewat {span_id} ({what_id})", f"{span_en} overdue ({what_en})") if colour == TERLAMBAT
            else bi(f"sisa {span_id} ({what_id})", f"{span_en} left ({what_en})"))
    return html.Span(text, className=f"work-sla work-sla-{colour}", style={"background": SLA_COLOURS[colour]})


def duration(span: timedelta) -> tuple[str, str]:
    days, hours = divmod(int(span.total_seconds() // 3600), 24)
    if days:
        return f"{days} hari {hours} jam", f"{days} d {hours} h"
    if hours:
        return f"{hours} jam", f"{hours} h"
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} menit", f"{minutes} min"


def refused(exc: StepError | TransitionError | CorrectionError) -> html.Span:
    """Why take_step (or a correction) refused, in both languages; the domain's messages already carry both."""
    if isinstance(exc, Forbidden):
        return bi(f"Anda tidak berwenang mengubah pengaduan ini menjadi {exc.to}.",
                  f"You may not move this complaint to {exc.to}.")
    if isinstance(exc, NotFound):
        return bi("Pengaduan ini tidak ditemukan.", "This complaint was not found.")
    if isinstance(exc, BadField) and exc.field.startswith("evidence"):
        return bi("Foto bukti harus JPEG atau PNG, paling banyak 10 foto, masing-masing di bawah 5 MB.",
                  "Evidence photos must be JPEG or PNG, at most 10, each under 5 MB.")
    text_id, _, text_en = str(exc).partition(" / ")
    field = getattr(exc, "field", None)
    if field:  # "note: ..." names an API field; the form's label already says which
        text_id = text_id.removeprefix(f"{field}: ")
    return bi(text_id, text_en or text_id)
