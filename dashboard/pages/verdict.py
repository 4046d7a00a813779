"""The reporter's verdict at `/lacak/<secret>`, the link of their Selesai notice (crm/notices.py):
the complaint as the public sees it, the closure's evidence photos (for the reporter alone: the
secret proves them; `GET /api/v1/verdict/<secret>/evidence/<n>`) and, while it is Selesai, a
rating 1-5 and "belum selesai" (not fixed), which reopens it the same way the tracking page does.

The secret is the proof (crm/verdict.py): a wrong or old link shows one sentence, never whose it
is. The callbacks call followup/verdict.py in this process, as the API's `POST /api/v1/verdict/<secret>`
does; both are throttled per ticket like the reopening.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from dash import Input, Output, State, callback, ctx, dcc, html, no_update, register_page

from crm.complaint import Status
from crm.public_view import public_tracking
from crm.verdict import RATINGS, can_rate, rating_of
from dashboard.context import services
from dashboard.i18n import bi
from dashboard.pages.track import notice, tracking_card
from followup.tracking import MAX_REASON, BadReason, NotClosed, TooManyAttempts, UnknownTicket
from followup.verdict import BadRating
from store import evidence

register_page(__name__, path_template="/lacak/<secret>", title="Penilaian pengaduan", name="Penilaian pengaduan")

RATE_IDS = [f"verdict-rate-{n}" for n in RATINGS]
RATE_WORDS = {1: ("sangat buruk", "very poor"), 2: ("buruk", "poor"), 3: ("cukup", "fair"), 4: ("baik", "good"),
              5: ("sangat baik", "very good")}


def layout(secret: str | None = None, **_query: str) -> html.Main:
    return html.Main(className="track verdict", children=[
        dcc.Store(id="verdict-secret", data=secret or ""),
        html.H2(bi("Penilaian pengaduan", "Rate the follow-up")),
        html.Div(show(secret or ""), id="verdict-body"),
        html.Div(id="verdict-message", className="track-form-message", role="alert"),
    ])


def show(secret: str, message: Any = None) -> list[Any]:
    """The complaint and, while Selesai, the two ways to answer; one sentence for a wrong link."""
    try:
        found = services().verdicts.by_secret(secret)
    except UnknownTicket:
        return [notice(bi("Tautan penilaian ini tidak dikenal. Gunakan tautan dari pemberitahuan Selesai yang "
                          "Anda terima, atau lacak dengan nomor tiket di /lacak.",
                          "This rating link is not known. Use the link from the Selesai notice you received, or "
                          "track by ticket at /lacak."), "bad")]
    shown = public_tracking(found)
    with services().sessions() as session:
        photos = evidence.count_for(session, complaint_id=found.id)
    parts: list[Any] = [tracking_card(shown)]
    if photos:
        parts.append(html.Section(className="card verdict-evidence", children=[
            html.H3(bi("Foto bukti penyelesaian", "Evidence of the fix")),
            *(html.Img(src=f"/api/v1/verdict/{quote(secret)}/evidence/{n}", className="verdict-photo",
                       alt=f"Foto bukti {n + 1}") for n in range(photos)),
        ]))
    if message is not None:
        parts.append(message)
    if found.status is Status.SELESAI and can_rate(found):
        current = rating_of(found)
        parts.append(html.Section(id="verdict-form", className="card track-reopen", children=[
            html.H3(bi("Sudah beres?", "Is it fixed?")),
            html.P(bi(f"Penilaian Anda sekarang: {current} dari 5. Anda boleh menggantinya.",
                      f"Your rating now: {current} of 5. You may change it."), id="verdict-current")
            if current else None,
            html.P(bi("Beri nilai tindak lanjutnya (1 = sangat buruk, 5 = sangat baik):",
                      "Rate the follow-up (1 = very poor, 5 = very good):")),
            html.Div(className="verdict-ratings", children=[
                html.Button(str(n), id=RATE_IDS[n - 1], className="track-button verdict-rate",
                            title=f"{RATE_WORDS[n][0]} / {RATE_WORDS[n][1]}") for n in RATINGS
            ]),
            html.H3(bi("Belum selesai?", "Not fixed?")),
            html.Label(bi("Ceritakan apa yang masih bermasalah (boleh kosong).",
                          "Tell us what is still wrong (optional)."), htmlFor="verdict-reason"),
            dcc.Textarea(id="verdict-reason", maxLength=MAX_REASON, className="track-reason"),
            html.Button(bi("Belum selesai", "Not fixed"), id="verdict-belum", className="track-button"),
        ]))
    return parts


@callback(Output("verdict-body", "children"), Output("verdict-message", "children"),
          *(Input(i, "n_clicks") for i in RATE_IDS), Input("verdict-belum", "n_clicks"),
          State("verdict-secret", "data"), State("verdict-reason", "value"), prevent_initial_call=True)
def act(*args: Any) -> tuple[Any, Any]:
    """A rating or "belum": done, then the page redrawn as it stands now with the outcome."""
    secret, reason = (value if isinstance(value, str) else "" for value in args[-2:])  # a forged request sends anything
    pressed = ctx.triggered_id
    if pressed not in (*RATE_IDS, "verdict-belum") or not any(args[:-2]):
        return no_update, no_update
    verdicts = services().verdicts
    try:
        if pressed == "verdict-belum":
            verdicts.reopen_by_secret(secret, reason.strip() or "Belum selesai (tautan penilaian)")
            done = bi("Terima kasih. Pengaduan dibuka ulang dan kembali ditangani unit yang menutupnya.",
                      "Thank you. The complaint is reopened and back with the unit that closed it.")
        else:
            rating = RATE_IDS.index(pressed) + 1
            verdicts.rate_by_secret(secret, rating)
            done = bi(f"Terima kasih atas penilaian Anda: {rating} dari 5.",
                      f"Thank you for your rating: {rating} of 5.")
    except TooManyAttempts as exc:
        minutes = -(-exc.retry_after // 60)
        return no_update, bi(f"Terlalu banyak percobaan untuk tiket ini; coba lagi dalam {minutes} menit.",
                             f"Too many attempts for this ticket; try again in {minutes} minutes.")
    except (BadRating, BadReason):
        return no_update, bi(f"Isian tidak sah (alasan paling banyak {MAX_REASON} huruf).",
                             f"Invalid input (a reason of at most {MAX_REASON} characters).")
    except (UnknownTicket, NotClosed):
        return show(secret), bi("Pengaduan ini tidak lagi berstatus Selesai.", "This complaint is no longer Selesai.")
    return show(secret, notice(done, "ok")), None
