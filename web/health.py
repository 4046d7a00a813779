"""`GET /healthz` (this process answers; touches nothing) and `GET /readyz` (the store answers
`SELECT 1` and, with PANTAU_REDIS_URL, Redis answers PING, each within a short timeout).

A load balancer takes a process out of rotation on a 503 from /readyz and restarts it on a failing
/healthz, so /healthz must not fail because the database did. Static rules, so they win over
Dash's catch-all page route.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify

from store import outage
from web.errors import RETRY_AFTER_S

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

CHECK_TIMEOUT_S = 2.0
log = logging.getLogger("pantau.health")


def make_health(sessions: sessionmaker[Session], redis_url: str | None, *,
                timeout_s: float = CHECK_TIMEOUT_S) -> Blueprint:
    checks: dict[str, Callable[[], Any]] = {
        "database": lambda: outage.ping(sessions, timeout_ms=int(timeout_s * 1000)),
    }
    if redis_url:
        import redis  # only a deployment with Redis needs the client

        client = redis.Redis.from_url(redis_url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        checks["redis"] = client.ping
    # A check stuck on an unanswered connect keeps its thread; later checks then time out too,
    # which is the right answer (not ready) until the connect fails.
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="pantau-readyz")
    health = Blueprint("health", __name__)

    @health.get("/healthz")
    def healthz() -> Any:
        return jsonify({"status": "ok", "pid": os.getpid()})

    @health.get("/readyz")
    def readyz() -> Any:
        running = {name: pool.submit(check) for name, check in checks.items()}
        wait(running.values(), timeout=timeout_s)
        results = {name: _outcome(name, future, timeout_s) for name, future in running.items()}
        if all(result == "ok" for result in results.values()):
            return jsonify({"status": "ready", "checks": results})
        return jsonify({"status": "not_ready", "checks": results}), 503, {"Retry-After": str(RETRY_AFTER_S)}

    return health


def _outcome(name: str, future: Future[Any], timeout_s: float) -> str:
    """"ok", "timeout" or "unreachable"; the cause goes to the log, not to the caller."""
    if not future.done():
        log.warning("readiness check %s timed out after %.1f s", name, timeout_s)
        return "timeout"
    failure = future.exception()
    if failure is not None:
        log.warning("readiness check %s failed: %s", name, str(failure).splitlines()[0] if str(failure) else
                    type(failure).__name__)
        return "unreachable"
    return "ok"
