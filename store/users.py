"""People, their passwords and personal API tokens, and the audit log of their writes.

Only hashes are stored: the password's (werkzeug scrypt, salted and slow, for sign-in) and the
token's (sha256: a token is long and random, so a fast hash suffices and lookup is by hash).
A token is shown once, when issued; a new one replaces the old.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import exists, select
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


def by_name(session: Session, *, name: str) -> Person | None:
    """The active person of that name, else None: a signed-in session is re-read with it on every
    request, so disabling someone ends their session at their next request."""
    row = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.disabled_at.is_(None)))
    return None if row is None else _person(row)
