"""`/api/v1/channels/<channel>`: each channel's native payload, and the dead letters of those refused.

A delivery is answered after its complaints have committed: 201 when it created at least one,
200 when every report in it was already stored (a retry), 4xx with a clear message and the id
of the dead letter that keeps the raw body when no adapter could read it. A delivery needs a key
with the channel's scope (`channel:<kanal>`), except on a signed channel. Dead letters hold raw
bodies with personal data, so reading and replaying them needs a key with `dead_letters` (every
channel's) or `dead_letters:<kanal>` (one channel's: the list shows only those), or the sign-in of
a person whose role may (crm/roles.py: operators and the governor). A replay, or a dismissal (the
letter is kept, set aside: nothing to repair), is audited with the key (`kunci:<name>`) or the person;
both are ingest/dead_letter_steps.py's, which the /surat-mati page calls too. Headers named `x-pantau-...` are Pantau's own (the Open311
route names its client in one), so a delivery's are dropped, never believed.
"""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request

from crm import scopes
from crm.channels import CHANNELS
from crm.complaint import utc_now
from crm.public_view import on_receipt
from ingest.auth import Caller, KeyChecker
from ingest.channels import adapter
from ingest.channels.base import (MAX_BODY_BYTES, ChannelError, Inbound, PayloadTooLarge, Rejected,
                                  TooLargeToVerify)
from ingest.dead_letter_steps import DeadLetterSteps, LetterError
from ingest.receive import Receipt, Receiver
from store import dead_letters
from store.dead_letters import DeadLetter
from web import errors, params
from web.errors import ApiError, MethodNotAllowed, Unprocessable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

MAX_LIST = 500
OWN_HEADERS = "x-pantau-"


def make_channel_api(receiver: Receiver, sessions: sessionmaker[Session], keys: KeyChecker,
                     secrets: dict[str, str], letters: DeadLetterSteps) -> Blueprint:
    api = Blueprint("channels_v1", __name__, url_prefix="/api/v1")

    @api.post("/channels/<channel>")
    def deliver(channel: str) -> Any:
        known = channel in CHANNELS
        signed = known and getattr(adapter(channel), "SIGNED", False)
        if not signed:
            keys.caller(scopes.channel(channel) if known else None)  # an unknown channel: 404 below, kept
        body = request.stream.read(MAX_BODY_BYTES + 1)
        headers = {k.lower(): v for k, v in request.headers.items() if not k.lower().startswith(OWN_HEADERS)}
        inbound = Inbound(channel=channel, body=body, content_type=request.content_type or "",
                          received_at=utc_now(), headers=headers, query=request.args.to_dict(), secrets=secrets)
        try:
            if len(body) > MAX_BODY_BYTES:
                too_large = TooLargeToVerify() if signed else PayloadTooLarge()
                raise Rejected(too_large, receiver.keep_dead_letter(inbound, too_large))
            return answer(receiver(inbound))
        except Rejected as rejected:
            raise refused(rejected.error, rejected.dead_letter_id) from None

    @api.get("/channels/<channel>")
    def handshake(channel: str) -> Any:
        """Webhook verification (Facebook's hub.challenge); other channels take no GET."""
        handshake = getattr(adapter(channel), "handshake", None) if channel in CHANNELS else None
        if handshake is None:
            raise MethodNotAllowed(f"Kanal {channel!r} tidak punya jabat tangan GET; kirim laporan dengan POST.",
                                   headers={"Allow": "POST"})
        inbound = Inbound(channel=channel, body=b"", content_type="", received_at=utc_now(),
                          query=request.args.to_dict(), secrets=secrets)
        try:
            return Response(handshake(inbound), mimetype="text/plain")
        except ChannelError as error:
            raise ApiError.of(error.status, error.message) from None

    def reader() -> Caller:
        return keys.caller(scopes.ANY_DEAD_LETTERS, people=True)

    @api.errorhandler(LetterError)
    def refused_step(error: LetterError) -> Response:
        return errors.answer(ApiError.of(error.status, str(error)))

    @api.get("/dead-letters")
    def list_letters() -> Any:
        caller = reader()
        limit = params.count(request.args.get("limit", "100"), 1, MAX_LIST)
        if limit is None:
            raise Unprocessable(f"limit: bilangan 1 sampai {MAX_LIST}")
        channel = request.args.get("channel")
        if channel:
            caller.demand(scopes.dead_letters(channel))
        channels = {channel} if channel else scopes.dead_letter_channels(caller.scopes)
        with sessions() as session:
            found = dead_letters.list_dead_letters(session, channels=channels,
                                                   pending_only=request.args.get("all") != "1", limit=limit)
        return jsonify({"dead_letters": [letter_json(d, with_body=False) for d in found], "count": len(found)})

    @api.get("/dead-letters/<int:letter_id>")
    def show_letter(letter_id: int) -> Any:
        return jsonify(letter_json(letters.readable(reader(), letter_id), with_body=True))

    @api.post("/dead-letters/<int:letter_id>/replay")
    def replay(letter_id: int) -> Any:
        """Run a kept delivery through its adapter again, after the adapter or the data was fixed."""
        try:
            return answer(letters.replay(reader(), letter_id))
        except Rejected as rejected:
            raise refused(rejected.error, rejected.dead_letter_id) from None

    @api.post("/dead-letters/<int:letter_id>/dismiss")
    def dismiss(letter_id: int) -> Any:
        """Set a letter aside (kept, audited): nothing to repair; 409 once replayed or dismissed."""
        return jsonify(letter_json(letters.dismiss(reader(), letter_id), with_body=False))

    return api


def answer(receipts: list[Receipt]) -> tuple[Response, int]:
    created = sum(r.created for r in receipts)
    body = {"complaints": [on_receipt(r.complaint) for r in receipts], "created": created}
    return jsonify(body), 201 if created else 200


def refused(error: ChannelError, dead_letter_id: int) -> ApiError:
    """A refused delivery: the adapter's status and message, its problems and the dead letter's id."""
    return ApiError.of(error.status, error.message, errors=error.errors, dead_letter_id=dead_letter_id)


def letter_json(letter: DeadLetter, *, with_body: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": letter.id, "channel": letter.channel, "content_type": letter.content_type, "status": letter.status,
        "error": letter.error, "errors": letter.errors, "attempts": letter.attempts,
        "first_received_at": letter.first_received_at.isoformat(),
        "last_received_at": letter.last_received_at.isoformat(),
        "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
        "dismissed_at": letter.dismissed_at.isoformat() if letter.dismissed_at else None,
        "dismissed_by": letter.dismissed_by,
        "complaint_ids": letter.complaint_ids, "body_bytes": len(letter.body), "body_truncated": letter.body_truncated,
        "request_id": letter.request_id,
    }
    if with_body:
        try:
            shown["body"] = letter.body.decode("utf-8")
        except UnicodeDecodeError:
            shown["body_base64"] = base64.b64encode(letter.body).decode("ascii")
        shown["headers"] = letter.headers
        shown["query"] = letter.query
    return shown
