"""What the command centre shows on load: complaints of the last 24 hours plus every one still open,
or, when the page's filter names a start (`sejak`), every complaint since then; always within the filter.

Read at every page load, so a reload repairs anything the live feed missed. A flood day puts tens
of thousands on the page, so the set is read as plain columns (store/screen.py) and turned into
`facts`, the few fields the KPI rows and the map's points need, with the overdue and SLA rules
applied here as crm/ states them; only the feed's newest complaints and the newest breaches are
read whole, as public dicts (crm/public_view.py as_seen_by: no contact, and none hidden by an
operator, except for a moderator, who sees them marked).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crm.breaches import COMPLETION, FIRST_ACTION, breach_kind
from crm.complaint_filter import ComplaintFilter
from crm.overdue import is_overdue
from crm.public_view import as_seen_by, sees_hidden
from crm.roles import Person
from crm.sla_state import colour_of, running_of
from store import complaints, screen

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

WINDOW = timedelta(hours=24)
FEED_SIZE = 30
ESCALATIONS_SIZE = 3  # the Eskalasi card's fixed rows: the newest breaches
BREACH_KINDS = {breach_kind(deadline): deadline for deadline in (FIRST_ACTION, COMPLETION)}


@dataclass(frozen=True)
class Snapshot:
    facts: list[dict[str, Any]]  # every complaint of the set, newest first (`facts`)
    feed: list[dict[str, Any]]  # the newest FEED_SIZE, whole
    breaches: list[tuple[dict[str, Any], str, datetime]]  # the newest breaches: (complaint, kind, when), newest first


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def facts(row: Any, now: datetime) -> dict[str, Any]:
    """A screen row (store/screen.py) as the fields of a public dict that the KPI rows and the map read."""
    running = running_of(status=row.status, received_at=row.received_at, first_action_due=row.first_action_due,
                         completion_due=row.completion_due, reopened_at=row.reopened_at)
    return {"id": row.id, "ticket": row.ticket, "received_at": row.received_at.isoformat(), "channel": row.channel,
            "category": row.category, "status": row.status, "first_action_at": _iso(row.first_action_at),
            "kode_kelurahan": row.kode_kelurahan, "kelurahan": row.kelurahan, "kecamatan": row.kecamatan,
            "lon": row.lon, "lat": row.lat, "duplicate_of": row.duplicate_of, "hidden": row.public_hidden,
            "overdue": is_overdue(status=row.status, completion_due=row.completion_due, now=now),
            "sla": colour_of(running, now)}


def read_snapshot(sessions: sessionmaker[Session], now: datetime, reader: Person | None = None,
                  where: ComplaintFilter = ComplaintFilter()) -> Snapshot:
    """The set as `reader` (None: the public) may see it."""
    hidden, since = sees_hidden(reader), now - WINDOW
    with sessions() as session:
        rows = screen.screen_rows(session, where, since=since, hidden=hidden)
        breaches = screen.newest_events(session, where, tuple(BREACH_KINDS), ESCALATIONS_SIZE, since=since,
                                        hidden=hidden)
        wanted = [r.id for r in rows[:FEED_SIZE]] + [b.complaint_id for b in breaches]
        whole = {c.id: c for c in complaints.list_complaints(session, ComplaintFilter(ids=tuple(set(wanted))),
                                                             limit=len(wanted))} if wanted else {}
    shown = {cid: seen for cid, c in whole.items() if (seen := as_seen_by(reader, c, now)) is not None}
    return Snapshot(facts=[facts(row, now) for row in rows],
                    feed=[shown[r.id] for r in rows[:FEED_SIZE] if r.id in shown],
                    breaches=[(shown[b.complaint_id], b.kind, b.at) for b in breaches if b.complaint_id in shown])
