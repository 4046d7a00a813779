"""The dispatcher and both senders against real servers the tests start, on SQLite and PostGIS: an
email reply threaded under the citizen's message, the exact SMS gateway request, notices kept while a
channel is not configured, retries with backoff until dead, and a crash after sending resent with the
same idempotency key."""
from __future__ import annotations

import ssl
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from crm.complaint import utc_now
from crm.notices import SMS_LENGTH, NoticeRule
from live.publish import Publisher, make_socketio
from notify.dispatch import Dispatcher
from notify.sms_gateway import SmsGatewaySender
from notify.smtp import SmtpSender
from services.unit_of_work import unit_of_work
from store import complaints, notices
from tests.notify.servers import http_gateway, smtp_server
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)

MESSAGE_ID = "<CAH7x1pPp0w3k8Z=K2@mail.example.co.id>"
TOKEN = "rahasia-gateway"
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """The dispatcher's time, moved by the test from `start` (a little after the notices were queued)."""

    def __init__(self) -> None:
        self.start = self.now = utc_now() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def receive(sessions, make_complaint):  # noqa: F811
    """Store a new complaint through the unit of work, as the intake does; it and its notices."""
    publisher = Publisher(make_socketio(Flask(__name__), channel="test-notify"), sessions)
    rule = NoticeRule.default("https://pantau.jakarta.go.id")

    def store(**fields):
        with unit_of_work(sessions, publisher) as work:
            [(stored, _)] = complaints.add_many(work.session, complaints=[make_complaint(**fields)])
            work.notices.extend(rule.notices(None, stored))
        return stored
    return store


def stored_notices(sessions, complaint_id):  # noqa: F811
    with sessions() as session:
        return notices.of_complaint(session, complaint_id=complaint_id)


def test_an_email_complaint_is_answered_in_its_thread_with_the_ticket(sessions, receive):  # noqa: F811
    complaint = receive(channel="email", external_id=MESSAGE_ID, reporter_contact="sri.wahyuni@example.co.id",
                        tracking_code="ABCDEFGHJK")
    with smtp_server() as (url, mailbox):
        sent = Dispatcher(sessions, {"email": SmtpSender(url, "Pantau <pengaduan@jakarta.go.id>")}).round()
    assert sent == 1
    [(recipients, message)] = mailbox.received
    assert recipients == ["sri.wahyuni@example.co.id"]
    assert message["In-Reply-To"] == message["References"] == MESSAGE_ID
    assert complaint.ticket in message["Subject"] and complaint.ticket in message.get_content()
    assert "kode=ABCDEFGHJK" in message.get_content()
    assert message["From"] == "Pantau <pengaduan@jakarta.go.id>" and message["Auto-Submitted"] == "auto-replied"
    [notice] = stored_notices(sessions, complaint.id)
    assert message["Message-ID"] == f"<{notice.key}@jakarta.go.id>"
    assert (notice.state, notice.attempts, notice.sent_at is not None) == ("sent", 1, True)
    assert "ABCDEFGHJK" not in notice.text and "kode=[kode disembunyikan]" in notice.text  # only its hash is kept
    assert notice.secret is None


def test_starttls_is_used_when_the_server_offers_it(sessions, receive, tmp_path, monkeypatch):  # noqa: F811
    subprocess.run(["sh", str(ROOT / "deploy" / "local-cert.sh"), str(tmp_path)], check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(tmp_path / "pantau.crt", tmp_path / "pantau.key")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "pantau.crt"))  # the client trusts this server only
    complaint = receive(channel="email", external_id=MESSAGE_ID, reporter_contact="sri@example.co.id")
    with smtp_server(tls) as (url, mailbox):
        assert Dispatcher(sessions, {"email": SmtpSender(url, "pengaduan@jakarta.go.id")}).round() == 1
    assert mailbox.over_tls == [True]  # the server refuses mail before STARTTLS: it was encrypted
    assert complaint.ticket in mailbox.received[0][1]["Subject"]


