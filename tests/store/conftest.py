"""Store fixtures: migrated sessions on the `engine` of tests/conftest.py, and a complaint factory."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint, new_ticket
from geo.jurisdiction import Jurisdiction
from store.db import make_sessionmaker, upgrade

GAMBIR = Jurisdiction(
    kode_kelurahan="31.71.01.1001",
    kelurahan="Gambir",
    kode_kecamatan="31.71.01",
    kecamatan="Gambir",
    kode_kota="31.71",
    kota="Jakarta Pusat",
)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory on a migrated database."""
    upgrade(engine)
    return make_sessionmaker(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def make_complaint() -> Callable[..., Complaint]:
    """Build a routed complaint in Gambir; keyword arguments override any field."""

    def build(**overrides: Any) -> Complaint:
        received_at = overrides.pop("received_at", datetime(2024, 11, 5, 2, 30, tzinfo=UTC))
        values: dict[str, Any] = {
            "ticket": new_ticket(received_at),
            "channel": "webhook",
            "external_id": uuid.uuid4().hex,
            "received_at": received_at,
            "text": "Genangan setinggi lutut di depan Stasiun Gambir",
            "category": "banjir",
            "lon": 106.8307,
            "lat": -6.1767,
            "jurisdiction": GAMBIR,
            "skpd": "Dinas Sumber Daya Air",
            "reporter_contact": "+6281200000000",
        }
        return Complaint(**(values | overrides))

    return build
