"""API keys for channels and partners: shown once at creation, stored only as a sha256 hash, each
with the scopes it was granted (crm/scopes.py)."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import scopes as known_scopes
from store.models import ApiKeyRow

PREFIX = "pantau_"  # lets secret scanners and humans recognise a leaked key


class DuplicateKeyName(ValueError):
    """Names identify keys for revocation, so each is used once (revoked keys keep theirs)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"an API key named {name!r} already exists")
        self.name = name


def create(session: Session, *, name: str, scopes: Iterable[str]) -> str:
    """Make a key called `name` that may do `scopes` and return it; this is the only time the key
    itself is seen. ValueError for an unknown scope or none (crm/scopes.py `check`)."""
    granted = sorted(known_scopes.check(scopes))
    key = PREFIX + secrets.token_urlsafe(32)
    try:
        with session.begin_nested():
            session.add(ApiKeyRow(name=name, key_hash=_hash(key), scopes=granted))
            session.flush()
    except IntegrityError:
        if session.scalar(select(exists().where(ApiKeyRow.name == name))):
            raise DuplicateKeyName(name) from None
        raise
    return key


@dataclass(frozen=True)
class Grant:
    """A valid key's name and scopes: who is calling and what they may do."""

    name: str
    scopes: frozenset[str]


def verify(session: Session, *, key: str) -> Grant | None:
    """The name and scopes of a valid, unrevoked key, else None. Found by hash, so timing reveals nothing."""
    row = session.execute(
        select(ApiKeyRow.name, ApiKeyRow.scopes).where(
            ApiKeyRow.key_hash == _hash(key), ApiKeyRow.revoked_at.is_(None)
        )
    ).one_or_none()
    return None if row is None else Grant(row.name, frozenset(row.scopes))


@dataclass(frozen=True)
class KeyInfo:
    """A key as `pantau keys list` shows it: its name, scopes and dates, never the key or its hash."""

    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def listing(session: Session) -> list[KeyInfo]:
    """Every key, revoked or not, by name."""
    return [KeyInfo(r.name, tuple(r.scopes), r.created_at, r.revoked_at)
            for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.name))]


def revoke(session: Session, *, name: str) -> bool:
    """Revoke the key called `name`; False if there is no such key or it was already revoked."""
    result = session.execute(
        update(ApiKeyRow)
        .where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None))
        .values(revoked_at=datetime.now(timezone.utc))
    )
    return result.rowcount == 1


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
