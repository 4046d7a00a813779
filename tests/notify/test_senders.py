"""X, Facebook, LAPOR! and Qlue senders through the dispatcher against local HTTP servers standing in
for their APIs, on SQLite and PostGIS: the exact request each sends (method, path, headers, JSON
body), public replies without the tracking code, partners sent the public view only, and how their
answers are read (final 4xx dead at once; 429 and 5xx retried, not before Retry-After)."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from crm.complaint import Status, utc_now
from crm.lifecycle import advance
from crm.notices import NoticeRule
from crm.public_view import public_tracking
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from live.publish import Publisher, make_socketio
from notify.configured import configured_senders, public_views
from notify.dispatch import Dispatcher
from notify.facebook import FacebookSender
from notify.http_api import retry_after
from notify.partners import LAPOR, QLUE, PartnerSender
from notify.twitter import TwitterSender
from services.unit_of_work import change_complaint, unit_of_work
from settings import Settings
from store import complaints, notices
from tests.notify.servers import http_api
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)

TOKEN = "rahasia-api"
CODE = "ABCDEFGHJK"
TWEET = "1861780245513076771"
COMMENT = "1061823742771935_882310457716122"
MID = "m_Qk1v7oJc2ZzK3F0aXh0Zl9pZA"
PSID = "6983712456690123"


@pytest.fixture
def publisher(sessions):  # noqa: F811
    return Publisher(make_socketio(Flask(__name__), channel="test-senders"), sessions)


@pytest.fixture
def receive(sessions, publisher, make_complaint):  # noqa: F811
    """Store a new complaint through the unit of work, as the intake does, with its receipt queued."""
    rule = NoticeRule.default("https://pantau.jakarta.go.id")

    def store(**fields):
        with unit_of_work(sessions, publisher) as work:
            [(stored, _)] = complaints.add_many(work.session, complaints=[make_complaint(tracking_code=CODE, **fields)])
            work.notices.extend(rule.notices(None, stored))
        return stored
    return store


def to_proses(sessions, publisher, complaint_id):  # noqa: F811
    change_complaint(sessions, publisher, complaint_id=complaint_id, step=lambda c: advance(
        c, TransitionRequest(Status.PROSES, actor="petugas", at=utc_now()), SlaClock.default()))


def stored(sessions, complaint_id):  # noqa: F811
    with sessions() as session:
        return notices.of_complaint(session, complaint_id=complaint_id)


def test_a_tweet_is_answered_by_a_reply_under_it_without_the_tracking_code(sessions, receive):  # noqa: F811
    complaint = receive(channel="twitter", external_id=TWEET, reporter_contact="@rina_utankayu",
                        reporter_name="Rina")
    with http_api(201, answer={"data": {"id": "1862000000000000002", "text": "..."}}) as (url, api):
        assert Dispatcher(sessions, {"twitter": TwitterSender(TOKEN, url)}).round() == 1
    [notice] = stored(sessions, complaint.id)
    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == {"text": notice.text, "reply": {"in_reply_to_tweet_id": TWEET}}
    assert complaint.ticket in notice.text and CODE not in notice.text and "kode=" not in notice.text  # public
    assert f"/lacak?tiket={complaint.ticket}" in notice.text and notice.state == "sent"


def test_a_facebook_comment_is_answered_by_a_comment_under_it(sessions, receive):  # noqa: F811
    complaint = receive(channel="facebook", external_id=COMMENT, reporter_contact="facebook:7712409385599902")
    with http_api(200, answer={"id": "882310457716122_1"}) as (url, api):
        assert Dispatcher(sessions, {"facebook": FacebookSender(TOKEN, f"{url}/v19.0")}).round() == 1
    [notice] = stored(sessions, complaint.id)
    [request] = api.requests
    assert (request.method, request.path) == ("POST", f"/v19.0/{COMMENT}/comments")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == {"message": notice.text}
    assert complaint.ticket in notice.text and CODE not in notice.text


def test_a_messenger_message_is_answered_in_private_then_updated_with_a_tag(sessions, receive, publisher):  # noqa: F811
    complaint = receive(channel="facebook", external_id=MID, reporter_contact=f"facebook:{PSID}")
    with http_api(200, answer={"recipient_id": PSID, "message_id": "m_x"}) as (url, api):
        dispatcher = Dispatcher(sessions, {"facebook": FacebookSender(TOKEN, f"{url}/v19.0")})
        assert dispatcher.round() == 1
        to_proses(sessions, publisher, complaint.id)
        assert dispatcher.round() == 1
    receipt, proses = stored(sessions, complaint.id)
    first, second = api.requests
    assert (first.method, first.path) == (second.method, second.path) == ("POST", "/v19.0/me/messages")
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.body == {"recipient": {"id": PSID}, "messaging_type": "RESPONSE",
                          "message": {"text": first.body["message"]["text"]}}
    assert f"kode={CODE}" in first.body["message"]["text"]  # private: the reporter's own link, as by SMS
    assert second.body == {"recipient": {"id": PSID}, "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE",
                           "message": {"text": proses.text}}
    assert (receipt.state, proses.state, proses.kind) == ("sent", "sent", "proses")


@pytest.mark.parametrize(("partner", "id_field", "text_field"), [(LAPOR, "tracking_id", "tindak_lanjut"),
                                                                 (QLUE, "report_id", "pesan")])
def test_a_partner_is_sent_the_follow_up_and_the_public_view_only(sessions, receive, partner, id_field,  # noqa: F811
                                                                  text_field):
    complaint = receive(channel=partner.channel, external_id="3891234", reporter_name="Budi Santoso",
                        reporter_contact="budi.santoso@example.co.id; 081298765432")
    with http_api(200) as (url, api):
        sender = PartnerSender(partner, f"{url}/api/tindak-lanjut", TOKEN, public_views(sessions))
        assert Dispatcher(sessions, {partner.channel: sender}).round() == 1
    [notice] = stored(sessions, complaint.id)
    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/api/tindak-lanjut")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == notice.key == f"pantau-{complaint.id}-1-diterima"
    with sessions() as session:
        view = public_tracking(complaints.get(session, complaint_id=complaint.id))
    assert request.body == {id_field: "3891234", "reference": notice.key, "jenis": "diterima",
                            text_field: notice.text, "laporan": json.loads(json.dumps(view))}
    sent = json.dumps(request.body)
    for private in ("Budi", "budi.santoso", "081298765432", "6281298765432", CODE):
        assert private not in sent


def test_a_final_refusal_is_dead_at_once(sessions, receive):  # noqa: F811
    complaint = receive(channel="twitter", external_id=TWEET, reporter_contact="@rina")
    with http_api(403) as (url, api):  # e.g. the tweet was deleted, or the reply is not allowed
        assert Dispatcher(sessions, {"twitter": TwitterSender(TOKEN, url)}).round() == 0
    [notice] = stored(sessions, complaint.id)
    assert len(api.requests) == 1 and notice.state == "dead" and "403" in (notice.last_error or "")


class Clock:
    def __init__(self) -> None:
        self.now = utc_now() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(("status", "asked", "wait_s"), [(429, "120", 120), (429, None, 30), (503, "5", 30),
                                                         (408, None, 30)])
def test_throttling_and_outages_are_retried_not_before_retry_after(sessions, receive, status, asked,  # noqa: F811
                                                                   wait_s):
    complaint = receive(channel="facebook", external_id=COMMENT, reporter_contact="facebook:1")
    clock = Clock()
    with http_api(status, retry_after=asked) as (url, _):
        assert Dispatcher(sessions, {"facebook": FacebookSender(TOKEN, url)}, clock=clock).round() == 0
    [notice] = stored(sessions, complaint.id)
    assert notice.state == "failed" and str(status) in (notice.last_error or "")
    due = notice.next_attempt_at if notice.next_attempt_at.tzinfo else notice.next_attempt_at.replace(tzinfo=UTC)
    assert due == clock.now + timedelta(seconds=wait_s)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert retry_after("90", now) == 90.0
    assert retry_after("Tue, 08 Dec 2026 03:02:00 GMT", now) == 120.0
    assert retry_after("kemarin", now) is None and retry_after(None, now) is None


def test_each_channel_has_a_sender_once_its_settings_are_given_and_none_before():
    assert configured_senders(Settings(), lambda _id: None) == {}
    given = Settings(twitter_token="t", facebook_page_token="f", lapor_api_url="http://lapor", lapor_token="l",
                     qlue_callback_url="http://qlue", qlue_token="q")
    senders = configured_senders(given, lambda _id: None)
    assert sorted(senders) == ["facebook", "lapor", "qlue", "twitter"]
    assert all(sender.channel == channel for channel, sender in senders.items())
