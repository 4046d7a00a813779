"""The surge watch: a burst of flood reports in one kelurahan is announced as `surge_detected` once
per episode, to the city and its kota, on SQLite and PostGIS; and a real Socket.IO client of
`python app.py` receives it over the wire, live and after a reconnect.

The watch of the real server's test runs in the test process, announcing through Redis as an ingest
worker would, so the test holds the clock whatever the server's own watch does.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio
from flask_socketio import SocketIOTestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app import Pantau, create_app
from crm.complaint import SYSTEM_ACTOR, utc_now
from crm.intake import Report
from live.publish import Publisher, make_socketio
from live.surge_watch import run_surge_watch, watch_surges_once
from settings import Settings
from store import surges
from store.db import make_engine, make_sessionmaker
from store.models import AuditRow
from tests.processes import Server, serving

KAMPUNG_MELAYU = {"lon": 106.8630, "lat": -6.2183}  # 31.75.03.1001, Kecamatan Jatinegara, Jakarta Timur
REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
Burst = Callable[..., None]


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


@pytest.fixture
def burst(pantau: Pantau) -> Burst:
    """Store `n` reports of one category in Kampung Melayu through the intake, received at `at`."""
    serial = itertools.count(1)

    def send(n: int, at: datetime, category: str = "banjir") -> None:
        for _ in range(n):
            _, created = pantau.intake(Report(
                channel="qlue", external_id=f"Q-{next(serial)}", text="Air masuk rumah setinggi lutut",
                category=category, reported_at=at, reporter_contact="0812-rahasia", **KAMPUNG_MELAYU))
            assert created
    return send


def screen(pantau: Pantau, *rooms: str) -> SocketIOTestClient:
    client = pantau.socketio.test_client(pantau.dash.server)
    if rooms:
        client.emit("subscribe", {"rooms": list(rooms)}, callback=True)
    return client


def surges_received(client: SocketIOTestClient) -> list[dict[str, Any]]:
    return [event["args"][0] for event in client.get_received() if event["name"] == "surge_detected"]


def watch(pantau: Pantau, now: datetime) -> int:
    return watch_surges_once(pantau.sessions, pantau.publisher, now)


def test_a_flood_burst_is_announced_once_per_episode_to_the_city_and_its_kota(pantau, burst):
    start_at = utc_now() - timedelta(days=1)
    city, east, north = screen(pantau), screen(pantau, "kota:31.75"), screen(pantau, "kota:31.72")
    burst(4, start_at)
    assert watch(pantau, start_at + timedelta(minutes=1)) == 0  # four flood reports: not yet
    burst(1, start_at + timedelta(minutes=5))
    assert watch(pantau, start_at + timedelta(minutes=6)) == 1
    assert watch(pantau, start_at + timedelta(minutes=7)) == 0
    burst(9, start_at + timedelta(hours=2))  # the burst goes on, still one episode
    assert watch(pantau, start_at + timedelta(hours=2, minutes=1)) == 0

    [flood] = surges_received(city)
    assert {k: flood[k] for k in ("kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan", "kode_kota", "kota",
                                  "category", "recent", "expected", "ratio")} == {
        "kode_kelurahan": "31.75.03.1001", "kelurahan": "Kampung Melayu", "kode_kecamatan": "31.75.03",
        "kecamatan": "Jatinegara", "kode_kota": "31.75", "kota": "Jakarta Timur",
        "category": "banjir", "recent": 5, "expected": 0, "ratio": None}
    assert flood["detected_at_wib"].endswith(" WIB") and isinstance(flood["event_id"], int)
    assert "rahasia" not in repr(flood)
    assert [s["key"] for s in surges_received(east)] == [flood["key"]]
    assert surges_received(north) == []

    later = start_at + timedelta(hours=14)  # past the episode: a burst still going is announced again
    burst(6, later - timedelta(minutes=30))
    assert watch(pantau, later) == 1
    assert [s["recent"] for s in surges_received(city)] == [6]
    with pantau.sessions() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == surges.ANNOUNCED).order_by(AuditRow.id))
        assert [(r.actor, r.target, r.detail["recent"]) for r in rows] == [
            (SYSTEM_ACTOR, "31.75.03.1001:banjir", 5), (SYSTEM_ACTOR, "31.75.03.1001:banjir", 6)]


def test_other_categories_need_more_reports(pantau, burst):
    now = utc_now()
    burst(9, now - timedelta(hours=1), category="pohon")
    assert watch(pantau, now) == 0
    burst(1, now - timedelta(minutes=30), category="pohon")
    assert watch(pantau, now) == 1


def test_two_watchers_at_once_announce_an_episode_once(pantau, burst, monkeypatch):
    """As two processes would: each its own publisher, so only the database keeps them apart. Each
    watcher, having read what was announced, waits for the other to read too: unlocked, both would
    announce from the same reading; locked, the other is held until the first commits (the wait
    then gives up after a second)."""
    now = utc_now()
    burst(5, now - timedelta(minutes=10))
    city = screen(pantau)
    publishers = [Publisher(pantau.socketio, pantau.sessions) for _ in range(2)]
    read_announced = surges.announced
    readers: list[int] = []
    both_read = threading.Event()

    def announced_then_wait(session: Session, *, since: datetime) -> list[dict[str, Any]]:
        found = read_announced(session, since=since)
        readers.append(1)
        if len(readers) == 2:
            both_read.set()
        both_read.wait(timeout=1)
        return found

    monkeypatch.setattr(surges, "announced", announced_then_wait)
    announced: list[int] = []

    def round_of(publisher: Publisher) -> None:
        announced.append(watch_surges_once(pantau.sessions, publisher, now))

    threads = [threading.Thread(target=round_of, args=(p,)) for p in publishers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(announced) == [0, 1]
    assert len(surges_received(city)) == 1


def test_a_failed_round_is_logged_and_the_next_one_announces(pantau, burst, caplog):
    now = utc_now()
    burst(5, now - timedelta(minutes=10))
    city = screen(pantau)
    stop = threading.Event()
    rounds = itertools.count()

    def clock() -> datetime:
        if next(rounds) == 0:
            raise ConnectionError("database away")
        stop.set()  # this second round is the last
        return now

    with caplog.at_level(logging.ERROR, logger="live.surge_watch"):
        run_surge_watch(pantau.sessions, pantau.publisher, stop=stop, every_s=0.01, clock=clock)
    assert "Pengawasan lonjakan gagal" in caplog.text and "database away" in caplog.text
    assert len(surges_received(city)) == 1


@contextmanager
def surge_server(data: Path) -> Iterator[tuple[Server, sessionmaker[Session], Publisher]]:
    """`python app.py` on a fresh SQLite file and a Redis channel of its own, with the test's own surge
    watch: sessions on that file and a publisher that reaches the server's screens through Redis."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as err:
        pytest.fail(f"Redis unreachable at {REDIS_URL}: {err}")
    database = f"sqlite:///{data}/pantau.db"
    channel = f"pantau-test-{uuid.uuid4().hex}"
    with serving(data, PANTAU_DATABASE_URL=database, PANTAU_REDIS_URL=REDIS_URL,
                 PANTAU_REDIS_CHANNEL=channel) as server:
        engine = make_engine(database)
        try:
            sessions = make_sessionmaker(engine)
            yield server, sessions, Publisher(make_socketio(redis_url=REDIS_URL, channel=channel), sessions)
        finally:
            engine.dispose()


