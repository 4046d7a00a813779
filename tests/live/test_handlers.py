"""Screens in rooms, in-process (socketio.test_client): who receives what, once, and catch-up."""
from __future__ import annotations

from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from app import Pantau
from crm.events import Event
from live.handlers import MAX_ROOMS, REPLAY_LIMIT
from store import live_events
from tests.live.places import ANCOL, MELAWAI, Post


def screen(pantau: Pantau) -> SocketIOTestClient:
    return pantau.socketio.test_client(pantau.dash.server)


def subscribe(client: SocketIOTestClient, rooms: Any, last_event_id: Any = None) -> Any:
    """Send subscribe and return the server's acknowledgement."""
    return client.emit("subscribe", {"rooms": rooms, "last_event_id": last_event_id}, callback=True)


def received(client: SocketIOTestClient, name: str = "complaint_routed") -> list[dict[str, Any]]:
    return [event["args"][0] for event in client.get_received() if event["name"] == name]


def test_a_new_screen_watches_the_whole_city(pantau: Pantau, post: Post):
    city = screen(pantau)
    sent = [post(ANCOL), post(MELAWAI)]
    assert [event["id"] for event in received(city)] == [c["id"] for c in sent]


def test_a_kota_screen_gets_its_kota_only(pantau: Pantau, post: Post):
    utara = screen(pantau)
    assert subscribe(utara, ["kota:31.72"]) == {"rooms": ["kota:31.72"], "replayed": 0}
    ancol = post(ANCOL)
    post(MELAWAI)
    events = received(utara)
    assert [(e["id"], e["kode_kota"], e["kelurahan"]) for e in events] == [(ancol["id"], "31.72", "Ancol")]


def test_an_skpd_screen_gets_its_unit_only(pantau: Pantau, post: Post):
    melawai = post(MELAWAI)
    unit = screen(pantau)
    subscribe(unit, [f"skpd:{melawai['skpd']}"])
    post(ANCOL)
    again = post(MELAWAI)
    assert [e["id"] for e in received(unit)] == [again["id"]]


def test_a_screen_in_several_matching_rooms_gets_each_event_once(pantau: Pantau, post: Post):
    first = post(ANCOL)
    everywhere = screen(pantau)
    rooms = ["city", "kota:31.72", f"skpd:{first['skpd']}", "kota:31.72"]
    assert subscribe(everywhere, rooms)["rooms"] == ["city", "kota:31.72", f"skpd:{first['skpd']}"]
    second = post(ANCOL)
    assert [e["id"] for e in received(everywhere)] == [second["id"]]


