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

import numpy as np

from crm.breaches import COMPLETION, FIRST_ACTION, breach_kind
from crm.complaint_filter import ComplaintFilter
from crm.complaint import Status
from crm.overdue import CLOSED, passed_at
from crm.public_view import as_seen_by, sees_hidden
from crm.roles import Person
from crm.sla_state import states_at
from store import complaints, screen

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

WINDOW = timedelta(hours=24)
FEED_SIZE = 30
ESCALATIONS_SIZE = 3  # the Eskalasi card's fixed rows: the newest breaches
BREACH_KINDS = {breach_kind(deadline): deadline for deadline in (FIRST_ACTION, COMPLETION)}


# The fields of a complaint the KPI rows and the map read, as columns of the snapshot.
FACTS = ("id", "ticket", "channel", "category", "status", "kode_kelurahan", "kelurahan", "kecamatan", "lon", "lat",
         "duplicate_of", "received_ms", "response_ms", "overdue", "sla")
Facts = dict[str, list[Any]]  # FACTS -> one value per complaint, newest first


@dataclass(frozen=True)
class Snapshot:
    facts: Facts  # every complaint of the set
    feed: list[dict[str, Any]]  # the newest FEED_SIZE, whole
    breaches: list[tuple[dict[str, Any], str, datetime]]  # the newest breaches: (complaint, kind, when), newest first


def facts(rows: list[Any], now: datetime) -> Facts:
    """Screen rows (store/screen.py) as FACTS columns, with crm/'s answers of overdue
    (crm/overdue.py passed_at) and SLA colour (crm/sla_state.py states_at) at `now`, over the columns at once."""
    if not rows:
        return {name: [] for name in FACTS}
    read = dict(zip(rows[0]._fields, zip(*rows)))  # column name -> its values: one pass, no attribute lookups

    def seconds(name: str) -> np.ndarray:
        return np.array(read[name], dtype=float)  # None -> NaN: an unset time never passes

    at = now.timestamp()
    status = np.array(read["status"], dtype=object)
    still_open = status != CLOSED.value
    received, acted, completion_due = seconds("received"), seconds("first_action"), seconds("completion_due")
    sla = states_at(waiting=status == Status.MENUNGGU.value, still_open=still_open, received=received,
                    first_action_due=seconds("first_action_due"), completion_due=completion_due,
                    reopened=seconds("reopened"), now=at)
    response = np.rint((acted - received) * 1000)
    return {name: list(read[name]) for name in FACTS[:11]} | {
        "received_ms": np.rint(received * 1000).astype(np.int64).tolist(),
        "response_ms": [None if np.isnan(ms) else int(ms) for ms in response],
        "overdue": (still_open & passed_at(completion_due, at)).tolist(), "sla": sla.tolist()}


def each(found: Facts) -> list[dict[str, Any]]:
    """The facts complaint by complaint."""
    return [dict(zip(found, values)) for values in zip(*found.values())]


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
    return Snapshot(facts=facts(rows, now),
                    feed=[shown[r.id] for r in rows[:FEED_SIZE] if r.id in shown],
                    breaches=[(shown[b.complaint_id], b.kind, b.at) for b in breaches if b.complaint_id in shown])
