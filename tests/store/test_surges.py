"""Surge counting and announcements in the store, on SQLite and PostGIS."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint
from crm.surge import Window
from geo.jurisdiction import Jurisdiction
from store import complaints, surges, users
from store.db import writing
from tests.store.conftest import GAMBIR

MakeComplaint = Callable[..., Complaint]
KAMPUNG_MELAYU = Jurisdiction("31.75.03.1001", "Kampung Melayu", "31.75.03", "Jatinegara", "31.75", "Jakarta Timur")
NOW = datetime(2025, 1, 29, 7, 0, tzinfo=UTC)
WINDOW = Window.ending(NOW)


def store(sessions: sessionmaker[Session], make_complaint: MakeComplaint, *received: datetime,
          **fields: Any) -> None:
    with sessions.begin() as session:
        for at in received:
            complaints.add(session, complaint=make_complaint(received_at=at, **fields))


def counted(sessions: sessionmaker[Session], at_least: int = 1) -> dict[tuple[str, str], tuple[int, int]]:
    with sessions() as session:
        found = surges.count_by_area(session, window=WINDOW, at_least=at_least)
    return {(c.place.kode_kelurahan, c.category): (c.recent, c.baseline) for c in found}


def test_counts_each_kelurahan_and_category_in_both_periods(sessions, make_complaint):
    recent, baseline = WINDOW.recent_from, WINDOW.baseline_from
    store(sessions, make_complaint, recent, NOW - timedelta(minutes=1), NOW - timedelta(hours=1),  # 3 recent
          recent - timedelta(microseconds=1), baseline, baseline + timedelta(days=20),  # 3 baseline
          baseline - timedelta(seconds=1), NOW, NOW + timedelta(hours=1))  # outside the window
    store(sessions, make_complaint, NOW - timedelta(hours=2), category="pohon")
    store(sessions, make_complaint, NOW - timedelta(hours=2), NOW - timedelta(days=2), jurisdiction=KAMPUNG_MELAYU)
    store(sessions, make_complaint, NOW - timedelta(hours=2), jurisdiction=None)  # luar wilayah: no kelurahan

    assert counted(sessions) == {
        ("31.71.01.1001", "banjir"): (3, 3),
        ("31.71.01.1001", "pohon"): (1, 0),
        ("31.75.03.1001", "banjir"): (1, 1),
    }


def test_pairs_with_too_few_recent_reports_are_left_to_the_database(sessions, make_complaint):
    store(sessions, make_complaint, *[NOW - timedelta(minutes=m) for m in range(1, 6)])
    store(sessions, make_complaint, *[NOW - timedelta(minutes=m) for m in range(1, 5)], jurisdiction=KAMPUNG_MELAYU)
    store(sessions, make_complaint, *[NOW - timedelta(days=d) for d in range(1, 20)], jurisdiction=KAMPUNG_MELAYU)
    assert counted(sessions, at_least=5) == {("31.71.01.1001", "banjir"): (5, 0)}
    with sessions() as session:
        [gambir] = surges.count_by_area(session, window=WINDOW)  # by default the rule's lowest floor: 5
    assert gambir.place == GAMBIR and gambir.category == "banjir"


def test_counting_is_one_query_on_the_received_at_index(engine, sessions, make_complaint):
    store(sessions, make_complaint, NOW - timedelta(hours=1))
    statements: list[tuple[str, Any]] = []
    listener = lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        counted(sessions)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    [(sql, params)] = [(sql, params) for sql, params in statements if "GROUP BY" in sql]
    if engine.dialect.name == "sqlite":  # PostgreSQL's planner picks by table statistics
        with engine.connect() as connection:
            plan = " ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING INDEX ix_complaints_received_at" in plan


def test_announcements_are_read_back_newest_first_within_the_period(sessions):
    def payload(kode: str, category: str) -> dict[str, Any]:
        return {"key": f"{kode}:{category}", "kode_kelurahan": kode, "category": category}

    with writing(sessions) as session:
        surges.lock_announcing(session)
        surges.record(session, payload=payload("31.71.01.1001", "banjir"), at=NOW - timedelta(hours=13))
        surges.record(session, payload=payload("31.75.03.1001", "banjir"), at=NOW - timedelta(hours=2))
        surges.record(session, payload=payload("31.71.01.1001", "pohon"), at=NOW - timedelta(hours=2))
        surges.record(session, payload=payload("31.71.01.1001", "sampah"), at=NOW - timedelta(hours=1))
        users.audit(session, actor="budi", action="user.sign_in", target=None, detail={}, at=NOW)
    with sessions() as session:
        found = surges.announced(session, since=NOW - timedelta(hours=12))
    assert [p["key"] for p in found] == ["31.71.01.1001:sampah", "31.75.03.1001:banjir", "31.71.01.1001:pohon"]


def test_a_failed_announcing_transaction_records_nothing(sessions):
    with pytest.raises(RuntimeError), writing(sessions) as session:
        surges.lock_announcing(session)
        surges.record(session, payload={"kode_kelurahan": "31.71.01.1001", "category": "banjir"}, at=NOW)
        raise RuntimeError("the event could not be logged")
    with sessions() as session:
        assert surges.announced(session, since=NOW - timedelta(hours=1)) == []
