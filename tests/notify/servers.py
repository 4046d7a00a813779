"""Real servers the notify tests start on 127.0.0.1: an SMTP server (aiosmtpd) that keeps what it
receives, and an HTTP server standing in for a remote API (the SMS Center gateway, X, the Graph API,
LAPOR!, Qlue: the true edge, none reachable from here) that records each request and answers as told."""
from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the SMTP server accepted: (envelope recipients, parsed message), whether each came over TLS,
    and when it was accepted (time.time(), as its 250 goes out). `delay`: seconds it keeps a message
    before answering 250, kept already (as a real server that has queued it)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    over_tls: list[bool] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)
    delay: float = 0.0

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        self.over_tls.append(session.ssl is not None)
        await asyncio.sleep(self.delay)
        self.accepted_at.append(time.time())
        return "250 OK"


@contextmanager
def smtp_server(tls: ssl.SSLContext | None = None, delay: float = 0.0) -> Iterator[tuple[str, Mailbox]]:
    """An SMTP server on a free port; its smtp:// URL and its mailbox. With `tls` it offers STARTTLS
    and refuses mail before it; without, it offers no STARTTLS."""
    mailbox = Mailbox(delay=delay)
    port = _free_port()  # aiosmtpd checks its server by connecting to the port it was given: not 0
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=tls is not None)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = 0.0  # time.time() when it arrived


@dataclass
class Gateway:
    """The requests received, the statuses to answer in turn (the last one repeats), how long to take
    over each answer, a Retry-After to send with it, and the JSON to answer a 2xx with. Like a real
    gateway it acts once per Idempotency-Key: `sent` lists the keys it acted on, in order, while
    `requests` keeps every raw arrival, repeats included."""

    requests: list[Recorded] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [202])
    delay: float = 0.0
    retry_after: str | None = None
    answer: dict[str, Any] = field(default_factory=lambda: {"accepted": True})
    sent: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def repeats(self) -> int:
        """Raw arrivals carrying a key already seen."""
        keyed = [r.headers.get("Idempotency-Key") for r in self.requests if r.headers.get("Idempotency-Key")]
        return len(keyed) - len(set(keyed))


@contextmanager
def http_gateway(*statuses: int, delay: float = 0.0, retry_after: str | None = None) -> Iterator[tuple[str, Gateway]]:
    """The SMS Center gateway: its send URL and record (see `http_api`)."""
    with http_api(*statuses, delay=delay, retry_after=retry_after) as (base, gateway):
        yield f"{base}/api/v1/sms/send", gateway


@contextmanager
def http_api(*statuses: int, delay: float = 0.0, retry_after: str | None = None,
             answer: dict[str, Any] | None = None) -> Iterator[tuple[str, Gateway]]:
    """An HTTP server on a free port answering POSTs to any path with `statuses` in turn; its base URL
    (no trailing /) and record."""
    gateway = Gateway(statuses=list(statuses) or [202], delay=delay, retry_after=retry_after,
                      answer=answer or {"accepted": True})

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with gateway.lock:
                gateway.requests.append(Recorded("POST", self.path, dict(self.headers.items()), json.loads(raw),
                                                 time.time()))
                status = gateway.statuses[min(len(gateway.requests), len(gateway.statuses)) - 1]
                key = self.headers.get("Idempotency-Key")
                if status < 300 and key and key not in gateway.sent:
                    gateway.sent.append(key)
            time.sleep(gateway.delay)
            body = json.dumps(gateway.answer if status < 300 else {"error": "refused"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if gateway.retry_after is not None and status >= 300:
                    self.send_header("Retry-After", gateway.retry_after)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender died waiting for this answer (the kill -9 test): as a real gateway, carry on

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            """Quiet: pytest shows what matters."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", gateway
    finally:
        server.shutdown()
        server.server_close()
