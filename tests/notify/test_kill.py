"""A real kill -9 of `pantau worker` mid-batch, on SQLite and PostGIS: started as a subprocess sending
30 receipts to a local server that answers slowly, killed while a notice is in flight, restarted. Every
notice is delivered; the SMS gateway (which acts once per Idempotency-Key, as a real one does) sends
each once, while the raw arrivals show the one repeat the kill caused. Email has no such key: the
message in flight at the kill reaches the mailbox twice (the same Message-ID), which is the window the
README documents."""
from __future__ import annotations

import os
import signal
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask

from crm.notices import NoticeRule
from live.publish import Publisher, make_socketio
from services.unit_of_work import unit_of_work
from store import complaints, notices
from store.db import make_engine, make_sessionmaker, upgrade
from tests.notify.servers import http_gateway, smtp_server
from tests.processes import free_port
from tests.production.conftest import deployment_env, fresh_postgis, start_worker, until
from tests.store.conftest import make_complaint  # noqa: F401  (a complaint factory)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
N = 30
KILL_AT = 8  # arrivals at the server when the worker is killed, the 8th still waiting for its answer
SLOW_S = 0.3  # how long the server takes over each answer


def queue(url: str, make_complaint, channel: str) -> list[str]:  # noqa: F811
    """N complaints of `channel`, each with its receipt queued as the intake does; the notices' keys."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    publisher = Publisher(make_socketio(Flask(__name__), channel="test-kill"), sessions)
    contact = {"sms": lambda i: f"62812{i:08d}", "email": lambda i: f"warga{i}@example.co.id"}[channel]
    batch = [make_complaint(channel=channel, reporter_contact=contact(i), external_id=f"<kill-{i}@example.co.id>")
             for i in range(N)]
    with unit_of_work(sessions, publisher) as work:
        for stored, _ in complaints.add_many(work.session, complaints=batch):
            work.notices.extend(NoticeRule.default().notices(None, stored))
    engine.dispose()
    return [f"pantau-{i}-1-diterima" for i in range(1, N + 1)]


def all_sent(url: str) -> bool:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return all(n.state == "sent" for i in range(1, N + 1)
                       for n in notices.of_complaint(session, complaint_id=i))
    finally:
        engine.dispose()


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_kill_9_mid_batch_then_restart_delivers_every_notice(tmp_path, make_complaint, store, channel):  # noqa: F811
    with ExitStack() as stack:
        url = f"sqlite:///{tmp_path}/pantau.db" if store == "sqlite" else stack.enter_context(fresh_postgis())
        keys = queue(url, make_complaint, channel)
        if channel == "sms":
            send_url, gateway = stack.enter_context(http_gateway(202, delay=SLOW_S))
            arrivals = lambda: len(gateway.requests)  # noqa: E731
            sender_env = {"PANTAU_SMS_GATEWAY_URL": send_url, "PANTAU_SMS_GATEWAY_TOKEN": "t"}
        else:
            smtp_url, mailbox = stack.enter_context(smtp_server(delay=SLOW_S))
            arrivals = lambda: len(mailbox.received)  # noqa: E731
            sender_env = {"PANTAU_SMTP_URL": smtp_url, "PANTAU_MAIL_FROM": "pengaduan@jakarta.go.id"}
        env = deployment_env(url, PYTHONPATH=str(ROOT), PANTAU_NOTICE_SECONDS="0.2", PANTAU_NOTICE_LEASE_SECONDS="3",
                             **sender_env)
        first = start_worker(env, free_port(), tmp_path / "worker-1.log")
        stack.callback(first.stop)
        until(90, lambda: arrivals() >= KILL_AT, f"{KILL_AT} arrivals from the first worker", every_s=0.01)
        os.kill(first.pid, signal.SIGKILL)  # mid-batch: the 8th is in flight, 12 more of the batch claimed
        first.process.wait(10)
        at_kill = arrivals()
        assert KILL_AT <= at_kill < N, first.text()
        second = start_worker(env, free_port(), tmp_path / "worker-2.log")
        stack.callback(second.stop)
        until(120, lambda: all_sent(url), "every notice marked sent after the restart", every_s=0.25)
        if channel == "sms":
            assert sorted(gateway.sent) == sorted(keys)  # each acted on once, every one delivered
            repeats = gateway.repeats
            raw = len(gateway.requests)
        else:
            ids = [message["Message-ID"] for _, message in mailbox.received]
            assert sorted(set(ids)) == sorted(f"<{key}@jakarta.go.id>" for key in keys)
            repeats = len(ids) - len(set(ids))
            raw = len(ids)
    print(f"\n{store} {channel}: killed after {at_kill} arrivals; {raw} raw arrivals for {N} notices, "
          f"{repeats} repeat(s)")
    assert repeats == 1  # only the notice in flight at the kill; none of the claimed-but-unsent ones
