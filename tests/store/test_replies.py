"""The verdict's store on both databases: a reporter's reply taken once per channel message, the
notice an SMS or an email answers, and a rating kept in the ranking's stints."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from crm.complaint import Status
from crm.notices import Address, Notice
from crm.verdict import rate
from store import complaints, notices, replies, stints
from store.db import writing

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def complaint_id(sessions, make_complaint) -> int:
    with writing(sessions) as session:
        [(stored, _)] = complaints.add_many(session, complaints=[make_complaint()])
    return stored.id


def queue(sessions, complaint_id: int, channel: str, recipient: str, kind: str, at: datetime) -> int:
    key = f"pantau-{complaint_id}-{at.timestamp():.0f}-{kind}"
    with writing(sessions) as session:
        notices.add_many(session, [Notice(complaint_id, kind, Address(channel, recipient), "s", "t", key)], at=at)
        return notices.by_key(session, channel=channel, key=key).id


def test_a_reply_is_taken_once_per_channel_message(sessions, complaint_id):
    with writing(sessions) as session:
        assert replies.taken(session, channel="sms", external_id="SMSC-1") is None
        replies.add(session, complaint_id=complaint_id, channel="sms", external_id="SMSC-1", kind="nilai", at=NOW)
    with sessions() as session:
        assert replies.taken(session, channel="sms", external_id="SMSC-1") == complaint_id
        assert replies.taken(session, channel="email", external_id="SMSC-1") is None  # ids are per channel
        assert replies.of_complaint(session, complaint_id=complaint_id) == [("sms", "nilai", NOW)]
    with pytest.raises(IntegrityError), writing(sessions) as session:
        replies.add(session, complaint_id=complaint_id, channel="sms", external_id="SMSC-1", kind="tanggapan", at=NOW)


def test_an_sms_answers_the_newest_notice_sent_to_its_number_within_the_window(sessions, complaint_id):
    old = queue(sessions, complaint_id, "sms", "6281299990000", "diterima", NOW - timedelta(days=20))
    sent = queue(sessions, complaint_id, "sms", "6281299990000", "selesai", NOW - timedelta(days=1))
    waiting = queue(sessions, complaint_id, "sms", "6281299990000", "proses", NOW)
    with writing(sessions) as session:
        for notice_id in (old, sent):
            notices.mark_sent(session, notice_id=notice_id, at=NOW)
    with sessions() as session:
        since = NOW - timedelta(days=14)
        found = notices.latest_to(session, channel="sms", recipients={"6281299990000"}, since=since)
        assert found is not None and found.id == sent  # the one not yet sent was never read
        assert notices.latest_to(session, channel="sms", recipients={"6281200000000"}, since=since) is None
        assert notices.latest_to(session, channel="email", recipients={"6281299990000"}, since=since) is None
        assert notices.get(session, notice_id=waiting).state == "pending"


def test_an_email_finds_its_notice_by_key(sessions, complaint_id):
    notice_id = queue(sessions, complaint_id, "email", "sri@example.co.id", "selesai", NOW)
    with sessions() as session:
        key = notices.get(session, notice_id=notice_id).key
        assert notices.by_key(session, channel="email", key=key).recipient == "sri@example.co.id"
        assert notices.by_key(session, channel="sms", key=key) is None


def test_a_rating_is_kept_in_the_stint_that_closed_the_complaint(sessions, make_complaint):
    closed = make_complaint(status=Status.SELESAI)
    with writing(sessions) as session:
        [(stored, _)] = complaints.add_many(session, complaints=[closed])
    with writing(sessions) as session:
        complaints.change(session, complaint_id=stored.id, step=lambda c: rate(c, rating=4, at=NOW))
    with sessions() as session:
        [stint] = stints.of_complaints(session, [stored.id])[stored.id]
        table = stints.table_since(session, NOW - timedelta(days=400))
    assert (stint.ratings, stint.rating_points) == (1, 0.75)
    row = list(table.complaint_id).index(stored.id)
    assert (table.columns.ratings[row], table.columns.rating_points[row]) == (1.0, 0.75)
