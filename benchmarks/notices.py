"""Notices to reporters: sent per second through every sender against local servers, the duplicate
window of the channels without an idempotency key, and the delay from a status change's commit to
its notice leaving, beside the status change itself.

    python benchmarks/notices.py [--notices 300] [--others 200] [--changes 50] [--every 0.2] [--postgis URL]

A fresh store (SQLite in a temporary folder, or a schema of its own on --postgis) gets N complaints
whose receipts the unit of work queues, half by SMS and half by email, and `--others` each from
Twitter, Facebook, LAPOR! and Qlue. One dispatcher (notify/dispatch.py) sends each channel's: SMS,
X, Graph, LAPOR! and Qlue to local HTTP servers standing in for their APIs (one connection per
notice, as the senders make them), email to a local aiosmtpd server (no TLS).

The duplicate window (email, X, Facebook: no idempotency key) is, per notice, from the server having
the notice (the 250 of SMTP; the request's arrival at X or Graph, which act on it at once) to the
dispatcher's mark having committed; a process killed inside it sends that notice again after the lease.
"share" is the window over the time per notice: the chance that a kill -9 at a random moment while
that channel is sending causes one duplicate.

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
from collections.abc import Callable
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
from notify.configured import public_views  # noqa: E402
from notify.dispatch import Dispatcher  # noqa: E402
from notify.facebook import FacebookSender  # noqa: E402
from notify.partners import LAPOR, QLUE, PartnerSender  # noqa: E402
from notify.sms_gateway import SmsGatewaySender  # noqa: E402
from notify.smtp import SmtpSender  # noqa: E402
from notify.twitter import TwitterSender  # noqa: E402
from services.unit_of_work import change_complaint, unit_of_work  # noqa: E402
from store import complaints  # noqa: E402
from store.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from tests.notify.servers import http_api, http_gateway, smtp_server  # noqa: E402

SLA = SlaClock.default()


CONTACTS = {"email": "warga{i}@example.co.id", "sms": "62812{i:08d}", "twitter": "@warga{i}",
            "facebook": "facebook:77124{i:08d}", "lapor": "", "qlue": ""}
THREADS = {"email": "<bench-{i}@example.co.id>", "twitter": "18617802{i:011d}", "facebook": "1061823742771935_{i}",
           "lapor": "389{i:05d}", "qlue": "981{i:05d}", "sms": "SMSC-{i}"}


def complaint(i: int, channel: str) -> Complaint:
    at = utc_now() - timedelta(hours=1)
    contact = CONTACTS[channel].format(i=i) or None
    return Complaint(ticket=new_ticket(at), channel=channel, external_id=THREADS[channel].format(i=i), received_at=at,
                     text="Banjir di jalan", category="banjir", lon=106.83, lat=-6.18, jurisdiction=None, skpd="SDA",
                     reporter_contact=contact, tracking_code="ABCDEFGHJK", history=[received_event(at)])


def store(sessions, publisher, batch: list[Complaint]) -> list[Complaint]:
    rule = NoticeRule.default()
    with unit_of_work(sessions, publisher) as work:
        stored = [c for c, _ in complaints.add_many(work.session, complaints=batch)]
        for c in stored:
            work.notices.extend(rule.notices(None, c))
    return stored


class MarkTimes(Dispatcher):
    """The dispatcher, noting when each notice's mark has committed (time.time()), in sending order."""

    marked: list[float]

    def _send(self, notice) -> bool:
        ok = super()._send(notice)
        self.marked.append(time.time())
        return ok


def throughput(sessions, senders, label: str, held: Callable[[], list[float]] | None = None) -> None:
    """Send the queued notices of `senders`' one channel; with `held` (when the server had each notice,
    time.time(), in the order they came), the duplicate window too: from then to the mark's commit."""
    dispatcher = MarkTimes(sessions, senders, batch=50)
    object.__setattr__(dispatcher, "marked", [])
    started = time.perf_counter()
    sent = dispatcher.round()
    seconds = time.perf_counter() - started
    line = f"{label:<24} {sent:>5} sent in {seconds:6.2f} s: {sent / seconds:8.1f} notices/s"
    if held:
        window = [marked - had for marked, had in zip(dispatcher.marked, held(), strict=True)]
        line += (f"   window p50 {q(window, 50) * 1000:5.1f} ms  p99 {q(window, 99) * 1000:5.1f} ms"
                 f"  share {statistics.mean(window) / (seconds / sent):4.0%}")
    print(line)


def q(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


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
    print(f"status change (commit)        p50 {q(change_ms, 50):7.1f} ms  p99 {q(change_ms, 99):7.1f} ms")
    print(f"commit -> notice at gateway   p50 {q(delay_ms, 50):7.1f} ms  p99 {q(delay_ms, 99):7.1f} ms"
          f"  (dispatcher every {every_s:g} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--others", type=int, default=200, help="notices of each of X, Facebook, LAPOR!, Qlue")
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
    for k, channel in enumerate(("twitter", "facebook", "lapor", "qlue")):
        store(sessions, publisher, [complaint(args.notices + (k + 1) * 100_000 + i, channel)
                                    for i in range(args.others)])
    print(f"store: {engine.dialect.name}")
    with http_gateway(202) as (sms_url, gateway), smtp_server() as (smtp_url, mailbox), \
            http_api(201) as (api_url, api):
        throughput(sessions, {"sms": SmsGatewaySender(sms_url, "t")}, "SMS gateway (HTTP)")
        throughput(sessions, {"email": SmtpSender(smtp_url, "pengaduan@jakarta.go.id")}, "email (SMTP)",
                   lambda: mailbox.accepted_at)
        for label, sender in (("X reply (HTTP)", TwitterSender("t", api_url)),
                              ("Facebook comment (HTTP)", FacebookSender("t", api_url))):
            seen = len(api.requests)
            throughput(sessions, {sender.channel: sender}, label, lambda: [r.at for r in api.requests[seen:]])
        for partner in (LAPOR, QLUE):
            sender = PartnerSender(partner, f"{api_url}/{partner.channel}", "t", public_views(sessions))
            throughput(sessions, {partner.channel: sender}, f"{partner.name} (HTTP)")
        ids = [c.id for c in store(sessions, publisher, [complaint(args.notices + i, "sms")
                                                         for i in range(args.changes)])]
        Dispatcher(sessions, {"sms": SmsGatewaySender(sms_url, "t")}).round()  # their receipts first
        delays(sessions, publisher, sms_url, gateway, ids, args.every)


if __name__ == "__main__":
    main()
