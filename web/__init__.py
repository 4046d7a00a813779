"""HTTP concerns every blueprint shares: the error family (errors), request ids and JSON logs
(logs), liveness and readiness (health), Prometheus metrics (metrics). `install_web` wires them
into a server in one call.

web/ may import flask, crm and store; blueprints import web.errors, never the other way round.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

from web.errors import install_errors
from web.health import make_health
from web.json_body import BoundedJSONProvider
from web.logs import install_request_context
from web.metrics import make_metrics

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session, sessionmaker

# The largest request body read at all (413 beyond): a follow-up step carries up to ten 5 MB
# photos in base64 (followup/evidence.py), about 67 MB of JSON; channels cut theirs at 1 MB.
MAX_REQUEST_BYTES = 80_000_000


def install_web(server: Flask, sessions: sessionmaker[Session], redis_url: str | None, *,
                trusted_proxies: int = 0) -> None:
    """Request ids and access lines, the error family and /healthz, /readyz on `server`.

    Behind `trusted_proxies` proxies, request.remote_addr (the audit log's and the access line's
    address), the scheme and the host are the proxy's X-Forwarded-* values; without one, a client
    could write any address it likes into those headers, so they are ignored.
    """
    if trusted_proxies:
        behind = ProxyFix(server.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies)
        server.wsgi_app = behind  # type: ignore[method-assign] - Flask's documented way to add middleware
    if server.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default: no limit
        server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.json = BoundedJSONProvider(server)
    install_request_context(server)
    install_errors(server)
    server.register_blueprint(make_health(sessions, redis_url))
    server.register_blueprint(make_metrics())
