"""Publish committed events to Socket.IO clients; with Redis, to clients of every process.

Each event (crm.events.Event) is appended to the store's event log, whose id is the event id screens
see, in the same transaction as the change it announces (services/unit_of_work.py), then emitted
once to its rooms. A lock per process keeps append, commit and emit together, and a screen's
subscribe holds the same lock while it switches rooms and replays, so a screen catching up from
this process gets each event once and in id order.
Known limit: on PostgreSQL, two processes may commit ids out of order (11 before 10), so a
catch-up read between the two commits skips 10; live delivery of 10 is unaffected.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask_socketio import SocketIO

from crm.events import Event
from web import metrics

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session, sessionmaker


def make_socketio(server: Flask | None = None, *, redis_url: str | None = None, channel: str) -> SocketIO:
    """threading is named on purpose: with eventlet installed an unnamed mode silently picks it.

    Without a server but with a Redis URL this is a write-only emitter, for an ingest worker that
    imports no Dash. `channel` is the Redis pub/sub channel: processes sharing it share events.
    """
    return SocketIO(server, async_mode="threading", message_queue=redis_url, channel=channel,
                    cors_allowed_origins=None)  # same origin only: [] would switch the check off


class Publisher:
    """Announce committed events: the last step of every unit of work, in the web process or a worker."""

    def __init__(self, socketio: SocketIO, sessions: sessionmaker[Session]) -> None:
        self.socketio = socketio
        self.sessions = sessions
        self._order = threading.Lock()
        self._listeners: list[Callable[[list[Event]], None]] = []

    def listen(self, listener: Callable[[list[Event]], None]) -> None:
        """Also hand every emitted batch of events to `listener`, in this process, after the commit:
        the live ranking hears of changes this way. Keep it quick."""
        self._listeners.append(listener)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Nothing is published from this process inside: a unit of work appends, commits and emits,
        or a screen switches rooms and replays."""
        with self._order:
            yield

    def emit(self, events: list[Event]) -> None:
        """Send just-committed events (with their ids) to their rooms in id order, then to the
        listeners; called holding `held()`. python-socketio merges the rooms' members, so a client
        in several of them receives an event once, here and through Redis."""
        committed = time.perf_counter()
        for event in events:
            self.socketio.emit(event.name, event.message(), to=event.rooms)
            metrics.EMIT_LAG.observe(time.perf_counter() - committed)
        for listener in self._listeners:
            listener(events)
