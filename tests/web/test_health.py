"""/healthz and /readyz: on the real app (they win over Dash's catch-all), and on their own blueprint
against a real Redis, a port nobody listens on and a server that accepts and never answers."""
from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from store.db import make_engine, make_sessionmaker, upgrade
from tests.processes import free_port
from web.health import make_health

REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def health_client(database_url: str, redis_url: str | None, timeout_s: float = 0.5):
    engine = make_engine(database_url)
    if database_url.startswith("sqlite"):
        upgrade(engine)
    server = Flask(__name__)
    server.register_blueprint(make_health(make_sessionmaker(engine), redis_url, timeout_s=timeout_s))
    return server.test_client()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/pantau.db"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose server completes the TCP handshake and then never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_the_app_answers_health_and_readiness_as_json(client):
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "ok", "pid": os.getpid()}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready", "checks": {"database": "ok"}}


def test_ready_with_the_store_and_a_real_redis(sqlite_url):
    ready = health_client(sqlite_url, REDIS_URL).get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def test_not_ready_when_redis_is_down_and_says_which_check_failed(sqlite_url):
    ready = health_client(sqlite_url, f"redis://127.0.0.1:{free_port()}/0").get("/readyz")
    assert ready.status_code == 503 and int(ready.headers["Retry-After"]) > 0
    assert ready.get_json() == {"status": "not_ready", "checks": {"database": "ok", "redis": "unreachable"}}


def test_alive_but_not_ready_when_the_database_is_unreachable():
    client = health_client(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/pantau", None)
    assert client.get("/healthz").status_code == 200  # liveness never asks the database
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"] == {"database": "unreachable"}


def test_a_database_that_never_answers_is_reported_within_the_timeout(silent_server):
    client = health_client(f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/pantau", None, timeout_s=0.5)
    started = time.monotonic()
    ready = client.get("/readyz")
    assert time.monotonic() - started < 1.5
    assert ready.status_code == 503 and ready.get_json()["checks"] == {"database": "timeout"}
