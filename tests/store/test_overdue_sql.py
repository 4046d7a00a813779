"""crm/overdue.py and its SQL twin store/overdue.py give the same answers, on SQLite and PostGIS,
over one set of complaints: every status, deadlines just before, at and just after `now`, and none.
The counts that use the twin (areas, a unit's page, the SLA watch's candidates) agree with the rule."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm import overdue as rule
from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.ranking import StintColumns, held_at
from crm.transitions import TRANSITION
from store import areas, unit_stats
from store import overdue as twin
from store import stints as stint_store
from store.complaints import overdue_candidates
from store.models import ComplaintRow, StintRow
from tests.store.writes import add_many

NOW = datetime(2026, 12, 3, 16, 59, 59, 500000, tzinfo=UTC)  # 23:59:59.5 WIB, half a second after a day's deadline
OFFSETS = (None, timedelta(days=-3), timedelta(seconds=-1), timedelta(microseconds=-1), timedelta(0),
           timedelta(microseconds=1), timedelta(seconds=1), timedelta(days=2))


@pytest.fixture
def stored(sessions: sessionmaker[Session], make_complaint: Callable[..., Complaint]) -> list[Complaint]:
    """One complaint per status and deadline offset from NOW, all held by one unit (a closed one's
    history ends in Selesai, which ends the unit's turn)."""
    built = []
    received, closed = NOW - timedelta(days=10), NOW - timedelta(days=1)
    for status, offset in itertools.product(Status, OFFSETS):
        history = [received_event(received)]
        if status is Status.SELESAI:
            history.append(ComplaintEvent(TRANSITION, closed, status, "petugas"))
        built.append(make_complaint(received_at=received, status=status, skpd="DLH",
                                    first_action_due=received + timedelta(hours=6),
                                    completion_due=None if offset is None else NOW + offset,
                                    closed_at=closed if status is Status.SELESAI else None, history=history))
    return [complaint for complaint, _ in add_many(sessions, complaints=built)]


def test_the_sql_twin_picks_the_same_complaints_as_the_rule(sessions, stored):
    expected = {c.id for c in stored if rule.overdue(c, NOW)}
    assert len(expected) == 3 * (len(Status) - 1)  # three offsets strictly before NOW, every open status
    with sessions() as session:
        flags = dict(session.execute(select(ComplaintRow.id, twin.overdue(NOW))).all())
    assert {cid for cid, late in flags.items() if late} == expected
    assert set(flags.values()) == {True, False}  # never NULL, even without a deadline


@pytest.mark.parametrize("moment", [NOW + timedelta(microseconds=-1), NOW, NOW + timedelta(microseconds=1)])
def test_passed_agrees_at_each_boundary(sessions, stored, moment):
    with sessions() as session:
        found = set(session.scalars(select(ComplaintRow.id).where(twin.passed(ComplaintRow.completion_due, moment))))
        opened = set(session.scalars(select(ComplaintRow.id).where(twin.is_open(ComplaintRow.status))))
    assert found == {c.id for c in stored if rule.passed(c.completion_due, moment)}
    assert opened == {c.id for c in stored if rule.is_open(c.status)}


def test_area_figures_count_the_rule(sessions, stored):
    with sessions() as session:
        figures = areas.totals(session, kode=None, since=NOW - timedelta(days=30), now=NOW)
    assert figures.overdue == sum(rule.overdue(c, NOW) for c in stored)
    assert figures.open == sum(rule.is_open(c.status) for c in stored)


def test_a_units_overdue_list_and_the_rankings_backlog_agree(sessions, stored):
    with sessions() as session:
        _, total = unit_stats.overdue(session, skpd="DLH", now=NOW, limit=500)
        held = stint_store.of_complaints(session, [c.id for c in stored])
        late_rows = set(session.scalars(select(StintRow.complaint_id).where(
            StintRow.end_at.is_(None), twin.passed(StintRow.completion_due, NOW))))
    every = [s for found in held.values() for s in found]
    counted = held_at(StintColumns.from_stints(every), NOW.timestamp())
    assert total == int(counted[:, 1].sum()) == len(late_rows)
    assert late_rows == {c.id for c in stored if rule.overdue(c, NOW)}


def test_the_watch_lists_complaints_whose_completion_has_passed(sessions, stored):
    with sessions() as session:
        candidates = set(overdue_candidates(session, now=NOW, limit=1000))
    assert {c.id for c in stored if rule.overdue(c, NOW)} <= candidates
    assert all(rule.is_open(c.status) for c in stored if c.id in candidates)

