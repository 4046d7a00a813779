"""Notices to reporters: sent per second through the email and SMS senders against local servers, and the
delay from a status change's commit to its notice leaving, beside the status change itself.

    python benchmarks/notices.py [--notices 300] [--changes 50] [--every 0.2] [--postgis URL]

A fresh store (SQLite in a temporary folder, or a schema of its own on --postgis) gets N complaints
whose receipts the unit of work queues, half by SMS and half by email. One dispatcher
(notify/dispatch.py) sends them: SMS to a local HTTP server standing in for the SMS Center gateway,
email to a local aiosmtpd server (no TLS, one connection per notice as the sender makes it).
Then a dispatcher runs every `--every` seconds while C complaints are moved to Proses one by one:
the delay is from the change's commit to the gateway receiving its notice.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm.complaint import Complaint, Status, new_ticket, received_event, utc_now  # noqa: E402
from crm.lifecycle import advance  # noqa: E402
from crm.notices import NoticeRule  # noqa: E402
from crm.sla import SlaClock  # noqa: E402
from crm.transitions import TransitionRequest  # noqa: E402
from live.every import every  # noqa: E402
from live.publish import Publisher, make_socketio  # noqa: E402
from notify.dispatch import Dispatcher  # noqa: E402
from notify.sms_gateway import SmsGatewaySender  # noqa: E402
from notify.smtp import SmtpSender  # noqa: E402
from services.unit_of_work import change_complaint, unit_of_work  # noqa: E402
from store import complaints  # noqa: E402
from store.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from tests.notify.servers import http_gateway, smtp_server  # noqa: E402

SLA = SlaClock.default()


def complaint(i: int, channel: str) -> Complaint:
    at = utc_now() - timedelta(hours=1)
    contact = f"warga{i}@example.co.id" if channel == "email" else f"62812{i:08d}"
    return Complaint(ticket=new_ticket(at), channel=channel, external_id=f"<bench-{i}@example.co.id>", received_at=at,
                     text="Banjir di jalan", category="banjir", lon=106.83, lat=-6.18, jurisdiction=None, skpd="SDA",
                     reporter_contact=contact, tracking_code="ABCDEFGHJK", history=[received_event(at)])


def store(sessions, publisher, batch: list[Complaint]) -> list[Complaint]:
    rule = NoticeRule.default()
    with unit_of_work(sessions, publisher) as work:
        stored = [c for c, _ in complaints.add_many(work.session, complaints=batch)]
        for c in stored:
            work.notices.extend(rule.notices(None, c))
    return stored


def throughput(sessions, senders, label: str) -> None:
    started = time.perf_counter()
    sent = Dispatcher(sessions, senders, batch=50).round()
    seconds = time.perf_counter() - started
    print(f"{label:<28} {sent:>5} sent in {seconds:6.2f} s: {sent / seconds:8.1f} notices/s")


def delays(sessions, publisher, sms_url: str, gateway, ids: list[int], every_s: float) -> None:
    stop = threading.Event()
    dispatcher = Dispatcher(sessions, {"sms": SmsGatewaySender(sms_url, "t")})
    loop = threading.Thread(target=every, args=(every_s, lambda: dispatcher.round(stop)), kwargs={"stop": stop})
    loop.start()
    change_ms, delay_ms = [], []
    try:
        for complaint_id in ids:
            seen = len(gateway.requests)
            started = time.perf_counter()
            change_complaint(sessions, publisher, complaint_id=complaint_id, step=lambda c: advance(
                c, TransitionRequest(Status.PROSES, actor="petugas", at=utc_now()), SLA))
            committed = time.perf_counter()
            while len(gateway.requests) == seen:
                time.sleep(0.001)
            change_ms.append((committed - started) * 1000)
            delay_ms.append((time.perf_counter() - committed) * 1000)
    finally:
        stop.set()
        loop.join()
    q = lambda values, p: statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]  # noqa: E731
    print(f"status change (commit)        p50 {q(change_ms, 50):7.1f} ms  p99 {q(change_ms, 99):7.1f} ms")
    print(f"commit -> notice at gateway   p50 {q(delay_ms, 50):7.1f} ms  p99 {q(delay_ms, 99):7.1f} ms"
          f"  (dispatcher every {every_s:g} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--every", type=float, default=0.2)
    parser.add_argument("--postgis", help="postgresql+psycopg:// URL of an empty database")
    args = parser.parse_args()
    url = args.postgis or f"sqlite:///{tempfile.mkdtemp(prefix='pantau-notices-')}/pantau.db"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    publisher = Publisher(make_socketio(Flask(__name__), channel="bench-notices"), sessions)
    half = args.notices // 2
    store(sessions, publisher, [complaint(i, "sms") for i in range(half)])
    store(sessions, publisher, [complaint(half + i, "email") for i in range(half)])
    print(f"store: {engine.dialect.name}")
    with http_gateway(202) as (sms_url, gateway), smtp_server() as (smtp_url, _):
        throughput(sessions, {"sms": SmsGatewaySender(sms_url, "t")}, "SMS gateway (HTTP)")
        throughput(sessions, {"email": SmtpSender(smtp_url, "pengaduan@jakarta.go.id")}, "email (SMTP)")
        ids = [c.id for c in store(sessions, publisher, [complaint(args.notices + i, "sms")
                                                         for i in range(args.changes)])]
        Dispatcher(sessions, {"sms": SmsGatewaySender(sms_url, "t")}).round()  # their receipts first
        delays(sessions, publisher, sms_url, gateway, ids, args.every)


if __name__ == "__main__":
    main()
