"""Browser time to add one complaint to a map already holding 3,000 (headless Chromium, software WebGL).

3,000 is dashboard/figures.py DOT_LIMIT, the most dots the command centre draws: above it the map
shades kelurahan by count instead. Two dashboards run side by side on the same store of complaints:
  - Pantau's command centre (dashboard/): the complaint is emitted as `complaint_routed` over
    Socket.IO and drawn on the canvas overlay (assets/live.js, assets/overlay.js);
  - a polling baseline: a dcc.Interval (1 s, paused while its callback runs) whose callback
    re-reads the complaints from the store and returns the whole figure, which the browser re-renders.
Each add is timed from the moment the server has the complaint (emit, or its commit for the
baseline) until the browser has painted it: the point is on the map (overlay, or the figure
after plotly's `plotly_afterplot`) and two animation frames have passed. Then, in Pantau's page,
the two rejected ways of patching the WebGL map itself are timed from the call to painted:
`Plotly.extendTraces` on the big trace and `setData` on a MapLibre GeoJSON source.

    python benchmarks/map_add.py [--points 3000] [--adds 20]
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, dcc, no_update
from flask import Flask
from flask_socketio import SocketIO
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm.categories import CATEGORIES  # noqa: E402
from crm.channels import CHANNELS  # noqa: E402
from crm.complaint import Complaint, new_ticket, received_event, utc_now  # noqa: E402
from crm.events import COMPLAINT_ROUTED  # noqa: E402
from app import create_app  # noqa: E402
from crm.public_view import public_complaint  # noqa: E402
from dashboard.figures import DOT_LIMIT, MAINLAND_BOUNDS, jakarta_map, outlines_geojson  # noqa: E402
from dashboard.snapshot import read_snapshot  # noqa: E402
from geo.locate import Locator  # noqa: E402
from settings import Settings  # noqa: E402
from store import complaints as store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1920, "height": 1080}
POLL_MS = 1000
LIVE_PORT, POLL_PORT = 8071, 8072
# Pantau's page is ready once connected and its map fitted to Jakarta (a relayout, a full repaint).
LIVE_SETTLED = """() => window.pantau && window.pantau.live.stats().connected && window.pantau.overlay.inspect().settled"""
# Resolves after the map's next complete repaint: whatever plotly was still drawing is done.
REPAINTED = """(graph) => new Promise((done) => {
    const map = document.querySelector('#' + graph + ' .js-plotly-plot')._fullLayout.map._subplot.map;
    map.once('idle', () => requestAnimationFrame(() => requestAnimationFrame(done)));
    map.triggerRepaint();
})"""
ALTERNATIVE_ADDS = 5  # each WebGL patch takes seconds: a few tell the story

# Resolves window.painted (epoch ms) once the overlay holds complaint `id` and two frames have been drawn
# (no `new Function`: the page's CSP refuses eval, as it should).
ARM = """([id]) => {
    window.painted = null;
    const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => { window.painted = Date.now(); }));
    const poll = () => (window.pantau.overlay.inspect().ids.includes(id) ? frames() : requestAnimationFrame(poll));
    poll();
}"""
# The baseline's figure is painted when plotly has finished plotting a figure holding the point.
ARM_AFTERPLOT = """([id]) => {
    window.painted = null;
    const gd = document.querySelector('#map .js-plotly-plot');
    const holds = () => gd.data[1].customdata.length > 0 && gd.data[1].customdata[0][0] === id;
    const plotted = () => {
        if (!holds()) return;
        gd.removeListener('plotly_afterplot', plotted);
        requestAnimationFrame(() => requestAnimationFrame(() => { window.painted = Date.now(); }));
    };
    gd.on('plotly_afterplot', plotted);
}"""
EXTEND = """async ([lon, lat]) => {
    const gd = document.querySelector('#jakarta-map .js-plotly-plot');
    const start = performance.now();
    await Plotly.extendTraces(gd, {lon: [[lon]], lat: [[lat]], customdata: [[gd.data[1].customdata[0]]],
                                   'marker.color': [['#D55E00']]}, [1]);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    return performance.now() - start;
}"""
SET_DATA = """async ([lon, lat]) => {
    const map = document.querySelector('#jakarta-map .js-plotly-plot')._fullLayout.map._subplot.map;
    if (!map.getSource('bench')) {
        window.benchPoints = [];
        map.addSource('bench', {type: 'geojson', data: {type: 'FeatureCollection', features: []}});
        map.addLayer({id: 'bench', type: 'circle', source: 'bench', paint: {'circle-radius': 7, 'circle-color': '#D55E00'}});
        await new Promise((done) => map.once('idle', done));
    }
    const start = performance.now();
    const idle = new Promise((done) => map.once('idle', done));
    window.benchPoints.push({type: 'Feature', geometry: {type: 'Point', coordinates: [lon, lat]}, properties: {}});
    map.getSource('bench').setData({type: 'FeatureCollection', features: window.benchPoints});
    await idle;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    return performance.now() - start;
}"""


class Complaints:
    """Synthetic located complaints of the last 20 hours, in a real store."""

    def __init__(self, locator: Locator, sessions: sessionmaker[Session], seed: int) -> None:
        self.locator = locator
        self.sessions = sessions
        self.random = random.Random(seed)

    def make(self, n: int, received_ago: timedelta = timedelta(0)) -> Complaint:
        (west, south), (east, north) = MAINLAND_BOUNDS
        lon, lat = self.random.uniform(west, east), self.random.uniform(south, north)
        at = utc_now() - received_ago
        return Complaint(ticket=new_ticket(at), channel=self.random.choice(list(CHANNELS)),
                         external_id=f"map-add-{n}", received_at=at, text="Keluhan warga",
                         category=self.random.choice(list(CATEGORIES)), lon=lon, lat=lat,
                         jurisdiction=self.locator.locate(lon, lat), skpd="DLH", history=[received_event(at)])

    def store(self, *found: Complaint) -> list[Complaint]:
        with self.sessions.begin() as session:
            return [stored for stored, _ in store.add_many(session, complaints=list(found))]

    def fill(self, n: int) -> None:
        self.store(*(self.make(i, timedelta(hours=20 * i / n)) for i in range(n)))


def polling_dashboard(outlines: dict[str, Any], complaints: Complaints) -> Dash:
    """The baseline: every tick re-reads the complaints and sends the whole figure again."""
    app = Dash(__name__, update_title=None)
    app.layout = [dcc.Graph(id="map", style={"height": "96vh"}, config={"displayModeBar": False}),
                  dcc.Interval(id="poll", interval=POLL_MS), dcc.Store(id="shown")]

    # `running` pauses the interval while a figure is built: with ticks faster than a big figure,
    # each new request would supersede the last and the map would never be drawn.
    @app.callback(Output("map", "figure"), Output("shown", "data"), Input("poll", "n_intervals"),
                  State("shown", "data"), running=[(Output("poll", "disabled"), True, False)])
    def refresh(_tick: int | None, shown: int | None) -> tuple[Any, Any]:
        found = read_snapshot(complaints.sessions, utc_now()).facts
        if shown == len(found["id"]):
            return no_update, no_update
        return jakarta_map(outlines, found, "white-bg"), len(found["id"])

    return app


def serve(app: Flask, port: int) -> None:
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def open_page(browser: Browser, url: str, ready: str, graph: str) -> Page:
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    page.wait_for_function(ready, timeout=300_000, polling=100)
    page.wait_for_timeout(1000)
    page.evaluate(REPAINTED, graph)
    return page


def timed(page: Page, arm: str, arm_args: list[Any], announce: Callable[[], None]) -> float:
    """Milliseconds from `announce` (the server has the complaint) until the browser painted it."""
    page.wait_for_timeout(600)  # apart, so each add is its own repaint
    page.evaluate(arm, arm_args)
    start = time.time() * 1000
    announce()
    page.wait_for_function("() => window.painted !== null", timeout=120_000, polling=50)
    return page.evaluate("window.painted") - start


def measure_live(browser: Browser, url: str, complaints: Complaints, socketio: SocketIO, adds: int) -> list[float]:
    page = open_page(browser, url, LIVE_SETTLED, "jakarta-map")
    took = []
    for i in range(adds):
        (stored,) = complaints.store(complaints.make(10_000_000 + i))
        payload = public_complaint(stored) | {"event_id": i + 1}
        took.append(timed(page, ARM, [payload["id"]],
                          lambda: socketio.emit(COMPLAINT_ROUTED, payload)))
    page.close()
    return took


def measure_polling(browser: Browser, complaints: Complaints, adds: int) -> list[float]:
    page = open_page(browser, f"http://127.0.0.1:{POLL_PORT}",
                     "() => { const gd = document.querySelector('#map .js-plotly-plot');"
                     " return gd && gd.data && gd.data.length === 2 && gd._fullLayout.map._subplot.map.loaded(); }", "map")
    took = []
    for i in range(adds):
        took.append(_timed_store(page, complaints, complaints.make(20_000_000 + i)))
    page.close()
    return took


def _timed_store(page: Page, complaints: Complaints, complaint: Complaint) -> float:
    """`timed` for the baseline: its figure must hold the new complaint, whose id the store gives."""
    page.wait_for_timeout(600)
    start = time.time() * 1000
    (stored,) = complaints.store(complaint)
    page.evaluate(ARM_AFTERPLOT, [stored.id])
    page.wait_for_function("() => window.painted !== null", timeout=120_000, polling=50)
    return page.evaluate("window.painted") - start


def measure_alternatives(browser: Browser, url: str) -> list[tuple[str, list[float]]]:
    """The rejected ways, in Pantau's page: patch the WebGL map itself."""
    page = open_page(browser, url, LIVE_SETTLED, "jakarta-map")
    spots = [(106.80 + i * 0.01, -6.20) for i in range(ALTERNATIVE_ADDS)]
    extend = [page.evaluate(EXTEND, list(spot)) for spot in spots]
    set_data = [page.evaluate(SET_DATA, list(spot)) for spot in spots]
    page.close()
    return [("  Plotly.extendTraces on the big trace", extend), ("  MapLibre GeoJSON source setData", set_data)]


