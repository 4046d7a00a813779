"""One unit's figures (store/unit_stats.py) on hand-built histories, on SQLite and PostGIS: time and
lateness are charged to the unit that held the complaint, as the ranking charges them."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from crm.complaint import ComplaintEvent, Status, received_event
from crm.transitions import MOVED_PREFIX, TRANSITION
from store import complaints, unit_stats
from store.unit_stats import Overdue
from tests.store.conftest import GAMBIR

UNIT, OTHER = "BINAMARGA-JP", "DSDA-JP"
NOW = datetime(2024, 11, 20, 5, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
KEBON_KELAPA = replace(GAMBIR, kode_kelurahan="31.71.01.1002", kelurahan="Kebon Kelapa")
RESPONSE_EDGES = (1.0, 6.0, 24.0)
COMPLETION_EDGES = (24.0, 72.0)


def step(at: datetime, status: Status, kind: str = TRANSITION) -> ComplaintEvent:
    return ComplaintEvent(kind, at, status, "staf")


@pytest.fixture
def stored(sessions, make_complaint):
    """Six complaints of UNIT (one handed over from OTHER, one handed on to OTHER), one of OTHER, one too old."""
    day = NOW - timedelta(days=2)

    def held(received: datetime, *events: ComplaintEvent, skpd: str = UNIT, **fields):
        return make_complaint(received_at=received, skpd=skpd, history=[received_event(received), *events],
                              status=events[-1].status if events else Status.MENUNGGU, **fields)

    built = [
        # acted on after 30 minutes, closed after a day: held no more
        held(day, step(day + timedelta(minutes=30), Status.PROSES),
             step(day + timedelta(days=1), Status.SELESAI)),
        # acted on after 3 hours, overdue since a day ago
        held(day, step(day + timedelta(hours=3), Status.PROSES), completion_due=NOW - timedelta(days=1)),
        # never acted on, overdue since an hour ago, in Kebon Kelapa
        held(day, completion_due=NOW - timedelta(hours=1), jurisdiction=KEBON_KELAPA, category="jalan"),
        # held, not yet due
        held(day, step(day + timedelta(hours=30), Status.MENUNGGU_VALIDASI), completion_due=NOW + timedelta(days=3)),
        # OTHER held it 10 hours, then UNIT; UNIT's time starts at the hand-over and its first action is 2 h later
        held(day, step(day + timedelta(hours=10), Status.KOORDINASI, f"{MOVED_PREFIX}{OTHER}:{UNIT}"),
             step(day + timedelta(hours=12), Status.PROSES), skpd=UNIT, completion_due=NOW + timedelta(days=5)),
        # UNIT handed it to OTHER, late, after acting on it in 8 hours: no longer UNIT's to be overdue with
        held(day, step(day + timedelta(hours=8), Status.KOORDINASI, f"{MOVED_PREFIX}{UNIT}:{OTHER}"),
             skpd=OTHER, completion_due=NOW - timedelta(days=1)),
        # another unit's complaint
        held(day, step(day + timedelta(hours=1), Status.PROSES), skpd=OTHER, completion_due=NOW - timedelta(days=1)),
        # UNIT's, closed long before the window
        held(SINCE - timedelta(days=5), step(SINCE - timedelta(days=5, hours=-2), Status.PROSES),
             step(SINCE - timedelta(days=2), Status.SELESAI)),
    ]
    with sessions.begin() as session:
        tickets = [complaints.add(session, complaint=complaint).ticket for complaint in built]
    return sessions, tickets


def test_held_by_status_counts_what_the_unit_holds_now(stored):
    sessions, _ = stored
    with sessions() as session:
        assert unit_stats.held_by_status(session, skpd=UNIT, now=NOW) == {
            "Proses": 2, "Menunggu": 1, "Menunggu Validasi": 1}
        assert unit_stats.held_by_status(session, skpd=UNIT, now=SINCE) == {}  # none had arrived yet
        assert unit_stats.held_by_status(session, skpd="DINKES", now=NOW) == {}


def test_overdue_lists_the_longest_overdue_first(stored):
    sessions, tickets = stored
    with sessions() as session:
        found, total = unit_stats.overdue(session, skpd=UNIT, now=NOW, limit=10)
        assert total == 2
        assert found == [
            Overdue(tickets[1], "banjir", "Gambir", NOW - timedelta(days=1)),
            Overdue(tickets[2], "jalan", "Kebon Kelapa", NOW - timedelta(hours=1)),
        ]
        assert unit_stats.overdue(session, skpd=UNIT, now=NOW, limit=1) == (found[:1], 2)
        assert unit_stats.overdue(session, skpd=OTHER, now=NOW, limit=10)[1] == 2  # its own and the handed-on one


def test_histograms_count_from_when_the_unit_got_the_complaint(stored):
    sessions, _ = stored
    with sessions() as session:
        # UNIT's first actions in the window: 0.5 h, 3 h, 30 h, 2 h (after the hand-over) and 8 h (before handing on)
        assert unit_stats.histogram(session, skpd=UNIT, took="response", since=SINCE,
                                    edges=RESPONSE_EDGES) == [1, 2, 1, 1]
        assert unit_stats.histogram(session, skpd=UNIT, took="completion", since=SINCE,
                                    edges=COMPLETION_EDGES) == [0, 1, 0]  # 24 hours
        assert unit_stats.histogram(session, skpd=UNIT, took="completion", since=SINCE - timedelta(days=7),
                                    edges=COMPLETION_EDGES) == [0, 1, 1]  # the old one took 3 days
        # OTHER: its own complaint after 1 h, and handing one to UNIT after 10 h (a hand-over is an action)
        assert unit_stats.histogram(session, skpd=OTHER, took="response", since=SINCE,
                                    edges=RESPONSE_EDGES) == [0, 1, 1, 0]


def test_complaints_by_kelurahan_in_the_window(stored):
    sessions, _ = stored
    with sessions() as session:
        assert unit_stats.by_kelurahan(session, skpd=UNIT, since=SINCE, now=NOW) == {
            "31.71.01.1001": 5, "31.71.01.1002": 1}
        assert unit_stats.by_kelurahan(session, skpd=UNIT, since=NOW, now=NOW) == {
            "31.71.01.1001": 3, "31.71.01.1002": 1}  # held now: the closed and the handed-on ones are out
