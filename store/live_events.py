"""The live event log: append what was published, read back what a reconnecting screen missed.

Rooms are the names of crm/rooms.py; an event belongs to `city`, to its kota and to its SKPD.
What is read back is what the public may see now: an event about a complaint moderated since it
was logged is replayed as crm.events.as_now makes it (hidden, or with the edited text).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from crm.events import Event, as_now
from crm.rooms import parse_room
from store.inserts import insert_with_ids
from store.models import ComplaintRow, LiveEventRow


def append_many(session: Session, events: list[Event]) -> list[Event]:
    """Log events inside the caller's transaction, in one multi-row insert; the events with their
    ids, ascending, in order.

    A bulk insert (store/inserts.py) rather than the unit of work: the intake logs a group's events
    on every commit, and tracking objects it never reads again cost more than storing them."""
    if not events:
        return []
    rows = [{"name": e.name, "payload": e.payload, "kode_kota": e.kode_kota, "skpd": e.skpd} for e in events]
    ids = insert_with_ids(session, LiveEventRow.__table__, rows)
    return [event.logged(event_id) for event, event_id in zip(events, ids)]


def since(session: Session, *, after_id: int, rooms: list[str], limit: int = 1000) -> list[Event]:
    """Events with id > after_id in any of `rooms`, oldest first, each once, at most `limit`.

    Raises crm.rooms.InvalidRoom for a room name that is not city, kota:<code> or skpd:<code>.
    """
    query = (
        select(LiveEventRow.id, LiveEventRow.name, LiveEventRow.payload, LiveEventRow.kode_kota, LiveEventRow.skpd)
        .where(LiveEventRow.id > after_id, _in_rooms(rooms))
        .order_by(LiveEventRow.id)
        .limit(limit)
    )
    events = [Event(name, payload, kode_kota=kota, skpd=skpd, id=event_id)
              for event_id, name, payload, kota, skpd in session.execute(query)]
    return _as_now(session, events)


def _as_now(session: Session, events: list[Event]) -> list[Event]:
    """The events with those about moderated complaints (hidden or edited now) brought up to date:
    one query by primary key for the few that are."""
    about = {event.complaint_id for event in events} - {None}
    if not about:
        return events
    moderated = {row.id: row for row in session.execute(
        select(ComplaintRow.id, ComplaintRow.public_hidden, ComplaintRow.public_text)
        .where(ComplaintRow.id.in_(about), or_(ComplaintRow.public_hidden, ComplaintRow.public_edit.is_not(None))))}
    shown = []
    for event in events:
        row = moderated.get(event.complaint_id or 0)
        shown.append(event if row is None else as_now(event, hidden=row.public_hidden, text=row.public_text))
    return shown


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
