"""Stints repository: each unit's turns holding a complaint (crm/stints.py), written with the complaint.

store/complaints.py calls `write` in the same transaction as every insert and change, so the
ranking never sees a complaint whose stints are stale. A reused evidence photo is counted here:
only the store sees other complaints' photos.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
from sqlalchemy import (
    delete,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from crm.complaint import Complaint
from crm.ledger import StintTable
from crm.ranking import COLUMNS, LEVELS, StintColumns
from crm.stints import Stint, stints_of
from store.db import epoch_seconds
from store.inserts import insert_rows
from store.models import ComplaintRow, EvidenceRow, StintRow
from store.rows import to_domain, with_history

REBUILD_CHUNK = 5_000
_TIMES = frozenset({"start", "end", "first_action_at", "first_action_due", "completion_due", "closed_at"})
_COLUMNS = ("complaint_id", "seq", "skpd", "kode_kota", "kode_kecamatan", "kode_kelurahan", "category",
            "start_at", "end_at", "first_action_at", "first_action_due", "completion_due", "closed_at",
            "handed_over", "validations", "rejections", "closures", "reopens", "fast_close", "self_closed",
            "reused_photos", "ratings", "rating_points")
_FIELDS = ("complaint_id", "seq", "skpd", "kode_kota", "kode_kecamatan", "kode_kelurahan", "category",
           "start", "end", "first_action_at", "first_action_due", "completion_due", "closed_at",
           "handed_over", "validations", "rejections", "closures", "reopens", "fast_close", "self_closed",
           "reused_photos", "ratings", "rating_points")


def write(session: Session, complaints: Sequence[Complaint], *, new: bool = False) -> list[Stint]:
    """Store the stints of these stored complaints in place of their old ones (none when `new`)."""
    if not complaints:
        return []
    ids = [c.id for c in complaints]
    if not new:
        session.execute(delete(StintRow).where(StintRow.complaint_id.in_(ids)))
    reused = {} if new else _reused_photo_times(session, ids)
    stints = [_with_reused(stint, reused.get(complaint.id, [])) for complaint in complaints
              for stint in stints_of(complaint)]
    if stints:  # none for complaints set aside (crm/corrections.py): an empty insert would add a blank row
        insert_rows(session, StintRow.__table__, [_values(stint) for stint in stints])
    return stints


def of_complaints(session: Session, complaint_ids: Sequence[int]) -> dict[int, list[Stint]]:
    """The stints of these complaints, by complaint id, oldest first."""
    found: dict[int, list[Stint]] = {complaint_id: [] for complaint_id in complaint_ids}
    query = select(*_columns()).where(StintRow.complaint_id.in_(list(complaint_ids))).order_by(
        StintRow.complaint_id, StintRow.seq)
    for row in session.execute(query):
        found[row.complaint_id].append(Stint(*row))
    return found


def table_since(session: Session, since: datetime) -> StintTable:
    """Every stint still held, or ended at or after `since` (all that a ranking window can need),
    as columns. Times are read as epoch seconds by the database itself: parsing a datetime per
    value in Python would cost more than the whole ranking."""
    epoch = epoch_seconds(session)
    query = (select(StintRow.complaint_id, StintRow.skpd, StintRow.kode_kota, StintRow.kode_kecamatan,
                    StintRow.kode_kelurahan, *(epoch(getattr(StintRow, _column(name))) if name in _TIMES
                                               else getattr(StintRow, _column(name)) for name in COLUMNS))
             .where(or_(StintRow.end_at.is_(None), StintRow.end_at >= since))
             .order_by(StintRow.complaint_id, StintRow.seq))
    rows = session.execute(query).all()
    codes = {level: [row[i + 1] for row in rows] for i, level in enumerate(LEVELS)}
    return StintTable(np.array([row[0] for row in rows], dtype=np.int64), codes,
                      StintColumns.from_rows([row[5:] for row in rows]))


def rebuild(session: Session) -> int:
    """Recompute every complaint's stints from its history (a migration, or a rule that changed);
    how many complaints. Runs in the caller's transaction, in chunks, so memory stays flat."""
    session.execute(delete(StintRow))
    last, done = 0, 0
    while True:
        rows = session.scalars(with_history().where(ComplaintRow.id > last)
                               .order_by(ComplaintRow.id).limit(REBUILD_CHUNK)).all()
        if not rows:
            return done
        write(session, [to_domain(row) for row in rows])
        last, done = rows[-1].id, done + len(rows)
        session.expunge_all()


def _reused_photo_times(session: Session, complaint_ids: list[int]) -> dict[int, list[datetime]]:
    """When each of these complaints received a photo already sent earlier for another complaint."""
    earlier = aliased(EvidenceRow)
    query = (select(EvidenceRow.complaint_id, EvidenceRow.uploaded_at)
             .where(EvidenceRow.complaint_id.in_(complaint_ids))
             .where(select(earlier.id).where(earlier.sha256 == EvidenceRow.sha256,
                                             earlier.complaint_id != EvidenceRow.complaint_id,
                                             earlier.id < EvidenceRow.id).exists()))
    found: dict[int, list[datetime]] = {}
    for complaint_id, at in session.execute(query):
        found.setdefault(complaint_id, []).append(at)
    return found


def _with_reused(stint: Stint, uploads: list[datetime]) -> Stint:
    count = sum(1 for at in uploads if stint.start <= at and (stint.end is None or at <= stint.end))
    return replace(stint, reused_photos=count) if count else stint


def _column(name: str) -> str:
    return {"start": "start_at", "end": "end_at"}.get(name, name)


def _columns() -> list:
    return [getattr(StintRow, column) for column in _COLUMNS]


def _values(stint: Stint) -> dict[str, object]:
    return {column: getattr(stint, name) for column, name in zip(_COLUMNS, _FIELDS)}
