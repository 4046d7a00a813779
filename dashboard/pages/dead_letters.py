"""The dead letters at `/surat-mati`: deliveries no channel adapter could read, by channel, each with its
reason, attempts and first and last arrival in WIB; its body opens on request (credential headers were
dropped before it was kept), and Putar ulang (replay, after a fix) or Abaikan (dismiss: nothing to
repair; the letter is kept) answers inline on the letter.

For the roles that may read dead letters (crm/roles.py: operators and the governor). Both buttons call
ingest/dead_letter_steps.py with the person of this request's session, the same steps as
`POST /api/v1/dead-letters/<id>/replay` and `/dismiss`, so they are checked and audited alike.
The list is read when the page opens, the filter changes or Muat ulang is pressed, never on a timer:
a body being read stays open.

Below them, the outbound dead letters: notices to reporters the dispatcher gave up on (store/notices.py),
each with its complaint's ticket and its reporter's address masked (crm/personal_data.py), and Kirim ulang
(pending again, due now, attempts from zero) or Abaikan (final), through followup/notice_steps.py.
"""
from __future__ import annotations

from typing import Any

from dash import MATCH, Input, Output, callback, ctx, dcc, html, no_update, register_page
from dash.development.base_component import Component

from crm.channels import CHANNELS
from crm.personal_data import masked_contact
from crm.formats import LANGS, date_time, number
from crm.roles import Person, Work, scopes_of, users_of
from dashboard.context import services
from dashboard.guard import Guard
from dashboard.i18n import bi, count, dropdown, when, who
from dashboard.queue_widgets import notice
from followup import notice_steps
from followup.notice_steps import NoticeError
from ingest.auth import Caller
from ingest.channels.base import Rejected
from ingest.dead_letter_steps import BodyNotKept, LetterError, NoSuchLetter, NotAllowed, Settled
from ingest.receive import Receipt
from store import complaints, dead_letters, notices
from store.dead_letters import DeadLetter
from store.notices import StoredNotice

PATH = str(Work.DEAD_LETTERS)
GUARD = Guard(PATH, users_of(Work.DEAD_LETTERS), ("operator", "operators"))
MAX_SHOWN = 100  # newest first; more are reached by narrowing to one channel
BODY_SHOWN = 20_000  # characters of a body shown on the page; the API gives it whole

register_page(__name__, path=PATH, title="Surat mati", name="Surat mati")


def layout(**_query: str) -> html.Main:
    return GUARD.page(html.H2(bi("Surat mati", "Dead letters")), desk)


def desk(person: Person, title: Component) -> list[Component]:
    return [
        title,
        html.P(who(person), className="work-who"),
        html.P(className="track-intro", children=bi(
            "Kiriman yang tidak dapat dibaca adaptor kanalnya, disimpan apa adanya tanpa header kredensial. "
            "Putar ulang setelah adaptor atau datanya diperbaiki; abaikan bila tidak ada yang perlu diperbaiki "
            "(surat tetap disimpan).",
            "Deliveries their channel's adapter could not read, kept as sent without credential headers. "
            "Replay once the adapter or the data is fixed; dismiss when there is nothing to repair "
            "(the letter is kept).")),
        html.Div(className="work-filters letters-filters", children=[
            html.Label(bi("Kanal", "Channel"), htmlFor="letters-channel"),
            dropdown(id="letters-channel", placeholder="Semua kanal", className="work-dropdown"),
            dcc.Checklist(id="letters-all", className="letters-all", value=[], options=[{
                "value": "all", "label": bi("juga yang sudah diputar ulang atau diabaikan",
                                            "also those replayed or dismissed")}]),
            html.Button(bi("Muat ulang", "Reload"), id="letters-reload", className="work-button-quiet"),
        ]),
        html.Div(id="letters-list", role="region", **{"aria-live": "polite"}),
        html.H3(bi("Pemberitahuan gagal terkirim", "Notices that could not be sent"), className="dead-notices-title"),
        html.P(className="track-intro", children=bi(
            "Pemberitahuan kepada pelapor yang tetap gagal setelah semua percobaan. Kirim ulang setelah kanalnya "
            "diperbaiki (percobaan dihitung dari nol); abaikan bila tidak dapat dikirim.",
            "Notices to reporters that kept failing after every attempt. Send again once the channel is fixed "
            "(attempts count from zero); dismiss when it cannot be sent.")),
        html.Div(id="notices-list", role="region", **{"aria-live": "polite"}),
    ]


def caller_of(person: Person) -> Caller:
    """The person as the dead-letter steps judge callers: with their role's scopes, as their sign-in has."""
    return Caller(person.name, scopes_of(person.role), person)


@callback(Output("letters-list", "children"), Output("letters-channel", "options"),
          Input("letters-channel", "value"), Input("letters-all", "value"), Input("letters-reload", "n_clicks"))
