"""Socket.IO handlers for screens: a screen names its rooms and what it last saw when it connects
(or starts in `city`); `subscribe` changes rooms later and catches up.

Client -> server:
    connect auth {"rooms": [...], "last_event_id": 41}   (auth left out or empty: the screen starts in `city`)
    subscribe {"rooms": ["kota:31.72", "skpd:BINAMARGA-JU"], "last_event_id": 41}   (or null)
The screen's rooms become exactly those (names in crm/rooms.py). With a last_event_id, every
logged event with a larger id in those rooms is sent first, oldest first, each carrying its
`event_id`; live events follow. The acknowledgement of a subscribe is {"rooms": [...], "replayed": n};
a connect whose auth is refused gets a connect_error with the reason.

A reconnecting screen catches up in its connect: it is in no room until its replay is sent, so
events published by this process reach it exactly once and in id order, even while reports keep
arriving. (A `subscribe` after a plain connect cannot promise that: the screen was already in
`city`.) One published by another process (through Redis) while the screen connects may arrive
both replayed and live, so screens skip an event_id they have already seen.

Server -> client, besides the events themselves:
    error  {"event": "subscribe", "message": ...}   the subscribe was refused (a bad message, or the
                                                     store is down and the catch-up cannot be read);
                                                     nothing changed
    resync {"message": ..., "last_event_id": n}      more than REPLAY_LIMIT events were missed:
                                                     reload the page's snapshot, then go on from n
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import request
from flask_socketio import ConnectionRefusedError as Refused
from flask_socketio import SocketIO, emit, join_room, leave_room, rooms

from crm.rooms import CITY, InvalidRoom, parse_room
from live.publish import Publisher
from store import live_events, outage
from web import metrics
from web.params import MAX_ID  # an event id past the database's BIGINT cannot even be asked for

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

REPLAY_LIMIT = 1000  # about a normal day of complaints; beyond that a fresh snapshot is cheaper
MAX_ROOMS = 50


class InvalidSubscribe(ValueError):
    """A subscribe message the server refuses, with a sentence saying what to send instead."""


def register_handlers(socketio: SocketIO, publisher: Publisher) -> None:
    """Wire the screen handlers; `publisher` is held while a screen switches rooms and replays."""

    @socketio.on("connect")
    def connect(auth: object = None) -> None:
        if auth:
            try:
                _subscribe(publisher, *parse_subscribe(auth))
            except (InvalidSubscribe, Unreachable) as exc:
                raise Refused(str(exc)) from None
        else:
            join_room(CITY)
        metrics.SCREENS.inc()

    @socketio.on("disconnect")
    def disconnect(_reason: object = None) -> None:
        metrics.SCREENS.dec()  # only after a connect that succeeded: a refused one never connected

    @socketio.on("subscribe")
    def subscribe(message: object = None) -> dict[str, Any]:
        try:
            wanted, last_event_id = parse_subscribe(message)
        except InvalidSubscribe as exc:
            emit("error", {"event": "subscribe", "message": str(exc)})
            return {"error": str(exc)}
        try:
            replayed = _subscribe(publisher, wanted, last_event_id)
        except Unreachable as exc:
            emit("error", {"event": "subscribe", "message": str(exc)})
            return {"error": str(exc)}
        return {"rooms": wanted, "replayed": replayed}


class Unreachable(Exception):
    """The store is down, so the catch-up cannot be read; the screen's rooms are as they were."""


def _subscribe(publisher: Publisher, wanted: list[str], last_event_id: int | None) -> int:
    """Make the screen's rooms exactly `wanted` and send what it missed since `last_event_id`; the
    number replayed."""
    before = [room for room in rooms() if room != request.sid]
    try:
        with publisher.held():  # no event slips between the replay and the live stream
            _switch_rooms(wanted)
            return 0 if last_event_id is None else _replay(publisher.sessions, wanted, last_event_id)
    except Exception as exc:
        if not outage.is_outage(exc):
            raise
        _switch_rooms(before)
        raise Unreachable(outage.MESSAGE) from None


def parse_subscribe(message: object) -> tuple[list[str], int | None]:
    """{"rooms": [...], "last_event_id": int | null} -> (rooms without repeats, last_event_id)."""
    if not isinstance(message, dict):
        raise InvalidSubscribe('kirim objek {"rooms": [...], "last_event_id": n|null} / '
                               'send an object {"rooms": [...], "last_event_id": n|null}')
    wanted = message.get("rooms")
    if not isinstance(wanted, list) or not 1 <= len(wanted) <= MAX_ROOMS:
        raise InvalidSubscribe(f"rooms harus daftar 1-{MAX_ROOMS} nama ruang / "
                               f"rooms must be a list of 1 to {MAX_ROOMS} room names")
    for room in wanted:
        try:
            parse_room(room)
        except InvalidRoom as exc:
            raise InvalidSubscribe(str(exc)) from None
    last_event_id = message.get("last_event_id")
    if last_event_id is not None and (type(last_event_id) is not int or not 0 <= last_event_id <= MAX_ID):
        raise InvalidSubscribe("last_event_id harus bilangan bulat 0 sampai 2^63-1 atau null / "
                               "last_event_id must be an integer from 0 to 2^63-1 or null")
    return list(dict.fromkeys(wanted)), last_event_id


def _switch_rooms(wanted: list[str]) -> None:
    for room in set(rooms()) - {request.sid, *wanted}:  # a client's own sid is a room it keeps
        leave_room(room)
    for room in wanted:
        join_room(room)


def _replay(sessions: sessionmaker[Session], wanted: list[str], after_id: int) -> int:
    """Send the missed events in id order; returns how many, 0 when told to resync instead."""
    with sessions() as session:
        missed = live_events.since(session, after_id=after_id, rooms=wanted, limit=REPLAY_LIMIT + 1)
        if len(missed) > REPLAY_LIMIT:
            emit("resync", {"message": f"lebih dari {REPLAY_LIMIT} peristiwa terlewat: muat ulang halaman / "
                                       f"more than {REPLAY_LIMIT} events missed: reload the snapshot",
                            "last_event_id": live_events.latest_id(session)})
            return 0
    for event in missed:
        emit(event.name, event.message())
    return len(missed)
