"""The live event log: append what was published, read back what a reconnecting screen missed.

Rooms are the names of crm/rooms.py; an event belongs to `city`, to its kota and to its SKPD.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, insert, or_, select, true
from sqlalchemy.orm import Session

from crm.rooms import parse_room
from store.models import LiveEventRow

Event = tuple[int, str, dict[str, Any]]  # (event id, event name, payload)


def append(
    session: Session, *, name: str, payload: dict[str, Any], kode_kota: str | None, skpd: str | None
) -> int:
    """Log one event inside the caller's transaction; returns its id, larger than any before it."""
    row = LiveEventRow(name=name, payload=payload, kode_kota=kode_kota, skpd=skpd)
    session.add(row)
    session.flush()
    return row.id


def append_many(session: Session, events: list[tuple[str, dict[str, Any], str | None, str | None]]) -> list[int]:
    """Log (name, payload, kode_kota, skpd) events in one multi-row insert; their ids, ascending, in order.

    A bulk INSERT ... RETURNING rather than the unit of work: the intake logs a group's events on
    every commit, and tracking objects it never reads again cost more than storing them."""
    if not events:
        return []
    rows = [{"name": name, "payload": payload, "kode_kota": kota, "skpd": skpd} for name, payload, kota, skpd in events]
    return list(session.scalars(insert(LiveEventRow).returning(LiveEventRow.id, sort_by_parameter_order=True), rows))


def since(session: Session, *, after_id: int, rooms: list[str], limit: int = 1000) -> list[Event]:
    """Events with id > after_id in any of `rooms`, oldest first, each once, at most `limit`.

    Raises crm.rooms.InvalidRoom for a room name that is not city, kota:<code> or skpd:<code>.
    """
    query = (
        select(LiveEventRow.id, LiveEventRow.name, LiveEventRow.payload)
        .where(LiveEventRow.id > after_id, _in_rooms(rooms))
        .order_by(LiveEventRow.id)
        .limit(limit)
    )
    return [(event_id, name, payload) for event_id, name, payload in session.execute(query)]


def latest_id(session: Session) -> int:
    """The newest event id, 0 before the first event."""
    return session.scalar(select(func.max(LiveEventRow.id))) or 0


def _in_rooms(rooms: list[str]) -> ColumnElement[bool]:
    parsed = [parse_room(room) for room in rooms]
    if any(kind == "city" for kind, _ in parsed):
        return true()
    kotas = [code for kind, code in parsed if kind == "kota"]
    skpds = [code for kind, code in parsed if kind == "skpd"]
    return or_(LiveEventRow.kode_kota.in_(kotas), LiveEventRow.skpd.in_(skpds))
