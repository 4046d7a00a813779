"""The production roles on a fresh PostGIS with Redis, as real processes: one `pantau serve` with two
gunicorn workers and two `pantau worker`s (one leads, one stands by), started together.

One deployment serves the whole module, in the order of the tests below (its start-up costs more
than all of them): screens on both web workers hear reports answered by either; a kill -9 of one web
worker under load loses no acknowledged report; each SLA breach is announced once and the standby
takes over from a killed leader; then SIGTERM drains `pantau serve` and stops the workers, whose
logs must hold no traceback. Each test first checks that the processes it needs are still there.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from alembic.script import ScriptDirectory
from alembic.config import Config
from sqlalchemy import Engine, create_engine, select, text

from crm.breaches import COMPLETION, FIRST_ACTION
from crm.events import COMPLAINT_ROUTED, SLA_BREACHED
from live.sla_watch import AUDIT_ACTION
from store.db import MIGRATION_LOCK, MIGRATIONS
from store.models import AuditRow, ComplaintRow
from tests.processes import create_key, free_port
from tests.production.conftest import (
    Role, connection_owner, deployment_env, fresh_postgis, mig_waiters, start_serve, start_worker, until,
)
from web_server import GRACEFUL_SECONDS

pytestmark = [pytest.mark.slow, pytest.mark.postgis]

ANCOL = {"lon": 106.8466, "lat": -6.1247, "category": "sampah"}  # Jakarta Utara
MELAWAI = {"lon": 106.7996, "lat": -6.2443, "category": "lampu_jalan"}  # Jakarta Selatan


@dataclass
class Deployment:
    env: dict[str, str]
    web: Role
    workers: list[Role]
    key: str
    store: Engine  # the test's own connection to the deployment's database
    logs: Path
    waited_for_migration_lock: int

    @property
    def port(self) -> int:
        return int(self.web.url.rsplit(":", 1)[1])

    def web_workers(self) -> set[int]:
        return self.web.children()


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """serve + two workers started at once on a fresh database, all three held at the migration lock
    until each waits on it, so their upgrades really do meet; then released together."""
    logs = tmp_path_factory.mktemp("production")
    with fresh_postgis() as url:
        env = deployment_env(url, PANTAU_SLA_WATCH_SECONDS="0.5", PANTAU_SURGE_WATCH_SECONDS="3600")
        store = create_engine(url, isolation_level="AUTOCOMMIT")
        roles: list[Role] = []
        deployment: Deployment | None = None
        try:
            with store.connect() as gate:
                gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                web = start_serve(env, free_port(), logs / "serve.log", workers=2, threads=16)
                workers = [start_worker(env, free_port(), logs / f"worker-{i}.log") for i in (1, 2)]
                roles = [web, *workers]

                def all_waiting() -> int | None:
                    for role in roles:
                        if role.process.poll() is not None:
                            pytest.fail(f"{role.process.args} exited before migrating:\n{role.text()}")
                    waiting = mig_waiters(gate)
                    return waiting if waiting == 3 else None
                waited = until(60, all_waiting, "serve and both workers to wait on the migration lock")
                gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            for role in roles:
                role.wait_healthy()
            deployment = Deployment(env, web, list(workers), create_key(env, "production-test"), store, logs, waited)
            yield deployment
        finally:
            for role in roles + [w for w in (deployment.workers if deployment else []) if w not in roles]:
                role.stop()  # the spare worker a test started too
            store.dispose()


def alive(*roles: Role) -> None:
    for role in roles:
        if role.process.poll() is not None:
            pytest.fail(f"{role.process.args} is gone (exit {role.process.returncode}); run the module in order:\n{role.text()}")


# --- clients ----------------------------------------------------------------------------------

class Screen:
    """A command-centre screen: a real Socket.IO client on the WebSocket transport only, as
    assets/live.js connects, that records every event. No reconnection: it stays on one process."""

    def __init__(self, url: str) -> None:
        self.events: list[tuple[str, Any]] = []
        self.gone = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.on("disconnect", lambda *_: self.gone.set())
        self.client.connect(url, transports=["websocket"], wait_timeout=10)
        self.local_port = self.client.eio.ws.sock.getsockname()[1]

    def _record(self, name: str, *payload: Any) -> None:
        self.events.append((name, payload[0] if payload else None))

    def of(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload in list(self.events) if event == name]

    def close(self) -> None:
        if not self.gone.is_set():
            self.client.disconnect()


def report(**extra: Any) -> dict[str, Any]:
    place = ANCOL if uuid.uuid4().int % 2 else MELAWAI
    return {"channel": "website", "external_id": uuid.uuid4().hex, "text": "Laporan warga lewat situs", **place,
            **extra}


def post(d: Deployment, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(f"{d.web.url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {d.key}"},
                           timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def post_and_name_worker(d: Deployment, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST on one kept-alive TCP connection between two /healthz: the pid that answered it."""
    connection = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
    try:
        connection.request("GET", "/healthz")
        pid = json.loads(connection.getresponse().read())["pid"]
        before = connection.sock.getsockname()
        connection.request("POST", "/api/v1/reports", body=json.dumps(body),
                           headers={"Content-Type": "application/json", "Authorization": f"Bearer {d.key}"})
        answer = connection.getresponse()
        complaint = json.loads(answer.read())
        assert answer.status == 201, complaint
        assert connection.sock is not None and connection.sock.getsockname() == before, "connection was reopened"
        return pid, complaint
    finally:
        connection.close()


