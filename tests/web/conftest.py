"""Web fixtures: one real Pantau (create_app) on a fresh SQLite file per module, its API key, a
test client, and the process's logs as parsed JSON lines (json_logs)."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app import Pantau, create_app
from settings import Settings
from crm.scopes import SCOPES
from store import api_keys
from web.logs import configure_logging

MONAS = {"lon": 106.8272, "lat": -6.1754}


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory, locator) -> Pantau:
    database = Path(tmp_path_factory.mktemp("web")) / "pantau.db"
    return create_app(Settings(database_url=f"sqlite:///{database}"), locator=locator)


@pytest.fixture(scope="module")
def key(pantau: Pantau) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name="gateway", scopes=SCOPES)


@pytest.fixture
def client(pantau: Pantau) -> Iterator[Any]:
    with pantau.dash.server.test_client() as client:
        yield client


@contextmanager
def json_logs() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """configure_logging(json=True) into a buffer, inside one test's body; yields a function that
    parses every line written (a line that is not JSON fails). The root logger is put back after."""
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    saved = (root.handlers[:], root.level, werkzeug.level)
    buffer = io.StringIO()
    configure_logging(json=True, stream=buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        werkzeug.setLevel(saved[2])


def report(external_id: str, **overrides: Any) -> dict[str, Any]:
    return {"channel": "qlue", "external_id": external_id, "text": "Jalan berlubang besar dekat Monas",
            "category": "jalan", **MONAS} | overrides
