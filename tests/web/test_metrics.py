"""GET /metrics: in-process through Flask's test client (route templates, bounded labels, ingest,
dead letters, screens, SLA breaches), then as processes: `pantau serve --workers 2` adds up both
workers whichever answers the scrape, and `pantau worker` times its loops' rounds."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from app import Pantau
from crm.complaint import utc_now
from crm.intake import Report
from live.sla_watch import watch_once
from tests.processes import ROOT, create_key, free_port, stop
from tests.web.conftest import MONAS
from web_server import GRACEFUL_SECONDS, metrics_directory

REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FORM = "application/x-www-form-urlencoded"
HEALTHZ = {"route": "/healthz", "method": "GET", "status": "200"}


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, by (name, labels)."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sms(external_id: str) -> bytes:
    return (f"message_id={external_id}&sender=6281234567890&timestamp=2026-11-27+08%3A15%3A02"
            f"&message=Sampah+numpuk+di+Kel.+Gambir+sdh+3+hari+bau+bgt").encode()


def test_metrics_answer_the_text_format_with_the_libraries_content_type(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(response.get_data(as_text=True))}
    assert {"pantau_http_requests", "pantau_http_request_duration_seconds"} <= names


def test_a_request_is_counted_by_its_route_template_and_status(client, key):
    before = scrape(client)
    complaint_id = client.post("/api/v1/reports", headers={"Authorization": f"Bearer {key}"}, json={
        "channel": "qlue", "external_id": f"m-{uuid.uuid4().hex}", "text": "Jalan berlubang", "category": "jalan",
        **MONAS}).get_json()["id"]
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    after = scrape(client)
    route = {"route": "/api/v1/complaints/<int:complaint_id>", "method": "GET"}
    assert value(after, "pantau_http_requests_total", **route, status="200") == \
        value(before, "pantau_http_requests_total", **route, status="200") + 1
    assert value(after, "pantau_http_request_duration_seconds_count", **route) == \
        value(before, "pantau_http_request_duration_seconds_count", **route) + 1
    assert f"/api/v1/complaints/{complaint_id}" not in after  # the template, never the raw path


def test_unknown_paths_share_one_bounded_label(client):
    before = scrape(client)
    paths = [f"/api/v1/nope-{uuid.uuid4().hex}" for _ in range(3)]
    assert [client.get(path).status_code for path in paths] == [404] * 3
    assert client.delete(f"/no-such-page-{uuid.uuid4().hex}").status_code == 405  # no rule takes DELETE there
    after = scrape(client)
    for path in paths:
        assert path not in after
    grown = {key: count - samples(before).get(key, 0.0) for key, count in samples(after).items()
             if key[0] == "pantau_http_requests_total" and count != samples(before).get(key, 0.0)}
    assert grown[("pantau_http_requests_total", frozenset(
        {"route": "/<path:path>", "method": "GET", "status": "404"}.items()))] == 3  # Dash's catch-all rule
    assert grown[("pantau_http_requests_total", frozenset(
        {"route": "<unmatched>", "method": "DELETE", "status": "405"}.items()))] == 1


def test_a_channel_delivery_counts_created_then_duplicate_and_its_emit(client, key):
    auth = {"Authorization": f"Bearer {key}"}
    body = sms(f"SMSC-{uuid.uuid4().hex}")
    before = scrape(client)
    assert client.post("/api/v1/channels/sms", data=body, content_type=FORM, headers=auth).status_code == 201
    assert client.post("/api/v1/channels/sms", data=body, content_type=FORM, headers=auth).status_code == 200
    after = scrape(client)
    for outcome in ("created", "duplicate"):
        assert value(after, "pantau_reports_ingested_total", channel="sms", outcome=outcome) == \
            value(before, "pantau_reports_ingested_total", channel="sms", outcome=outcome) + 1
    assert value(after, "pantau_live_event_emit_lag_seconds_count") == \
        value(before, "pantau_live_event_emit_lag_seconds_count") + 1  # one complaint_routed; none for the repeat
    assert value(after, "pantau_http_requests_total", route="/api/v1/channels/<channel>", method="POST",
                 status="201") >= 1


def test_dead_letters_by_channel_and_an_unknown_channel_under_one_label(client, key):
    auth = {"Authorization": f"Bearer {key}"}
    stranger = f"nope-{uuid.uuid4().hex}"
    before = scrape(client)
    assert client.post("/api/v1/channels/qlue", data=b"{nope", content_type="application/json",
                       headers=auth).status_code == 400
    assert client.post(f"/api/v1/channels/{stranger}", data=b"{}", content_type="application/json",
                       headers=auth).status_code == 404
    after = scrape(client)
    for channel in ("qlue", "unknown"):
        assert value(after, "pantau_dead_letters_total", channel=channel) == \
            value(before, "pantau_dead_letters_total", channel=channel) + 1
    assert stranger not in after


def test_screens_connected_rise_and_fall_with_socketio_clients(pantau: Pantau, client):
    before = value(scrape(client), "pantau_screens_connected")
    screens = [pantau.socketio.test_client(pantau.dash.server) for _ in range(2)]
    assert all(screen.is_connected() for screen in screens)
    assert value(scrape(client), "pantau_screens_connected") == before + 2
    for screen in screens:
        screen.disconnect()
    assert value(scrape(client), "pantau_screens_connected") == before


def test_sla_breaches_announced_are_counted(pantau: Pantau, client):
    long_ago = utc_now() - timedelta(days=30)
    pantau.intake(Report(channel="qlue", external_id=f"sla-{uuid.uuid4().hex}", text="Jalan berlubang",
                         category="jalan", reported_at=long_ago, **MONAS))
    before = value(scrape(client), "pantau_sla_breaches_total")
    announced = watch_once(pantau.sessions, pantau.publisher, utc_now())
    assert announced >= 1
    assert value(scrape(client), "pantau_sla_breaches_total") == before + announced


def test_the_metrics_directory_is_emptied_of_an_earlier_runs_files(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "counter_12345.db").write_bytes(b"an earlier run")
    (tmp_path / "notes.txt").write_text("not ours")
    assert metrics_directory() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_metrics_directory_cannot_be_set_after_prometheus_client_was_imported(monkeypatch):
    """This test process imported it single-process: workers forked now would each count alone."""
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(RuntimeError, match="PROMETHEUS_MULTIPROC_DIR"):
        metrics_directory()


# --- real processes -------------------------------------------------------------------------

def process_env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    return env | {"PANTAU_DATABASE_URL": f"sqlite:///{data}/pantau.db", "PANTAU_REDIS_URL": REDIS_URL,
                  "PANTAU_REDIS_CHANNEL": f"pantau-test-metrics-{uuid.uuid4().hex[:8]}", **extra}


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path, ready_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """`python cli.py ARGS` until the block ends (SIGTERM, then kill); waits until `ready_url` answers 200."""
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "cli.py", *args], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(ready_url, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{args[0]} did not start: {log.read_text()}")
            time.sleep(0.3)
        yield process
    finally:
        stop(process, wait=GRACEFUL_SECONDS + 5)  # `serve` drains first; killed, it would leave its metrics files


@contextmanager
def paused(pid: int) -> Iterator[None]:
    """SIGSTOP one gunicorn worker: until SIGCONT, only the other accepts from the shared socket."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def fresh_get(url: str) -> requests.Response:
    """A GET on its own connection: a kept-alive one would stay with one worker."""
    with requests.Session() as session:
        return session.get(url, timeout=30, headers={"Connection": "close"})


