"""The surge watch: a background task that finds kelurahan x category surges (crm/surge.py) and
announces each episode once.

A round counts the reports of the last 3 hours and the 28 days before (store.surges), applies the
rule, then, in one unit of work that no other watcher can interleave with (store.surges.lock_announcing),
drops the pairs announced within the last EPISODE and records each new surge in the audit log with
its `surge_detected` event (services/unit_of_work.py). The event goes to the city and to the
surge's kota after the commit, so two watchers, or a restart, announce an episode once.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from crm.complaint import utc_now
from crm.events import surge_detected
from crm.surge import EPISODE, Window, find_surges, surge_payload
from live.every import every
from services.unit_of_work import unit_of_work
from store import surges
from web import metrics

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher


def watch_surges_once(sessions: sessionmaker[Session], publisher: Publisher, now: datetime) -> int:
    """One round at `now`: announce every surge whose pair was not announced in the last EPISODE;
    how many were announced."""
    window = Window.ending(now)
    with sessions() as session:
        found = find_surges(surges.count_by_area(session, window=window), window)
    if not found:
        return 0
    with unit_of_work(sessions, publisher) as work:
        surges.lock_announcing(work.session)
        seen = {(p["kode_kelurahan"], p["category"]) for p in surges.announced(work.session, since=now - EPISODE)}
        for surge in found:
            if surge.pair in seen:
                continue
            payload = surge_payload(surge, now)
            surges.record(work.session, payload=payload, at=now)
            work.announce(surge_detected(payload, surge.place.kode_kota))
    return len(work.published)


def run_surge_watch(sessions: sessionmaker[Session], publisher: Publisher, stop: threading.Event | None = None,
                    every_s: float = 60, clock: Callable[[], datetime] = utc_now) -> None:
    """Watch every `every_s` seconds until `stop` is set (live/every.py: a failed round is retried,
    because a watch that died would hide the next flood silently)."""
    every(every_s, metrics.timed_round("surge", lambda: watch_surges_once(sessions, publisher, clock())), stop=stop,
          failed="Pengawasan lonjakan gagal")
