"""`pantau worker` sends the notices web processes queued: a notice stored on SQLite reaches the SMS
gateway (a local HTTP server) from run_worker, on a Redis channel of this test's own."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from flask import Flask

from crm.notices import NoticeRule
from live.publish import Publisher, make_socketio
from services.unit_of_work import unit_of_work
from settings import Settings
from store import complaints, notices
from store.db import make_engine, make_sessionmaker, upgrade
from tests.store.conftest import make_complaint  # noqa: F401  (a complaint factory)
from tests.notify.servers import http_gateway
from tests.processes import free_port
from worker import run_worker

pytestmark = pytest.mark.slow
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_the_worker_sends_a_queued_notice(tmp_path, make_complaint):  # noqa: F811
    url = f"sqlite:///{tmp_path}/pantau.db"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    publisher = Publisher(make_socketio(Flask(__name__), channel="test-worker"), sessions)
    with unit_of_work(sessions, publisher) as work:
        [(stored, _)] = complaints.add_many(work.session, complaints=[make_complaint(channel="sms")])
        work.notices.extend(NoticeRule.default().notices(None, stored))
    stop = threading.Event()
    with http_gateway(202) as (gateway_url, gateway):
        settings = Settings(database_url=url, redis_url=REDIS_URL, redis_channel=f"test-{uuid.uuid4().hex}",
                            sms_gateway_url=gateway_url, sms_gateway_token="t", notice_seconds=0.2)
        worker = threading.Thread(target=run_worker, args=(settings,),
                                  kwargs={"host": "127.0.0.1", "port": free_port(), "stop": stop})
        worker.start()
        try:
            deadline = time.monotonic() + 20
            while not gateway.requests and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            worker.join(timeout=60)
    assert not worker.is_alive()
    [request] = gateway.requests
    assert stored.ticket in request.body["text"]
    with sessions() as session:
        assert [n.state for n in notices.of_complaint(session, complaint_id=stored.id)] == ["sent"]
