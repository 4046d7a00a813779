"""A real python-socketio client over WebSocket against `python app.py`: rooms, errors, catch-up."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
import socketio

from tests.live.places import ANCOL, MELAWAI, Place
from tests.processes import Server, next_event

pytestmark = pytest.mark.slow


def post(server: Server, place: Place) -> dict[str, Any]:
    url, key = server.url, server.key
    lon, lat, category = place
    body = {"channel": "website", "external_id": uuid.uuid4().hex, "text": "Laporan warga",
            "category": category, "lon": lon, "lat": lat}
    response = requests.post(f"{url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"},
                             timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


@contextmanager
def screen(url: str) -> Iterator[socketio.SimpleClient]:
    client = socketio.SimpleClient()
    client.connect(url, transports=["websocket"])
    try:
        yield client
    finally:
        client.disconnect()


def nothing_more(client: socketio.SimpleClient) -> bool:
    try:
        next_event(client, timeout=0.5)
    except socketio.exceptions.TimeoutError:
        return True
    return False


def test_a_kota_screen_gets_its_kota_only(server):
    with screen(server.url) as client:
        assert client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5) == {
            "rooms": ["kota:31.72"], "replayed": 0}
        post(server, MELAWAI)
        ancol = post(server, ANCOL)
        name, event = next_event(client)
        assert (name, event["id"], event["kode_kota"]) == ("complaint_routed", ancol["id"], "31.72")
        assert isinstance(event["event_id"], int)
        assert nothing_more(client)


def test_a_bad_room_gets_an_error_event(server):
    with screen(server.url) as client:
        ack = client.call("subscribe", {"rooms": ["jakarta-utara"]}, timeout=5)
        name, error = next_event(client)
        assert name == "error" and "kota:<kode_kota>" in error["message"] and ack == {"error": error["message"]}


def test_reconnecting_catches_up_over_the_wire(server):
    with screen(server.url) as client:
        client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5)
        post(server, ANCOL)
        _, seen = next_event(client)
    missed = [post(server, ANCOL), post(server, MELAWAI), post(server, ANCOL)]
    with screen(server.url) as client:
        subscription = {"rooms": ["kota:31.72"], "last_event_id": seen["event_id"]}
        assert client.call("subscribe", subscription, timeout=5)["replayed"] == 2
        replayed = [next_event(client) for _ in range(2)]
        assert [(name, event["id"]) for name, event in replayed] == [
            ("complaint_routed", missed[0]["id"]), ("complaint_routed", missed[2]["id"])]
        assert replayed[0][1]["event_id"] < replayed[1][1]["event_id"]
        assert nothing_more(client)


def test_a_screen_reconnecting_while_reports_keep_arriving_gets_each_event_once_in_order(server):
    """Reports keep arriving from another thread while the screen drops and reconnects three times,
    naming its room and the last event it saw in the connect (as assets/live.js does): across the
    four connections it receives every event of its room after the first, each once, in id order."""
    import threading
    import time

    posted: list[dict[str, Any]] = []
    stop = threading.Event()

    def keep_posting() -> None:
        while not stop.is_set():
            posted.append(post(server, ANCOL))
            time.sleep(0.02)

    with screen(server.url) as client:
        client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5)
        first = post(server, ANCOL)
        _, seen = next_event(client)
        assert seen["id"] == first["id"]
    poster = threading.Thread(target=keep_posting)
    poster.start()
    events = [seen]
    try:
        for _ in range(3):
            client = socketio.SimpleClient()
            client.connect(server.url, transports=["websocket"],
                           auth={"rooms": ["kota:31.72"], "last_event_id": events[-1]["event_id"]})
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                try:
                    name, event = next_event(client, timeout=0.3)
                except socketio.exceptions.TimeoutError:
                    continue
                assert name == "complaint_routed"
                events.append(event)
            client.disconnect()
    finally:
        stop.set()
        poster.join()
    with screen(server.url) as client:  # catch up on the rest, then nothing more
        client.call("subscribe", {"rooms": ["kota:31.72"], "last_event_id": events[-1]["event_id"]}, timeout=5)
        while True:
            try:
                events.append(next_event(client, timeout=1)[1])
            except socketio.exceptions.TimeoutError:
                break
    ids = [e["event_id"] for e in events]
    assert ids == sorted(set(ids))  # none twice, none out of order
    assert [e["id"] for e in events] == [first["id"]] + [p["id"] for p in posted]  # and none missing
    assert len(posted) >= 30
