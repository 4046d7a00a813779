"""Security headers from the app itself (web/headers.py): on pages, API answers and errors; HSTS
only over HTTPS as a trusted proxy reports it; Dash's inline scripts allowed by hash, no others."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from settings import Settings
from web.headers import content_security_policy


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, locator):
    database = Path(tmp_path_factory.mktemp("headers")) / "pantau.db"
    pantau = create_app(Settings(database_url=f"sqlite:///{database}", trusted_proxies=1), locator=locator)
    return pantau


def test_every_answer_carries_them(pantau) -> None:
    client = pantau.dash.server.test_client()
    for path, status in (("/", 200), ("/masuk", 200), ("/api/v1/complaints", 200), ("/api/v1/nope", 404),
                         ("/healthz", 200)):
        answer = client.get(path)
        assert answer.status_code == status, path
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        assert (answer.headers["X-Frame-Options"], answer.headers["X-Content-Type-Options"],
                answer.headers["Referrer-Policy"]) == ("DENY", "nosniff", "same-origin"), path
        assert "Strict-Transport-Security" not in answer.headers, path
    assert client.post("/api/v1/complaints").headers["X-Frame-Options"] == "DENY"  # a 405 too


def test_dash_inline_scripts_are_allowed_by_their_hashes_and_nothing_else_inline(pantau) -> None:
    policy = pantau.dash.server.test_client().get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert set(pantau.dash.csp_hashes()) <= set(script_src.split()) and pantau.dash.csp_hashes()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_hsts_only_when_the_trusted_proxy_says_https(proxied) -> None:
    client = proxied.dash.server.test_client()
    assert client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers[
        "Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers


def test_an_online_map_style_may_fetch_tiles_and_the_offline_one_may_not() -> None:
    assert "https:" not in content_security_policy(["'sha256-x'"], online_map=False)
    online = content_security_policy(["'sha256-x'"], online_map=True)
    assert "img-src 'self' data: blob: https:" in online and "connect-src 'self' https:" in online
