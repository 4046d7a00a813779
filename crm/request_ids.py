"""The id of the request being served, shared by the web layer (logs, `X-Request-ID`) and the store
(audit rows, dead letters) without either importing the other's framework: stdlib only.

The web layer binds it when a request starts and unbinds it when the request ends; outside a
request (the CLI, background loops) it is None.
"""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token

ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # what a proxy's or gateway's id may look like

_current: ContextVar[str | None] = ContextVar("pantau_request_id", default=None)


def accept(incoming: str | None) -> str:
    """The caller's id if it is 1-128 characters of [A-Za-z0-9._:-], else a new one (uuid4 hex):
    anything else could forge log lines or smuggle markup into the audit log."""
    if incoming is not None and ACCEPTED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def bind(request_id: str) -> Token[str | None]:
    return _current.set(request_id)


def unbind(token: Token[str | None]) -> None:
    _current.reset(token)


def current() -> str | None:
    """The id of the request this code is serving, or None outside a request."""
    return _current.get()
