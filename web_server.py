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
"""
from __future__ import annotations

import os
import secrets
import signal
import threading
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

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


def _close_screens_on_term(worker: Any) -> None:
    """gunicorn hook, in each worker once its app is loaded: on SIGTERM, also disconnect this
    process's WebSockets (in a thread: a signal handler must not wait on the server's locks)."""
    eio = worker.wsgi.extensions["socketio"].server.eio
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        threading.Thread(target=eio.disconnect, name="close-screens", daemon=True).start()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)


def options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": threads * 4,
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": 60,
        "keepalive": 5,
        "accesslog": None,  # Pantau logs each request itself, as JSON with its request id
        "post_worker_init": _close_screens_on_term,
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
    PantauServer(options(host=host, port=port, workers=workers, threads=threads)).run()
