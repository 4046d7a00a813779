"""People, their passwords and personal API tokens, and the audit log of their writes.

Only hashes are stored: the password's (werkzeug scrypt, salted and slow, for sign-in) and the
token's (sha256: a token is long and random, so a fast hash suffices and lookup is by hash).
A token is shown once, when issued; a new one replaces the old.

Sessions end on the server's word: a sign-in cookie carries the person's `session_version`, and
signing out or being disabled moves it on, so every cookie issued before stops working at once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from crm import request_ids
from crm.roles import Person, Role, check_scope
from store.models import AuditRow, UserRow

TOKEN_PREFIX = "pantau_u_"  # a person's token, told apart from a channel's key (pantau_...)
MIN_PASSWORD = 12


class DuplicateUser(ValueError):
    """Names identify people in the audit log, so each is used once."""

    def __init__(self, name: str) -> None:
        super().__init__(f"pengguna bernama {name!r} sudah ada")
        self.name = name


class UnknownUser(LookupError):
    """No active person by that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"tidak ada pengguna aktif bernama {name!r}")
        self.name = name


def create(session: Session, *, name: str, role: str, skpd: str | None, area: str | None, password: str) -> None:
    """Store a person with a checked scope and a hashed password (raises ValueError on bad input)."""
    check_scope(role, skpd, area)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"kata sandi terlalu pendek: paling sedikit {MIN_PASSWORD} karakter")
    row = UserRow(name=name, role=Role(role).value, skpd=skpd, area=area,
                  password_hash=generate_password_hash(password, method="scrypt"))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        if session.scalar(select(exists().where(UserRow.name == name))):
            raise DuplicateUser(name) from None
        raise


def authenticate(session: Session, *, name: str, password: str) -> Person | None:
    """The person if the password is theirs and they are not disabled, else None."""
    row = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.disabled_at.is_(None)))
    if row is None:
        check_password_hash(_decoy_hash(), password)  # as slow as a real check: names do not leak by timing
        return None
    return _person(row) if check_password_hash(row.password_hash, password) else None


def issue_token(session: Session, *, name: str) -> str:
    """A new personal token for `name`, replacing any old one; the only time the token is seen."""
    row = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.disabled_at.is_(None)))
    if row is None:
        raise UnknownUser(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row.token_hash = _hash(token)
    session.flush()
    return token


def by_token(session: Session, *, token: str) -> Person | None:
    """The active person whose token this is, else None. Found by hash, so timing reveals nothing."""
    row = session.scalar(select(UserRow).where(UserRow.token_hash == _hash(token), UserRow.disabled_at.is_(None)))
    return None if row is None else _person(row)


def audit(session: Session, *, actor: str, action: str, target: str | None, detail: dict[str, Any],
          at: datetime) -> None:
    """Record a write in the caller's transaction, so the write and its record stand or fall together.
    Inside an HTTP request the row carries its id (crm.request_ids), which the logs carry too."""
    session.add(AuditRow(at=at, actor=actor, action=action, target=target, detail=detail,
                         request_id=request_ids.current()))


def _person(row: UserRow) -> Person:
    return Person(name=row.name, role=Role(row.role), skpd=row.skpd, area=row.area)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


@dataclass(frozen=True)
class Account:
    """A person as `pantau users list` shows them: never a hash."""

    name: str
    role: str
    skpd: str | None
    area: str | None
    created_at: datetime
    disabled_at: datetime | None
    has_token: bool


def session_version(session: Session, *, name: str) -> int:
    """The version a new sign-in cookie of `name` carries (by_session still refuses a disabled person)."""
    return session.scalars(select(UserRow.session_version).where(UserRow.name == name)).one()


def by_session(session: Session, *, name: str, version: int) -> Person | None:
    """The active person of a sign-in cookie, if the cookie's version is still theirs; re-read on every
    request, so a changed role takes effect at once and an ended session stops at its next request."""
    row = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.disabled_at.is_(None),
                                               UserRow.session_version == version))
    return None if row is None else _person(row)


def end_sessions(session: Session, *, name: str) -> None:
    """Every sign-in cookie of `name` stops working (sign-out on one browser signs out all of them)."""
    session.execute(update(UserRow).where(UserRow.name == name)
                    .values(session_version=UserRow.session_version + 1))


def set_disabled(session: Session, *, name: str, disabled: bool, at: datetime) -> bool:
    """Disable (ending every session and stopping the token) or enable `name`; False if there is no
    such person or they already were."""
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None or (row.disabled_at is not None) == disabled:
        return False
    row.disabled_at = at if disabled else None
    row.session_version += 1
    session.flush()
    return True


def accounts(session: Session) -> list[Account]:
    """Everyone, active or not, by name."""
    return [Account(r.name, r.role, r.skpd, r.area, r.created_at, r.disabled_at, r.token_hash is not None)
            for r in session.scalars(select(UserRow).order_by(UserRow.name))]