def show(channel: str | None, everything: list[str], _reload: int | None) -> tuple[Any, Any]:
    """The letters of the chosen channel (every channel's when none), newest first, and the channel
    picker with each channel's pending count."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person, []
    with services().sessions() as session:
        counts = dead_letters.pending_by_channel(session)
        found = dead_letters.list_dead_letters(session, channels={channel} if channel else None,
                                               pending_only="all" not in everything, limit=MAX_SHOWN)
    options = [{"label": f"{CHANNELS.get(code, code)} ({counts.get(code, 0)})", "value": code}
               for code in sorted(CHANNELS.keys() | counts.keys(), key=lambda code: (-counts.get(code, 0), code))]
    return cards(found, channel) if found else notice(empty(channel), "ok"), options


@callback(Output("notices-list", "children"), Input("letters-reload", "n_clicks"))
def show_notices(_reload: int | None) -> Any:
    """The dead notices, newest first, each with its complaint's ticket."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person
    with services().sessions() as session:
        found = notices.dead(session, limit=MAX_SHOWN)
        held = (complaints.get(session, complaint_id=i) for i in {n.complaint_id for n in found})
        tickets = {c.id: c.ticket for c in held if c is not None}
    if not found:
        return notice(bi("Tidak ada pemberitahuan yang gagal terkirim.", "No notices failed to send."), "ok")
    return [notice_card(n, tickets.get(n.complaint_id, f"#{n.complaint_id}")) for n in found]


def notice_card(dead: StoredNotice, ticket: str) -> html.Section:
    return html.Section(className="card work-card notice-card", **{"data-notice-id": dead.id},
                        id={"type": "notice-card", "id": dead.id}, children=[
        html.H3([f"{ticket} · {CHANNELS.get(dead.channel, dead.channel)} · {dead.kind}"]),
        html.Dl(className="track-facts", children=[
            html.Dt(bi("Kepada", "To")), html.Dd(masked_contact(dead.recipient), className="notice-recipient"),
            html.Dt(bi("Percobaan", "Attempts")), html.Dd(count(dead.attempts)),
            html.Dt(bi("Galat terakhir", "Last error")), html.Dd(dead.last_error or "-", className="notice-error"),
            html.Dt(bi("Dibuat", "Created")), html.Dd(when(dead.created_at)),
        ]),
        html.Div(className="work-buttons", children=[
            html.Button(bi("Kirim ulang", "Send again"), id={"type": "notice-retry", "id": dead.id},
                        className="track-button"),
            html.Button(bi("Abaikan", "Dismiss"), id={"type": "notice-dismiss", "id": dead.id},
                        className="work-button-reject"),
        ]),
    ])


@callback(Output({"type": "notice-card", "id": MATCH}, "children"),
          Input({"type": "notice-retry", "id": MATCH}, "n_clicks"),
          Input({"type": "notice-dismiss", "id": MATCH}, "n_clicks"), prevent_initial_call=True)
