"""Publish domain events to Socket.IO clients; with Redis, to clients of every process."""
from __future__ import annotations

from flask_socketio import SocketIO

from crm.complaint import Complaint
from crm.events import COMPLAINT_ROUTED, public_complaint


def make_socketio(server=None, *, redis_url: str | None = None) -> SocketIO:
    """threading is named on purpose: with eventlet installed an unnamed mode silently picks it.

    Without a server this is a write-only emitter, for an ingest worker that imports no Dash.
    """
    return SocketIO(server, async_mode="threading", message_queue=redis_url, cors_allowed_origins=[])


class Publisher:
    """Announce stored complaints: the intake's last step."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def complaint_routed(self, complaint: Complaint) -> None:
        self.socketio.emit(COMPLAINT_ROUTED, public_complaint(complaint))
