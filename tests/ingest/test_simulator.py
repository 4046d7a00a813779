"""The demo simulator: valid reports located inside Jakarta, every channel open at the time and
no desk outside its window, the asked rate, and the real intake storing and announcing them.

The simulator's clock is driven explicitly (`now`, simulated arrivals); only the last two tests
touch the wall clock, one of them by running `python app.py --demo` as a user would.
"""
from __future__ import annotations

import itertools
import logging
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from app import create_app, parse_args
from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import WIB
from crm.desks import DESK_WINDOWS, is_open
from crm.intake import Report
from geo.locate import Locator
from ingest.demo_places import KelurahanPolygons, Place, Places, load_places
from ingest.demo_text import LETTER, LINES, compose
from ingest.schemas import ReportIn
from ingest.simulator import Simulator
from settings import Settings
from tests.processes import free_port, stop, wait_serving

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2025, 11, 24, tzinfo=WIB)  # midnight starting the week of 24-30 November 2025
ONLINE = set(CHANNELS) - set(DESK_WINDOWS)


@pytest.fixture(scope="module")
def places(locator: Locator) -> Places:
    return load_places(locator.boundaries)


def feed(places: Places, *, start: datetime, count: int, rate: float, seed: int = 1) -> list[Report]:
    """`count` reports at simulated Poisson arrival times from `start`."""
    simulator = Simulator(places, rate=rate, seed=seed)
    return [simulator.report(at) for at in itertools.islice(simulator.arrivals(start), count)]


@pytest.mark.parametrize("gazetteer", [True, False], ids=["landmarks", "no-gazetteer"])
def test_reports_are_valid_and_located_inside_a_kelurahan(locator, tmp_path, gazetteer):
    places = load_places(locator.boundaries) if gazetteer else load_places(locator.boundaries, tmp_path / "gone.csv")
    assert ("landmarks" in places.source) is gazetteer
    reports = feed(places, start=MONDAY, count=300, rate=300 / (7 * 86400))  # spread over a week
    kota = set()
    for report in reports:
        assert ReportIn.model_validate(asdict(report)).to_report() == report  # what the API accepts
        assert report.channel in CHANNELS and report.category in CATEGORIES
        where = locator.locate(report.lon, report.lat)
        assert where is not None and where.flag is None, report
        kota.add(where.kode_kota)
    assert len({r.external_id for r in reports}) == 300
    assert len(kota) >= 5  # all over the city, not one corner


@pytest.mark.parametrize("when, desks", [
    (datetime(2025, 11, 29, 8, 30, tzinfo=WIB), {"kecamatan", "inspektorat"}),  # Saturday morning
    (datetime(2025, 11, 30, 10, 0, tzinfo=WIB), {"kelurahan"}),  # Sunday morning
    (datetime(2025, 11, 24, 8, 0, tzinfo=WIB), {"inspektorat", "pendopo", "balai-warga"}),  # Monday
    (datetime(2025, 11, 28, 16, 15, tzinfo=WIB), {"pendopo", "balai-warga"}),  # Friday afternoon
    (datetime(2025, 11, 26, 21, 0, tzinfo=WIB), set()),  # Wednesday night: online only
])
def test_channel_mix_covers_every_channel_open_at_the_time(places, when, desks):
    simulator = Simulator(places, seed=2)
    channels = [simulator.report(when).channel for _ in range(1500)]
    assert set(channels) == ONLINE | desks
    top = max(set(channels), key=channels.count)
    assert top in ONLINE  # apps and social media carry most of the load


def test_walk_in_desks_never_report_outside_their_windows(places):
    reports = feed(places, start=MONDAY, count=20_000, rate=1 / 60)  # a fortnight, one a minute
    desks = [r for r in reports if r.channel in DESK_WINDOWS]
    assert {r.channel for r in desks} == set(DESK_WINDOWS)
    for report in desks:
        assert is_open(report.channel, report.reported_at), report
        wib = report.reported_at.astimezone(WIB)
        if report.channel == "kecamatan":
            assert wib.strftime("%A") == "Saturday" and 8 <= wib.hour < 12
        if report.channel == "kelurahan":
            assert wib.strftime("%A") == "Sunday" and 8 <= wib.hour < 12
    assert all(r.category in {"pungutan_liar", "pelayanan_publik"} for r in desks if r.channel == "inspektorat")


@pytest.mark.parametrize("rate", [0.5, 2, 20])
def test_arrivals_follow_the_rate_as_a_poisson_process(places, rate):
    simulator = Simulator(places, rate=rate, seed=3)
    hour = MONDAY + timedelta(hours=1)
    times = list(itertools.takewhile(lambda at: at < hour, simulator.arrivals(MONDAY)))
    expected = rate * 3600
    assert abs(len(times) - expected) < 4 * expected ** 0.5
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise([MONDAY, *times])]
    assert 0.85 < statistics.stdev(gaps) / statistics.mean(gaps) < 1.15  # exponential: sd = mean


def test_the_same_seed_gives_the_same_feed(places):
    def first(seed: int) -> list[Report]:
        simulator = Simulator(places, seed=seed, run_id="t")
        return [simulator.report(at) for at in itertools.islice(simulator.arrivals(MONDAY), 50)]

    assert first(7) == first(7)
    assert first(7) != first(8)


