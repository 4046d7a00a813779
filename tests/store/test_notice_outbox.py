"""The notices outbox on both databases: claimed with a lease, parked when a channel has no sender,
marked sent or failed, given up as dead and listed for operators; on PostgreSQL two dispatchers
claiming at once never get the same notice."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.notices import Address, Notice
from store import complaints, notices
from store.db import writing

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture
def complaint_id(sessions, make_complaint) -> int:
    with writing(sessions) as session:
        [(stored, _)] = complaints.add_many(session, complaints=[make_complaint()])
    return stored.id


def queue(sessions, complaint_id: int, *channels: str) -> None:
    with writing(sessions) as session:
        notices.add_many(session, [
            Notice(complaint_id, "diterima", Address(channel, f"to-{i}", None), "Pengaduan X", f"teks {i}",
                   f"pantau-{complaint_id}-{i}-diterima")
            for i, channel in enumerate(channels)], at=NOW)


def claim(sessions, *, at: datetime = NOW, configured=("sms",), limit: int = 10) -> list[notices.StoredNotice]:
    with writing(sessions) as session:
        notices.park_unconfigured(session, configured=configured)
        return notices.claim(session, now=at, configured=configured, lease=LEASE, limit=limit)


def states(sessions, complaint_id: int) -> list[tuple[str, str, int]]:
    with sessions() as session:
        return [(n.channel, n.state, n.attempts) for n in notices.of_complaint(session, complaint_id=complaint_id)]


def test_a_claim_counts_the_attempt_and_holds_the_notice_for_its_lease(sessions, complaint_id):
    queue(sessions, complaint_id, "sms", "sms")
    first = claim(sessions)
    assert [(n.recipient, n.attempts, n.next_attempt_at) for n in first] == [
        ("to-0", 1, NOW + LEASE), ("to-1", 1, NOW + LEASE)]
    assert claim(sessions, at=NOW + LEASE - timedelta(seconds=1)) == []  # held: no second sender
    again = claim(sessions, at=NOW + LEASE)  # the claimer died before marking: sent again, same key
    assert [(n.key, n.attempts) for n in again] == [(first[0].key, 2), (first[1].key, 2)]


def test_a_channel_without_a_sender_is_kept_not_configured_until_one_is(sessions, complaint_id):
    queue(sessions, complaint_id, "email", "sms", "twitter")
    assert [n.channel for n in claim(sessions)] == ["sms"]
    assert states(sessions, complaint_id) == [("email", "not_configured", 0), ("sms", "pending", 1),
                                              ("twitter", "not_configured", 0)]
    later = claim(sessions, at=NOW + timedelta(days=3), configured=("sms", "email"))  # SMTP set since
    assert [(n.channel, n.attempts) for n in later] == [("email", 1), ("sms", 2)]
    assert ("twitter", "not_configured", 0) in states(sessions, complaint_id)


def test_sent_failed_and_dead_and_the_operators_list(sessions, complaint_id):
    queue(sessions, complaint_id, "sms", "sms", "sms")
    sent, retried, given_up = claim(sessions)
    with writing(sessions) as session:
        notices.mark_sent(session, notice_id=sent.id, at=NOW)
        notices.mark_failed(session, notice_id=retried.id, error="503", retry_at=NOW + timedelta(seconds=30))
        notices.mark_failed(session, notice_id=given_up.id, error="x" * 5000, retry_at=None)
    assert states(sessions, complaint_id) == [("sms", "sent", 1), ("sms", "failed", 1), ("sms", "dead", 1)]
    assert claim(sessions, at=NOW + timedelta(seconds=29)) == []
    assert [n.id for n in claim(sessions, at=NOW + timedelta(seconds=30))] == [retried.id]  # dead never again
    with sessions() as session:
        [letter] = notices.dead(session)
        [shown] = [n for n in notices.of_complaint(session, complaint_id=complaint_id) if n.id == sent.id]
    assert (letter.id, letter.state, len(letter.last_error or "")) == (given_up.id, "dead", 2000)
    assert (shown.sent_at, shown.last_error) == (NOW, None)


def test_two_dispatchers_claiming_at_once_share_the_notices_without_overlap(engine, sessions, complaint_id):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second claim waits for the first")
    queue(sessions, complaint_id, *["sms"] * 6)
    with writing(sessions) as first:
        mine = notices.claim(first, now=NOW, configured=["sms"], lease=LEASE, limit=4)
        theirs = claim(sessions, limit=10)  # while the first claim's rows are still locked
    assert len(mine) == 4 and len(theirs) == 2
    assert not {n.id for n in mine} & {n.id for n in theirs}
