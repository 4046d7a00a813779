"""Security headers on every response: a Content-Security-Policy that Dash and Plotly work under
(scripts only from this origin plus Dash's own inline scripts by hash), no framing by any other
page, no content sniffing, no referrer beyond this site (tracking links carry a secret), HSTS when
served over HTTPS; and a development server that names no versions."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from flask import request
from werkzeug.serving import WSGIRequestHandler

if TYPE_CHECKING:
    from flask import Flask, Response

HSTS = "max-age=31536000"  # a year; no includeSubDomains: other jakarta.go.id hosts are not ours to pin
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors 'none' for browsers that predate it
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(script_hashes: Sequence[str], *, online_map: bool) -> str:
    """The policy. Styles may be inline (Dash and Plotly set them; no script runs from a style);
    the map's library starts its workers from blob: URLs; an online map style fetches tiles."""
    remote = " https:" if online_map else ""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{remote}",
        "font-src 'self' data:",
        f"connect-src 'self'{remote}",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def install_security_headers(server: Flask, script_hashes: Callable[[], Sequence[str]], *,
                             online_map: bool) -> None:
    """Add the headers to every response of `server`. `script_hashes` (Dash's `csp_hashes`) is asked
    once, at the first response, when every page has registered its inline callbacks."""

    @cache
    def policy() -> str:
        return content_security_policy(script_hashes(), online_map=online_map)

    @server.after_request
    def secure(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy())
        for name, value in FIXED.items():
            response.headers.setdefault(name, value)
        if request.is_secure:  # behind a trusted proxy this is its X-Forwarded-Proto (web/__init__)
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's development server, answering `Server: Pantau` instead of its and Python's versions."""

    def version_string(self) -> str:
        return "Pantau"
