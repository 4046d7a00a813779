"""Public tracking at `/lacak`: a citizen types a ticket (or follows `/lacak?tiket=JKT-...` from an SMS
reply) and sees where the complaint stands, and may reopen it when Selesai did not fix it.

What is shown comes only from crm.events.public_tracking (no reporter's or official's name), and the
callbacks call followup/tracking.py, the same functions as `GET /api/v1/track/<ticket>` and its
reopen route, in this process: never the HTTP API over the network. Laid out for a phone first.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import (
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

from crm.categories import CATEGORIES
from crm.complaint import Status, utc_now
from crm.formats import date_time
from crm.skpd import KELURAHAN_PREFIX, SKPDS
from dashboard.context import services
from dashboard.i18n import bi, when
from dashboard.palette import GREY, STATUS_COLOURS, STATUS_SWATCHES
from followup.tracking import (
    MAX_REASON,
    BadReason,
    NotClosed,
    NotTheReporter,
    TooManyAttempts,
    UnknownTicket,
    normalise,
    reopen_ticket,
    track,
)

register_page(__name__, path="/lacak", title="Lacak pengaduan", name="Lacak pengaduan")

STATUS_LABELS = {str(swatch.key): swatch for swatch in STATUS_SWATCHES}

Result = tuple[Any, bool, str | None]  # the result's children, the reopen form hidden, the ticket shown


def layout(tiket: str | None = None, kode: str | None = None, **_query: str) -> html.Main:
    """The page; `kode` comes with the reporter's own link from their receipt notice (crm/notices.py)
    and fills in the tracking code, so reopening needs no typing."""
    children, reopen_hidden, shown = show(tiket) if tiket else (None, True, None)
    return html.Main(className="track", children=[
        dcc.Store(id="track-shown", data=shown),
        html.H2(bi("Lacak pengaduan", "Track a complaint")),
        html.P(bi("Masukkan nomor tiket dari SMS atau balasan kami.", "Enter the ticket number from our SMS or reply."),
               className="track-intro"),
        html.Div(className="track-ask", children=[
            html.Label(bi("Nomor tiket", "Ticket number"), htmlFor="track-ticket"),
            dcc.Input(id="track-ticket", type="text", value=shown or tiket or "", placeholder="JKT-261127-7K2QF",
                      autoComplete="off", spellCheck=False, className="track-input"),
            html.Button(bi("Lacak", "Track"), id="track-go", className="track-button"),
        ]),
        html.Div(children, id="track-result", role="status"),
        html.Section(id="track-reopen", className="card track-reopen", hidden=reopen_hidden, children=[
            html.H3(bi("Masalah belum selesai?", "Problem not fixed?")),
            html.Label(bi("Ceritakan apa yang masih bermasalah di lokasi.", "Tell us what is still wrong on site."),
                       htmlFor="track-reason"),
            dcc.Textarea(id="track-reason", maxLength=MAX_REASON, className="track-reason"),
            html.Label(bi("Kode pelacakan yang Anda terima saat melapor (bukan nomor tiket).",
                          "The tracking code you were given when you reported (not the ticket)."),
                       htmlFor="track-code"),
            dcc.Input(id="track-code", type="text", value=(kode or "")[:40], autoComplete="off", maxLength=40,
                      className="track-code"),
            html.Button(bi("Buka ulang pengaduan", "Reopen the complaint"), id="track-reopen-go",
                        className="track-button"),
            html.Div(id="track-reopen-message", className="track-form-message", role="alert"),
        ]),
    ])


@callback(Output("track-result", "children"), Output("track-reopen", "hidden"), Output("track-shown", "data"),
          Output("track-reopen-message", "children"), Output("track-reason", "value"),
          Input("track-go", "n_clicks"), Input("track-ticket", "n_submit"), Input("track-reopen-go", "n_clicks"),
          State("track-ticket", "value"), State("track-shown", "data"), State("track-reason", "value"),
          State("track-code", "value"), prevent_initial_call=True)
def act(_go: int | None, _submit: int | None, _reopen: int | None, typed: str | None, shown: str | None,
        reason: str | None, code: str | None) -> tuple[Any, ...]:
    """One callback for looking up and reopening, since both redraw the same result."""
    if ctx.triggered_id != "track-reopen-go":
        return *show(typed or ""), None, no_update
    context = services()
    try:
        reopened = reopen_ticket(context.sessions, context.publisher, context.sla, context.attempts, shown or "",
                                 code or "", reason or "")
    except BadReason:
        return no_update, no_update, no_update, bi(
            f"Tuliskan alasannya (1–{MAX_REASON} huruf).", f"Please write the reason (1–{MAX_REASON} characters)."
        ), no_update
    except NotTheReporter:
        return no_update, no_update, no_update, bi(
            "Kode pelacakan tidak cocok. Hanya pelapor, dengan kode yang diterimanya saat melapor, yang dapat "
            "membuka ulang.", "The tracking code does not match. Only the reporter, with the code given when "
            "reporting, can reopen."), no_update
    except TooManyAttempts as exc:
        minutes = -(-exc.retry_after // 60)
        return no_update, no_update, no_update, bi(
            f"Terlalu banyak percobaan untuk tiket ini; coba lagi dalam {minutes} menit.",
            f"Too many attempts for this ticket; try again in {minutes} minutes."), no_update
    except (UnknownTicket, NotClosed):  # changed since it was shown: show it as it is now
        return *show(shown or ""), bi("Pengaduan ini tidak lagi berstatus Selesai.",
                                      "This complaint is no longer Selesai (done)."), no_update
    thanks = notice(bi("Terima kasih. Pengaduan dibuka ulang dan kembali ditangani unit yang menutupnya.",
                       "Thank you. The complaint is reopened and back with the unit that closed it."), "ok")
    return [tracking_card(reopened), thanks], True, reopened["ticket"], None, ""


def show(ticket: str) -> Result:
    if not ticket.strip():
        return notice(bi("Tuliskan nomor tiket, misalnya JKT-261127-7K2QF.",
                         "Type a ticket number, e.g. JKT-261127-7K2QF."), "bad"), True, None
    try:
        found = track(services().sessions, ticket)
    except UnknownTicket:
        typed = normalise(ticket)
        return notice(bi(f"Tiket {typed} tidak ditemukan. Periksa penulisannya (contoh: JKT-261127-7K2QF).",
                         f"Ticket {typed} was not found. Check how it is written (e.g. JKT-261127-7K2QF)."),
                      "bad"), True, None
    return tracking_card(found), found["status"] != Status.SELESAI, found["ticket"]


def notice(text: html.Span, kind: str) -> html.P:
    return html.P(text, className=f"track-notice track-notice-{kind}")


def tracking_card(found: dict[str, Any]) -> html.Section:
    category = CATEGORIES.get(found["category"])
    facts = [
        (("Kategori", "Category"), bi(category.name, category.name_en) if category else found["category"]),
        (("Kelurahan", "Kelurahan"), found["kelurahan"] or "—"),
        (("Kecamatan", "Kecamatan"), found["kecamatan"] or "—"),
        (("Kota", "City"), found["kota"] or "—"),
        (("Ditangani oleh", "Handled by"), unit_name(found)),
        (("Diterima", "Received"), wib(found["received_at"])),
        (("Batas penyelesaian", "Completion deadline"), deadline(found, utc_now())),
    ]
    if found["reopened"]:
        facts.append((("Dibuka ulang", "Reopened"), bi(f"{found['reopened']} kali", f"{found['reopened']} times")))
    return html.Section(className="card track-card", children=[
        html.H3(found["ticket"], className="track-ticket"),
        status_badge(found["status"], "track-status"),
        html.Dl(className="track-facts", children=[
            part for (label_id, label_en), value in facts for part in (html.Dt(bi(label_id, label_en)), html.Dd(value))
        ]),
        html.H4(bi("Riwayat", "History")),
        html.Ol(className="track-history", children=[
            html.Li([html.Span(wib(event["at"]), className="track-when"), status_badge(event["status"], "track-step"),
                     html.Span(event["note"], className="track-note") if event["note"] else None])
            for event in found["history"]
        ]),
    ])


def status_badge(status: str, class_name: str) -> html.Span:
    swatch = STATUS_LABELS.get(status)
    return html.Span(className=class_name, children=[
        html.Span(className="swatch", style={"background": STATUS_COLOURS.get(status, GREY)}),
        bi(swatch.label_id, swatch.label_en) if swatch else status,
    ])


def unit_name(found: dict[str, Any]) -> str:
    """The SKPD's name; kelurahan offices are not in the catalogue but named after the kelurahan."""
    code = found["skpd"]
    if code.startswith(KELURAHAN_PREFIX) and found["kelurahan"]:
        return f"Kelurahan {found['kelurahan']}"
    unit = SKPDS.get(code)
    return unit.name if unit else code


