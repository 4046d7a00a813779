"""One real Pantau per test on SQLite and PostGIS (the `engine` fixture), an API key for a
gateway (KEY_NAME, with every scope; tests/ingest/test_key_scopes.py narrows them) and a Flask test
client: what the ingest tests post through."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from settings import Settings
from crm.scopes import SCOPES
from store import api_keys

KEY_NAME = "gateway"


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


@pytest.fixture
def key(pantau: Pantau) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name=KEY_NAME, scopes=SCOPES)


@pytest.fixture
def client(pantau: Pantau) -> Iterator[Any]:
    with pantau.dash.server.test_client() as client:
        yield client
