"""The live ranking of one process: a crm.ledger.Ledger kept current from the events this process
publishes, and a `ranking_changed` signal to screens when it moved.

The request that changes a complaint only drops its id in a set (Publisher listener); the board's
own task reads that complaint's stints (one indexed query), swaps them in the ledger, and tells
the city room at most every `every_s` seconds, so a burst of a thousand reports costs one signal.
Screens then fetch the table they show from GET /api/v1/ranking, which the board caches until the
next change. The ledger is rebuilt at each new WIB day (the windows slide) and every
REBUILD_SECONDS, which also brings in what other processes changed (see the known limit below).

With several processes (PANTAU_REDIS_URL set) every process also sends its changes through Redis
(live/ranking_share.py) and every board follows them, its own included (applying a complaint twice
changes nothing). Each board signals its changes, so a screen may be told more than once.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from crm.complaint import WIB, utc_now
from crm.events import RANKING_CHANGED, Event
from crm.ledger import Ledger
from crm.ranking import HORIZON_DAYS, Level, Standing
from crm.rooms import CITY
from live.every import every
from store import stints
from web import metrics

if TYPE_CHECKING:
    from flask_socketio import SocketIO
    from sqlalchemy.orm import Session, sessionmaker

REBUILD_SECONDS = 300


def changed_ids(events: list[Event]) -> set[int]:
    """The stored complaints a batch of published events is about."""
    return {event.complaint_id for event in events if event.complaint_id}


class RankingBoard:
    def __init__(self, sessions: sessionmaker[Session], socketio: SocketIO | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.sessions = sessions
        self.socketio = socketio
        self.clock = clock
        self.version = 0
        self._ledger: Ledger | None = None
        self._built_at = 0.0
        self._lock = threading.Lock()  # the ledger in place and the cache
        self._build_lock = threading.Lock()  # one rebuild at a time
        self._pending: set[int] = set()
        self._pending_lock = threading.Lock()  # the ids below
        self._during_build: set[int] | None = None  # ids applied while a rebuild reads the store
        self._cache: dict[tuple[Level, str], list[Standing]] = {}

    def notice(self, events: list[Event]) -> None:
        """Publisher listener: remember which complaints changed; cheap, it runs in the request."""
        self.changed(changed_ids(events))

    def changed(self, ids: set[int]) -> None:
        """Remember complaints whose stints changed, from this process or (live/ranking_share.py) another."""
        if ids:
            with self._pending_lock:
                self._pending |= ids

    def standings(self, level: Level, window: str) -> list[Standing]:
        """The current ranking of one level in one window, with every change noticed so far."""
        self.refresh()
        with self._lock:
            key = (level, window)
            if key not in self._cache:
                assert self._ledger is not None
                self._cache[key] = self._ledger.standings(level, window)
            return self._cache[key]

    def rebuild(self) -> float:
        """Read every stint the windows need into a fresh ledger and put it in place; the seconds it
        took. Screens keep reading the old ledger meanwhile; changes applied during the build are
        applied again to the new one, which may have read them or not."""
        started = time.perf_counter()
        with self._build_lock:
            with self._pending_lock:
                self._during_build = set()
            now = self.clock()
            since = now.astimezone(WIB).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=HORIZON_DAYS)
            with self.sessions() as session:
                ledger = Ledger.build(stints.table_since(session, since), now)
            with self._lock:
                with self._pending_lock:
                    again, self._during_build = self._during_build or set(), None
                self._apply(ledger, again)
                self._ledger = ledger
                self._built_at = time.monotonic()
                self._cache.clear()
                self.version += 1
        return time.perf_counter() - started

    def apply_pending(self) -> int:
        """Bring the ledger up to date with the complaints changed since the last call; how many."""
        with self._pending_lock:
            ids, self._pending = self._pending, set()
            if self._during_build is not None:
                self._during_build |= ids
        if not ids or self._ledger is None:
            return 0
        with self._lock:
            self._apply(self._ledger, ids)
            self._cache.clear()
            self.version += 1
        return len(ids)

    def _apply(self, ledger: Ledger, ids: set[int]) -> None:
        if not ids:
            return
        now = self.clock()
        with self.sessions() as session:
            current = stints.of_complaints(session, sorted(ids))
        for complaint_id, held in current.items():
            ledger.replace(complaint_id, held, now)

    def refresh(self) -> bool:
        """Rebuild when due (first use, a new WIB day, REBUILD_SECONDS old), then apply the changes
        noticed since; whether the ranking may have moved. A board without a task of its own (a
        `pantau serve` web process) does this when a screen reads it."""
        ledger = self._ledger
        stale = time.monotonic() - self._built_at > REBUILD_SECONDS
        rebuilt = ledger is None or stale or self.clock().astimezone(WIB).date() != ledger.today
        if rebuilt:
            self.rebuild()
        return bool(self.apply_pending()) or rebuilt

    def tick(self) -> None:
        """One round of the board's task: bring it up to date and signal screens if it moved."""
        if self.refresh():
            self._signal()

    def run(self, stop: threading.Event | None = None, every_s: float = 0.25) -> None:
        """Tick every `every_s` seconds until `stop` (live/every.py: a failed round is retried)."""
        every(every_s, metrics.timed_round("ranking", self.tick), stop=stop, failed="Peringkat gagal diperbarui")

    def _signal(self) -> None:
        if self.socketio is not None:
            self.socketio.emit(RANKING_CHANGED, {"version": self.version, "at": self.clock().isoformat()}, to=CITY)
