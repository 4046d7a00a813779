"""`pantau worker`: the deployment's one home of the background work.

It runs what `python app.py` runs beside its web server (live/background.py: SLA watch, surge watch,
the ranking board and its Redis follower, the notice dispatcher) without Dash or a web server of its own, and publishes
through a write-only Socket.IO emitter over Redis, so screens on every `pantau serve` process hear it.
Only the worker holding the leader lock (store/leader.py) works; another one waits as a standby and
takes over when the leader's connection ends. SIGTERM or SIGINT stops the loops after their round
and exits 0; losing the lock mid-run exits 1, so the process manager restarts it as a standby.
Its health is `GET /healthz` on PANTAU_WORKER_PORT (JSON: leading or standby), beside `GET /metrics`
(web/metrics.py: the loops' round durations, breaches announced, events emitted).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from live.background import start_background_work
from live.publish import Publisher, make_socketio
from live.ranking import RankingBoard
from live.ranking_share import RankingShare
from notify.configured import make_dispatcher, notice_rule
from services.unit_of_work import use_notice_rule
from settings import Settings
from store.db import make_engine, make_sessionmaker, upgrade
from store.leader import Leadership
from web.metrics import metrics_app

log = logging.getLogger("pantau.worker")
LEADER_CHECK_SECONDS = 5.0
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class NeedsRedis(RuntimeError):
    def __init__(self) -> None:
        super().__init__("pantau worker membutuhkan PANTAU_REDIS_URL: peristiwanya sampai ke layar lewat Redis. "
                         "Untuk satu proses tanpa Redis, jalankan python app.py.")


class WorkerState:
    """What `/healthz` reports: a standby worker is healthy too, only not leading."""

    def __init__(self) -> None:
        self.role = "standby"

    def health(self, _environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = json.dumps({"status": "ok", "process": "worker", "role": self.role, "pid": os.getpid()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def health_app(routes: dict[str, WsgiApp]) -> WsgiApp:
    """A WSGI app answering `routes` by path, JSON 404 otherwise."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = routes.get(environ.get("PATH_INFO", ""))
        if route is not None:
            return route(environ, start_response)
        body = json.dumps({"error": "Tidak ada di sini; coba /healthz."}).encode()
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [body]
    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Health probes every few seconds would drown the log."""


def serve_health(app: WsgiApp, host: str, port: int) -> WSGIServer:
    """Serve `app` on host:port in a daemon thread; the server, to shut down."""
    server = make_server(host, port, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
    return server


def run_worker(settings: Settings, *, host: str, port: int, stop: threading.Event | None = None) -> int:
    """Wait for the leader lock, run the background work until `stop` (or SIGTERM); the exit code."""
    if not settings.redis_url:
        raise NeedsRedis()
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    engine = make_engine(settings.database_url)
    upgrade(engine)  # under the migration lock: a no-op when `pantau db upgrade` ran first
    sessions = make_sessionmaker(engine)
    use_notice_rule(sessions, notice_rule(settings))
    socketio = make_socketio(redis_url=settings.redis_url, channel=settings.redis_channel)  # write-only
    publisher = Publisher(socketio, sessions)
    ranking = RankingBoard(sessions, socketio)
    share = RankingShare(settings.redis_url, f"{settings.redis_channel}:ranking")
    publisher.listen(ranking.notice)
    publisher.listen(share.send)
    state = WorkerState()
    health = serve_health(health_app({"/healthz": state.health, "/metrics": metrics_app}), host, port)
    leadership = Leadership(engine)
    log.info("pantau worker siap di %s:%d; menunggu kunci pemimpin", host, port)
    try:
        if not leadership.wait(stop):
            return 0
        state.role = "leading"
        log.info("pantau worker memimpin: pengawasan SLA, lonjakan, peringkat dan pemberitahuan berjalan")
        tasks = start_background_work(socketio, sessions, publisher, ranking, share,
                                      sla_every=settings.sla_watch_seconds,
                                      surge_every=settings.surge_watch_seconds,
                                      dispatcher=make_dispatcher(sessions, settings),
                                      notice_every=settings.notice_seconds, stop=stop)
        lost = False
        while not stop.wait(LEADER_CHECK_SECONDS):
            if not leadership.held():
                log.error("pantau worker kehilangan kunci pemimpin (koneksi basis data putus); berhenti")
                lost = True
                stop.set()
        for task in tasks:
            task.join(timeout=30)
        log.info("pantau worker berhenti")
        return 1 if lost else 0
    finally:
        leadership.release()
        health.shutdown()
