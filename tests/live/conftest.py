"""Live fixtures: an in-process Pantau on a fresh SQLite file and a way to post reports to it."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from app import Pantau, create_app
from settings import Settings
from store import api_keys
from tests.live.places import Place, Post
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)


@pytest.fixture
def pantau(tmp_path: Path, locator) -> Pantau:
    return create_app(Settings(database_url=f"sqlite:///{tmp_path}/pantau.db"), locator=locator)


@pytest.fixture
def post(pantau: Pantau) -> Post:
    """POST a report from a place through the API; returns the stored complaint as answered."""
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="test", scopes=["channel:qlue"])
    numbers = itertools.count(1)

    def send(place: Place) -> dict[str, Any]:
        lon, lat, category = place
        body = {"channel": "qlue", "external_id": f"QLUE-{next(numbers)}", "text": "Laporan warga",
                "category": category, "lon": lon, "lat": lat, "reporter_contact": "0812000111"}
        with pantau.dash.server.test_client() as http:
            response = http.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 201, response.json
        return response.json

    return send
