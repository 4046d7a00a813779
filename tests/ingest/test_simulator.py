"""The demo simulator: every complaint arrives as its channel's native delivery, which that
channel's real adapter reads into a valid report located inside Jakarta; every channel open at
the time and no desk outside its window; the asked rate; and a real app's Receiver storing and
announcing a whole run, with no dead letters.

The simulator's clock is driven explicitly (`now`, simulated arrivals); only the last test
touches the wall clock, by running `python app.py --demo` as a user would.
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
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from app import Pantau, create_app, parse_args
from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import TRIAGE_LOCATION, WIB, utc_now
from crm.desks import DESK_WINDOWS, is_open
from crm.intake import Report
from geo.locate import Locator
from ingest.channels import adapter
from ingest.channels.base import Inbound
from ingest.demo_payloads import Facts, delivery
from ingest.demo_places import KelurahanPolygons, Place, Places, load_places
from ingest.demo_text import LETTER, LINES, compose
from ingest.receive import Receipt
from ingest.simulator import Simulator
from settings import Settings, channel_secrets
from store import dead_letters
from tests.processes import free_port, stop, wait_serving

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2025, 11, 24, tzinfo=WIB)  # midnight starting the week of 24-30 November 2025
ONLINE = set(CHANNELS) - set(DESK_WINDOWS)
SECRETS = {"facebook_app_secret": "demo-tests-4b1e9c"}


@pytest.fixture(scope="module")
def places(locator: Locator) -> Places:
    return load_places(locator.boundaries)


def feed(places: Places, *, start: datetime, count: int, rate: float, seed: int = 1) -> list[Facts]:
    """`count` complaints at simulated Poisson arrival times from `start`."""
    simulator = Simulator(places, rate=rate, seed=seed, secrets=SECRETS)
    return [simulator.facts(at) for at in itertools.islice(simulator.arrivals(start), count)]


def parse(facts: Facts) -> Report:
    """What the channel's real adapter reads from the complaint's native delivery."""
    reports = adapter(facts.channel).parse(delivery(facts, SECRETS))
    assert len(reports) == 1, facts
    return reports[0]


@pytest.mark.parametrize("gazetteer", [True, False], ids=["landmarks", "no-gazetteer"])
def test_deliveries_are_read_by_their_adapters_and_located_inside_a_kelurahan(locator, tmp_path, gazetteer):
    places = load_places(locator.boundaries) if gazetteer else load_places(locator.boundaries, tmp_path / "gone.csv")
    assert ("landmarks" in places.source) is gazetteer
    complaints = feed(places, start=MONDAY, count=300, rate=300 / (7 * 86400))  # spread over a week
    kota, ids = set(), set()
    for facts in complaints:
        report = parse(facts)
        assert report.channel == facts.channel and facts.category in CATEGORIES
        assert report.reported_at.replace(microsecond=0) == facts.at.replace(microsecond=0)
        where = locator.locate(facts.place.lon, facts.place.lat)
        assert where is not None and where.flag is None, facts
        if report.lon is not None:
            assert (report.lon, report.lat) == (facts.place.lon, facts.place.lat)
        kota.add(where.kode_kota)
        ids.add(report.external_id)
    assert len(ids) == 300
    assert len(kota) >= 5  # all over the city, not one corner


def test_channels_carry_points_and_categories_as_they_really_do(places):
    """Qlue always sends GPS and SMS never; tweets sometimes. Twitter, Facebook, email and SMS have
    no category field; the form channels sometimes leave it to the classifier."""
    simulator = Simulator(places, seed=3, secrets=SECRETS)
    mornings = itertools.cycle([MONDAY + timedelta(days=5, hours=8, minutes=30),  # kecamatan, inspektorat
                                MONDAY + timedelta(days=6, hours=8, minutes=30),  # kelurahan, inspektorat
                                MONDAY + timedelta(hours=8)])  # inspektorat, pendopo, balai-warga
    reports = [parse(simulator.facts(next(mornings))) for _ in range(3000)]
    pointed, categorised, total = Counter(), Counter(), Counter()
    for report in reports:
        total[report.channel] += 1
        pointed[report.channel] += report.lon is not None
        categorised[report.channel] += report.category is not None
    assert set(total) == set(CHANNELS)
    assert pointed["qlue"] == total["qlue"] and categorised["open311"] == total["open311"]
    assert pointed["sms"] == pointed["lapor"] == pointed["email"] == 0
    for channel in ("twitter", "facebook", "website", "open311", *DESK_WINDOWS):
        assert 0 < pointed[channel] < total[channel], channel
    for channel in ("twitter", "facebook", "email", "sms"):
        assert categorised[channel] == 0, channel
    for channel in ("qlue", "lapor", "website", *DESK_WINDOWS):
        assert 0 < categorised[channel] < total[channel], channel


@pytest.mark.parametrize("when, desks", [
    (datetime(2025, 11, 29, 8, 30, tzinfo=WIB), {"kecamatan", "inspektorat"}),  # Saturday morning
    (datetime(2025, 11, 30, 10, 0, tzinfo=WIB), {"kelurahan"}),  # Sunday morning
    (datetime(2025, 11, 24, 8, 0, tzinfo=WIB), {"inspektorat", "pendopo", "balai-warga"}),  # Monday
    (datetime(2025, 11, 28, 16, 15, tzinfo=WIB), {"pendopo", "balai-warga"}),  # Friday afternoon
    (datetime(2025, 11, 26, 21, 0, tzinfo=WIB), set()),  # Wednesday night: online only
])
def test_channel_mix_covers_every_channel_open_at_the_time(places, when, desks):
    simulator = Simulator(places, seed=2, secrets=SECRETS)
    channels = [simulator.facts(when).channel for _ in range(1500)]
    assert set(channels) == ONLINE | desks
    top = max(set(channels), key=channels.count)
    assert top in ONLINE  # apps and social media carry most of the load


def test_without_a_facebook_app_secret_facebook_is_left_out(places):
    simulator = Simulator(places, seed=2)
    assert {simulator.facts(MONDAY).channel for _ in range(1500)} == ONLINE - {"facebook"}


def test_walk_in_desks_never_report_outside_their_windows(places):
    complaints = feed(places, start=MONDAY, count=20_000, rate=1 / 60)  # a fortnight, one a minute
    desks = [parse(facts) for facts in complaints if facts.channel in DESK_WINDOWS]
    assert {r.channel for r in desks} == set(DESK_WINDOWS)
    for report in desks:
        assert is_open(report.channel, report.reported_at), report
        wib = report.reported_at.astimezone(WIB)
        if report.channel == "kecamatan":
            assert wib.strftime("%A") == "Saturday" and 8 <= wib.hour < 12
        if report.channel == "kelurahan":
            assert wib.strftime("%A") == "Sunday" and 8 <= wib.hour < 12
    assert all(f.category in {"pungutan_liar", "pelayanan_publik"} for f in complaints if f.channel == "inspektorat")


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
    def first(seed: int) -> list[Inbound]:
        simulator = Simulator(places, seed=seed, run_id=1, secrets=SECRETS)
        return [simulator.delivery(at) for at in itertools.islice(simulator.arrivals(MONDAY), 50)]

    assert first(7) == first(7)  # byte for byte, signatures included
    assert first(7) != first(8)


def test_external_ids_never_repeat_even_across_runs(places):
    def ids(simulator: Simulator) -> list[str]:
        return [report.external_id for report in map(parse, (simulator.facts(MONDAY) for _ in range(1000)))]

    one = ids(Simulator(places, seed=1, secrets=SECRETS))
    assert len(set(one)) == 1000
    assert not set(one) & set(ids(Simulator(places, seed=1, secrets=SECRETS)))


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
    complaints = feed(places, start=MONDAY, count=2000, rate=0.01)
    words = {channel: " ".join(f.text for f in complaints if f.channel == channel).split() for channel in CHANNELS}
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


def last(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The latest WIB time before now on `weekday` (Monday 0) at hour:minute."""
    now = datetime.now(WIB)
    at = (now - timedelta(days=(now.weekday() - weekday) % 7)).replace(hour=hour, minute=minute, second=0,
                                                                       microsecond=0)
    return at if at < now else at - timedelta(days=7)