def act_on_notice(retries: int | None, dismissals: int | None) -> Any:
    """Send again or dismiss as the person of this request's session (the steps check again); the
    card then says what became of the notice, which has left the dead ones."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not (retries or dismissals):
        return no_update
    sessions, publisher = services().sessions, services().publisher
    try:
        if chosen["type"] == "notice-dismiss":
            notice_steps.dismiss(sessions, publisher, person, chosen["id"])
            return notice(bi(f"Pemberitahuan #{chosen['id']} diabaikan oleh {person.name}.",
                             f"Notice #{chosen['id']} dismissed by {person.name}."), "ok")
        notice_steps.retry(sessions, publisher, person, chosen["id"])
    except NoticeError as exc:
        return notice(bi(str(exc), str(exc)), "bad")
    return notice(bi(f"Pemberitahuan #{chosen['id']} masuk antrean kirim lagi.",
                     f"Notice #{chosen['id']} is queued to send again."), "ok")


def empty(channel: str | None) -> html.Span:
    if channel:
        name = CHANNELS.get(channel, channel)
        return bi(f"Tidak ada surat mati dari {name}.", f"No dead letters from {name}.")
    return bi("Tidak ada surat mati yang menunggu.", "No dead letters are waiting.")


def cards(found: list[DeadLetter], channel: str | None) -> list[Component]:
    summary = bi(f"{len(found)} surat ditampilkan, terbaru di atas.", f"{len(found)} letters shown, newest first.")
    return [html.P(summary, className="work-who"), *map(card, found)] + (
        [notice(bi(f"Hanya {MAX_SHOWN} terbaru; pilih satu kanal untuk melihat lainnya.",
                   f"Only the newest {MAX_SHOWN}; pick one channel to see others."), "ok")]
        if len(found) == MAX_SHOWN and not channel else [])


def card(letter: DeadLetter) -> html.Section:
    return html.Section(className="card work-card letter-card", **{"data-letter-id": letter.id}, children=[
        html.H3([f"#{letter.id} · {CHANNELS.get(letter.channel, letter.channel)} ",
                 html.Span(f"HTTP {letter.status}", className="letter-status")]),
        html.Dl(className="track-facts", children=[
            html.Dt(bi("Alasan", "Reason")), html.Dd(reason(letter), className="letter-reason"),
            html.Dt(bi("Percobaan", "Attempts")), html.Dd(count(letter.attempts), className="letter-attempts"),
            html.Dt(bi("Pertama diterima", "First received")), html.Dd(when(letter.first_received_at)),
            html.Dt(bi("Terakhir diterima", "Last received")), html.Dd(when(letter.last_received_at)),
            html.Dt(bi("Isi", "Body")), html.Dd(size(letter)),
            *([html.Dt(bi("Kode permintaan", "Request id")), html.Dd(letter.request_id, className="work-ticket")]
              if letter.request_id else []),
        ]),
        html.Div(className="work-buttons", children=[
            html.Button(bi("Lihat isi", "Show body"), id={"type": "letter-open", "id": letter.id},
                        className="work-button-quiet"),
        ]),
        html.Div(id={"type": "letter-body", "id": letter.id}, className="letter-body"),
        html.Div(id={"type": "letter-buttons", "id": letter.id}, className="work-buttons",
                 hidden=not letter.pending, children=[
            html.Button(bi("Putar ulang", "Replay"), id={"type": "letter-replay", "id": letter.id},
                        className="track-button", disabled=letter.body_truncated,
                        title="Isinya tidak disimpan utuh: tidak dapat diputar ulang" if letter.body_truncated else None),
            html.Button(bi("Abaikan", "Dismiss"), id={"type": "letter-dismiss", "id": letter.id},
                        className="work-button-reject"),
        ]),
        html.Div(id={"type": "letter-result", "id": letter.id}, role="status", children=settled(letter)),
    ])


def reason(letter: DeadLetter) -> list[Component]:
    """The adapter's message, then each problem it named (field: message)."""
    problems = [html.Li(f"{e['field']}: {e.get('message', '')}" if e.get("field") else str(e.get("message", "")))
                for e in letter.errors]
    return [html.Span(letter.error), html.Ul(problems)] if problems else [html.Span(letter.error)]


def size(letter: DeadLetter) -> html.Span:
    if letter.body_truncated and not letter.body:
        return bi("tidak disimpan (kiriman tanpa tanda tangan yang sah hanya dihitung)",
                  "not kept (deliveries without a valid signature are only counted)")
    kept_id, kept_en = (f"{number(len(letter.body), lang)} byte" for lang in LANGS)
    if letter.body_truncated:
        return bi(f"{kept_id}, terpotong (kiriman lebih besar)", f"{kept_en}, truncated (the delivery was larger)")
    return bi(f"{kept_id}, {letter.content_type or 'tanpa jenis'}", f"{kept_en}, {letter.content_type or 'no type'}")


def settled(letter: DeadLetter) -> html.P | None:
    """What became of a letter no longer pending: replayed into complaints, or dismissed by whom."""
    if letter.replayed_at is not None:
        ids = ", ".join(f"#{i}" for i in letter.complaint_ids or []) or "-"
        at_id, at_en = (date_time(letter.replayed_at, lang) for lang in LANGS)
        return notice(bi(f"Sudah diputar ulang {at_id}; pengaduan {ids}.", f"Replayed {at_en}; complaints {ids}."), "ok")
    if letter.dismissed:
        by = letter.dismissed_by or "?"
        at_id, at_en = (date_time(letter.dismissed_at, lang) if letter.dismissed_at else "" for lang in LANGS)
        return notice(bi(f"Diabaikan oleh {by} {at_id}; surat tetap disimpan.",
                         f"Dismissed by {by} {at_en}; the letter is kept."), "ok")
    return None


@callback(Output({"type": "letter-body", "id": MATCH}, "children"),
          Input({"type": "letter-open", "id": MATCH}, "n_clicks"), prevent_initial_call=True)