def test_an_sms_goes_to_the_gateway_as_one_documented_request(sessions, receive):  # noqa: F811
    complaint = receive(channel="sms", reporter_contact="6281234567890")
    with http_gateway(202) as (url, gateway):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 1
    [notice] = stored_notices(sessions, complaint.id)
    [request] = gateway.requests
    assert (request.method, request.path) == ("POST", "/api/v1/sms/send")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == notice.key == f"pantau-{complaint.id}-1-diterima"
    assert request.body == {"to": "6281234567890", "text": notice.text, "parts": [notice.text],
                            "reference": notice.key}
    assert complaint.ticket in notice.text and len(notice.text) <= SMS_LENGTH
    assert notice.state == "sent"


def test_notices_of_a_channel_without_settings_are_kept_until_it_has_them(sessions, receive):  # noqa: F811
    complaint = receive(channel="sms", reporter_contact="6281234567890")
    assert Dispatcher(sessions, {}).round() == 0
    assert [(n.state, n.attempts) for n in stored_notices(sessions, complaint.id)] == [("not_configured", 0)]
    with http_gateway(202) as (url, gateway):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 1
    assert len(gateway.requests) == 1 and stored_notices(sessions, complaint.id)[0].state == "sent"


def test_a_failing_gateway_is_retried_with_backoff_then_the_notice_is_dead(sessions, receive):  # noqa: F811
    complaint = receive(channel="sms", reporter_contact="6281234567890")
    clock = Clock()
    with http_gateway(503) as (url, gateway):
        dispatcher = Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}, max_attempts=3,
                                retry_base=timedelta(seconds=30), clock=clock)
        tried_at = []
        for seconds in (0, 29, 30, 89, 90, 3600):
            clock.now = clock.start + timedelta(seconds=seconds)
            before = len(gateway.requests)
            assert dispatcher.round() == 0
            if len(gateway.requests) > before:
                tried_at.append(seconds)
    assert tried_at == [0, 30, 90]  # waits of 30 s, then 60 s; then given up
    assert len({r.headers["Idempotency-Key"] for r in gateway.requests}) == 1
    [notice] = stored_notices(sessions, complaint.id)
    assert (notice.state, notice.attempts) == ("dead", 3) and "503" in (notice.last_error or "")
    with sessions() as session:
        assert [n.id for n in notices.dead(session)] == [notice.id]


def test_a_refusal_no_retry_can_fix_is_dead_at_once(sessions, receive):  # noqa: F811
    complaint = receive(channel="sms", reporter_contact="62")
    with http_gateway(422) as (url, gateway):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 0
    assert len(gateway.requests) == 1 and stored_notices(sessions, complaint.id)[0].state == "dead"


def test_an_unreachable_smtp_server_is_a_failed_attempt_not_a_lost_notice(sessions, receive):  # noqa: F811
    complaint = receive(channel="email", external_id=MESSAGE_ID, reporter_contact="sri@example.co.id")
    with smtp_server() as (url, _):
        pass  # stopped: nothing listens there now
    assert Dispatcher(sessions, {"email": SmtpSender(url, "pengaduan@jakarta.go.id", timeout=2)}).round() == 0
    [notice] = stored_notices(sessions, complaint.id)
    assert (notice.state, notice.attempts) == ("failed", 1) and "SMTP" in (notice.last_error or "")


class DiesAfterSending:
    """The process is killed after the gateway accepted the notice, before it is marked sent."""

    channel = "sms"

    def __init__(self, sender: SmsGatewaySender) -> None:
        self.sender = sender

    def send(self, notice):
        self.sender.send(notice)
        raise KeyboardInterrupt  # not an Exception: nothing in the dispatcher marks the notice


def test_a_crash_between_sending_and_marking_resends_with_the_same_key_after_the_lease(sessions, receive):  # noqa: F811
    complaint = receive(channel="sms", reporter_contact="6281234567890")
    clock = Clock()
    with http_gateway(202) as (url, gateway):
        sender = SmsGatewaySender(url, TOKEN)
        with pytest.raises(KeyboardInterrupt):
            Dispatcher(sessions, {"sms": DiesAfterSending(sender)}, clock=clock).round()
        restarted = Dispatcher(sessions, {"sms": sender}, clock=clock)
        assert restarted.round() == 0  # the dead process's claim still holds
        clock.now = clock.start + restarted.lease
        assert restarted.round() == 1
    first, second = gateway.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]  # the gateway sends it once
    assert stored_notices(sessions, complaint.id)[0].state == "sent"
