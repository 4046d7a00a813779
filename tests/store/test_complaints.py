"""The complaints repository on both databases."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint, ComplaintEvent, Status
from crm.complaint_filter import ComplaintFilter
from geo.jurisdiction import Jurisdiction
from store import complaints
from store.models import ComplaintEventRow, ComplaintRow
from tests.store.writes import add_many

MakeComplaint = Callable[..., Complaint]


def count(session: Session, row: type) -> int:
    return session.scalar(select(func.count()).select_from(row)) or 0


def test_add_then_get_round_trips_with_aware_utc_times_and_history(
    session: Session, make_complaint: MakeComplaint
) -> None:
    wib = datetime(2024, 11, 5, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Jakarta"))
    original = make_complaint(received_at=wib)
    added = complaints.add(session, complaint=original)
    session.commit()
    session.expunge_all()

    got = complaints.get(session, complaint_id=added.id)

    assert got is not None and got.id == added.id
    assert got.received_at == wib and got.received_at.utcoffset() == timedelta(0)
    assert got.received_at.hour == 2  # 09:30 WIB is 02:30 UTC
    assert got.history == [
        ComplaintEvent(kind="diterima", at=wib, status=Status.MENUNGGU, actor="sistem")
    ]
    assert all(event.at.tzinfo is not None for event in got.history)
    assert got == replace(original, id=added.id, history=got.history)
    assert complaints.get(session, complaint_id=added.id + 1) is None


def test_given_history_is_stored_in_order(session: Session, make_complaint: MakeComplaint) -> None:
    at = datetime(2024, 11, 5, 3, 0, tzinfo=timezone.utc)
    history = [
        ComplaintEvent("diterima", at, Status.MENUNGGU, "sistem"),
        ComplaintEvent("disposisi", at, Status.DISPOSISI, "Dinas SDA", note="ke Sudin SDA Jakpus"),
    ]
    added = complaints.add(session, complaint=make_complaint(history=history))
    session.commit()
    session.expunge_all()
    assert complaints.get(session, complaint_id=added.id).history == history


def test_a_complaint_without_place_round_trips_its_flag(
    session: Session, make_complaint: MakeComplaint
) -> None:
    added = complaints.add(
        session, complaint=make_complaint(lon=None, lat=None, jurisdiction=None)
    )
    session.commit()
    session.expunge_all()
    got = complaints.get(session, complaint_id=added.id)
    assert (got.lon, got.jurisdiction, got.location_flag) == (None, None, "tanpa_lokasi")


def test_get_by_external(session: Session, make_complaint: MakeComplaint) -> None:
    added = complaints.add(session, complaint=make_complaint(channel="sms", external_id="msg-1"))
    session.commit()
    found = complaints.get_by_external(session, channel="sms", external_id="msg-1")
    assert found is not None and found.id == added.id
    assert complaints.get_by_external(session, channel="webhook", external_id="msg-1") is None


def test_add_many_stores_a_delivery_once(
    sessions: sessionmaker[Session], make_complaint: MakeComplaint
) -> None:
    complaint = make_complaint(channel="open311", external_id="req-42")
    first, created = add_many(sessions, complaints=[complaint])[0]
    assert created
    retry = make_complaint(channel="open311", external_id="req-42")  # a fresh intake, new ticket
    again, created = add_many(sessions, complaints=[retry])[0]
    assert not created
    assert (again.id, again.ticket) == (first.id, first.ticket)
    with sessions() as session:
        assert count(session, ComplaintRow) == 1
        assert count(session, ComplaintEventRow) == 1


def test_add_many_from_two_threads_at_once_stores_one(
    sessions: sessionmaker[Session], make_complaint: MakeComplaint
) -> None:
    complaint = make_complaint(channel="webhook", external_id="burst-1")
    start = threading.Barrier(2)
    results: list[tuple[Complaint, bool]] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait()
            results.append(add_many(sessions, complaints=[complaint])[0])
        except BaseException as err:  # surfaced below; a thread's exception is otherwise lost
            errors.append(err)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].id == results[1][0].id
    with sessions() as session:
        assert count(session, ComplaintRow) == 1


def test_a_taken_ticket_is_replaced_by_a_fresh_one(
    session: Session, make_complaint: MakeComplaint
) -> None:
    first = complaints.add(session, complaint=make_complaint(ticket="JKT-241105-AAAAA"))
    second = complaints.add(session, complaint=make_complaint(ticket="JKT-241105-AAAAA"))
    session.commit()
    assert first.ticket == "JKT-241105-AAAAA"
    assert second.ticket != first.ticket and second.ticket.startswith("JKT-241105-")
    assert complaints.get(session, complaint_id=second.id).ticket == second.ticket


def test_add_raises_duplicate_for_a_delivery_already_stored(
    session: Session, make_complaint: MakeComplaint
) -> None:
    complaints.add(session, complaint=make_complaint(channel="sms", external_id="m-7"))
    with pytest.raises(complaints.DuplicateComplaint):
        complaints.add(session, complaint=make_complaint(channel="sms", external_id="m-7"))
    session.commit()
    assert count(session, ComplaintRow) == 1


def test_nothing_is_half_written_when_the_event_insert_fails(
    session: Session, make_complaint: MakeComplaint
) -> None:
    kept = complaints.add(session, complaint=make_complaint())
    now = datetime.now(timezone.utc)
    broken = ComplaintEvent(None, now, Status.MENUNGGU, actor="x")  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        complaints.add(session, complaint=make_complaint(history=[broken]))
    session.commit()  # the caller's transaction survives; only the failed complaint is gone
    assert session.scalars(select(ComplaintRow.id)).all() == [kept.id]
    assert count(session, ComplaintEventRow) == 1


def test_add_many_rolls_back_on_failure(
    sessions: sessionmaker[Session], make_complaint: MakeComplaint
) -> None:
    now = datetime.now(timezone.utc)
    broken = ComplaintEvent("diterima", now, Status.MENUNGGU, actor=None)  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        add_many(sessions, complaints=[make_complaint(history=[broken])])[0]
    with sessions() as session:
        assert count(session, ComplaintRow) == 0


def test_naive_datetimes_are_refused(session: Session, make_complaint: MakeComplaint) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        complaints.add(session, complaint=make_complaint(received_at=datetime(2024, 11, 5, 9, 30)))


def test_list_filters_and_orders_newest_first(
    session: Session, make_complaint: MakeComplaint
) -> None:
    day = datetime(2024, 11, 5, tzinfo=timezone.utc)
    elsewhere = Jurisdiction(
        "31.74.01.1001", "Tebet Barat", "31.74.01", "Tebet", "31.74", "Jakarta Selatan"
    )
    stored = [
        complaints.add(session, complaint=make_complaint(**fields))
        for fields in (
            {"received_at": day + timedelta(hours=1)},
            {"received_at": day + timedelta(hours=3), "skpd": "Dinas Bina Marga"},
            {"received_at": day + timedelta(hours=2), "jurisdiction": elsewhere},
            {"received_at": day + timedelta(hours=4), "status": Status.PROSES},
        )
    ]
    session.commit()
    ids = lambda found: [c.id for c in found]  # noqa: E731
    a, b, c, d = (s.id for s in stored)

    assert ids(complaints.list_complaints(session)) == [d, b, c, a]
    assert ids(complaints.list_complaints(session, ComplaintFilter(kode_kelurahan="31.74.01.1001"))) == [c]
    assert ids(complaints.list_complaints(session, ComplaintFilter(skpd="Dinas Bina Marga"))) == [b]
    assert ids(complaints.list_complaints(session, ComplaintFilter(statuses=(Status.PROSES,)))) == [d]
    assert ids(complaints.list_complaints(session, ComplaintFilter(since=day + timedelta(hours=2)))) == [d, b, c]
    assert ids(complaints.list_complaints(session, limit=2, offset=1)) == [b, c]
    wib_since = (day + timedelta(hours=3)).astimezone(ZoneInfo("Asia/Jakarta"))
    assert ids(complaints.list_complaints(session, ComplaintFilter(since=wib_since))) == [d, b]
    assert complaints.list_complaints(session, ComplaintFilter(statuses=(Status.SELESAI,))) == []
    assert ids(complaints.list_complaints(session, ComplaintFilter(statuses=(Status.PROSES, Status.MENUNGGU)), limit=10)) == [d, b, c, a]
    assert ids(complaints.list_complaints(session, ComplaintFilter(statuses=(Status.PROSES,)))) == [d]
    assert ids(complaints.list_complaints(session, ComplaintFilter(ids=(a, c, 10**9)))) == [c, a]
    assert ids(complaints.list_complaints(session, ComplaintFilter(until=day + timedelta(hours=2)))) == [c, a]
    assert ids(complaints.list_complaints(session, ComplaintFilter(categories=("banjir", "pohon")))) == [d, b, c, a]
    assert complaints.list_complaints(session, ComplaintFilter(categories=("pohon",))) == []
    assert complaints.list_complaints(session, ComplaintFilter(kode_kelurahan="31.71.01.1001"))[0].history
