"""API keys for channels and partners: shown once at creation, stored only as a sha256 hash."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import ApiKeyRow

PREFIX = "pantau_"  # lets secret scanners and humans recognise a leaked key


class DuplicateKeyName(ValueError):
    """Names identify keys for revocation, so each is used once (revoked keys keep theirs)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"an API key named {name!r} already exists")
        self.name = name


def create(session: Session, *, name: str) -> str:
    """Make a key called `name` and return it; this is the only time the key itself is seen."""
    key = PREFIX + secrets.token_urlsafe(32)
    try:
        with session.begin_nested():
            session.add(ApiKeyRow(name=name, key_hash=_hash(key)))
            session.flush()
    except IntegrityError:
        if session.scalar(select(exists().where(ApiKeyRow.name == name))):
            raise DuplicateKeyName(name) from None
        raise
    return key


def verify(session: Session, *, key: str) -> str | None:
    """The name of a valid, unrevoked key, else None. Found by hash, so timing reveals nothing."""
    return session.scalar(
        select(ApiKeyRow.name).where(
            ApiKeyRow.key_hash == _hash(key), ApiKeyRow.revoked_at.is_(None)
        )
    )


@dataclass(frozen=True)
class KeyInfo:
    """A key as `pantau keys list` shows it: its name and dates, never the key or its hash."""

    name: str
    created_at: datetime
    revoked_at: datetime | None


def listing(session: Session) -> list[KeyInfo]:
    """Every key, revoked or not, by name."""
    return [KeyInfo(r.name, r.created_at, r.revoked_at)
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
