"""Ingest end to end: HTTP in, stored, published to a live client; per channel and in batches,
on SQLite and on PostGIS, beside a naive baseline in the same run.

    python benchmarks/ingest_throughput.py [--per-channel 200] [--batches 5] [--senders 8] [--no-postgis]

For each database a real `python app.py` is started (SQLite: a fresh file; PostGIS: a fresh
database on PANTAU_TEST_POSTGIS_URL's server, dropped afterwards) with one python-socketio client
listening. Each channel gets `--per-channel` deliveries in its native format (the demo
simulator's payloads, Open311 through /open311/v2/requests.json) from `--senders` threads; the
batch path gets `--batches` POSTs of 1,000 reports to /api/v1/reports/batch. A complaint counts
when the live client has received its event, so the rate is HTTP + stored + published.

The naive baseline is a Flask app doing what a first version would: per request, one
geopandas.sjoin of the point against the kelurahan and one ORM insert with its own commit, no
publishing; it gets the same generic reports from the same senders. Ratios are against it, on
the same database, in the same run. Prints a table; figures are noisy on a shared 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving import free_port, start_pantau, stop  # noqa: E402

from crm.channels import CHANNELS  # noqa: E402
from geo.boundaries import load_boundaries  # noqa: E402
from ingest.demo_payloads import BUILDERS, facebook  # noqa: E402
from ingest.demo_places import load_places  # noqa: E402
from ingest.simulator import Simulator  # noqa: E402
from settings import load_settings  # noqa: E402

APP_SECRET = "bench-facebook-app-secret"
BATCH = 1000
POSTGIS_URL = os.environ.get("PANTAU_TEST_POSTGIS_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pantau_test")

Request = tuple[str, bytes, str, dict[str, str]]  # (path, body, content type, headers)


class Listener:
    """A live client: when each complaint id's event arrived."""

    def __init__(self, url: str) -> None:
        self.seen: dict[int, float] = {}
        self.client = socketio.Client()
        self.client.on("complaint_routed", lambda event: self.seen.setdefault(event["id"], time.perf_counter()))
        self.client.connect(url, transports=["websocket"])

    def last_of(self, ids: set[int], timeout: float = 120.0) -> float | None:
        """When the last of `ids` arrived, or None if some never did."""
        deadline = time.monotonic() + timeout
        while not ids <= self.seen.keys():
            if time.monotonic() > deadline:
                return None
            time.sleep(0.01)
        return max(self.seen[i] for i in ids)


def channel_requests(simulator: Simulator, channel: str, count: int) -> list[Request]:
    """`count` native deliveries of one channel, as the demo simulator writes them."""
    now = datetime.now(timezone.utc)
    made = []
    for _ in range(count):
        facts = replace(simulator.facts(now), channel=channel)
        if channel == "facebook":
            body, content_type, headers = facebook(facts, APP_SECRET)
        else:
            body, content_type, headers = BUILDERS[channel](facts)
        if channel == "open311":  # the spec's route takes the key in the form
            made.append(("/open311/v2/requests.json", body + b"&api_key={key}", content_type, {}))
        else:
            made.append((f"/api/v1/channels/{channel}", body, content_type, headers))
    return made


def generic_reports(simulator: Simulator, count: int) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    return [{"channel": f.channel, "external_id": f"bench-{uuid.uuid4().hex}", "text": f.text, "category": f.category,
             "lon": f.place.lon, "lat": f.place.lat} for f in (simulator.facts(now) for _ in range(count))]


def created_ids(answer: requests.Response) -> list[int]:
    body = answer.json()
    if isinstance(body, list):  # Open311
        return [int(item["service_request_id"]) for item in body]
    if "results" in body:  # the batch path
        return [r["id"] for r in body["results"] if r["created"]]
    if "complaints" in body:
        return [c["id"] for c in body["complaints"]]
    return [body["id"]]


def send_all(url: str, key: str, requests_: list[Request], senders: int) -> tuple[list[int], int]:
    """POST everything from `senders` threads; (created complaint ids, failed requests)."""
    local = threading.local()

    def post(request: Request) -> list[int] | None:
        if not hasattr(local, "http"):
            local.http = requests.Session()
        path, body, content_type, headers = request
        answer = local.http.post(url + path, data=body.replace(b"{key}", key.encode()), timeout=120,
                                 headers={"Content-Type": content_type, "Authorization": f"Bearer {key}", **headers})
        return created_ids(answer) if answer.status_code == 201 else None

    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(post, requests_))
    return [i for r in results if r for i in r], sum(r is None for r in results)


def measure(url: str, key: str, listener: Listener | None, requests_: list[Request],
            senders: int) -> tuple[int, float, float, int]:
    """(complaints, seconds to the last HTTP answer, seconds to the last event received, failures)."""
    start = time.perf_counter()
    ids, failed = send_all(url, key, requests_, senders)
    answered = time.perf_counter()
    received = listener.last_of(set(ids)) if listener else answered
    return len(ids), answered - start, (received or float("nan")) - start, failed


