"""Publish domain events to Socket.IO clients; with Redis, to clients of every process.

Each event is first appended to the store's event log, whose id is the event id screens see
(a batch of complaints in one short transaction, after the complaints' own commit), then emitted
once to its rooms (crm/rooms.py). A lock per process keeps append and emit
together, and a screen's subscribe holds the same lock while it switches rooms and replays the
log, so a screen catching up from this process gets each event once and in id order.
Known limit: on PostgreSQL, two processes may commit ids out of order (11 before 10), so a
catch-up read between the two commits skips 10; live delivery of 10 is unaffected.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask_socketio import SocketIO

from crm.complaint import Complaint
from crm.events import COMPLAINT_ROUTED, public_complaint
from crm.rooms import rooms_of
from store import live_events

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session, sessionmaker


def make_socketio(server: Flask | None = None, *, redis_url: str | None = None, channel: str) -> SocketIO:
    """threading is named on purpose: with eventlet installed an unnamed mode silently picks it.

    Without a server but with a Redis URL this is a write-only emitter, for an ingest worker that
    imports no Dash. `channel` is the Redis pub/sub channel: processes sharing it share events.
    """
    return SocketIO(server, async_mode="threading", message_queue=redis_url, channel=channel,
                    cors_allowed_origins=[])


class Publisher:
    """Announce stored complaints: the intake's last step, in the web process or a worker."""

    def __init__(self, socketio: SocketIO, sessions: sessionmaker[Session]) -> None:
        self.socketio = socketio
        self.sessions = sessions
        self._order = threading.Lock()

    def complaints_routed(self, complaints: Sequence[Complaint]) -> None:
        """Announce newly stored complaints, in order; a batch is logged in one transaction."""
        events = []
        for complaint in complaints:
            payload = public_complaint(complaint)
            events.append((COMPLAINT_ROUTED, payload, payload["kode_kota"], payload["skpd"]))
        self.publish(events)

    def publish(self, events: Sequence[tuple[str, dict[str, Any], str | None, str | None]]) -> list[int]:
        """Log (name, payload, kode_kota, skpd) events in one short transaction, then emit each.

        `to=[rooms]`: python-socketio merges the rooms' members, so a client in several of them
        receives the event once (socketio.base_manager.get_participants), here and through Redis.
        """
        if not events:
            return []
        with self._order:
            with self.sessions.begin() as session:
                ids = [live_events.append(session, name=name, payload=payload, kode_kota=kota, skpd=skpd)
                       for name, payload, kota, skpd in events]
            for event_id, (name, payload, kota, skpd) in zip(ids, events):
                self.socketio.emit(name, {**payload, "event_id": event_id}, to=rooms_of(kode_kota=kota, skpd=skpd))
        return ids

    @contextmanager
    def held(self) -> Iterator[None]:
        """Nothing is published from this process inside: a screen switches rooms and replays."""
        with self._order:
            yield
