"""API-key checks for channel and partner endpoints, with a short memory of keys already verified.

A gateway sends hundreds of requests a second with the same key; hashing and looking it up in
the store every time costs more than the rest of a small request. A verified key is trusted for
KEY_CACHE_SECONDS, so a revoked key stops working within that time (the README says so).

Wrong keys are counted per address (FAILED_KEYS): past the limit an address is answered 429 with
Retry-After instead of 401. A valid key never touches the counter, so gateways pay nothing for it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Response, jsonify, request

from store import api_keys
from web.errors import TooManyRequests

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from web.throttle import Attempts

KEY_CACHE_SECONDS = 30.0
FAILED_KEYS = "30 per 10 minutes"  # per address: a misconfigured gateway shows up, a guesser is slowed
MISSING_KEY = ("Kunci API tidak ada atau tidak sah: kirim 'Authorization: Bearer <kunci>' "
               "(buat dengan 'pantau keys create NAMA').")


class KeyChecker:
    """Which client a bearer key belongs to, remembered for a short while."""

    def __init__(self, sessions: sessionmaker[Session], *, clock: Callable[[], float] = time.monotonic,
                 attempts: Attempts | None = None) -> None:
        self.sessions = sessions
        self.clock = clock
        self.attempts = attempts  # None: wrong keys are not counted (a checker outside an app)
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def name_of(self, key: str) -> str | None:
        now = self.clock()
        with self._lock:
            known = self._known.get(key)
        if known is not None and now - known[1] < KEY_CACHE_SECONDS:
            return known[0]
        with self.sessions() as session:
            name = api_keys.verify(session, key=key)
        with self._lock:
            if name is None:
                self._known.pop(key, None)
            else:
                self._known[key] = (name, now)
        return name

    def from_request(self) -> str | None:
        """The client name of the request's `Authorization: Bearer` key, or None; TooManyRequests
        once this address has sent FAILED_KEYS wrong keys."""
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        name = self.name_of(key.strip())
        if name is None and self.attempts is not None:
            wait = self.attempts.try_once(FAILED_KEYS, "kunci-salah", request.remote_addr or "-")
            if wait is not None:
                raise TooManyRequests(headers={"Retry-After": str(wait)})
        return name

    def required(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Decorate a view: 401 with a clear message unless the request carries a valid key."""
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if self.from_request() is None:
                return unauthorised()
            return view(*args, **kwargs)
        return checked


def unauthorised() -> tuple[Response, int]:
    return jsonify({"error": MISSING_KEY}), 401