def deadline(found: dict[str, Any], now: datetime) -> html.Span | str:
    """The deadline in WIB with the time left, or the time it was done."""
    if not found["completion_due"]:
        return "—"
    if found["status"] == Status.SELESAI and found["closed_at"]:
        closed = datetime.fromisoformat(found["closed_at"])
        return html.Span([wib(found["completion_due"]), " ", bi(f"(selesai {date_time(closed, 'id')})",
                                                                f"(done {date_time(closed, 'en')})")])
    due = datetime.fromisoformat(found["completion_due"])
    days, hours = divmod(int(abs(due - now).total_seconds() // 3600), 24)
    span_id = f"{days} hari {hours} jam" if days else f"{hours} jam" if hours else "kurang dari 1 jam"
    span_en = f"{days} d {hours} h" if days else f"{hours} h" if hours else "under an hour"
    if not found["overdue"]:
        return html.Span([wib(found["completion_due"]), " ", bi(f"(sisa {span_id})", f"({span_en} left)")])
    return html.Span([wib(found["completion_due"]), " ",
                      bi(f"(lewat {span_id})", f"({span_en} overdue)", className="track-overdue")])


def wib(iso: str) -> html.Span:
    """An ISO time of the public payload in each language's format (crm/formats.py)."""
    return when(datetime.fromisoformat(iso))