def test_events_carry_increasing_ids_and_no_contact(pantau: Pantau, post: Post):
    city = screen(pantau)
    for place in (ANCOL, MELAWAI, ANCOL):
        post(place)
    events = received(city)
    ids = [e["event_id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all("reporter_contact" not in e and "0812000111" not in repr(e) for e in events)


@pytest.mark.parametrize(("message", "complaint"), [
    ({"rooms": ["kota:Jakarta Utara"]}, "kota:<kode_kota>"),
    ({"rooms": ["kota:31.99"]}, "unknown kode_kota"),
    ({"rooms": ["city", "kelurahan:31.72.05.1003"]}, "unknown shape"),
    ({"rooms": "city"}, "rooms must be a list"),
    ({"rooms": []}, "rooms must be a list"),
    ({"rooms": ["city"] * (MAX_ROOMS + 1)}, "rooms must be a list"),
    ({"rooms": ["city"], "last_event_id": "7"}, "last_event_id must be an integer"),
    ({"rooms": ["city"], "last_event_id": -1}, "last_event_id must be an integer"),
    ({"rooms": ["city"], "last_event_id": True}, "last_event_id must be an integer"),
    ({"rooms": ["city"], "last_event_id": 2**63}, "last_event_id must be an integer"),  # past BIGINT
    (["city"], "send an object"),
])
def test_a_bad_subscribe_gets_an_error_and_changes_nothing(pantau: Pantau, post: Post, message, complaint):
    client = screen(pantau)
    subscribe(client, ["kota:31.72"])
    ack = client.emit("subscribe", message, callback=True)
    errors = received(client, "error")
    assert len(errors) == 1 and errors[0]["event"] == "subscribe" and complaint in errors[0]["message"]
    assert ack == {"error": errors[0]["message"]}
    post(MELAWAI)  # still only in kota:31.72, not moved to the city nor anywhere else
    ancol = post(ANCOL)
    assert [e["id"] for e in received(client)] == [ancol["id"]]


def test_a_reconnecting_screen_gets_exactly_what_it_missed_in_order(pantau: Pantau, post: Post):
    before = screen(pantau)
    subscribe(before, ["kota:31.72"])
    post(ANCOL)
    last_seen = received(before)[-1]["event_id"]
    before.disconnect()

    missed = [post(ANCOL), post(MELAWAI), post(ANCOL)]  # the Jakarta Selatan one is not its business

    after = screen(pantau)
    assert subscribe(after, ["kota:31.72"], last_seen) == {"rooms": ["kota:31.72"], "replayed": 2}
    live = post(ANCOL)
    events = received(after)
    assert [e["id"] for e in events] == [missed[0]["id"], missed[2]["id"], live["id"]]
    assert [e["event_id"] for e in events] == sorted(e["event_id"] for e in events)
    assert all(e["event_id"] > last_seen for e in events)
    assert "0812000111" not in repr(events)


def test_a_screen_reconnecting_with_its_rooms_in_the_connect_gets_the_missed_then_the_live(pantau: Pantau, post: Post):
    before = screen(pantau)
    subscribe(before, ["kota:31.72"])
    post(ANCOL)
    last_seen = received(before)[-1]["event_id"]
    before.disconnect()
    missed = [post(ANCOL), post(MELAWAI), post(ANCOL)]

    after = pantau.socketio.test_client(pantau.dash.server, auth={"rooms": ["kota:31.72"], "last_event_id": last_seen})
    assert after.is_connected()
    live = [post(ANCOL), post(MELAWAI)]
    events = received(after)
    assert [e["id"] for e in events] == [missed[0]["id"], missed[2]["id"], live[0]["id"]]  # not city: its room
    assert [e["event_id"] for e in events] == sorted({e["event_id"] for e in events})


@pytest.mark.parametrize("auth", [{"rooms": "city"}, {"rooms": ["jakarta"]}, {"rooms": ["city"], "last_event_id": -1}])
def test_a_connect_naming_bad_rooms_is_refused(pantau: Pantau, auth):
    assert not pantau.socketio.test_client(pantau.dash.server, auth=auth).is_connected()
    assert pantau.socketio.test_client(pantau.dash.server, auth={"rooms": ["city"]}).is_connected()


def test_catch_up_from_the_newest_id_replays_nothing(pantau: Pantau, post: Post):
    city = screen(pantau)
    post(ANCOL)
    newest = received(city)[-1]["event_id"]
    assert subscribe(city, ["city"], newest)["replayed"] == 0
    assert received(city) == []


def test_too_much_missed_asks_for_a_fresh_snapshot(pantau: Pantau):
    with pantau.sessions.begin() as session:
        logged = live_events.append_many(session, [Event("complaint_routed", {"n": n}, kode_kota="31.72", skpd="DLH-JU")
                                                   for n in range(REPLAY_LIMIT + 1)])
    newest = logged[-1].id
    client = screen(pantau)
    assert subscribe(client, ["kota:31.72"], 0) == {"rooms": ["kota:31.72"], "replayed": 0}
    events = client.get_received()
    assert [e["name"] for e in events] == ["resync"]
    assert events[0]["args"][0]["last_event_id"] == newest
    assert str(REPLAY_LIMIT) in events[0]["args"][0]["message"]
