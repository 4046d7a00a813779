"""Dead letters: deliveries no channel adapter could read, kept for operators to see, replay or dismiss.
(The outbound ones, notices to reporters that could not be sent, are store/notices.py `dead`.)

The body is kept verbatim up to MAX_KEPT_BYTES (an oversized delivery is kept truncated, and
says so). A delivery whose body is not to be kept (an unsigned one on a signed door) is only counted:
all of a channel's share one letter, UNKEPT, whose `attempts` grow and which keeps the latest
headers' reason. Headers that carry credentials are dropped before anything is stored. Inside an HTTP
request the letter keeps that request's id (crm.request_ids), the latest delivery's on a retry.

A letter is pending until it is replayed successfully or dismissed. A dismissal ("nothing to repair
here") is kept, never deleted: the row says who dismissed it and when, beside the audit row written in
the same transaction. The same body delivered again afterwards is news (the sender still sends it):
it counts one more attempt and is pending again. A replay also ends a dismissal.

PostgreSQL's text holds no NUL and no lone surrogate, so a channel name, content type or refusal
that carries one (a delivery to `/api/v1/channels/a%00b`, a field named "\u0000" or "\udafd" that
the adapter names back) is kept with U+FFFD in its place; SQLite keeps the same, so both agree.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import request_ids
from store.models import DeadLetterRow

MAX_KEPT_BYTES = 1_000_000
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
UNKEPT = "0" * 64  # the digest of every delivery counted without its body (no real body hashes to it)
_PENDING = DeadLetterRow.replayed_at.is_(None) & DeadLetterRow.dismissed_at.is_(None)
DISMISSAL = "dead_letter.dismiss"  # the audit action of a dismissal
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # what PostgreSQL's text cannot hold


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    channel: str
    content_type: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes
    body_truncated: bool
    status: int
    error: str
    errors: list[dict[str, Any]]
    attempts: int
    first_received_at: datetime
    last_received_at: datetime
    replayed_at: datetime | None
    complaint_ids: list[int] | None
    request_id: str | None
    dismissed: bool
    dismissed_by: str | None
    dismissed_at: datetime | None

    @property
    def pending(self) -> bool:
        """Neither replayed successfully nor dismissed: an operator still has to look at it."""
        return self.replayed_at is None and not self.dismissed


def keep(
    session: Session,
    *,
    channel: str,
    content_type: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    body: bytes | None,
    status: int,
    error: str,
    errors: list[dict[str, Any]],
    received_at: datetime,
) -> int:
    """Store a refused delivery, or count one more attempt of the same body (or, with `body` None, one
    more delivery counted without its body); returns its id."""
    channel, content_type, error = _storable(channel), _storable(content_type), _storable(error)
    digest = UNKEPT if body is None else hashlib.sha256(body).hexdigest()
    same = select(DeadLetterRow.id).where(DeadLetterRow.channel == channel, DeadLetterRow.body_sha256 == digest)
    found = session.scalar(same)
    if found is None:
        try:
            with session.begin_nested():  # a concurrent retry of the same body may insert first
                return _insert(session, channel, content_type, headers, query, body, digest,
                               status, error, errors, received_at)
        except IntegrityError:
            found = session.scalar(same)
            if found is None:
                raise
    session.execute(
        update(DeadLetterRow).where(DeadLetterRow.id == found).values(
            attempts=DeadLetterRow.attempts + 1, last_received_at=received_at,
            status=status, error=error, errors=errors, request_id=request_ids.current(),
            dismissed_at=None, dismissed_by=None)
    )
    return found


def _storable(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def _insert(session: Session, channel: str, content_type: str, headers: Mapping[str, str],
            query: Mapping[str, str], body: bytes | None, digest: str, status: int, error: str,
            errors: list[dict[str, Any]], received_at: datetime) -> int:
    row = DeadLetterRow(
        channel=channel, content_type=content_type,
        headers={k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS},
        query=dict(query), body=(body or b"")[:MAX_KEPT_BYTES],
        body_truncated=body is None or len(body) > MAX_KEPT_BYTES,
        body_sha256=digest, status=status, error=error, errors=errors,
        first_received_at=received_at, last_received_at=received_at, request_id=request_ids.current(),
    )
    session.add(row)
    session.flush()
    return row.id


def get(session: Session, *, dead_letter_id: int) -> DeadLetter | None:
    row = session.get(DeadLetterRow, dead_letter_id)
    return None if row is None else _to_domain(row)


def list_dead_letters(
    session: Session, *, channels: Collection[str] | None = None, pending_only: bool = True, limit: int = 100
) -> list[DeadLetter]:
    """Newest first, of `channels` (None: every channel); by default only the pending ones."""
    query = select(DeadLetterRow).order_by(DeadLetterRow.last_received_at.desc(), DeadLetterRow.id.desc())
    if channels is not None:
        query = query.where(DeadLetterRow.channel.in_(channels))
    if pending_only:
        query = query.where(_PENDING)
    return [_to_domain(row) for row in session.scalars(query.limit(limit))]


def pending_by_channel(session: Session, *, channels: Collection[str] | None = None) -> dict[str, int]:
    """How many letters each channel of `channels` (None: every channel) has pending; none: left out."""
    query = select(DeadLetterRow.channel, func.count()).where(_PENDING).group_by(DeadLetterRow.channel)
    if channels is not None:
        query = query.where(DeadLetterRow.channel.in_(channels))
    return {channel: count for channel, count in session.execute(query)}


def mark_replayed(session: Session, *, dead_letter_id: int, at: datetime, complaint_ids: list[int]) -> None:
    session.execute(
        update(DeadLetterRow).where(DeadLetterRow.id == dead_letter_id)
        .values(replayed_at=at, complaint_ids=complaint_ids, dismissed_at=None, dismissed_by=None)
    )


def dismiss(session: Session, *, dead_letter_id: int, by: str, at: datetime) -> bool:
    """Mark a pending letter dismissed `by` someone `at` a time; False (and nothing changed) when it is
    not pending. One conditional UPDATE, so of two operators dismissing at once exactly one succeeds."""
    done = session.execute(
        update(DeadLetterRow).where(DeadLetterRow.id == dead_letter_id, _PENDING)
        .values(dismissed_at=at, dismissed_by=by)
    )
    return done.rowcount == 1


def _to_domain(row: DeadLetterRow) -> DeadLetter:
    return DeadLetter(
        id=row.id, channel=row.channel, content_type=row.content_type, headers=dict(row.headers),
        query=dict(row.query), body=row.body, body_truncated=row.body_truncated, status=row.status,
        error=row.error, errors=list(row.errors), attempts=row.attempts, first_received_at=row.first_received_at,
        last_received_at=row.last_received_at, replayed_at=row.replayed_at,
        complaint_ids=None if row.complaint_ids is None else list(row.complaint_ids), request_id=row.request_id,
        dismissed=row.dismissed_at is not None, dismissed_by=row.dismissed_by, dismissed_at=row.dismissed_at,
    )