def run(simulator: Simulator, receive: Callable[[Inbound], object], count: int,
        clock: Callable[[], datetime]) -> list[Inbound]:
    """`simulator.run` until `count` deliveries have been handed over, as fast as it goes."""
    delivered: list[Inbound] = []
    stop = threading.Event()

    def hand_over(inbound: Inbound) -> None:
        delivered.append(inbound)
        if len(delivered) == count:
            stop.set()
        receive(inbound)

    worker = threading.Thread(target=simulator.run, args=(hand_over, stop), kwargs={"clock": clock})
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    return delivered


def demo_app(tmp_path: Path, locator: Locator) -> tuple[Pantau, dict[str, str]]:
    """A real app, and the secrets its adapters check, as `python app.py --demo` gives the simulator."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/pantau.db", facebook_app_secret="d3m0-app-secret")
    return create_app(settings, locator=locator), channel_secrets(settings)


def test_a_demo_run_through_a_real_app_stores_every_channel_and_leaves_no_dead_letters(tmp_path, locator, places):
    pantau, secrets = demo_app(tmp_path, locator)
    screen = pantau.socketio.test_client(pantau.dash.server)
    times = itertools.cycle([last(5, 8, 30), last(6, 8, 30), last(0, 8)])  # every desk opens in one of them
    simulator = Simulator(places, rate=10_000, seed=12, secrets=secrets)
    receipts: list[Receipt] = []
    delivered = run(simulator, lambda inbound: receipts.extend(pantau.receiver(inbound)), 450, lambda: next(times))
    assert len(delivered) == len(receipts) == 450 and all(r.created for r in receipts)
    with pantau.sessions() as session:
        assert dead_letters.list_dead_letters(session, pending_only=False) == []
    assert {r.complaint.channel for r in receipts} == set(CHANNELS)
    assert [i.channel for i in delivered] == [r.complaint.channel for r in receipts]
    for receipt in receipts:
        complaint = receipt.complaint
        if complaint.location_precision is None:  # no point, and no place the gazetteer knows in the text
            assert TRIAGE_LOCATION in complaint.triage
        else:
            assert complaint.jurisdiction is not None and complaint.jurisdiction.kode_kelurahan, complaint
        assert complaint.category in CATEGORIES and not complaint.outside_desk_hours
    with pantau.dash.server.test_client() as http:
        assert http.get("/api/v1/complaints?limit=500").get_json()["count"] == 450
    events = [e["args"][0] for e in screen.get_received() if e["name"] == "complaint_routed"]
    assert [e["id"] for e in events] == [r.complaint.id for r in receipts]
    assert all(e["skpd"] and e["status"] == "Menunggu" for e in events)


def test_facebook_deliveries_verify_against_the_apps_own_secret(tmp_path, locator, places):
    pantau, secrets = demo_app(tmp_path, locator)
    signed = Simulator(places, seed=13, secrets=secrets)
    forged = Simulator(places, seed=13, secrets={"facebook_app_secret": "not-the-apps-secret"})
    at = utc_now() - timedelta(minutes=5)
    with pantau.dash.server.test_client() as http:
        def post(inbound: Inbound) -> int:  # through the public route, which checks with the app's settings
            return http.post("/api/v1/channels/facebook", data=inbound.body, content_type=inbound.content_type,
                             headers=dict(inbound.headers)).status_code

        ours = [d for d in (signed.delivery(at) for _ in range(400)) if d.channel == "facebook"]
        theirs = [d for d in (forged.delivery(at) for _ in range(400)) if d.channel == "facebook"]
        assert len(ours) >= 10 and [post(d) for d in ours] == [201] * len(ours)
        assert [post(d) for d in theirs] == [403] * len(theirs)  # the same webhooks, signed with another secret


def test_run_outlives_refused_and_failed_deliveries(tmp_path, locator, places, caplog):
    """A delivery the Receiver refuses becomes a dead letter and a log line; the feed goes on."""
    pantau, secrets = demo_app(tmp_path, locator)
    simulator = Simulator(places, rate=2000, seed=6, secrets=secrets)
    calls = itertools.count()
    sunday_morning, tomorrow = last(6, 9), utc_now() + timedelta(days=1)  # tomorrow: every channel refuses (422)
    failed = []

    def receive(inbound: Inbound) -> list[Receipt]:
        if not failed:
            failed.append(inbound)
            raise RuntimeError("database is locked")
        return pantau.receiver(inbound)

    with caplog.at_level(logging.ERROR, logger="ingest.simulator"):
        run(simulator, receive, 20, lambda: tomorrow if next(calls) in (1, 2, 3) else sunday_morning)
    assert "database is locked" in caplog.text and caplog.text.count("was refused (dead letter") == 3
    with pantau.sessions() as session:
        assert len(dead_letters.list_dead_letters(session)) == 3
    with pantau.dash.server.test_client() as http:
        assert http.get("/api/v1/complaints?limit=100").get_json()["count"] == 16


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
        assert all(c["channel"] in CHANNELS for c in complaints)
        assert all(c["kode_kelurahan"] or TRIAGE_LOCATION in c["triage"] for c in complaints)
        assert "Demo feed" in log.read_text() and "refused" not in log.read_text()
    finally:
        stop(process)
