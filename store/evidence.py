"""Evidence photos of follow-ups, kept with their sha256 so a photo used twice can be recognised."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import EvidenceRow


def add(session: Session, *, complaint_id: int, photos: list[tuple[bytes, str]], by: str, at: datetime) -> list[str]:
    """Store (content, media type) photos inside the caller's transaction; their sha256 digests."""
    digests = [hashlib.sha256(content).hexdigest() for content, _ in photos]
    session.add_all(EvidenceRow(complaint_id=complaint_id, sha256=digest, media_type=media_type, content=content,
                                uploaded_by=by, uploaded_at=at)
                    for (content, media_type), digest in zip(photos, digests))
    return digests


def count_for(session: Session, *, complaint_id: int) -> int:
    """How many photos were sent for the complaint, so a page can link each without loading them."""
    return session.scalar(select(func.count()).where(EvidenceRow.complaint_id == complaint_id)) or 0


def nth(session: Session, *, complaint_id: int, index: int) -> tuple[bytes, str] | None:
    """(content, media type) of the complaint's photo number `index` (0 first, in the order sent)."""
    query = (select(EvidenceRow.content, EvidenceRow.media_type).where(EvidenceRow.complaint_id == complaint_id)
             .order_by(EvidenceRow.id).offset(index).limit(1))
    row = session.execute(query).one_or_none()
    return None if row is None else (row.content, row.media_type)
