"""Fixtures shared across packages: the real Jakarta boundaries, built into a Locator once, a
database `engine` on a fresh SQLite file and, marked postgis, on PostGIS, a real `server`
process (started with tests/processes.py) and a `browser` for the browser tests (tests/browser.py).

PostGIS tests get their own schema (search_path = it, public), dropped afterwards, so runs never
see each other's rows and the postgis extension in `public` is left alone.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError

from geo.boundaries import Boundaries, load_boundaries
from geo.locate import Locator
from store.db import make_engine
from tests.browser import CHROMIUM, FLAGS
from tests.processes import Server, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
    """A real Pantau process on a fresh SQLite file, with one API key and one governor's token.

    Its surge watch runs once at start and then not for an hour: many modules post here, and a
    burst of flood reports from one would raise surge banners over the map that another module's
    clicks must reach. tests/dashboard/test_surge_browser.py has a server of its own."""
    with serving(tmp_path_factory.mktemp("server"), PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright, for one test module.

    Playwright is imported here, so that a run without browser tests does not need it. Module, not
    session, scope: between its calls Playwright's sync API leaves its event loop marked running in
    this thread, so while it is open no other test could use asyncio.run.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


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