def report(points: int, rows: list[tuple[str, list[float]]]) -> None:
    print(f"Add one complaint to a map holding {points:,} complaints + 267 kelurahan "
          f"(headless Chromium, software WebGL, {VIEWPORT['width']}x{VIEWPORT['height']})")
    print(f"{'path':<52} {'p50 ms':>8} {'p90 ms':>8} {'max ms':>8} {'n':>4}")
    for i, (name, took) in enumerate(rows):
        if i == 2:
            print("alternatives, timed in Pantau's page from the call:")
        p90 = statistics.quantiles(took, n=10, method="inclusive")[-1] if len(took) > 1 else took[0]
        print(f"{name:<52} {statistics.median(took):>8.0f} {p90:>8.0f} {max(took):>8.0f} {len(took):>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=DOT_LIMIT)
    parser.add_argument("--adds", type=int, default=20)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the table

    with tempfile.TemporaryDirectory() as folder:
        pantau = create_app(Settings(database_url=f"sqlite:///{folder}/pantau.db"), background=False)
        complaints = Complaints(pantau.locator, pantau.sessions, seed=7)
        complaints.fill(args.points)
        threading.Thread(target=lambda: pantau.socketio.run(pantau.dash.server, port=LIVE_PORT,
                                                            allow_unsafe_werkzeug=True, log_output=False),
                         daemon=True).start()
        serve(polling_dashboard(outlines_geojson(pantau.locator.boundaries.kelurahan), complaints).server, POLL_PORT)
        live = f"http://127.0.0.1:{LIVE_PORT}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            rows = [("Pantau live: Socket.IO -> canvas overlay", measure_live(browser, live, complaints, pantau.socketio,
                                                                               args.adds)),
                    (f"polling baseline: dcc.Interval {POLL_MS} ms, whole figure",
                     measure_polling(browser, complaints, args.adds))]
            rows += measure_alternatives(browser, live)
            browser.close()
    report(args.points, rows)


if __name__ == "__main__":
    main()
