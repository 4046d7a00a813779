"""Fixtures shared across packages: the real Jakarta boundaries, built into a Locator once, a
database `engine` on a fresh SQLite file and, marked postgis, on PostGIS, and a real `server`
process (started with tests/processes.py).

PostGIS tests get their own schema (search_path = it, public), dropped afterwards, so runs never
see each other's rows and the postgis extension in `public` is left alone.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError

from geo.boundaries import Boundaries, load_boundaries
from geo.locate import Locator
from store.db import make_engine
from tests.processes import (
    Server,
    create_key,
    create_user_token,
    free_port,
    start,
    stop,
    wait_serving,
)

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = Path(os.environ.get(
    "PANTAU_BOUNDARIES",
    ROOT.parent / "shared" / "data" / "jakarta_kelurahan.geojson",
))
POSTGIS_URL = os.environ.get(
    "PANTAU_TEST_POSTGIS_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pantau_test"
)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real Pantau process on a fresh SQLite file, with one API key and one governor's token."""
    data = tmp_path_factory.mktemp("server")
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{data}/pantau.db", "PANTAU_PORT": str(free_port())}
    key = create_key(env)
    governor = create_user_token(env, "gubernur", "governor")
    log = data / "server.log"
    process = start(env, log)
    try:
        yield Server(wait_serving(process, env, log), key, governor)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def boundaries() -> Boundaries:
    return load_boundaries(BOUNDARIES)


@pytest.fixture(scope="session")
def locator(boundaries: Boundaries) -> Locator:
    return Locator(boundaries)


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database, not yet migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/data/pantau.db")
        yield engine
        engine.dispose()
    else:
        yield from _postgis_engine()


def _postgis_engine() -> Iterator[Engine]:
    schema = f"pytest_store_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGIS_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as err:
        admin.dispose()
        pytest.fail(f"PostGIS unreachable at {POSTGIS_URL}: {err}\nskip with -m 'not postgis'")
    url = make_url(POSTGIS_URL).update_query_dict({"options": f"-csearch_path={schema},public"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
