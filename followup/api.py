"""The follow-up API: officials move complaints along the status chain; citizens track by ticket.

- `POST /api/v1/complaints/<id>/transitions` with `Authorization: Bearer <token>` (from
  `pantau users token NAME`) and JSON `{"to", "note", "evidence": [base64 photo], "ews":
  "YYYY-MM-DD", "to_skpd"}`: 401 without a valid token, 403 when the person's role, SKPD or area
  does not cover the complaint or the step (crm/roles.py), 409 when the chain forbids the step,
  422 for a missing or bad field. The step, its evidence, its audit row and its live
  `status_changed` event commit together.
- `GET /api/v1/skpd`: the SKPD codes and names (public).
- `GET /api/v1/track/<ticket>`: status and history without personal data (public), and
  `POST /api/v1/track/<ticket>/reopen` with `{"reason"}`: the citizen says it is not fixed.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint, Status, utc_now
from crm.events import public_complaint
from crm.follow_up import advance
from crm.roles import Person, covers, may_transition
from crm.skpd import SKPDS
from crm.sla import SlaClock
from crm.transitions import TransitionError, TransitionRequest
from followup import tracking
from followup.evidence import BadEvidence, decode
from followup.tracking import MAX_REASON, BadReason, NotClosed, UnknownTicket
from live.publish import Publisher
from store import complaints, evidence, users

MAX_NOTE = 2000


class Forbidden(Exception):
    """The person's role or scope does not cover this complaint or this step."""


def error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), status


def make_follow_up_api(sessions: sessionmaker[Session], publisher: Publisher, sla: SlaClock) -> Blueprint:
    api = Blueprint("follow_up_v1", __name__, url_prefix="/api/v1")

    def signed_in() -> Person | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with sessions() as session:
            return users.by_token(session, token=token.strip())

    @api.get("/skpd")
    def list_skpd() -> Any:
        return jsonify({"skpd": [{"code": s.code, "name": s.name, "kind": s.kind, "parent": s.parent,
                                  "kode_kota": s.kode_kota} for s in SKPDS.values()]})

    @api.post("/complaints/<int:complaint_id>/transitions")
    def transition(complaint_id: int) -> Any:
        who = signed_in()
        if who is None:
            return error(401, "Token tidak ada atau tidak sah: kirim 'Authorization: Bearer <token>' "
                              "(buat dengan 'pantau users token NAMA').")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return error(400, "Isi permintaan bukan objek JSON yang sah.")
        try:
            step, photos = read_step(body, who)
        except (ValueError, BadEvidence) as exc:
            field = str(exc).partition(": ")[0]
            return error(422, str(exc), field=field)

        def checked(current: Complaint) -> Complaint:
            if not (covers(who, current) and may_transition(who, current, step.to)):
                raise Forbidden
            return advance(current, step, sla)

        def record(session: Session, before: Complaint, after: Complaint) -> None:
            digests = evidence.add(session, complaint_id=complaint_id, photos=photos, by=who.name, at=step.at)
            users.audit(session, actor=who.name, action="complaint.transition", target=str(complaint_id), at=step.at,
                        detail={"from": str(before.status), "to": str(after.status), "skpd": after.skpd,
                                "evidence": digests})
            outbox.status_changed(session, after)

        try:
            with publisher.outbox() as outbox:
                after = complaints.change(sessions, complaint_id=complaint_id, step=checked, on_changed=record)
        except Forbidden:
            return error(403, f"{who.name} ({who.role}) tidak berwenang mengubah pengaduan {complaint_id} "
                              f"menjadi {step.to}.")
        except TransitionError as exc:
            return error(exc.status, str(exc), field=getattr(exc, "field", None))
        if after is None:
            return error(404, f"Pengaduan {complaint_id} tidak ditemukan.")
        return jsonify(public_complaint(after))

    @api.get("/track/<ticket>")
    def track(ticket: str) -> Any:
        try:
            return jsonify(tracking.track(sessions, ticket))
        except UnknownTicket:
            return error(404, f"Tiket {ticket} tidak ditemukan; periksa penulisannya (contoh: JKT-261127-7K2QF).")

    @api.post("/track/<ticket>/reopen")
    def reopen_ticket(ticket: str) -> Any:
        body = request.get_json(silent=True)
        reason = body.get("reason") if isinstance(body, dict) else None
        try:
            return jsonify(tracking.reopen_ticket(sessions, publisher, sla, ticket,
                                                  reason if isinstance(reason, str) else ""))
        except BadReason:
            return error(422, f"reason: tulis mengapa tindak lanjut belum menyelesaikan masalah (1-{MAX_REASON} huruf).",
                         field="reason")
        except UnknownTicket:
            return error(404, f"Tiket {ticket} tidak ditemukan.")
        except NotClosed:
            return error(409, "Hanya pengaduan berstatus Selesai yang dapat dibuka ulang.")

    return api


def read_step(body: dict[str, Any], who: Person) -> tuple[TransitionRequest, list[tuple[bytes, str]]]:
    """The request a body asks for, and its decoded photos; ValueError 'field: message' if unreadable."""
    try:
        to = Status(body.get("to"))
    except ValueError:
        raise ValueError(f"to: status tidak dikenal; gunakan: {', '.join(s.value for s in Status)}") from None
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ValueError(f"note: teks paling panjang {MAX_NOTE} huruf")
    ews = body.get("ews")
    try:
        ews_date = None if ews is None else date.fromisoformat(ews)
    except (TypeError, ValueError):
        raise ValueError("ews: tanggal YYYY-MM-DD, misalnya 2026-12-15") from None
    to_skpd = body.get("to_skpd")
    if to_skpd is not None and not isinstance(to_skpd, str):
        raise ValueError("to_skpd: kode SKPD (lihat GET /api/v1/skpd)")
    photos = decode(body.get("evidence", []))
    digests = tuple(hashlib.sha256(content).hexdigest() for content, _ in photos)
    return TransitionRequest(to=to, actor=who.name, at=utc_now(), note=note.strip(), evidence=digests,
                             ews=ews_date, to_skpd=to_skpd), photos