def spread(d: Deployment, make: Callable[[], Any], local_port: Callable[[Any], int], discard: Callable[[Any], Any],
           per_worker: int, attempts: int = 48) -> dict[int, list[Any]]:
    """Open connections with `make` until each web worker holds `per_worker` of them (which process
    holds a connection's server end, read from /proc); `discard` the surplus."""
    pids = d.web_workers()
    assert len(pids) == 2, pids
    placed: dict[int, list[Any]] = {pid: [] for pid in pids}
    for _ in range(attempts):
        if all(len(things) >= per_worker for things in placed.values()):
            return placed
        thing = make()
        owner = until(5, lambda: connection_owner(d.port, local_port(thing), pids), "a web worker to take it")
        if len(placed[owner]) < per_worker:
            placed[owner].append(thing)
        else:
            discard(thing)
    for things in placed.values():
        for thing in things:
            discard(thing)
    pytest.fail(f"after {attempts} connections, still not {per_worker} on each of {pids}")


def screens_on_each_worker(d: Deployment, per_worker: int = 1) -> dict[int, list[Screen]]:
    return spread(d, lambda: Screen(d.web.url), lambda screen: screen.local_port, Screen.close, per_worker)


# --- the tests, in the deployment's order ------------------------------------------------------

def test_serve_and_two_workers_started_together_on_a_fresh_database(deployment):
    d = deployment
    alive(d.web, *d.workers)
    assert d.waited_for_migration_lock == 3
    with d.store.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    roles = sorted(w.health()["role"] for w in d.workers)
    assert roles == ["leading", "standby"]
    for role in (d.web, *d.workers):
        assert "UniqueViolation" not in role.text(), role.text()


def test_a_screen_on_each_web_worker_hears_reports_answered_by_both(deployment):
    d = deployment
    alive(d.web, *d.workers)
    screens = {pid: screen for pid, (screen,) in screens_on_each_worker(d).items()}
    try:
        answered: dict[int, list[int]] = {pid: [] for pid in screens}
        for _ in range(60):
            pid, complaint = post_and_name_worker(d, report())
            answered[pid].append(complaint["id"])
            if all(len(ids) >= 3 for ids in answered.values()):
                break
        assert all(len(ids) >= 3 for ids in answered.values()), f"POSTs answered by {answered}"
        posted = {i for ids in answered.values() for i in ids}
        for pid, screen in screens.items():
            until(15, lambda: posted <= {e["id"] for e in screen.of(COMPLAINT_ROUTED)},
                  f"screen on worker {pid} to hear all of {answered}")
            heard = [e["id"] for e in screen.of(COMPLAINT_ROUTED)]
            assert sorted(heard) == sorted(posted), "each complaint once, nothing else"
    finally:
        for screen in screens.values():
            screen.close()


