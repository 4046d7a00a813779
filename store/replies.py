"""Reporters' replies to notices (crm/verdict.py), kept by the channel's own message id so that a
gateway's retry of the same SMS or email is taken once; the reply's words are in the history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import CitizenReplyRow

RATING = "nilai"
NOT_FIXED = "belum"
COMMENT = "tanggapan"
KINDS = (RATING, NOT_FIXED, COMMENT)


def taken(session: Session, *, channel: str, external_id: str) -> int | None:
    """The complaint a reply with this id was already taken into, or None."""
    return session.scalar(select(CitizenReplyRow.complaint_id).where(
        CitizenReplyRow.channel == channel, CitizenReplyRow.external_id == external_id))


def add(session: Session, *, complaint_id: int, channel: str, external_id: str, kind: str, at: datetime) -> None:
    """Record a reply taken, in the caller's transaction (a second with the same id fails its commit)."""
    assert kind in KINDS, kind
    session.add(CitizenReplyRow(complaint_id=complaint_id, channel=channel, external_id=external_id,
                                kind=kind, received_at=at))
    session.flush()


def of_complaint(session: Session, *, complaint_id: int) -> list[tuple[str, str, datetime]]:
    """(channel, kind, received_at) of every reply taken into one complaint, oldest first."""
    query = (select(CitizenReplyRow.channel, CitizenReplyRow.kind, CitizenReplyRow.received_at)
             .where(CitizenReplyRow.complaint_id == complaint_id).order_by(CitizenReplyRow.id))
    return [tuple(row) for row in session.execute(query)]
