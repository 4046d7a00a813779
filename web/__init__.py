"""HTTP concerns every blueprint shares: the error family (errors), request ids and JSON logs
(logs), body limits per route (body_limits), liveness and readiness (health), Prometheus metrics
(metrics). `install_web` wires them into a server in one call.

web/ may import flask, crm and store; blueprints import web.errors, never the other way round.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

from web.body_limits import install_body_limits
from web.errors import install_errors
from web.health import make_health
from web.json_body import BoundedJSONProvider
from web.logs import install_request_context
from web.metrics import make_metrics

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session, sessionmaker


def install_web(server: Flask, sessions: sessionmaker[Session], redis_url: str | None, *,
                signed_in: Callable[[], bool], trusted_proxies: int = 0) -> None:
    """Request ids and access lines, the error family, body limits per route (`signed_in`: whether a
    person sends the request) and /healthz, /readyz on `server`.

    Behind `trusted_proxies` proxies, request.remote_addr (the audit log's and the access line's
    address), the scheme and the host are the proxy's X-Forwarded-* values; without one, a client
    could write any address it likes into those headers, so they are ignored.
    """
    if trusted_proxies:
        behind = ProxyFix(server.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies)
        server.wsgi_app = behind  # type: ignore[method-assign] - Flask's documented way to add middleware
    install_body_limits(server, signed_in=signed_in)
    server.json = BoundedJSONProvider(server)
    install_request_context(server)
    install_errors(server)
    server.register_blueprint(make_health(sessions, redis_url))
    server.register_blueprint(make_metrics())
