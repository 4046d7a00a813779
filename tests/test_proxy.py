"""deploy/nginx/pantau.conf run by Debian's real nginx, as the proxy container runs it.

The test copy changes only what belongs to the host: listen ports, certificate and log paths, the
address of Docker's DNS (a stub here that answers `web` with two loopback addresses, as Docker's DNS
answers a service scaled to two containers, and `screens` with a third) and web's and screens' ports.
The certificate comes from deploy/local-cert.sh itself, and clients verify it. Behind nginx, small
Flask-SocketIO backends echo what reached them and record every request (Socket.IO's included); a
python-socketio client connects with the WebSocket transport only, as Pantau's screens do.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import requests
import socketio
from flask import Flask, jsonify, request
from flask_socketio import SocketIO
from werkzeug.serving import BaseWSGIServer, make_server

from crm import request_ids
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx" / "pantau.conf"
CERT_SCRIPT = ROOT / "deploy" / "local-cert.sh"
BACKENDS = ("127.0.0.2", "127.0.0.3")  # two `web` containers
SCREENS = "127.0.0.4"  # one `screens` container
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@pytest.fixture(scope="module", autouse=True)
def nginx_installed() -> None:
    if NGINX is None:
        pytest.fail("nginx is not installed: apt-get install nginx-light (.ci/run does)")


class Ports(NamedTuple):
    http: int
    https: int
    dns: int
    web: int
    screens: int


def config_copy(tmp: Path, ports: Ports) -> Path:
    """nginx.conf of the image's shape (pid, temp paths, the include in http) around a copy of
    pantau.conf where each host-specific string is replaced; each must still be there to replace."""
    text = CONF.read_text()
    for production, test in {
        "listen 80 default_server;": f"listen 127.0.0.1:{ports.http} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{ports.https} ssl default_server;",
        "/etc/nginx/certs/": f"{tmp}/certs/",
        "/var/log/nginx/access.log": f"{tmp}/access.log",
        "resolver 127.0.0.11 ": f"resolver 127.0.0.1:{ports.dns} ",
        "set $pantau_web web:8050;": f"set $pantau_web web:{ports.web};",
        "set $pantau_screens screens:8050;": f"set $pantau_screens screens:{ports.screens};",
    }.items():
        assert production in text, f"pantau.conf no longer has {production!r}: update this test copy"
        text = text.replace(production, test)
    (tmp / "pantau.conf").write_text(text)
    temp = "\n".join(f"    {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    main.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log notice;
events {{ worker_connections 256; }}
http {{
{temp}
    include {tmp}/pantau.conf;
}}
""")
    return main


def make_certificate(tmp: Path) -> Path:
    """deploy/local-cert.sh into tmp/certs; the certificate, for clients to verify."""
    subprocess.run(["sh", str(CERT_SCRIPT), str(tmp / "certs")], check=True, capture_output=True, timeout=60)
    return tmp / "certs" / "pantau.crt"


def nginx(main: Path, *args: str) -> list[str]:
    return [str(NGINX), "-p", str(main.parent), "-c", str(main), "-e", "stderr", *args]


