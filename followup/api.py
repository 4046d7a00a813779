"""The follow-up API: officials move complaints along the status chain; citizens track by ticket.

- `POST /api/v1/complaints/<id>/transitions` with `Authorization: Bearer <token>` (from
  `pantau users token NAME`) and JSON `{"to", "note", "evidence": [base64 photo], "ews":
  "YYYY-MM-DD", "to_skpd"}`: 401 without a valid token, 403 when the person's role, SKPD or area
  does not cover the complaint or the step (crm/roles.py), 409 when the chain forbids the step,
  422 for a missing or bad field. The step, its evidence, its audit row and its live
  `status_changed` event commit together.
- `GET /api/v1/complaints/<id>/evidence/<n>`: the complaint's evidence photo number n (0 first), for
  a token or a signed-in session whose role covers the complaint: 401, 403 or 404 otherwise.
- `POST /api/v1/complaints/<id>/moderation` with JSON `{"action": "hide"|"unhide"|"edit", "text",
  "reason"}` (followup/moderation.py): an operator or the governor, with a token or the session,
  hides the complaint from every public view, shows it again or edits its public text. 401, 403 for
  other roles, 404, 422 naming a bad field, 409 when it would change nothing. The change, its audit
  row and its live `complaint_moderated` event commit together; the answer is the moderator's view.
- `POST /api/v1/complaints/<id>/correction` (operators and the governor) with JSON `{"note"` (required)
  and any of `"category"`, `"lat"`+`"lon"` or `"kode_kelurahan"`, `"skpd"`, `"not_a_complaint"` (true,
  `spam`, `salam`, `pertanyaan`), `"duplicate_of"` (id or ticket)`}`: intake's decisions redone with
  the operator's facts (crm/corrections.py, followup/corrections.py): 401, 403, 404, 409 when the
  complaint is no longer correctable or `duplicate_of` names no open complaint, 422 for a bad field.
  The change, its audit row and the live `complaint_corrected` event commit together.
- `GET /api/v1/complaints/<id>/notices`: what the complaint's reporter was sent (crm/notices.py,
  store/notices.py), oldest first, as `[{kind, channel, state, attempts, created_at, sent_at,
  last_error}]`, for a token or a signed-in session whose role covers the complaint (401, 403, 404
  otherwise); `recipient` only for a reader who may read the reporter's contact (crm/roles.py
  `may_read_private`).
- `GET /api/v1/skpd`: the SKPD codes and names (public).
- `GET /api/v1/track/<ticket>`: status and history without personal data (public), and
  `POST /api/v1/track/<ticket>/reopen` with `{"reason"}`: the citizen says it is not fixed.
- `GET /api/v1/verdict/<secret>/evidence/<n>`: the closure's evidence photo n, for its reporter alone.
- `POST /api/v1/verdict/<secret>` with `{"rating": 1..5}` or `{"belum": "<reason>"}`: the reporter's
  verdict by the secret of their Selesai notice (the /lacak/<secret> page's door too); 404 for an
  unknown secret, 409 unless Selesai, 422 for a bad rating, 429 after REOPEN_ATTEMPTS per ticket.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request

from crm.complaint import Complaint
from crm.corrections import CorrectionError
from crm.moderation import ModerationError
from crm.public_view import as_seen_by, public_complaint
from crm.roles import Person, covers, may_read_private
from crm.skpd import SKPDS
from crm.sla import SlaClock
from crm.transitions import TransitionError
from followup import steps, tracking
from followup.auth import person_from_request
from followup.corrections import Corrector
from followup.moderation import NotAModerator, moderate_complaint
from followup.steps import BadField, take_step
from followup.tracking import MAX_REASON, BadReason, NotClosed, NotTheReporter, TooManyAttempts, UnknownTicket
from followup.verdict import BadRating, Verdicts
from live.publish import Publisher
from store import complaints, evidence, notices
from store.notices import StoredNotice
from web.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from web.throttle import Attempts


def make_follow_up_api(sessions: sessionmaker[Session], publisher: Publisher, sla: SlaClock,
                       attempts: Attempts, corrector: Corrector, verdicts: Verdicts) -> Blueprint:
    api = Blueprint("follow_up_v1", __name__, url_prefix="/api/v1")

    @api.get("/skpd")
    def list_skpd() -> Any:
        return jsonify({"skpd": [{"code": s.code, "name": s.name, "kind": s.kind, "parent": s.parent,
                                  "kode_kota": s.kode_kota} for s in SKPDS.values()]})

    @api.post("/complaints/<int:complaint_id>/transitions")
    def transition(complaint_id: int) -> Any:
        who = person_from_request()
        if who is None:
            raise Unauthorized("Token tidak ada atau tidak sah: kirim 'Authorization: Bearer <token>' "
                               "(buat dengan 'pantau users token NAMA').")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("Isi permintaan bukan objek JSON yang sah.")
        try:
            after = take_step(sessions, publisher, sla, who, complaint_id, to=body.get("to"),
                              note=body.get("note", ""), evidence=body.get("evidence", []), ews=body.get("ews"),
                              to_skpd=body.get("to_skpd"))
        except BadField as exc:
            raise ApiError.of(exc.status, str(exc), field=exc.field) from None
        except steps.NotFound:
            raise NotFound(f"Pengaduan {complaint_id} tidak ditemukan.") from None
        except steps.Forbidden as exc:
            raise ApiError.of(exc.status, str(exc)) from None
        except TransitionError as exc:
            raise ApiError.of(exc.status, str(exc), field=getattr(exc, "field", None)) from None
        return jsonify(public_complaint(after))

    @api.post("/complaints/<int:complaint_id>/moderation")
    def moderation(complaint_id: int) -> Any:
        who, body = _person_and_body()
        try:
            after = moderate_complaint(sessions, publisher, who, complaint_id, action=body.get("action"),
                                       text=body.get("text"), reason=body.get("reason"))
        except NotAModerator as exc:
            raise Forbidden(str(exc)) from None
        except steps.NotFound:
            raise NotFound(f"Pengaduan {complaint_id} tidak ditemukan.") from None
        except ModerationError as exc:
            raise ApiError.of(exc.status, str(exc), field=getattr(exc, "field", None)) from None
        return jsonify(as_seen_by(who, after))

    @api.post("/complaints/<int:complaint_id>/correction")
    def correction(complaint_id: int) -> Any:
        who, body = _person_and_body()
        try:
            after = corrector(who, complaint_id, body)
        except BadField as exc:
            raise ApiError.of(exc.status, str(exc), field=exc.field) from None
        except steps.NotFound:
            raise NotFound(f"Pengaduan {complaint_id} tidak ditemukan.") from None
        except steps.StepError as exc:
            raise ApiError.of(exc.status, str(exc)) from None
        except CorrectionError as exc:
            raise ApiError.of(exc.status, str(exc), field=exc.field) from None
        return jsonify(public_complaint(after))

    def _reader_of(session: Session, complaint_id: int) -> tuple[Person, Complaint]:
        """The signed-in reader and the complaint they ask about, which their role must cover; else 401/404/403."""
        who = person_from_request()
        if who is None:
            raise Unauthorized("Masuk dulu atau kirim 'Authorization: Bearer <token>'.")
        complaint = complaints.get(session, complaint_id=complaint_id)
        if complaint is None:
            raise NotFound(f"Pengaduan {complaint_id} tidak ditemukan.")
        if not covers(who, complaint):
            raise Forbidden(f"{who.name} ({who.role}) tidak berwenang melihat pengaduan {complaint_id}.")
        return who, complaint

    @api.get("/complaints/<int:complaint_id>/evidence/<int:index>")
    def evidence_photo(complaint_id: int, index: int) -> Any:
        with sessions() as session:
            _reader_of(session, complaint_id)  # 401, 404 or 403 unless the reader covers it
            photo = evidence.nth(session, complaint_id=complaint_id, index=index)
        if photo is None:
            raise NotFound(f"Pengaduan {complaint_id} tidak punya foto bukti nomor {index}.")
        return _photo(*photo)

    @api.get("/complaints/<int:complaint_id>/notices")
    def sent_notices(complaint_id: int) -> Any:
        with sessions() as session:
            who, complaint = _reader_of(session, complaint_id)
            sent = notices.of_complaint(session, complaint_id=complaint_id)
        private = may_read_private(who, complaint)
        answer = jsonify([_notice_record(n, with_recipient=private) for n in sent])
        answer.headers["Cache-Control"] = "private, no-store"
        return answer

    @api.get("/track/<ticket>")
    def track(ticket: str) -> Any:
        try:
            return jsonify(tracking.track(sessions, ticket))
        except UnknownTicket:
            raise NotFound(f"Tiket {ticket} tidak ditemukan; periksa penulisannya (contoh: JKT-261127-7K2QF).") from None

    @api.post("/track/<ticket>/reopen")
    def reopen_ticket(ticket: str) -> Any:
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        reason, code = body.get("reason"), body.get("code")
        try:
            return jsonify(tracking.reopen_ticket(sessions, publisher, sla, attempts, ticket,
                                                  code if isinstance(code, str) else "",
                                                  reason if isinstance(reason, str) else ""))
        except BadReason:
            raise Unprocessable(f"reason: tulis mengapa tindak lanjut belum menyelesaikan masalah (1-{MAX_REASON} "
                                "huruf).", field="reason") from None
        except UnknownTicket:
            raise NotFound(f"Tiket {ticket} tidak ditemukan.") from None
        except NotClosed:
            raise Conflict("Hanya pengaduan berstatus Selesai yang dapat dibuka ulang.") from None
        except NotTheReporter:
            raise Forbidden("code: kode pelacakan yang diterima pelapor saat melapor tidak cocok; hanya pelapor "
                            "yang dapat membuka ulang.", field="code") from None
        except TooManyAttempts as exc:
            raise TooManyRequests(headers={"Retry-After": str(exc.retry_after)}) from None

    @api.get("/verdict/<secret>/evidence/<int:index>")
    def verdict_photo(secret: str, index: int) -> Any:
        """The evidence photo of the closure, for its reporter alone (the secret proves them), so they
        can judge the fix; never public, never in a shared cache."""
        try:
            found = verdicts.by_secret(secret)
        except UnknownTicket:
            raise NotFound("Tautan penilaian tidak dikenal.") from None
        with sessions() as session:
            photo = evidence.nth(session, complaint_id=found.id, index=index)
        if photo is None:
            raise NotFound(f"Tidak ada foto bukti nomor {index}.")
        return _photo(*photo)

    @api.post("/verdict/<secret>")
    def verdict(secret: str) -> Any:
        """The reporter's verdict by the secret of their Selesai notice: `{"rating": 1..5}`, or
        `{"belum": "<reason>"}` to reopen (followup/verdict.py)."""
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        try:
            if "belum" in body:
                if not isinstance(body["belum"], str):
                    raise BadReason(body["belum"])
                return jsonify(verdicts.reopen_by_secret(secret, body["belum"].strip() or "Belum selesai"))
            return jsonify(verdicts.rate_by_secret(secret, body.get("rating")))
        except BadRating:
            raise Unprocessable("rating: bilangan bulat 1 sampai 5 (5 = sangat puas).", field="rating") from None
        except BadReason:
            raise Unprocessable(f"belum: alasan 1-{MAX_REASON} huruf tanpa karakter kendali.", field="belum") from None
        except UnknownTicket:
            raise NotFound("Tautan penilaian tidak dikenal; gunakan tautan dari pemberitahuan Selesai.") from None
        except NotClosed:
            raise Conflict("Hanya pengaduan berstatus Selesai yang dapat dinilai atau dibuka ulang.") from None
        except TooManyAttempts as exc:
            raise TooManyRequests(headers={"Retry-After": str(exc.retry_after)}) from None

    return api


def _photo(content: bytes, media_type: str) -> Response:
    answer = Response(content, mimetype=media_type)
    answer.headers["Cache-Control"] = "private, no-store"  # personal evidence: never in a shared cache
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


def _notice_record(notice: StoredNotice, *, with_recipient: bool) -> dict[str, Any]:
    """One notice as the API answers it: never its text (a receipt's may still hold the tracking code)."""
    record = {"kind": notice.kind, "channel": notice.channel, "state": notice.state, "attempts": notice.attempts,
              "created_at": notice.created_at.isoformat(),
              "sent_at": notice.sent_at.isoformat() if notice.sent_at else None, "last_error": notice.last_error}
    return record | ({"recipient": notice.recipient} if with_recipient else {})


def _person_and_body() -> tuple[Person, dict[str, Any]]:
    """The person acting (401 without one) and their JSON object (400 for anything else)."""
    who = person_from_request()
    if who is None:
        raise Unauthorized("Masuk dulu atau kirim 'Authorization: Bearer <token>'.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Isi permintaan bukan objek JSON yang sah.")
    return who, body
