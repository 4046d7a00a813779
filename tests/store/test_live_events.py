"""The live event log on both databases: ids only grow, catch-up reads filter by room."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.events import Event
from crm.rooms import InvalidRoom
from store import live_events
from store.models import LiveEventRow

# (kode_kota, skpd) of five events, in publishing order
PLACES = [
    ("31.72", "BINAMARGA-JU"),
    ("31.74", "BINAMARGA-JS"),
    ("31.72", "DLH-JU"),
    (None, "BIROPEM"),
    ("31.74", "DLH-JS"),
]


@pytest.fixture
def ids(session: Session) -> list[int]:
    appended = live_events.append_many(session, [
        Event("complaint_routed", {"n": n, "kota": kota}, kode_kota=kota, skpd=skpd)
        for n, (kota, skpd) in enumerate(PLACES)
    ])
    session.commit()
    return [event.id for event in appended]


def numbers(events: list[Event]) -> list[int]:
    return [event.payload["n"] for event in events]


def test_ids_increase_and_payload_round_trips(session: Session, ids: list[int]) -> None:
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    payload = {"text": "Banjir setinggi lutut — Kelurahan Kapuk", "lon": 106.74, "history": [{"a": None}]}
    [new] = live_events.append_many(session, [Event("complaint_routed", payload)])
    session.commit()
    assert new.id > ids[-1] and live_events.latest_id(session) == new.id
    assert live_events.since(session, after_id=ids[-1], rooms=["city"]) == [Event("complaint_routed", payload, id=new.id)]


def test_an_event_keeps_its_rooms(session: Session, ids: list[int]) -> None:
    """A replayed event carries the kota and SKPD it was logged with, so it names the same rooms."""
    replayed = live_events.since(session, after_id=0, rooms=["city"])
    assert [event.rooms for event in replayed[:2]] == [["city", "kota:31.72", "skpd:BINAMARGA-JU"],
                                                        ["city", "kota:31.74", "skpd:BINAMARGA-JS"]]
    assert replayed[3].rooms == ["city", "skpd:BIROPEM"]


def test_created_at_is_aware_utc(session: Session, ids: list[int]) -> None:
    created = session.scalar(select(LiveEventRow.created_at).where(LiveEventRow.id == ids[0]))
    assert created.utcoffset() == timedelta(0)
    assert abs(created - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_city_holds_every_event_in_order(session: Session, ids: list[int]) -> None:
    events = live_events.since(session, after_id=0, rooms=["city"])
    assert [event.id for event in events] == ids
    assert numbers(events) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("rooms", "expected"), [
    (["kota:31.72"], [0, 2]),
    (["skpd:BIROPEM"], [3]),
    (["kota:31.74", "skpd:DLH-JU"], [1, 2, 4]),
    (["kota:31.72", "skpd:DLH-JU", "skpd:BINAMARGA-JU"], [0, 2]),  # in several rooms: once each
    (["kota:31.72", "city"], [0, 1, 2, 3, 4]),
    (["kota:31.01"], []),
])
def test_rooms_narrow_the_events(session: Session, ids: list[int], rooms: list[str], expected: list[int]) -> None:
    assert numbers(live_events.since(session, after_id=0, rooms=rooms)) == expected


def test_after_id_and_limit(session: Session, ids: list[int]) -> None:
    assert numbers(live_events.since(session, after_id=ids[1], rooms=["city"])) == [2, 3, 4]
    assert numbers(live_events.since(session, after_id=ids[1], rooms=["city"], limit=2)) == [2, 3]
    assert live_events.since(session, after_id=ids[-1], rooms=["city"]) == []


def test_an_unknown_room_is_refused(session: Session, ids: list[int]) -> None:
    with pytest.raises(InvalidRoom, match="kota:<kode_kota>"):
        live_events.since(session, after_id=0, rooms=["kelurahan:31.71.01.1001"])


def test_empty_log(session: Session) -> None:
    assert live_events.latest_id(session) == 0
    assert live_events.since(session, after_id=0, rooms=["city"]) == []