def post_flood(server: Server, n: int, lon: float = KAMPUNG_MELAYU["lon"], lat: float = KAMPUNG_MELAYU["lat"]) -> None:
    """`n` flood reports at one place through the API, as a channel sends them."""
    for _ in range(n):
        body = {"channel": "website", "external_id": uuid.uuid4().hex, "text": "Banjir masuk rumah",
                "category": "banjir", "lon": lon, "lat": lat}
        answer = requests.post(f"{server.url}/api/v1/reports", json=body,
                               headers={"Authorization": f"Bearer {server.key}"}, timeout=30)
        assert answer.status_code == 201, answer.text


def next_surge(client: socketio.SimpleClient) -> dict[str, Any]:
    """The next surge_detected, skipping the complaints' own events."""
    while True:
        name, payload = client.receive(timeout=10)
        if name == "surge_detected":
            return payload


@pytest.mark.slow
def test_a_real_client_receives_the_surge_live_and_after_a_reconnect(tmp_path):
    with surge_server(tmp_path) as (server, sessions, publisher):
        with socketio.SimpleClient() as client:
            client.connect(server.url, transports=["websocket"])
            client.call("subscribe", {"rooms": ["kota:31.75"]}, timeout=5)
            post_flood(server, 5)
            assert watch_surges_once(sessions, publisher, utc_now()) == 1
            live = next_surge(client)
        assert (live["kelurahan"], live["kecamatan"], live["recent"]) == ("Kampung Melayu", "Jatinegara", 5)

        with socketio.SimpleClient() as client:  # a screen that was away catches up from the log
            client.connect(server.url, transports=["websocket"])
            client.call("subscribe", {"rooms": ["kota:31.75"], "last_event_id": 0}, timeout=5)
            assert next_surge(client) == live
