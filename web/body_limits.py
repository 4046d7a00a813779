"""How large a request body may be, per route: small for everyone, larger only where it must be.

Flask reads MAX_CONTENT_LENGTH for every request; since Flask 3.1 a request can carry its own
limit, set here before any view reads the body. Anyone may post to the Dash callbacks, the sign-in
form, the reopening door and the channels, so those stay at ANY_BYTES. The batch door takes a
thousand reports from a gateway. Evidence photos (ten of 5 MB, in base64: followup/evidence.py)
travel through the transitions API and the work queue's callback, and only a signed-in person's
request gets that much room: an anonymous 50 MB body is refused before it is read.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import request

if TYPE_CHECKING:
    from flask import Flask

ANY_BYTES = 2_000_000  # a channel's 1 MB delivery (ingest/channels/base.py), in its form or JSON
BATCH_BYTES = 16_000_000  # /api/v1/reports/batch: 1,000 reports of up to 5,000 characters each
EVIDENCE_BYTES = 80_000_000  # ten 5 MB photos in base64, about 67 MB of JSON
BATCH_ENDPOINTS = frozenset({"api_v1.create_reports"})
EVIDENCE_ENDPOINTS = frozenset({"follow_up_v1.transition", "/_dash-update-component"})


def install_body_limits(server: Flask, *, signed_in: Callable[[], bool]) -> None:
    """Give each request of `server` its route's limit; `signed_in` tells whether a person (session or
    token) sends it, and is asked only on the evidence routes."""
    server.config["MAX_CONTENT_LENGTH"] = ANY_BYTES

    def limit_body() -> None:
        if request.endpoint in BATCH_ENDPOINTS:
            request.max_content_length = BATCH_BYTES
        elif request.endpoint in EVIDENCE_ENDPOINTS and request.content_length and \
                request.content_length > ANY_BYTES and signed_in():
            request.max_content_length = EVIDENCE_BYTES

    # first of the app's hooks: a later one may read the body (the callback door, dashboard/callback_guard.py)
    server.before_request_funcs.setdefault(None, []).insert(0, limit_body)
