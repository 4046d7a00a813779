"""`pantau serve`: the production web server, gunicorn's gthread workers serving `app:wsgi()`.

N processes share one port; Socket.IO reaches across them through Redis. Screens connect with the
WebSocket transport only (assets/live.js), so a proxy needs no sticky sessions: one WebSocket stays
on one process for its life, and every process hears every event through Redis. Each open
WebSocket holds one thread of its process (STACK-NOTES), so `--threads` is sized for the screens a
process carries plus the requests in flight.

The schema is upgraded once here, under the migration lock, before any worker forks. SIGTERM (or
SIGINT) drains: gunicorn stops accepting, finishes the requests in flight and exits 0; each worker
first closes its screens' WebSockets, which would otherwise hold the drain open until the grace
period, and the screens reconnect to a process that is still serving.

Metrics use prometheus_client's multiprocess mode: each worker writes its values to files in
PROMETHEUS_MULTIPROC_DIR and /metrics, on any worker, adds up every worker's (web/metrics.py).
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from settings import Settings
from store.db import make_engine, upgrade

GRACEFUL_SECONDS = 20


class NeedsRedis(RuntimeError):
    def __init__(self) -> None:
        super().__init__("pantau serve membutuhkan PANTAU_REDIS_URL: Socket.IO antarproses dan pantau worker "
                         "berbicara lewat Redis. Untuk satu proses tanpa Redis, jalankan python app.py.")


class PantauServer(BaseApplication):  # type: ignore[misc] - gunicorn ships no type hints
    """gunicorn, configured in code: the options are ours, not a gunicorn.conf.py on the path."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        from app import wsgi  # in each worker, after the fork: Redis and database connections are its own

        return wsgi()


class PantauThreadWorker(ThreadWorker):  # type: ignore[misc] - gunicorn ships no type hints
    """gunicorn's gthread worker, counting a finished WebSocket once.

    simple-websocket closes the socket itself when a screen goes; gunicorn 27 then fails to close
    it again and, on that error path, counts the connection closed a second time. The count went
    negative, so a draining worker believed it had nothing in flight and dropped kept-alive
    connections at SIGTERM (tests/production: the drain test)."""

    def finish_request(self, conn: Any, fs: Any) -> None:
        if conn.sock.fileno() == -1:  # the application closed it: a WebSocket ended
            self.nr_conns -= 1
            return
        super().finish_request(conn, fs)


def _close_screens_on_term(worker: Any) -> None:
    """gunicorn hook, in each worker once its app is loaded: on SIGTERM, also close this process's
    WebSockets (in a thread: a signal handler must not wait on the server's locks). Each is closed
    without waiting for the screen's answer: engine.io's disconnect() waits on each in turn and
    could hang on one, leaving the rest open until the grace period ended."""
    eio = worker.wsgi.extensions["socketio"].server.eio
    previous = signal.getsignal(signal.SIGTERM)

    def close_screens() -> None:
        for screen in list(eio.sockets.values()):
            screen.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)

    def on_term(signum: int, frame: Any) -> None:
        threading.Thread(target=close_screens, name="close-screens", daemon=True).start()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)


def _forget_dead_worker(_server: Any, worker: Any) -> None:
    """gunicorn hook, in the master after a worker exited: its live gauges (screens connected) stop
    counting in /metrics; its counters stay, they are history. Imported here, not at the top: the
    master must not import prometheus_client before serve() has set PROMETHEUS_MULTIPROC_DIR."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def metrics_directory() -> str | None:
    """Point PROMETHEUS_MULTIPROC_DIR at a directory with no earlier run's files, before any worker
    forks, so every worker writes its metrics there and /metrics adds them up (web/metrics.py).

    The operator's directory is emptied of its *.db files; without one, a fresh temporary directory
    is made: the one to remove when the server stops."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if "prometheus_client" in sys.modules and not given:  # its values would stay in each worker's memory
        raise RuntimeError("prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set")
    if given:
        os.makedirs(given, exist_ok=True)
        for stale in glob.glob(os.path.join(given, "*.db")):
            os.remove(stale)
        return None
    made = tempfile.mkdtemp(prefix="pantau-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    return made


def options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": PantauThreadWorker,
        "threads": threads,
        "worker_connections": threads * 4,
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": 60,
        "keepalive": 5,
        "accesslog": None,  # Pantau logs each request itself, as JSON with its request id
        "post_worker_init": _close_screens_on_term,
        "child_exit": _forget_dead_worker,
        "proc_name": "pantau-serve",
        "control_socket_disable": True,  # gunicorn 24+ would share one socket path between deployments
    }


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Upgrade the schema, then run gunicorn until it is told to stop."""
    if not settings.redis_url:
        raise NeedsRedis()
    upgrade(make_engine(settings.database_url))
    if not settings.secret_key:  # every worker must sign sessions with the same key
        os.environ["PANTAU_SECRET_KEY"] = secrets.token_hex(32)
    made = metrics_directory()
    master = os.getpid()
    try:
        PantauServer(options(host=host, port=port, workers=workers, threads=threads)).run()
    finally:  # gunicorn forks inside run(): an exiting worker unwinds this frame too, and must not remove it
        if made is not None and os.getpid() == master:
            shutil.rmtree(made, ignore_errors=True)
