"""Socket.IO accepts a browser only from Pantau's own origin: a page elsewhere cannot open a screen
with the visitor's cookies (cross-site WebSocket hijacking). Behind a trusted proxy the origin is
the public https one the proxy forwards."""
from __future__ import annotations

from pathlib import Path

from app import create_app
from settings import Settings

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_a_foreign_origin_is_refused_and_pantaus_own_accepted(client):
    refused = client.get(HANDSHAKE, headers={"Origin": "https://jahat.example"})
    assert refused.status_code == 400 and b"Not an accepted origin" in refused.data
    assert client.get(HANDSHAKE, headers={"Origin": "http://localhost"}).status_code == 200
    assert client.get(HANDSHAKE).status_code == 200  # no Origin: not a browser, nothing to check


def test_behind_the_proxy_the_public_https_origin_is_pantaus_own(tmp_path: Path, locator):
    """nginx forwards the public scheme and host (deploy/nginx/pantau.conf); a browser cannot set
    these headers on a WebSocket, so a foreign page still cannot pass for Pantau."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/pantau.db", trusted_proxies=1)
    pantau = create_app(settings, locator=locator, background=False)
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pantau.jakarta.go.id"}
    with pantau.dash.server.test_client() as client:
        assert client.get(HANDSHAKE, headers={"Origin": "https://pantau.jakarta.go.id", **proxied}).status_code == 200
        assert client.get(HANDSHAKE, headers={"Origin": "https://jahat.example", **proxied}).status_code == 400
