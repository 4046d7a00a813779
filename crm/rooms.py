"""Who sees an event: the rooms a screen subscribes to, named once for live/ and store/.

`city` holds every event; `kota:<kode_kota>` (e.g. `kota:31.71`) the events located in that kota;
`skpd:<code>` (e.g. `skpd:BINAMARGA-JU`) the events routed to that unit. live/ joins and emits
with these names; the store filters its event log by them when a screen catches up.
"""
from __future__ import annotations

import re
from typing import Literal

from crm.skpd import WILAYAH

CITY = "city"
RoomKind = Literal["city", "kota", "skpd"]

_SKPD_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]*")


class InvalidRoom(ValueError):
    """A room name no event is ever sent to: refused rather than silently never filled."""

    def __init__(self, room: object, reason: str) -> None:
        self.room = room
        super().__init__(
            f"ruang tidak sah {room!r}: {reason} / invalid room {room!r}: use 'city', "
            "'kota:<kode_kota>' (e.g. kota:31.71) or 'skpd:<code>' (e.g. skpd:BINAMARGA-JU)"
        )


def rooms_of(*, kode_kota: str | None, skpd: str | None) -> list[str]:
    """The rooms an event goes to: the city, plus its kota and SKPD when known."""
    rooms = [CITY]
    if kode_kota:
        rooms.append(f"kota:{kode_kota}")
    if skpd:
        rooms.append(f"skpd:{skpd}")
    return rooms


def parse_room(room: object) -> tuple[RoomKind, str | None]:
    """`"kota:31.72"` -> `("kota", "31.72")`; raises InvalidRoom for any other shape."""
    if room == CITY:
        return "city", None
    if not isinstance(room, str):
        raise InvalidRoom(room, "not a string")
    kind, sep, code = room.partition(":")
    if kind == "kota" and sep:
        if code not in WILAYAH:
            raise InvalidRoom(room, f"unknown kode_kota; known: {', '.join(sorted(WILAYAH))}")
        return "kota", code
    if kind == "skpd" and sep:
        if not _SKPD_CODE.fullmatch(code):
            raise InvalidRoom(room, "an SKPD code is upper-case letters, digits and '-'")
        return "skpd", code
    raise InvalidRoom(room, "unknown shape")
