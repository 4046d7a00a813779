"""Follow-up fixtures: an app on the `engine` fixture (SQLite and PostGIS), one person per role with
a token, and a way to post road complaints at Monas (held by BINAMARGA-JP)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from settings import Settings
from store import api_keys, users
from tests.followup.helpers import CONTACT, MONAS, NAME, PEOPLE


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


@pytest.fixture
def tokens(pantau: Pantau) -> dict[str, str]:
    with pantau.sessions.begin() as session:
        for name, (role, skpd, area) in PEOPLE.items():
            users.create(session, name=name, role=role, skpd=skpd, area=area, password="kata-sandi-panjang")
        return {name: users.issue_token(session, name=name) for name in PEOPLE}


@pytest.fixture
def client(pantau: Pantau) -> Iterator[Any]:
    with pantau.dash.server.test_client() as client:
        yield client


@pytest.fixture
def report(pantau: Pantau, client) -> Any:
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="gateway", scopes=["channel:qlue"])
    serial = iter(range(10**6))

    def post() -> dict[str, Any]:
        body = {"channel": "qlue", "external_id": f"Q-{next(serial)}", "text": "Jalan berlubang dalam",
                "category": "jalan", **MONAS, "reporter_contact": CONTACT, "reporter_name": NAME}
        answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 201
        return answer.get_json()
    return post