def test_config_passes_nginx_t(tmp_path):
    make_certificate(tmp_path)
    main = config_copy(tmp_path, Ports(free_port(), free_port(), free_port(), free_port(), free_port()))
    result = subprocess.run(nginx(main, "-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "[warn]" not in result.stderr


def test_local_certificate_script_keeps_an_existing_certificate(tmp_path):
    cert = make_certificate(tmp_path)
    first = cert.read_bytes()
    make_certificate(tmp_path)
    assert cert.read_bytes() == first
    assert (tmp_path / "certs" / "pantau.key").stat().st_mode & 0o077 == 0  # the owner's alone


class StubDns:
    """A UDP DNS server answering A queries for `names` (NXDOMAIN for any other), in a thread."""

    def __init__(self, names: dict[str, tuple[str, ...]]) -> None:
        self.names = names
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                query, peer = self.sock.recvfrom(512)
            except OSError:  # closed
                return
            self.sock.sendto(self.answer(query), peer)

    def answer(self, query: bytes) -> bytes:
        labels, at = [], 12
        while query[at]:
            labels.append(query[at + 1:at + 1 + query[at]].decode())
            at += 1 + query[at]
        qtype = struct.unpack(">H", query[at + 1:at + 3])[0]
        question = query[12:at + 5]
        addresses = self.names.get(".".join(labels).lower())
        found = [a for a in addresses or () if qtype == 1]
        flags = 0x8180 | (3 if addresses is None else 0)  # response, recursion; NXDOMAIN when unknown
        records = b"".join(b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 1, 4) + socket.inet_aton(a) for a in found)
        return query[:2] + struct.pack(">HHHHH", flags, 1, len(found), 0, 0) + question + records

    def close(self) -> None:
        self.sock.close()


class Seen(NamedTuple):
    """One request as it reached a backend."""
    path: str
    query: str
    upgrade: str  # the Upgrade header nginx passed on, "" for none


def backend(name: str) -> tuple[Flask, list[Seen]]:
    """A web or screens container's stand-in: every request answers what reached it; Socket.IO
    `echo` too. `seen` records every request, those Socket.IO answers before Flask's routes too."""
    app = Flask(name)
    socketio = SocketIO(app, async_mode="threading")  # same-origin check on: Host and X-Forwarded-Proto must be right
    seen: list[Seen] = []
    inner = app.wsgi_app  # Socket.IO's middleware, in front of Flask

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(Seen(environ["PATH_INFO"], environ.get("QUERY_STRING", ""), environ.get("HTTP_UPGRADE", "")))
        return inner(environ, start_response)

    app.wsgi_app = recording  # type: ignore[method-assign]

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def echo_request(path: str) -> Any:
        return jsonify(backend=name, path=request.full_path, headers=dict(request.headers),
                       body_bytes=len(request.get_data()))

    @socketio.on("echo")
    def echo_event(data: Any) -> dict[str, Any]:
        return {"backend": name, "data": data, "proto": request.headers.get("X-Forwarded-Proto")}

    return app, seen


class Proxy(NamedTuple):
    https: str
    http: str
    cert: Path
    log: Path
    seen: dict[str, list[Seen]]  # by backend address, web's and screens'


def serve(address: str, port: int, seen: dict[str, list[Seen]]) -> BaseWSGIServer:
    app, seen[address] = backend(address)
    server = make_server(address, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@contextmanager
def running_nginx(main: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = main.parent / "nginx.out"
    with log.open("w") as out:
        process = subprocess.Popen(nginx(main), stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if (main.parent / "nginx.pid").exists():
                break
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {log.read_text()}")
            time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    tmp = tmp_path_factory.mktemp("proxy")
    cert = make_certificate(tmp)
    dns = StubDns({"web": BACKENDS, "screens": (SCREENS,)})
    ports = Ports(free_port(), free_port(), dns.port, free_port(), free_port())
    seen: dict[str, list[Seen]] = {}
    servers = [serve(address, ports.web, seen) for address in BACKENDS] + [serve(SCREENS, ports.screens, seen)]
    try:
        with running_nginx(config_copy(tmp, ports)):
            yield Proxy(f"https://127.0.0.1:{ports.https}", f"http://127.0.0.1:{ports.http}", cert,
                        tmp / "access.log", seen)
    finally:
        for server in servers:
            server.shutdown()
        dns.close()


def forwarded(proxy: Proxy, path: str = "/api/v1/complaints", **kwargs: Any) -> dict[str, Any]:
    answer = requests.get(proxy.https + path, verify=str(proxy.cert), timeout=10, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.slow
def test_forwards_over_verified_tls_with_the_forwarded_headers(proxy):
    answer = requests.get(proxy.https + "/api/v1/complaints?limit=5", verify=str(proxy.cert), timeout=10)
    seen = answer.json()
    assert seen["path"] == "/api/v1/complaints?limit=5"
    headers = seen["headers"]
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-For"] == "127.0.0.1"
    assert headers["Host"] == proxy.https.removeprefix("https://")
    assert len(headers["X-Request-Id"]) == 32 and int(headers["X-Request-Id"], 16) >= 0  # nginx's $request_id
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_proxy_keeps_the_same_request_ids_as_the_app():
    kept = re.search(r'"~\^(.+)\$"\s+\$http_x_request_id;', CONF.read_text())
    assert kept is not None and kept[1] == request_ids.ACCEPTED.pattern


@pytest.mark.slow
def test_a_callers_request_id_is_kept_and_a_forged_one_replaced(proxy):
    kept = forwarded(proxy, headers={"X-Request-ID": "qlue-7f3a9c21"})["headers"]["X-Request-Id"]
    assert kept == "qlue-7f3a9c21"
    forged = forwarded(proxy, headers={"X-Request-ID": 'x" injected="1'})["headers"]["X-Request-Id"]
    assert forged != 'x" injected="1' and len(forged) == 32


@pytest.mark.slow
def test_a_clients_own_forwarded_for_is_not_passed_on(proxy):
    headers = forwarded(proxy, headers={"X-Forwarded-For": "203.0.113.9"})["headers"]
    assert headers["X-Forwarded-For"] == "127.0.0.1"


@pytest.mark.slow
def test_access_log_lines_are_json_with_the_request_id(proxy):
    forwarded(proxy, "/api/v1/ranking?window=today", headers={"X-Request-ID": "log-check-0001"})
    for _ in range(50):  # nginx writes the line after the answer
        lines = [json.loads(line) for line in proxy.log.read_text().splitlines()]
        mine = [line for line in lines if line["request_id"] == "log-check-0001"]
        if mine:
            break
        time.sleep(0.05)
    assert mine and mine[0]["status"] == 200 and mine[0]["path"] == "/api/v1/ranking"  # no query string


@pytest.mark.slow
def test_plain_http_redirects_to_https_keeping_path_and_query(proxy):
    answer = requests.get(proxy.http + "/lacak?tiket=PNT-1", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/lacak?tiket=PNT-1"


@pytest.mark.slow
def test_proxy_healthcheck_answers_on_plain_http(proxy):
    answer = requests.get(proxy.http + "/proxy-healthz", allow_redirects=False, timeout=10)
    assert answer.status_code == 200 and answer.text == "ok\n"


@pytest.mark.slow
def test_metrics_stay_inside(proxy):
    answer = requests.get(proxy.https + "/metrics", verify=str(proxy.cert), timeout=10)
    assert answer.status_code == 404
    assert not any(seen.path == "/metrics" for requests in proxy.seen.values() for seen in requests)


@pytest.mark.slow
def test_every_scaled_web_container_gets_traffic(proxy):
    backends = {forwarded(proxy, f"/api/v1/skpd?n={n}")["backend"] for n in range(30)}
    assert backends == set(BACKENDS)


@pytest.mark.slow
def test_evidence_sized_uploads_pass(proxy):
    body = b"x" * 8_000_000  # over nginx's default 1 MB limit
    answer = requests.post(proxy.https + "/api/v1/complaints/1/transitions", data=body, verify=str(proxy.cert),
                           timeout=30, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.json()["body_bytes"] == len(body)


@pytest.mark.slow
def test_socketio_over_websocket_only_through_the_proxy(proxy):
    session = requests.Session()
    session.verify = str(proxy.cert)  # the WebSocket client verifies the certificate too
    with socketio.SimpleClient(http_session=session) as client:
        client.connect(proxy.https, transports=["websocket"], wait_timeout=10)
        assert client.transport == "websocket"
        answer = client.call("echo", {"n": 7}, timeout=10)
    assert answer["data"] == {"n": 7} and answer["backend"] == SCREENS  # the screens' pool, never web
    assert answer["proto"] == "https"
    upgrades = [seen for seen in proxy.seen[SCREENS] if seen.path == "/socket.io/" and seen.upgrade]
    assert upgrades and all(seen.upgrade.lower() == "websocket" and "transport=websocket" in seen.query
                            for seen in upgrades)
    assert not socketio_requests_on_web(proxy)


def socketio_requests_on_web(proxy: Proxy) -> list[Seen]:
    return [seen for address in BACKENDS for seen in proxy.seen[address] if seen.path.startswith("/socket.io")]


@pytest.mark.slow
def test_the_socketio_polling_handshake_reaches_the_screens_pool(proxy):
    before = len(proxy.seen[SCREENS])
    answer = requests.get(proxy.https + "/socket.io/?EIO=4&transport=polling&t=handshake",
                          verify=str(proxy.cert), timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith("0") and "sid" in json.loads(answer.text[1:])  # engine.io's OPEN packet
    assert Seen("/socket.io/", "EIO=4&transport=polling&t=handshake", "") in proxy.seen[SCREENS][before:]
    assert not socketio_requests_on_web(proxy)


@pytest.mark.slow
def test_pages_and_the_api_stay_on_web(proxy):
    before = len(proxy.seen[SCREENS])
    for path in ("/", "/api/v1/complaints?limit=1", "/dashboard/", "/api/v1/socket.io/"):
        assert forwarded(proxy, path)["backend"] in BACKENDS
    assert proxy.seen[SCREENS][before:] == []


@pytest.mark.slow
def test_no_web_container_answering_is_json_503_with_retry_after(tmp_path):
    make_certificate(tmp_path)
    dns = StubDns({"web": ("127.0.0.2",)})
    ports = Ports(free_port(), free_port(), dns.port, free_port(), free_port())  # nothing listens on ports.web
    try:
        with running_nginx(config_copy(tmp_path, ports)):
            answer = requests.post(f"https://127.0.0.1:{ports.https}/api/v1/reports", json={},
                                   verify=str(tmp_path / "certs" / "pantau.crt"), timeout=10,
                                   headers={"X-Request-ID": "outage-check-1"})
    finally:
        dns.close()
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/json" and answer.headers["Retry-After"] == "5"
    assert answer.headers["X-Request-ID"] == "outage-check-1"
    assert "tidak tersedia" in answer.json()["error"]


@pytest.mark.slow
def test_no_screens_container_answering_leaves_web_serving(tmp_path):
    """Screens down (or still starting): a screen gets the JSON 503 and retries; reports go on."""
    make_certificate(tmp_path)
    dns = StubDns({"web": ("127.0.0.2",), "screens": (SCREENS,)})
    ports = Ports(free_port(), free_port(), dns.port, free_port(), free_port())  # nothing on ports.screens
    seen: dict[str, list[Seen]] = {}
    web = serve("127.0.0.2", ports.web, seen)
    cert = str(tmp_path / "certs" / "pantau.crt")
    try:
        with running_nginx(config_copy(tmp_path, ports)):
            screen = requests.get(f"https://127.0.0.1:{ports.https}/socket.io/?EIO=4&transport=polling",
                                  verify=cert, timeout=10)
            report = requests.post(f"https://127.0.0.1:{ports.https}/api/v1/reports", json={}, verify=cert, timeout=10)
    finally:
        web.shutdown()
        dns.close()
    assert screen.status_code == 503 and screen.headers["Retry-After"] == "5"
    assert report.status_code == 200 and report.json()["backend"] == "127.0.0.2"
    assert [s.path for s in seen["127.0.0.2"]] == ["/api/v1/reports"]  # the screen never fell back to web
