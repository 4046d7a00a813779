"""Surges in the store: reports counted per kelurahan x category, and the surges already announced.

Counting is one GROUP BY over the indexed `received_at` range of a crm.surge.Window, the same SQL
on SQLite and PostGIS. Announcements are kept in the audit log (action ANNOUNCED, target
"<kode_kelurahan>:<category>", the event's payload as detail), written in the transaction that
logs the `surge_detected` event. The audit log rather than the live event log because it is
indexed by time (`ix_audit_log_at`): "what was announced in the last 12 hours" reads a few rows,
where the live event log, which holds every complaint's event, has no index on time or name.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm.complaint import SYSTEM_ACTOR
from crm.surge import MIN_COUNT, AreaCount, Window
from geo.jurisdiction import Jurisdiction
from store import users
from store.models import AuditRow, ComplaintRow

ANNOUNCED = "surge.detected"
# The number of this lock among PostgreSQL's advisory locks: "pantau" and 1.
_ANNOUNCE_LOCK = 0x7061_6E74_6175_0001


def count_by_area(session: Session, *, window: Window, at_least: int = MIN_COUNT) -> list[AreaCount]:
    """Reports per (kelurahan, category) in the window's recent and baseline periods, in one query.

    Pairs with fewer than `at_least` recent reports cannot surge and are left out by the database.
    Reports without a kelurahan (luar wilayah, no location) are not counted.
    """
    c = ComplaintRow
    recent = func.sum(case((c.received_at >= window.recent_from, 1), else_=0))
    query = (
        select(c.kode_kelurahan, c.category, recent, func.count(), func.max(c.kelurahan),
               func.max(c.kode_kecamatan), func.max(c.kecamatan), func.max(c.kode_kota), func.max(c.kota))
        .where(c.received_at >= window.baseline_from, c.received_at < window.end, c.kode_kelurahan.is_not(None))
        .group_by(c.kode_kelurahan, c.category)
        .having(recent >= at_least)
    )
    return [
        AreaCount(place=Jurisdiction(kode_kelurahan=kode, kelurahan=kel, kode_kecamatan=kode_kec, kecamatan=kec,
                                     kode_kota=kode_kota, kota=kota),
                  category=category, recent=int(n_recent), baseline=int(total - n_recent))
        for kode, category, n_recent, total, kel, kode_kec, kec, kode_kota, kota in session.execute(query)
    ]


def lock_announcing(session: Session) -> None:
    """Check and record announcements in the caller's write transaction one at a time across
    processes, so two watchers never both announce one episode. SQLite: `store.db.writing` took the
    write lock at BEGIN; PostgreSQL: a transaction-level advisory lock, released at commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ANNOUNCE_LOCK)))


def announced(session: Session, *, since: datetime) -> list[dict[str, Any]]:
    """The payloads of the surges announced after `since`, newest first; those of one round in the
    order they were announced (the largest first, as crm.surge.find_surges sorts them)."""
    query = (select(AuditRow.detail).where(AuditRow.at > since, AuditRow.action == ANNOUNCED)
             .order_by(AuditRow.at.desc(), AuditRow.id))
    return list(session.scalars(query))


def record(session: Session, *, payload: dict[str, Any], at: datetime) -> None:
    """Record an announcement (a crm.surge.surge_payload) in the caller's transaction."""
    users.audit(session, actor=SYSTEM_ACTOR, action=ANNOUNCED,
                target=f"{payload['kode_kelurahan']}:{payload['category']}", detail=payload, at=at)