@pytest.mark.slow
def test_serve_with_two_workers_adds_up_both_whichever_answers(tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = process_env(tmp_path, PANTAU_PORT=str(free_port()), TMPDIR=str(temp))
    create_key(env)  # migrates the fresh database first, as an operator's first `pantau keys create` would
    url = f"http://127.0.0.1:{env['PANTAU_PORT']}"
    with running(["serve", "--workers", "2", "--threads", "8"], env, tmp_path / "serve.log", f"{url}/readyz"):
        sent, pids = 0, set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            answer = fresh_get(f"{url}/healthz")
            assert answer.status_code == 200
            sent += 1
            pids.add(answer.json()["pid"])
        assert len(pids) == 2, f"one worker answered all {sent} requests"
        [metrics_dir] = temp.glob("pantau-metrics-*")  # made by `pantau serve`, as the operator set none
        assert list(metrics_dir.glob("*.db"))
        for quiet in sorted(pids):
            with paused(quiet):  # the other worker answers the scrape, and must count this one's requests too
                answer = fresh_get(f"{url}/healthz")
                sent += 1
                assert answer.json()["pid"] == (pids - {quiet}).pop()
                scraped = fresh_get(f"{url}/metrics")
                assert scraped.status_code == 200 and scraped.headers["Content-Type"].startswith("text/plain")
                assert value(scraped.text, "pantau_http_requests_total", **HEALTHZ) == sent
                assert value(scraped.text, "pantau_http_request_duration_seconds_count",
                             route="/healthz", method="GET") == sent
    assert not list(temp.glob("pantau-metrics-*"))  # removed when the server stopped


@pytest.mark.slow
def test_the_worker_serves_its_loops_round_durations(tmp_path: Path):
    port = free_port()
    env = process_env(tmp_path, PANTAU_SLA_WATCH_SECONDS="0.2", PANTAU_SURGE_WATCH_SECONDS="0.2")
    url = f"http://127.0.0.1:{port}"
    with running(["worker", "--port", str(port)], env, tmp_path / "worker.log", f"{url}/healthz"):
        deadline = time.monotonic() + 60
        while True:
            scraped = requests.get(f"{url}/metrics", timeout=10)
            assert scraped.status_code == 200 and scraped.headers["Content-Type"].startswith("text/plain")
            rounds = {loop: value(scraped.text, "pantau_loop_round_duration_seconds_count", loop=loop)
                      for loop in ("sla", "surge", "ranking")}
            if all(count >= 2 for count in rounds.values()):
                break
            assert time.monotonic() < deadline, f"rounds after 60 s: {rounds}"
            time.sleep(0.2)
        assert value(scraped.text, "pantau_loop_round_duration_seconds_sum", loop="sla") > 0
        assert requests.get(f"{url}/healthz", timeout=10).json()["role"] == "leading"