def naive_server(port: int, database_url: str) -> None:
    """The baseline: one sjoin and one ORM insert with its own commit per request, nothing published."""
    import geopandas as gpd
    from flask import Flask, jsonify, request
    from shapely.geometry import Point

    from store.db import make_engine, make_sessionmaker
    from store.models import ComplaintRow

    kelurahan = load_boundaries(load_settings().boundaries).kelurahan[["kode_kelurahan", "geometry"]]
    engine = make_engine(database_url)
    ComplaintRow.__table__.create(engine)  # its own table only; dropped before Pantau migrates
    sessions = make_sessionmaker(engine)
    app = Flask("naive")

    @app.post("/reports")
    def report() -> Any:
        body = request.get_json()
        point = gpd.GeoDataFrame(geometry=[Point(body["lon"], body["lat"])], crs=kelurahan.crs)
        found = gpd.sjoin(point, kelurahan, predicate="within")
        with sessions.begin() as session:
            row = ComplaintRow(ticket=uuid.uuid4().hex, channel=body["channel"], external_id=body["external_id"],
                               received_at=datetime.now(timezone.utc), text=body["text"], category=body["category"],
                               lon=body["lon"], lat=body["lat"], skpd="-", status="Menunggu",
                               kode_kelurahan=None if found.empty else found["kode_kelurahan"].iloc[0])
            session.add(row)
            session.flush()
            return jsonify({"id": row.id}), 201

    app.run(port=port, threaded=True)


@contextmanager
def naive(folder: Path, database_url: str) -> Iterator[str]:
    import subprocess

    port = free_port()
    with (folder / "naive.log").open("w") as log:
        process = subprocess.Popen([sys.executable, __file__, "--naive-server", str(port), database_url],
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            requests.get(url, timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.25)
    try:
        yield url
    finally:
        stop(process)


@contextmanager
def fresh_postgis() -> Iterator[str | None]:
    """A new database with PostGIS on the test server, dropped afterwards; None if unreachable."""
    import psycopg
    from sqlalchemy import make_url

    admin = make_url(POSTGIS_URL).set(drivername="postgresql")
    name = f"pantau_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostGIS skipped: {exc}".splitlines()[0])
        yield None
        return
    url = make_url(POSTGIS_URL).set(database=name).render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin.set(database=name).render_as_string(hide_password=False),
                             autocommit=True) as connection:
            connection.execute("CREATE EXTENSION postgis")
        yield url
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run_backend(label: str, folder: Path, database_url: str | None, args: argparse.Namespace,
                simulator: Simulator, row: Callable[..., None]) -> None:
    generic = generic_reports(simulator, args.per_channel)
    naive_url_db = database_url or f"sqlite:///{folder}/naive.db"
    with naive(folder, naive_url_db) as url:
        bodies = [("/reports", requests.models.complexjson.dumps(b).encode(), "application/json", {}) for b in generic]
        n, answered, _, failed = measure(url, "", None, bodies, args.senders)
        baseline = n / answered
        row(label, "naive: sjoin + ORM insert per request, not published", n, answered, answered, failed, baseline)
    if database_url:  # the baseline's table goes; Pantau migrates its own
        from store.db import make_engine
        from store.models import ComplaintRow

        engine = make_engine(database_url)
        ComplaintRow.__table__.drop(engine)
        engine.dispose()
    server, url, key = start_pantau(folder, database_url, facebook_app_secret=APP_SECRET)
    try:
        listener = Listener(url)
        for channel in CHANNELS:
            row(label, f"channel {channel}", *measure(url, key, listener,
                                                      channel_requests(simulator, channel, args.per_channel),
                                                      args.senders), baseline)
        batches = [("/api/v1/reports/batch", requests.models.complexjson.dumps(
            {"reports": generic_reports(simulator, BATCH)}).encode(), "application/json", {})
            for _ in range(args.batches)]
        row(label, f"batch path, {BATCH} reports per POST", *measure(url, key, listener, batches, 2), baseline)
        listener.client.disconnect()
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-channel", type=int, default=200, help="deliveries per channel (and for the baseline)")
    parser.add_argument("--batches", type=int, default=5, help=f"POSTs of {BATCH} reports on the batch path")
    parser.add_argument("--senders", type=int, default=8, help="threads that POST")
    parser.add_argument("--no-postgis", action="store_true", help="SQLite only")
    parser.add_argument("--naive-server", nargs=2, metavar=("PORT", "DATABASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_server:
        naive_server(int(args.naive_server[0]), args.naive_server[1])
        return
    simulator = Simulator(load_places(load_boundaries(load_settings().boundaries)), seed=1000,
                          secrets={"facebook_app_secret": APP_SECRET})
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'db':8} {'path':52} {'n':>6} {'stored/s':>9} {'live/s':>8} {'x naive':>8} {'failed':>6}")

    def row(db: str, path: str, n: int, answered: float, received: float, failed: int, baseline: float) -> None:
        """stored/s: answered (committed) per second; live/s: received by the live client per second,
        the end-to-end figure compared with the baseline's stored/s."""
        live = n / received
        print(f"{db:8} {path:52} {n:6d} {n / answered:9.0f} {live:8.0f} {live / baseline:8.2f} {failed:6d}",
              flush=True)

    with tempfile.TemporaryDirectory(prefix="pantau-ingest-") as folder:
        run_backend("sqlite", Path(folder), None, args, simulator, row)
    if not args.no_postgis:
        with fresh_postgis() as url, tempfile.TemporaryDirectory(prefix="pantau-ingest-") as folder:
            if url:
                run_backend("postgis", Path(folder), url, args, simulator, row)


if __name__ == "__main__":
    main()
