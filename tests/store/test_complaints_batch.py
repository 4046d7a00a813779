"""Storing many deliveries at once, and linking repeats of an open complaint, on SQLite and PostGIS."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import event

from crm.complaint import PRECISE, Status
from crm.complaint_filter import ComplaintFilter
from store import complaints
from tests.store.writes import add_many


def precise(make_complaint, **fields):
    return make_complaint(location_precision=PRECISE, **fields)


def test_a_batch_is_stored_in_order_and_a_retried_batch_creates_nothing(sessions, make_complaint) -> None:
    batch = [make_complaint(external_id=f"sms-{n}", lon=106.80 + n * 0.01) for n in range(50)]
    first = add_many(sessions, complaints=batch)
    assert [created for _, created in first] == [True] * 50
    assert [c.external_id for c, _ in first] == [f"sms-{n}" for n in range(50)]
    assert len({c.id for c, _ in first}) == 50

    retry = [replace(c, ticket="JKT-000000-RETRY") for c in batch[:10]] + [make_complaint(external_id="sms-new")]
    again = add_many(sessions, complaints=retry)
    assert [created for _, created in again] == [False] * 10 + [True]
    assert [c.id for c, _ in again[:10]] == [c.id for c, _ in first[:10]]
    with sessions() as session:
        assert len(complaints.list_complaints(session, limit=500)) == 51


def test_the_same_delivery_twice_in_one_batch_is_stored_once(sessions, make_complaint) -> None:
    complaint = make_complaint(external_id="tweet-1")
    (one, created_one), (two, created_two) = add_many(sessions, complaints=[complaint, complaint])
    assert (created_one, created_two) == (True, False)
    assert one.id == two.id


def test_a_batch_with_a_delivery_stored_meanwhile_keeps_the_rest(sessions, make_complaint) -> None:
    """The slow path: the multi-row insert fails on a ticket taken since, each row then goes alone."""
    taken = add_many(sessions, complaints=[make_complaint()])[0][0]
    batch = [make_complaint(external_id="a"), make_complaint(external_id="b", ticket=taken.ticket)]
    stored = add_many(sessions, complaints=batch)
    assert [created for _, created in stored] == [True, True]
    assert stored[1][0].ticket != taken.ticket


def test_clashing_tickets_get_fresh_ones_and_the_batch_still_goes_in_at_once(sessions, make_complaint) -> None:
    """Thousands of tickets a day make a clash in a batch of a thousand likely: the batch is retried
    with fresh tickets for the clashing ones, not inserted row by row."""
    taken = add_many(sessions, complaints=[make_complaint()])[0][0]
    batch = [make_complaint(external_id=f"b{n}") for n in range(20)]
    batch[3] = replace(batch[3], ticket=taken.ticket)
    batch[7] = replace(batch[7], ticket=batch[6].ticket)
    savepoints: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("SAVEPOINT"):
            savepoints.append(statement)

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        stored = add_many(sessions, complaints=batch)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [created for _, created in stored] == [True] * 20
    tickets = [c.ticket for c, _ in stored] + [taken.ticket]
    assert len(set(tickets)) == 21
    assert len(savepoints) <= 3  # the first insert, one retry with fresh tickets; one by one would be 20 more


def test_a_report_near_an_open_complaint_of_its_category_links_to_it(sessions, make_complaint) -> None:
    first = add_many(sessions, complaints=[precise(make_complaint)])[0][0]
    at = first.received_at + timedelta(hours=47)
    near = precise(make_complaint, received_at=at, lon=first.lon + 0.0015, channel="twitter")  # ~165 m east
    far = precise(make_complaint, received_at=at, lon=first.lon + 0.0030)  # ~330 m
    other_category = precise(make_complaint, received_at=at, category="sampah")
    late = precise(make_complaint, received_at=first.received_at + timedelta(hours=49))
    gazetteer_point = make_complaint(received_at=at, location_precision="kelurahan")
    stored = add_many(sessions, complaints=[near, far, other_category, late, gazetteer_point])
    assert [c.duplicate_of for c, _ in stored] == [first.id, None, None, None, None]


def test_repeats_in_one_batch_link_to_the_first_of_the_cluster(sessions, make_complaint) -> None:
    flood = [precise(make_complaint, lon=106.8307 + n * 0.0005) for n in range(4)]  # 55 m apart
    stored = add_many(sessions, complaints=flood)
    root = stored[0][0].id
    assert [c.duplicate_of for c, _ in stored] == [None, root, root, root]
    with sessions() as session:
        assert [c.duplicate_of for c in complaints.list_complaints(session, ComplaintFilter(ids=tuple(c.id for c, _ in stored)))] == [
            root, root, root, None]


def test_a_closed_complaint_takes_no_repeats(sessions, make_complaint) -> None:
    closed = add_many(sessions, complaints=[precise(make_complaint, status=Status.SELESAI)])[0][0]
    again = add_many(sessions, complaints=[precise(make_complaint, lon=closed.lon)])[0][0]
    assert again.duplicate_of is None