def test_kill_9_of_a_web_worker_under_load_loses_no_acknowledged_report(deployment):
    d = deployment
    alive(d.web)
    before = d.web_workers()
    victim = until(10, lambda: (d.web.health() or {}).get("pid"), "a web worker to answer")
    assert victim in before
    acknowledged: list[tuple[str, int, str]] = []  # external_id, id, ticket of every 201
    failed: list[str] = []
    stop = threading.Event()

    def poster() -> None:
        http = requests.Session()  # kept-alive connections, as a gateway's
        while not stop.is_set():
            body = report()
            try:
                answer = http.post(f"{d.web.url}/api/v1/reports", json=body, timeout=30,
                                   headers={"Authorization": f"Bearer {d.key}"})
            except requests.RequestException as exc:
                failed.append(type(exc).__name__)
                http = requests.Session()
                continue
            if answer.status_code == 201:
                complaint = answer.json()
                acknowledged.append((body["external_id"], complaint["id"], complaint["ticket"]))
            else:
                failed.append(str(answer.status_code))

    threads = [threading.Thread(target=poster, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        until(30, lambda: len(acknowledged) >= 40, "40 reports acknowledged before the kill")
        signal_at = len(acknowledged)
        os.kill(victim, signal.SIGKILL)
        until(30, lambda: len(acknowledged) >= signal_at + 40, "40 more reports acknowledged after the kill")
        respawned = until(15, lambda: d.web_workers() - before, "gunicorn to start a replacement worker")
    finally:
        stop.set()
        for thread in threads:
            thread.join(40)
    assert victim not in d.web_workers() and len(respawned) == 1
    ids = [external_id for external_id, _, _ in acknowledged]
    assert len(set(ids)) == len(ids)
    with d.store.connect() as connection:
        rows = connection.execute(select(ComplaintRow.external_id, ComplaintRow.id, ComplaintRow.ticket)
                                  .where(ComplaintRow.external_id.in_(ids))).all()
    assert sorted(map(tuple, rows)) == sorted(acknowledged), "an acknowledged report is missing or changed"
    print(f"\n{len(acknowledged)} acknowledged, all stored; {len(failed)} unacknowledged ({sorted(set(failed))})")


def breach_audits(d: Deployment, complaint_id: int) -> list[str]:
    with d.store.connect() as connection:
        return connection.execute(select(AuditRow.detail).where(
            AuditRow.action == AUDIT_ACTION, AuditRow.target == str(complaint_id))).scalars().all()


def test_each_breach_is_announced_once_and_the_standby_takes_over_from_a_killed_leader(deployment):
    d = deployment
    alive(d.web, *d.workers)
    leader, standby = sorted(d.workers, key=lambda w: w.health()["role"] != "leading")
    assert (leader.health()["role"], standby.health()["role"]) == ("leading", "standby")
    screen = Screen(d.web.url)
    long_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    try:
        first = post(d, report(reported_at=long_ago))  # both its deadlines passed weeks ago
        until(15, lambda: len([e for e in screen.of(SLA_BREACHED) if e["id"] == first["id"]]) >= 2,
              "the leader to announce both breaches of the overdue complaint")

        leader.process.kill()  # kill -9: no release, PostgreSQL frees the lock when its session ends
        leader.process.wait(10)
        killed = time.monotonic()
        until(20, lambda: (standby.health() or {}).get("role") == "leading", "the standby to take the lead")
        took_over = time.monotonic() - killed
        spare = start_worker(d.env, free_port(), d.logs / "worker-3.log")  # as a process manager restarts it
        d.workers[:] = [standby, spare]

        second = post(d, report(reported_at=long_ago))
        until(15, lambda: len([e for e in screen.of(SLA_BREACHED) if e["id"] == second["id"]]) >= 2,
              "the new leader to announce the second overdue complaint")
        assert spare.wait_healthy(30)["role"] == "standby"
    finally:
        screen.close()
    for complaint in (first, second):
        heard = sorted(e["breach"] for e in screen.of(SLA_BREACHED) if e["id"] == complaint["id"])
        assert heard == sorted([FIRST_ACTION, COMPLETION]), heard
        assert len(breach_audits(d, complaint["id"])) == 2
        with d.store.connect() as connection:
            kinds = connection.execute(text(
                "SELECT kind FROM complaint_events WHERE complaint_id = :id AND kind LIKE 'sla_terlambat:%'"),
                {"id": complaint["id"]}).scalars().all()
        assert sorted(kinds) == sorted(set(kinds)) and len(kinds) == 2, kinds
    print(f"\nstandby led {took_over:.1f} s after the leader was killed")


def until_or(deadline_s: float, check: Callable[[], bool]) -> bool:
    """Poll `check` for at most `deadline_s`; whether it came true (no failure: the caller reports)."""
    end = time.monotonic() + deadline_s
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def kept_alive_connection(d: Deployment) -> http.client.HTTPConnection:
    """A connection that has had one answer (GET /healthz) and idles, kept alive, as a proxy's does."""
    connection = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
    connection.request("GET", "/healthz")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200 and not answer.will_close
    return connection


def late_answer(connection: http.client.HTTPConnection) -> int | str:
    try:
        answer = connection.getresponse()
        answer.read()
        return answer.status
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        connection.close()


@dataclass
class UnfinishedPost:
    """A POST whose headers and half of its body are sent: in flight until `finish`."""

    body: dict[str, Any]
    sock: socket.socket
    rest: bytes

    @classmethod
    def start(cls, d: Deployment) -> UnfinishedPost:
        body = report()
        payload = json.dumps(body).encode()
        head = (f"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{d.port}\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {d.key}\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
        sock = socket.create_connection(("127.0.0.1", d.port), timeout=30)
        sock.sendall(head.encode() + payload[:len(payload) // 2])
        return cls(body, sock, payload[len(payload) // 2:])

    @property
    def local_port(self) -> int:
        return self.sock.getsockname()[1]

    def send_rest(self) -> None:
        self.sock.sendall(self.rest)

    def answer(self, deadline: float) -> int | str:
        """The answer's status, or what went wrong, read until EOF or the monotonic `deadline`."""
        answer = b""
        try:
            while time.monotonic() < deadline:
                self.sock.settimeout(max(deadline - time.monotonic(), 0.01))
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
            else:
                return "no answer in time"
        except OSError as exc:
            return type(exc).__name__
        finally:
            self.sock.close()
        return int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else f"answer {answer[:40]!r}"

    def finish(self) -> int | str:
        self.send_rest()
        return self.answer(time.monotonic() + 30)


def test_sigterm_drains_pantau_serve_with_screens_and_requests_in_flight(deployment):
    """As in a deployment: screens have come and gone on each worker, four are open on each, each
    worker has two reports half-sent and one idle kept-alive connection (a proxy's) when SIGTERM
    arrives. Every open screen is closed by the server, every report in flight and the one sent on
    each kept-alive connection right after SIGTERM is answered 201 and stored, and the server exits
    0 long before the grace period ends (nothing should be left to hold it)."""
    d = deployment
    alive(d.web)
    workers = until(60, lambda: d.web_workers() if len(d.web_workers()) == 2 else None, "two web workers")
    serving: set[int] = set()

    def both_serving() -> bool:
        serving.add((d.web.health(timeout=5) or {}).get("pid"))
        return workers <= serving
    until(60, both_serving, "both web workers (the replacement too) to answer", every_s=0.2)

    for pid, (gone,) in screens_on_each_worker(d).items():  # a screen that came and went
        gone.close()
        until(5, lambda: connection_owner(d.port, gone.local_port, {pid}) is None, "the server to let it go")
    screens = [s for group in screens_on_each_worker(d, per_worker=4).values() for s in group]
    in_flight = [p for group in spread(d, lambda: UnfinishedPost.start(d), lambda p: p.local_port,
                                       UnfinishedPost.finish, per_worker=2).values() for p in group]
    kept_alive = [c for group in spread(d, lambda: kept_alive_connection(d), lambda c: c.sock.getsockname()[1],
                                        http.client.HTTPConnection.close, per_worker=1).values() for c in group]
    late = [report() for _ in kept_alive]
    problems: list[str] = []
    started = time.monotonic()
    try:
        d.web.process.send_signal(signal.SIGTERM)
        until_or(0.5, lambda: all(s.gone.is_set() for s in screens))
        sent: list[str | None] = []
        for connection, body in zip(kept_alive, late):  # within gunicorn's 2 s keep-alive linger
            try:
                connection.request("POST", "/api/v1/reports", body=json.dumps(body),
                                   headers={"Content-Type": "application/json", "Authorization": f"Bearer {d.key}"})
                sent.append(None)
            except OSError as exc:
                sent.append(type(exc).__name__)
        for post_ in in_flight:
            post_.send_rest()
        until_or(5, lambda: all(s.gone.is_set() for s in screens))
        if still := sum(not s.gone.is_set() for s in screens):
            problems.append(f"{still} of {len(screens)} screens still open 5 s after SIGTERM")
        answers = [post_.answer(started + 8) for post_ in in_flight] + [
            failed or late_answer(c) for c, failed in zip(kept_alive, sent)]
        if answers != [201] * len(answers):
            problems.append(f"requests in flight, then on kept-alive connections, answered {answers}")
        try:
            # Before the grace ends, when gunicorn would kill its workers: they ended by themselves. A busy
            # machine (CI runs two test files at once) may take most of it.
            code = d.web.process.wait(max(started + GRACEFUL_SECONDS - 1 - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            problems.append(f"still running {GRACEFUL_SECONDS - 1} s after SIGTERM (grace {GRACEFUL_SECONDS} s)")
            os.killpg(d.web.pid, signal.SIGKILL)
            code = d.web.process.wait(10)
        took = time.monotonic() - started
    finally:
        for screen in screens:
            screen.close()
    if code != 0:
        problems.append(f"exit code {code}")
    ids = [p.body["external_id"] for p in in_flight] + [body["external_id"] for body in late]
    with d.store.connect() as connection:
        stored = connection.execute(select(ComplaintRow.external_id).where(ComplaintRow.external_id.in_(ids))).scalars()
        missing = set(ids) - set(stored)
    if missing - {ids[i] for i, answer in enumerate(answers) if answer != 201}:
        problems.append("a report answered 201 is not stored")
    assert not problems, problems
    assert not d.web_workers(), "a web worker outlived its master"
    print(f"\npantau serve closed {len(screens)} screens, answered {len(answers)} requests in flight and exited 0 "
          f"in {took:.1f} s (grace {GRACEFUL_SECONDS} s)")


def test_sigterm_stops_the_leading_and_the_standby_worker_with_exit_0(deployment):
    d = deployment
    alive(*d.workers)
    roles = sorted(w.wait_healthy(30)["role"] for w in d.workers)
    assert roles == ["leading", "standby"]
    started = time.monotonic()
    for worker in d.workers:
        worker.process.send_signal(signal.SIGTERM)
    codes = [worker.process.wait(40) for worker in d.workers]
    took = time.monotonic() - started
    assert codes == [0, 0], [w.text() for w in d.workers]
    for log in sorted(d.logs.glob("worker-*.log")):  # every worker of the module, the killed leader too
        assert "Traceback" not in log.read_text(), f"{log.name}:\n{log.read_text()}"
    print(f"\nboth workers exited 0 in {took:.1f} s")
