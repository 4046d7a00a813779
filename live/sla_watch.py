"""The SLA watch: a background task that finds passed deadlines, records them and announces them.

Each breach takes the road of every later event (crm -> services -> live): crm.breaches records it
in the complaint's history, services.unit_of_work.change_complaint writes it under the row lock
with an audit row and the `sla_breached` event in one unit of work, and the publisher emits it
after the commit to the city, the kota and the SKPD holding the complaint, whose head it is
escalated to. The
history is what says a breach was announced, so two watchers, or a restart, announce it once.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from crm.breaches import new_breaches, record_breaches
from crm.complaint import SYSTEM_ACTOR, Complaint, utc_now
from crm.events import sla_breached
from live.every import every
from services.unit_of_work import Work, change_complaint
from store import complaints
from web import metrics

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher

AUDIT_ACTION = "complaint.sla_breached"


def watch_once(sessions: sessionmaker[Session], publisher: Publisher, now: datetime) -> int:
    """One round: record and announce every deadline passed before `now`; how many were announced."""
    with sessions() as session:
        candidates = complaints.overdue_candidates(session, now=now)
    return sum(_announce(sessions, publisher, complaint_id, now) for complaint_id in candidates)


def _announce(sessions: sessionmaker[Session], publisher: Publisher, complaint_id: int, now: datetime) -> int:
    """Record one complaint's breaches under its row lock, which re-reads it: a first action taken
    since the candidates were listed means nothing to announce."""
    breaches: list[tuple[str, datetime]] = []

    def record(work: Work, before: Complaint, after: Complaint) -> None:
        breaches.extend(new_breaches(before, now))
        for breach, due in breaches:
            work.audit(actor=SYSTEM_ACTOR, action=AUDIT_ACTION, target=str(after.id), at=now,
                       detail={"breach": breach, "due": due.isoformat(), "skpd": after.skpd})
            work.announce(sla_breached(after, breach, now))

    change_complaint(sessions, publisher, complaint_id=complaint_id, step=partial(record_breaches, now=now),
                     record=record)
    metrics.SLA_BREACHES.inc(len(breaches))  # committed and emitted: an error above skips this
    return len(breaches)


def run_watch(sessions: sessionmaker[Session], publisher: Publisher, stop: threading.Event | None = None,
              every_s: float = 60, clock: Callable[[], datetime] = utc_now) -> None:
    """Watch every `every_s` seconds until `stop` is set (live/every.py: a failed round is retried)."""
    every(every_s, metrics.timed_round("sla", lambda: watch_once(sessions, publisher, clock())), stop=stop,
          failed="Pengawasan SLA gagal")