def test_external_ids_never_repeat_even_across_runs(places):
    one, two = Simulator(places, seed=1), Simulator(places, seed=1)
    ids = [one.report(MONDAY).external_id for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert not set(ids) & {two.report(MONDAY).external_id for _ in range(1000)}


def test_every_category_speaks_in_every_register():
    assert set(LINES) == set(CATEGORIES)
    place = Place(106.8272, -6.1754, "Gambir", "Gambir", landmark="halte Monas")
    bare = Place(106.8272, -6.1754, "Gambir", "Gambir")
    rng = random.Random(4)
    for category, lines in LINES.items():
        assert lines.weight > 0 and lines.casual and lines.formal
        assert all(line.count("{tempat}") == 1 for line in lines.casual + lines.formal)
        for channel in CHANNELS:
            for where in (place, bare):
                text = compose(category, channel, where, rng)
                assert text and "{" not in text and len(text) < 600
                if channel != "sms":  # SMS abbreviates the place too ("hlt", "kel")
                    assert (where.landmark or "Gambir") in text
                if channel in LETTER:
                    assert "Kelurahan Gambir" in text and text[0].isupper()
                if channel == "sms":
                    assert text.startswith("LAPOR ") and not {"yang", "tidak", "jalan"} & set(text.split())


def test_casual_channels_use_slang_and_letters_do_not(places):
    reports = feed(places, start=MONDAY, count=2000, rate=0.01)
    words = {channel: " ".join(r.text for r in reports if r.channel == channel).split() for channel in CHANNELS}
    slang = {"bgt", "gk", "udh", "jln", "tlg", "dkt", "tdk", "yg"}
    for channel in ("twitter", "sms", "qlue", "facebook"):
        assert slang & set(words[channel]), channel
    for channel in LETTER:
        assert not slang & set(words[channel]), channel


def test_without_the_gazetteer_points_are_sampled_inside_the_polygons(locator):
    polygons = KelurahanPolygons(locator.boundaries)
    rng = random.Random(5)
    for code in polygons.codes:  # every kelurahan, Kepulauan Seribu's islands included
        lon, lat = polygons.point_in(code, rng)
        where = locator.locate(lon, lat)
        assert where is not None and where.kode_kelurahan == code and where.flag is None


def test_steps_through_the_real_intake_are_stored_and_announced(tmp_path, locator, places):
    pantau = create_app(Settings(database_url=f"sqlite:///{tmp_path}/pantau.db"), locator=locator)
    screen = pantau.socketio.test_client(pantau.dash.server)
    reports = feed(places, start=datetime.now(WIB) - timedelta(hours=1), count=25, rate=0.01)
    stored = [pantau.intake(report) for report in reports]
    assert all(created for _, created in stored)
    with pantau.dash.server.test_client() as http:
        listed = http.get("/api/v1/complaints?limit=100").get_json()
    assert listed["count"] == 25
    events = [e["args"][0] for e in screen.get_received() if e["name"] == "complaint_routed"]
    assert [e["id"] for e in events] == [complaint.id for complaint, _ in stored]
    for event, report in zip(events, reports):
        assert (event["channel"], event["category"], event["external_id"]) == (
            report.channel, report.category, report.external_id)
        assert event["kode_kelurahan"] and event["skpd"] and event["status"] == "Menunggu"


def test_run_feeds_the_intake_until_stopped_and_outlives_a_failure(places, caplog):
    sunday_morning = datetime(2025, 11, 30, 9, 0, tzinfo=WIB)
    received: list[Report] = []
    stop = threading.Event()

    def intake(report: Report) -> None:
        if not received and not caplog.records:
            raise RuntimeError("database is locked")
        received.append(report)
        if len(received) == 20:
            stop.set()

    simulator = Simulator(places, rate=2000, seed=6)
    with caplog.at_level(logging.ERROR, logger="ingest.simulator"):
        worker = threading.Thread(target=simulator.run, args=(intake, stop), kwargs={"clock": lambda: sunday_morning})
        worker.start()
        worker.join(10)
    assert not worker.is_alive() and len(received) == 20
    assert "database is locked" in caplog.text
    assert {r.channel for r in received} <= ONLINE | {"kelurahan"}


def test_rate_must_be_a_positive_number(places):
    with pytest.raises(ValueError, match="rate"):
        Simulator(places, rate=0)
    for bad in ("0", "-1", "nan", "inf"):
        with pytest.raises(SystemExit):
            parse_args(["--demo", "--rate", bad])
    args = parse_args(["--demo", "--rate", "2", "--seed", "9"])
    assert (args.demo, args.rate, args.seed) == (True, 2.0, 9)
    assert parse_args([]).demo is False


@pytest.mark.slow
def test_python_app_demo_stores_complaints_within_seconds(tmp_path):
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{tmp_path}/pantau.db", "PANTAU_PORT": str(free_port())}
    log = tmp_path / "server.log"  # a file, not a pipe: an unread pipe fills up and stalls the server
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "app.py", "--demo", "--rate", "20"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"{wait_serving(process, env, log)}/api/v1/complaints?limit=500"
        up, count = time.monotonic(), 0
        while time.monotonic() - up < 5 and count < 20:
            time.sleep(0.5)
            count = requests.get(url, timeout=5).json()["count"]
        assert count >= 20, log.read_text()
        complaints = requests.get(url, timeout=5).json()["complaints"]
        assert all(c["channel"] in CHANNELS and c["kode_kelurahan"] for c in complaints)
        assert "Demo feed" in log.read_text()
    finally:
        stop(process)
