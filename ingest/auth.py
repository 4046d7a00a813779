"""Who may call the channel, partner, dead-letter and export endpoints: the one place that checks
API keys and their scopes (crm/scopes.py), and, where a door also takes people, their sign-in.

A gateway sends hundreds of requests a second with the same key; hashing and looking it up in
the store every time costs more than the rest of a small request. A verified key is trusted, with
its scopes, for KEY_CACHE_SECONDS, so a revoked key stops working within that time (the README
says so).

No valid key (and, where people are taken, no person): 401. A valid key without the scope the door
needs, or a person whose role lacks it (crm/roles.py `scopes_of`): 403 naming the scope. A key is
judged by its own scopes, even when a session cookie comes with it. A write that rides on the session
cookie must be JSON (415 otherwise): a cross-site page can send that only after a CORS preflight,
which Pantau never grants, so no forged form can replay a dead letter in an operator's name
(followup/auth.py has the whole CSRF story).

Wrong keys are counted per address (FAILED_KEYS): past the limit an address is answered 429 with
Retry-After instead of 401. Neither a valid key, with or without the scope, nor a person's valid
token touches the counter, so gateways and staff pay nothing for it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import request

from crm import scopes
from crm.roles import Person, Role, scopes_of
from store import api_keys
from web.errors import Forbidden, TooManyRequests, Unauthorized, UnsupportedMediaType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from web.throttle import Attempts

KEY_CACHE_SECONDS = 30.0
FAILED_KEYS = "30 per 10 minutes"  # per address: a misconfigured gateway shows up, a guesser is slowed
MISSING_KEY = ("Kunci API tidak ada atau tidak sah: kirim 'Authorization: Bearer <kunci>' "
               "(buat dengan 'pantau keys create NAMA --scope CAKUPAN').")
MISSING_KEY_OR_PERSON = ("Kunci API atau token tidak ada atau tidak sah: kirim 'Authorization: Bearer <kunci>' "
                         "(pantau keys create NAMA --scope CAKUPAN atau pantau users token NAMA), "
                         "atau masuk dulu (/masuk).")
SESSION_WRITE = ("Dengan sesi masuk, kirim permintaan ini dengan Content-Type: application/json, "
                 "atau pakai token: Authorization: Bearer <token>.")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Caller:
    """A request's verified sender: a key's client (`person` None) or a person, with their scopes."""

    name: str
    scopes: frozenset[str]
    person: Person | None = None

    @property
    def actor(self) -> str:
        """How the audit log names the caller: a key as `kunci:<name>`, a person by their name."""
        return self.name if self.person else f"kunci:{self.name}"

    def may(self, need: str) -> bool:
        return scopes.grants(self.scopes, need)

    def demand(self, *needs: str) -> None:
        """Forbidden (403) naming every need in `needs` the caller's scopes do not allow."""
        refusal = self.refusal(*needs)
        if refusal is not None:
            raise Forbidden(refusal)

    def refusal(self, *needs: str) -> str | None:
        """Why the caller may not do `needs`, naming each missing scope; None when it may."""
        missing = [need for need in dict.fromkeys(needs) if not self.may(need)]
        if not missing:
            return None
        named = ", ".join(map(scopes.described, missing))
        if self.person is None:
            return (f"Kunci API '{self.name}' tidak punya cakupan {named}; buat kunci yang memilikinya: "
                    f"pantau keys create NAMA --scope CAKUPAN.")
        roles = [role.value for role in Role if all(scopes.grants(scopes_of(role), need) for need in missing)]
        return (f"{self.person.name} ({self.person.role}) tidak berwenang: perlu cakupan {named}, "
                f"yang dimiliki peran {', '.join(roles) or '-'}.")


class KeyChecker:
    """Which caller a request comes from, and whether it may do what the door needs; verified keys
    are remembered for a short while.

    `people` finds the person behind a request (followup/auth.py's `person_from_request`, handed in
    by the composition root); None: no person is ever a caller (a checker outside an app).
    `attempts` None: wrong keys are not counted.
    """

    def __init__(self, sessions: sessionmaker[Session], *, clock: Callable[[], float] = time.monotonic,
                 attempts: Attempts | None = None, people: Callable[[], Person | None] | None = None) -> None:
        self.sessions = sessions
        self.clock = clock
        self.attempts = attempts
        self.people = people
        self._known: dict[str, tuple[Caller, float]] = {}
        self._lock = threading.Lock()

    def client_of(self, key: str) -> Caller | None:
        """The client a key belongs to, with its scopes; None for a wrong or revoked key."""
        now = self.clock()
        with self._lock:
            known = self._known.get(key)
        if known is not None and now - known[1] < KEY_CACHE_SECONDS:
            return known[0]
        with self.sessions() as session:
            grant = api_keys.verify(session, key=key)
        client = None if grant is None else Caller(grant.name, grant.scopes)
        with self._lock:
            if client is None:
                self._known.pop(key, None)
            else:
                self._known[key] = (client, now)
        return client

    def presented(self) -> Caller | None:
        """The client of the request's key if it is valid, else None, never counted as a wrong key:
        for choices such as whether a public read is a partner's, never for access."""
        key = _bearer()
        return self.client_of(key) if key else None

    def caller(self, need: str | None = None, *, people: bool = False) -> Caller:
        """This request's caller, allowed `need` (any valid key when None). `people`: a person's token
        or session may be the caller too. Unauthorized (401) when there is none, TooManyRequests once
        this address has sent FAILED_KEYS wrong keys, Forbidden (403) when `need` is not allowed."""
        key = _bearer()
        found = self.client_of(key) if key else None
        if found is None and people and self.people is not None:
            person = self.people()
            found = None if person is None else Caller(person.name, scopes_of(person.role), person)
        if found is None:
            if key and self.attempts is not None:
                wait = self.attempts.try_once(FAILED_KEYS, "kunci-salah", request.remote_addr or "-")
                if wait is not None:
                    raise TooManyRequests(headers={"Retry-After": str(wait)})
            raise Unauthorized(MISSING_KEY_OR_PERSON if people else MISSING_KEY)
        if need is not None:
            found.demand(need)
        by_cookie = found.person is not None and "Authorization" not in request.headers
        if by_cookie and request.method not in SAFE_METHODS and not request.is_json:
            raise UnsupportedMediaType(SESSION_WRITE)
        return found


def _bearer() -> str:
    """The request's `Authorization: Bearer` value, or "" without one."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""
