"""The security headers in a real browser (Debian's Chromium) against `python app.py`: every page,
signed out and signed in, works under the Content-Security-Policy with no violation and no script
error (the live map connects and settles); a page on another origin cannot frame the validators'
queue; the development server names no versions."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.processes import PASSWORD, Server, serving

LIVE_READY = ("() => window.pantau && window.pantau.overlay.inspect().settled"
              " && window.pantau.live.stats().connected")
WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation',"
             " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
PUBLIC_PAGES = ["/lacak", "/wilayah", "/wilayah/31.71", "/peringkat", "/peringkat/BINAMARGA-JP", "/masuk",
                "/meja", "/validasi", "/antrian"]
SIGNED_IN_PAGES = {"validator_crm": "/validasi", "staf_binamarga_jp": "/antrian", "operator_meja": "/meja"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    people = {"validator_crm": ("validator",), "staf_binamarga_jp": ("skpd_staff", "--skpd", "BINAMARGA-JP"),
              "operator_meja": ("operator",)}
    with serving(tmp_path_factory.mktemp("headers"), people) as server:
        yield server


class Watched(NamedTuple):
    page: Page
    errors: list[str]
    console: list[str]


def watched(browser: Browser) -> Watched:
    page = browser.new_context(viewport={"width": 1600, "height": 900}).new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    console: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: console.append(message.text))
    return Watched(page, errors, console)


def violations(seen: Watched) -> list[str]:
    blocked = seen.page.evaluate("window.__csp")
    return blocked + [line for line in seen.console if "Content Security Policy" in line]


def test_every_page_works_under_the_policy(site: Server, browser: Browser) -> None:
    requests.post(f"{site.url}/api/v1/reports", timeout=30, headers={"Authorization": f"Bearer {site.key}"},
                  json={"channel": "qlue", "external_id": "csp-1", "text": "Jalan berlubang dalam",
                        "category": "jalan", "lon": 106.8272, "lat": -6.1754}).raise_for_status()
    seen = watched(browser)
    seen.page.goto(site.url)
    seen.page.wait_for_function(LIVE_READY, timeout=60_000)  # Dash, Plotly's map and Socket.IO all ran
    assert seen.page.locator("#jakarta-map .js-plotly-plot").count() == 1
    for path in PUBLIC_PAGES:
        seen.page.goto(site.url + path)
        seen.page.wait_for_selector("#react-entry-point > *, form", timeout=60_000)
        seen.page.wait_for_load_state("networkidle")
    assert violations(seen) == [] and seen.errors == []


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_work_pages_work_under_the_policy(site: Server, browser: Browser, name: str) -> None:
    path = SIGNED_IN_PAGES[name]
    seen = watched(browser)
    seen.page.goto(f"{site.url}/masuk?next={path}")
    seen.page.fill("#name", name)
    seen.page.fill("#password", PASSWORD)
    seen.page.click("button[type=submit]")
    seen.page.wait_for_url(site.url + path)
    seen.page.wait_for_selector(".work-sign-in", state="detached", timeout=60_000)
    seen.page.wait_for_load_state("networkidle")
    assert "Keluar" in seen.page.content()
    assert violations(seen) == [] and seen.errors == []


@contextmanager
def sibling_site(html: str) -> Iterator[str]:
    """A real page on another origin of this machine (another port): what a hostile sibling serves."""
    body = html.encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Page) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_port}/"
        server.shutdown()


def test_a_page_on_another_origin_cannot_frame_the_validators_queue(site: Server, browser: Browser) -> None:
    seen = watched(browser)
    with sibling_site(f'<iframe src="{site.url}/validasi" width="800" height="600"></iframe>') as sibling:
        seen.page.goto(sibling)
        seen.page.wait_for_timeout(3_000)
    [frame] = [f for f in seen.page.frames if f != seen.page.main_frame]
    assert frame.url == "chrome-error://chromewebdata/"  # refused: Chromium shows its own error page
    assert "ERR_BLOCKED_BY_RESPONSE" in frame.content()  # by the answer's headers, not by the network


def test_headers_on_pages_api_answers_and_errors_and_no_versions(site: Server) -> None:
    for path in ("/", "/masuk", "/api/v1/complaints", "/api/v1/nope", "/_dash-component-suites/nope.js"):
        answer = requests.get(site.url + path, timeout=30)
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "same-origin", path
        assert answer.headers["Server"] == "Pantau", path
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: HSTS would be ignored anyway
