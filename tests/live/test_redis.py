"""Events cross processes through Redis: two `python app.py` on one SQLite file and one channel,
and an ingest worker that publishes through a write-only emitter without importing Dash.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio

from tests.live.places import ANCOL
from tests.processes import (
    ROOT,
    create_key,
    free_port,
    next_event,
    start,
    stop,
    wait_serving,
)

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# An ingest worker: the real intake (locator, routing rules, store) announcing through the same
# Publisher, on a write-only emitter with no app. It must never have imported Dash.
WORKER = """
import sys
from crm.intake import Report
from geo.boundaries import load_boundaries
from geo.locate import Locator
from ingest.pipeline import make_intake
from live.publish import Publisher, make_socketio
from settings import load_settings
from store.db import make_engine, make_sessionmaker

settings = load_settings()
sessions = make_sessionmaker(make_engine(settings.database_url))
emitter = make_socketio(redis_url=settings.redis_url, channel=settings.redis_channel)
intake = make_intake(Locator(load_boundaries(settings.boundaries)), sessions,
                     Publisher(emitter, sessions), threshold=settings.classifier_threshold)
lon, lat = float(sys.argv[2]), float(sys.argv[3])
complaint, created = intake(Report(channel="sms", external_id=sys.argv[1], text="Sampah menumpuk",
                                   category="sampah", lon=lon, lat=lat, reporter_contact="0812777"))
dash = sorted(name for name in sys.modules if name == "dash" or name.startswith("dash."))
assert not dash, f"the worker imported {dash}"
print(complaint.id, created)
"""


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str, str, str]]:
    """Processes A and B on one SQLite file and a Redis channel of their own: (env, url A, url B, key)."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as err:
        pytest.fail(f"Redis unreachable at {REDIS_URL}: {err}")
    data = tmp_path_factory.mktemp("redis")
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{data}/pantau.db", "PANTAU_REDIS_URL": REDIS_URL,
                        "PANTAU_REDIS_CHANNEL": f"pantau-test-{uuid.uuid4().hex}"}
    key = create_key(env)  # migrates the file once, before both processes open it
    envs = {name: env | {"PANTAU_PORT": str(free_port())} for name in "AB"}
    logs = {name: data / f"{name}.log" for name in "AB"}
    processes = {name: start(envs[name], logs[name]) for name in "AB"}
    try:
        urls = {name: wait_serving(processes[name], envs[name], logs[name]) for name in "AB"}
        yield env, urls["A"], urls["B"], key
    finally:
        for process in processes.values():
            stop(process)


def screen_on(url: str) -> socketio.SimpleClient:
    client = socketio.SimpleClient()
    client.connect(url, transports=["websocket"])
    return client


def routed(client: socketio.SimpleClient) -> dict[str, Any]:
    """The next complaint event, past any `ranking_changed` signal."""
    name, event = next_event(client, timeout=10)
    assert name == "complaint_routed"
    return event


def post_to(url: str, key: str) -> dict[str, Any]:
    lon, lat, category = ANCOL
    body = {"channel": "twitter", "external_id": uuid.uuid4().hex, "text": "Sampah menumpuk di Ancol",
            "category": category, "lon": lon, "lat": lat, "reporter_contact": "@warga_ancol"}
    response = requests.post(f"{url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"},
                             timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_screen_on_a_receives_once_a_complaint_posted_to_b(pair):
    _, url_a, url_b, key = pair
    client = screen_on(url_a)
    try:
        client.call("subscribe", {"rooms": ["city", "kota:31.72"]}, timeout=5)
        stored = post_to(url_b, key)
        event = routed(client)
        assert (event["id"], event["kelurahan"]) == (stored["id"], "Ancol")
        assert "@warga_ancol" not in repr(event)
        assert others(client) == []  # once, though in two of its rooms and on two processes
    finally:
        client.disconnect()


def others(client: socketio.SimpleClient, quiet_s: float = 0.5) -> list[str]:
    """Names of the complaint events that arrive until `quiet_s` passes without one; the ranking's
    `ranking_changed` signals, which any change also sends, are not complaint events."""
    names = []
    while True:
        try:
            name, _ = next_event(client, timeout=quiet_s)
        except socketio.exceptions.TimeoutError:
            return names
        names.append(name)


def test_the_ranking_on_a_counts_a_complaint_stored_by_b(pair):
    """Each process has its own ranking board; Redis carries B's change to A's within moments,
    where without it A would wait for its next rebuild (minutes)."""
    _, url_a, url_b, key = pair

    def held_on_a(unit: str) -> int:
        rows = requests.get(f"{url_a}/api/v1/ranking", params={"window": "today"}, timeout=10).json()["rows"]
        return next((row["backlog"] for row in rows if row["code"] == unit), 0)

    requests.get(f"{url_a}/api/v1/ranking", timeout=10).raise_for_status()  # A's board is built
    unit = post_to(url_b, key)["skpd"]
    before = held_on_a(unit)
    post_to(url_b, key)
    deadline = time.monotonic() + 10
    while held_on_a(unit) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held_on_a(unit) == before + 1


def test_a_screen_on_a_catches_up_on_what_b_published(pair):
    _, url_a, url_b, key = pair
    client = screen_on(url_a)
    client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5)
    post_to(url_b, key)
    seen = routed(client)["event_id"]
    client.disconnect()
    missed = post_to(url_b, key)
    client = screen_on(url_a)
    try:
        assert client.call("subscribe", {"rooms": ["kota:31.72"], "last_event_id": seen}, timeout=5)["replayed"] == 1
        assert routed(client)["id"] == missed["id"]
    finally:
        client.disconnect()


def test_a_worker_without_dash_reaches_a_screen_on_a(pair, tmp_path: Path):
    env, url_a, _, _ = pair
    client = screen_on(url_a)
    try:
        client.call("subscribe", {"rooms": ["kota:31.72"]}, timeout=5)
        lon, lat, _ = ANCOL
        external_id = uuid.uuid4().hex
        worker = subprocess.run([sys.executable, "-c", WORKER, external_id, str(lon), str(lat)], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=120)
        assert worker.returncode == 0, worker.stderr
        complaint_id, created = worker.stdout.split()
        event = routed(client)
        assert (event["id"], created) == (int(complaint_id), "True") and "external_id" not in event
        assert event["kode_kota"] == "31.72" and "0812777" not in repr(event)
    finally:
        client.disconnect()