def open_body(clicks: int | None) -> Any:
    """The body as text (binary or not kept: a note saying so), its headers and query; a second click closes."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person
    if not clicks or clicks % 2 == 0:
        return None
    try:
        letter = services().letters.readable(caller_of(person), ctx.triggered_id["id"])
    except LetterError as exc:
        return notice(refused(exc), "bad")
    return [body_view(letter), facts("Header", "Headers", letter.headers), facts("Kueri", "Query", letter.query)]


def body_view(letter: DeadLetter) -> Component:
    if letter.body_truncated and not letter.body:
        return notice(bi(f"Isinya tidak disimpan: kiriman tanpa tanda tangan yang sah hanya dihitung "
                         f"({letter.attempts} kali).",
                         f"Its body was not kept: deliveries without a valid signature are only counted "
                         f"({letter.attempts} times)."), "bad")
    try:
        text = letter.body.decode("utf-8")
    except UnicodeDecodeError:
        return notice(bi(f"Isi biner ({len(letter.body)} byte), tidak ditampilkan; ambil utuh dari "
                         f"/api/v1/dead-letters/{letter.id} (body_base64).",
                         f"A binary body ({len(letter.body)} bytes), not shown; fetch it whole from "
                         f"/api/v1/dead-letters/{letter.id} (body_base64)."), "bad")
    cut = len(text) > BODY_SHOWN
    return html.Div([
        html.Pre(text[:BODY_SHOWN], className="letter-text"),
        notice(bi(f"Ditampilkan {BODY_SHOWN} karakter pertama; isi utuh di /api/v1/dead-letters/{letter.id}.",
                  f"The first {BODY_SHOWN} characters; the whole body at /api/v1/dead-letters/{letter.id}."),
               "ok") if cut else None,
        notice(bi("Kiriman ini lebih besar dari yang disimpan: isinya terpotong.",
                  "This delivery was larger than what is kept: its body is truncated."), "bad")
        if letter.body_truncated else None,
    ])


def facts(label_id: str, label_en: str, values: dict[str, str]) -> html.Details | None:
    if not values:
        return None
    return html.Details(className="letter-facts", children=[
        html.Summary(bi(label_id, label_en)),
        html.Dl(className="track-facts", children=[part for name, value in sorted(values.items())
                                                   for part in (html.Dt(name), html.Dd(value))]),
    ])


@callback(Output({"type": "letter-result", "id": MATCH}, "children"),
          Output({"type": "letter-buttons", "id": MATCH}, "hidden"),
          Input({"type": "letter-replay", "id": MATCH}, "n_clicks"),
          Input({"type": "letter-dismiss", "id": MATCH}, "n_clicks"), prevent_initial_call=True)
def act(replays: int | None, dismissals: int | None) -> tuple[Any, Any]:
    """Replay or dismiss as the person of this request's session (the steps check again); the answer
    is shown on the letter, whose buttons go once it is settled."""
    person = GUARD.check()
    if not isinstance(person, Person):
        return person, no_update
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not (replays or dismissals):
        return no_update, no_update
    steps, caller = services().letters, caller_of(person)
    try:
        if chosen["type"] == "letter-dismiss":
            return settled(steps.dismiss(caller, chosen["id"])), True
        return replayed(steps.replay(caller, chosen["id"])), True
    except Rejected as exc:
        return notice(bi(f"Masih ditolak: {exc.error.message} (surat mati #{exc.dead_letter_id}).",
                         f"Still refused: {exc.error.message} (dead letter #{exc.dead_letter_id})."), "bad"), no_update
    except LetterError as exc:
        return notice(refused(exc), "bad"), True if isinstance(exc, Settled) else no_update


def replayed(receipts: list[Receipt]) -> html.P:
    """The complaints a replay stored (or found stored already), by ticket."""
    if not receipts:
        return notice(bi("Diputar ulang: kiriman ini tidak berisi laporan.",
                         "Replayed: this delivery holds no report."), "ok")
    new = [r.complaint.ticket for r in receipts if r.created]
    old = [r.complaint.ticket for r in receipts if not r.created]
    said_id = "; ".join(filter(None, [f"tercatat sebagai {', '.join(new)}" if new else "",
                                      f"sudah tercatat sebelumnya: {', '.join(old)}" if old else ""]))
    said_en = "; ".join(filter(None, [f"recorded as {', '.join(new)}" if new else "",
                                      f"already recorded: {', '.join(old)}" if old else ""]))
    return notice(bi(f"Diputar ulang: {said_id}.", f"Replayed: {said_en}."), "ok")


def refused(exc: LetterError) -> html.Span:
    """Why a step on a letter was not taken, in both languages."""
    if isinstance(exc, NoSuchLetter):
        return bi("Surat mati ini tidak ditemukan.", "This dead letter was not found.")
    if isinstance(exc, NotAllowed):
        return bi("Anda tidak berwenang atas surat mati kanal ini.", "You may not handle this channel's dead letters.")
    if isinstance(exc, BodyNotKept):
        return bi("Isinya tidak disimpan utuh, jadi tidak dapat diputar ulang.",
                  "Its body was not kept whole, so it cannot be replayed.")
    if isinstance(exc, Settled):
        return bi("Surat mati ini sudah diputar ulang atau diabaikan.", "This dead letter was already replayed or dismissed.")
    return bi(str(exc), str(exc))
