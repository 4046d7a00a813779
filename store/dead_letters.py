"""Dead letters: deliveries no channel adapter could read, kept for operators to see and replay.

The body is kept verbatim up to MAX_KEPT_BYTES (an oversized delivery is kept truncated, and
says so). Headers that carry credentials are dropped before anything is stored. Inside an HTTP
request the letter keeps that request's id (crm.request_ids), the latest delivery's on a retry.
PostgreSQL's text holds no NUL and no lone surrogate, so a channel name, content type or refusal
that carries one (a delivery to `/api/v1/channels/a%00b`, a field named "\u0000" or "\udafd" that
the adapter names back) is kept with U+FFFD in its place; SQLite keeps the same, so both agree.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import request_ids
from store.models import DeadLetterRow

MAX_KEPT_BYTES = 1_000_000
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
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


def keep(
    session: Session,
    *,
    channel: str,
    content_type: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    body: bytes,
    status: int,
    error: str,
    errors: list[dict[str, Any]],
    received_at: datetime,
) -> int:
    """Store a refused delivery, or count one more attempt of the same body; returns its id."""
    channel, content_type, error = _storable(channel), _storable(content_type), _storable(error)
    digest = hashlib.sha256(body).hexdigest()
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
            status=status, error=error, errors=errors, request_id=request_ids.current())
    )
    return found


def _storable(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def _insert(session: Session, channel: str, content_type: str, headers: Mapping[str, str],
            query: Mapping[str, str], body: bytes, digest: str, status: int, error: str,
            errors: list[dict[str, Any]], received_at: datetime) -> int:
    row = DeadLetterRow(
        channel=channel, content_type=content_type,
        headers={k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS},
        query=dict(query), body=body[:MAX_KEPT_BYTES], body_truncated=len(body) > MAX_KEPT_BYTES,
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
    session: Session, *, channel: str | None = None, pending_only: bool = True, limit: int = 100
) -> list[DeadLetter]:
    """Newest first; by default only those not yet replayed successfully."""
    query = select(DeadLetterRow).order_by(DeadLetterRow.last_received_at.desc(), DeadLetterRow.id.desc())
    if channel is not None:
        query = query.where(DeadLetterRow.channel == channel)
    if pending_only:
        query = query.where(DeadLetterRow.replayed_at.is_(None))
    return [_to_domain(row) for row in session.scalars(query.limit(limit))]


def mark_replayed(session: Session, *, dead_letter_id: int, at: datetime, complaint_ids: list[int]) -> None:
    session.execute(
        update(DeadLetterRow).where(DeadLetterRow.id == dead_letter_id)
        .values(replayed_at=at, complaint_ids=complaint_ids)
    )


def _to_domain(row: DeadLetterRow) -> DeadLetter:
    return DeadLetter(
        id=row.id, channel=row.channel, content_type=row.content_type, headers=dict(row.headers),
        query=dict(row.query), body=row.body, body_truncated=row.body_truncated, status=row.status,
        error=row.error, errors=list(row.errors), attempts=row.attempts, first_received_at=row.first_received_at,
        last_received_at=row.last_received_at, replayed_at=row.replayed_at,
        complaint_ids=None if row.complaint_ids is None else list(row.complaint_ids), request_id=row.request_id,
    )
