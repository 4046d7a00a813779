"""Publish domain events to Socket.IO clients; with Redis, to clients of every process.

Each event is appended to the store's event log, whose id is the event id screens see, in the
same transaction as the change it announces (Publisher.outbox), then emitted once to its rooms
(crm/rooms.py). A lock per process keeps append, commit and emit together, and a screen's
subscribe holds the same lock while it switches rooms and replays the log, so a screen catching
up from this process gets each event once and in id order.
Known limit: on PostgreSQL, two processes may commit ids out of order (11 before 10), so a
catch-up read between the two commits skips 10; live delivery of 10 is unaffected.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO

from crm.complaint import Complaint
from crm.events import COMPLAINT_ROUTED, SLA_BREACHED, STATUS_CHANGED, public_complaint
from crm.rooms import rooms_of
from store import live_events
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
    """Announce stored complaints: the intake's last step, in the web process or a worker."""

    def __init__(self, socketio: SocketIO, sessions: sessionmaker[Session]) -> None:
        self.socketio = socketio
        self.sessions = sessions
        self._order = threading.Lock()
        self._listeners: list[Callable[[list[tuple[int, str, dict[str, Any], list[str]]]], None]] = []

    def listen(self, listener: Callable[[list[tuple[int, str, dict[str, Any], list[str]]]], None]) -> None:
        """Also hand every emitted batch (event id, name, payload, rooms) to `listener`, in this
        process, after the commit: the live ranking hears of changes this way. Keep it quick."""
        self._listeners.append(listener)

    @contextmanager
    def outbox(self) -> Iterator[Outbox]:
        """Events logged through the outbox join the caller's transaction (the transactional
        outbox): a complaint and its event commit together or not at all. They are emitted, in id
        order, when the block ends without error, which is after the caller's commit.
        """
        with self._order:
            box = Outbox()
            yield box
            committed = time.perf_counter()  # the caller's block ended: its transaction committed
            for event_id, name, payload, rooms in box.logged:
                self.socketio.emit(name, {**payload, "event_id": event_id}, to=rooms)
                metrics.EMIT_LAG.observe(time.perf_counter() - committed)
            for listener in self._listeners:
                listener(box.logged)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Nothing is published from this process inside: a screen switches rooms and replays."""
        with self._order:
            yield


class Outbox:
    """The events of one transaction, logged in the store and waiting to be emitted."""

    def __init__(self) -> None:
        self.logged: list[tuple[int, str, dict[str, Any], list[str]]] = []

    def complaints_routed(self, session: Session, complaints: Sequence[Complaint]) -> None:
        """Log one complaint_routed event per newly stored complaint (one insert for a batch)."""
        self.log(session, COMPLAINT_ROUTED, complaints)

    def status_changed(self, session: Session, complaint: Complaint) -> None:
        """Log the status_changed event of a follow-up step, to the rooms of the unit now holding it."""
        self.log(session, STATUS_CHANGED, [complaint])

    def sla_breached(self, session: Session, complaint: Complaint, breach: str) -> None:
        """Log the sla_breached event of one passed deadline (`breach`: crm.breaches.FIRST_ACTION or
        COMPLETION) to the rooms of the unit holding the complaint, whose head it is escalated to."""
        payload = public_complaint(complaint) | {"breach": breach}
        self.log_event(session, SLA_BREACHED, payload, kode_kota=payload["kode_kota"], skpd=payload["skpd"])

    def log_event(self, session: Session, name: str, payload: dict[str, Any], *, kode_kota: str | None,
                  skpd: str | None) -> None:
        """Log one event whose payload is more than a complaint, inside the caller's transaction."""
        [event_id] = live_events.append_many(session, [(name, payload, kode_kota, skpd)])
        self.logged.append((event_id, name, payload, rooms_of(kode_kota=kode_kota, skpd=skpd)))

    def log(self, session: Session, name: str, complaints: Sequence[Complaint]) -> None:
        """Log one `name` event per complaint inside the caller's transaction, in one insert.

        `rooms_of`: python-socketio merges the rooms' members, so a client in several of them
        receives the event once (socketio.base_manager.get_participants), here and through Redis.
        """
        events = []
        for complaint in complaints:
            payload = public_complaint(complaint)
            events.append((name, payload, payload["kode_kota"], payload["skpd"]))
        ids = live_events.append_many(session, events)
        self.logged += [(event_id, name, payload, rooms_of(kode_kota=kota, skpd=skpd))
                        for event_id, (name, payload, kota, skpd) in zip(ids, events)]
