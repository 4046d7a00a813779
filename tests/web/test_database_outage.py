"""A real PostgreSQL outage: a throwaway PostGIS cluster (pg_createcluster) under a real app, stopped
mid-test. While it is down, readiness, the APIs, Open311, a channel delivery whose dead letter cannot
be kept, a page and a Socket.IO subscribe all answer 503 / `error`; once it is started again, the
same app serves again (pool_pre_ping replaces the dead connections)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import text

from app import create_app
from settings import Settings
from store import api_keys, users
from store.db import make_engine
from store.outage import MESSAGE
from tests.processes import free_port
from tests.web.conftest import report

pytestmark = [pytest.mark.postgis, pytest.mark.slow]

PG_LIB = Path("/usr/lib/postgresql")


class Cluster(NamedTuple):
    version: str
    name: str
    url: str

    def ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", self.version, self.name, action], check=True, capture_output=True)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of its own (trust auth on 127.0.0.1, a free port, data in a temporary
    folder) with a `pantau` database holding PostGIS; dropped at the end."""
    if shutil.which("pg_createcluster") is None or not PG_LIB.is_dir():
        pytest.skip("needs Debian's postgresql-common (pg_createcluster) and a PostgreSQL server")
    version = max(os.listdir(PG_LIB), key=float)
    name, port = f"pantau_outage_{os.getpid()}", free_port()
    folder = Path(tempfile.mkdtemp(prefix="pantau-outage-"))
    shutil.chown(folder, "postgres")
    subprocess.run(["pg_createcluster", version, name, "--port", str(port), "--datadir", str(folder / "data"),
                    "--", "--auth=trust"], check=True, capture_output=True)
    try:
        cluster = Cluster(version, name, f"postgresql+psycopg://postgres@127.0.0.1:{port}/pantau")
        cluster.ctl("start")
        admin = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE pantau"))
        admin.dispose()
        database = make_engine(cluster.url)
        with database.begin() as connection:
            connection.execute(text("CREATE EXTENSION postgis"))
        database.dispose()
        yield cluster
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, name], check=True, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def ready(client) -> int:
    return client.get("/readyz").status_code


def test_an_outage_answers_503_everywhere_and_the_same_app_serves_again(cluster: Cluster, locator):
    pantau = create_app(Settings(database_url=cluster.url, secure_cookies=False), locator=locator)
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="gateway", scopes=["channel:qlue", "channel:sms"])
        users.create(session, name="operator1", role="operator", skpd=None, area=None, password="kata-sandi-panjang")
    auth = {"Authorization": f"Bearer {key}"}
    screen = pantau.socketio.test_client(pantau.dash.server)
    with pantau.dash.server.test_client() as client:
        with client.session_transaction() as cookie:  # signed in: every page asks the store who this is
            cookie["_user_id"] = "0:operator1"  # session version 0 (followup/auth.py SignedIn)
        assert client.post("/api/v1/reports", json=report("OUT-1"), headers=auth).status_code == 201  # key remembered
        assert ready(client) == 200

        stopped = time.monotonic()
        cluster.ctl("stop")
        readiness = client.get("/readyz")
        assert readiness.status_code == 503 and readiness.headers["Retry-After"]
        assert readiness.get_json() == {"status": "not_ready", "checks": {"database": "unreachable"}}

        posted = client.post("/api/v1/reports", json=report("OUT-2"), headers=auth)
        assert posted.status_code == 503 and int(posted.headers["Retry-After"]) > 0
        assert posted.get_json() == {"error": MESSAGE}
        read = client.get("/api/v1/complaints/1")
        assert read.status_code == 503 and read.get_json() == {"error": MESSAGE}
        open311 = client.get("/open311/v2/requests.json")
        assert open311.status_code == 503 and open311.get_json() == [{"code": 503, "description": MESSAGE}]
        unreadable = client.post("/api/v1/channels/sms", data=b"bukan-sms", content_type="text/plain", headers=auth)
        assert unreadable.status_code == 503 and "Retry-After" in unreadable.headers  # no dead letter: retry
        page = client.get("/_dash-layout")
        assert page.status_code == 503 and page.mimetype == "text/plain" and "basis data" in page.get_data(as_text=True)
        assert page.headers["Retry-After"]
        assert screen.emit("subscribe", {"rooms": ["kota:31.71"], "last_event_id": 0}, callback=True) == {
            "error": MESSAGE}
        assert [e["args"][0] for e in screen.get_received() if e["name"] == "error"] == [
            {"event": "subscribe", "message": MESSAGE}]
        during = time.monotonic() - stopped

        cluster.ctl("start")
        deadline = time.monotonic() + 30
        while ready(client) != 200:
            assert time.monotonic() < deadline, "readiness did not come back within 30 s of the restart"
            time.sleep(0.2)
        again = client.post("/api/v1/reports", json=report("OUT-2"), headers=auth)
        assert again.status_code == 201
        assert client.get(f"/api/v1/complaints/{again.get_json()['id']}").status_code == 200
        assert client.get("/_dash-layout").status_code == 200
        caught_up = screen.emit("subscribe", {"rooms": ["kota:31.71"], "last_event_id": 0}, callback=True)
        assert caught_up == {"rooms": ["kota:31.71"], "replayed": 2}
    assert during < 10  # every answer during the outage came at once, none waited on a timeout
