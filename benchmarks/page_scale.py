"""Page loads on a flood day: `/` and `/wilayah/<kota>` on an empty store and on 20,000 open complaints.

A real `python app.py` (benchmarks/serving.py) on SQLite, or on PostGIS with `--postgis URL`, is
loaded in headless Chromium. A page counts as interactive when its map is drawn (MapLibre has
loaded, and on `/` the live layer is connected and fitted) and, on `/`, the feed and KPI tiles are
filled. For every load the largest JSON response the page fetched (its data: layout, callbacks, APIs) is recorded, as sent (after any
compression) and as decoded. Then, on `/` with 20,000 complaints, a filter change is timed in the
browser from the change to the redrawn map and feed, in place and, as the baseline, by loading the
page at the filter's URL.

The 20,000 complaints are benchmarks/generate_history.py's realistic mix, all still open (their
histories cut to the first step), received over the last four weeks, loaded with `pantau import`.

    python benchmarks/page_scale.py [--count 20000] [--loads 3] [--postgis postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate_history import records  # noqa: E402
from benchmarks.serving import start_pantau, stop  # noqa: E402
from crm.complaint import utc_now  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1920, "height": 1080}
KOTA = "31.71"
MAP_LOADED = """(graph) => { const gd = document.querySelector(graph + ' .js-plotly-plot');
    const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    return Boolean(m && m.loaded() && m.areTilesLoaded()); }"""
COMMAND_CENTRE_READY = """() => window.pantau && window.pantau.live && window.pantau.live.stats().connected
    && window.pantau.overlay.inspect().settled
    && document.querySelector('#kpi-open') && document.querySelector('#kpi-open').textContent !== ''
    && (document.querySelectorAll('#cc-feed li').length > 0 || /^0+$/.test(document.querySelector('#kpi-open').textContent))"""


def seed(folder: Path, env: dict[str, str], count: int) -> float:
    """Import `count` open complaints; seconds taken."""
    path = folder / "flood.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for record in records(count, seed=7, end=utc_now()):
            record["history"] = [step for step in record["history"][:1] if step["status"] == "Proses"]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "cli.py", "import", str(path)], env=env, check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - started


def load(page: Page, url: str, ready: str, *args: Any) -> tuple[float, int, int]:
    """(seconds until interactive, largest JSON response as sent, as decoded) of one fresh load."""
    sizes: list[tuple[int, int]] = []

    def measure(response: Response) -> None:
        if "json" not in response.headers.get("content-type", ""):
            return  # scripts and styles are cached after the first load; the payloads are the page's data
        try:
            body = response.body()
        except Exception:  # a redirect or a socket upgrade has no body
            return
        sent = int(response.headers.get("content-length") or len(body))
        sizes.append((sent, len(body)))

    page.on("response", measure)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, arg=args[0] if args else None, timeout=120_000, polling=50)
    took = time.perf_counter() - started
    page.remove_listener("response", measure)
    return took, max(s for s, _ in sizes), max(d for _, d in sizes)


def loads(page: Page, url: str, n: int, ready: str, *args: Any) -> dict[str, float]:
    load(page, url, ready, *args)  # a warm-up: the browser's cache holds the scripts, as on an operator's screen
    runs = [load(page, url, ready, *args) for _ in range(n)]
    return {"median_s": statistics.median(r[0] for r in runs), "largest_sent_kb": max(r[1] for r in runs) / 1024,
            "largest_decoded_kb": max(r[2] for r in runs) / 1024}


def filter_change(page: Page, base: str, in_place: bool = True) -> float | None:
    """Seconds from choosing a kota in the filter bar to the redrawn page (the new snapshot applied,
    the feed filled, the map loaded and two frames painted), or None without a filter bar.
    `in_place` False: the baseline, the same filter by loading the page at its URL."""
    page.goto(base + "/")
    page.wait_for_function(COMMAND_CENTRE_READY, timeout=120_000, polling=50)
    if page.locator("#cc-filter-kota").count() == 0:
        return None
    started = time.perf_counter()
    if in_place:
        page.evaluate(f"() => window.pantau.filters.choose('kota', '{KOTA}')")
    else:
        page.goto(f"{base}/?kota={KOTA}")
    page.wait_for_function(f"() => (window.pantau.live.stats().filter || {{}}).kota === '{KOTA}'", timeout=60_000,
                           polling="raf")
    page.wait_for_function(COMMAND_CENTRE_READY, timeout=60_000, polling="raf")
    page.wait_for_function(MAP_LOADED, arg="#jakarta-map", timeout=60_000, polling="raf")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return time.perf_counter() - started


def measure_store(browser: Any, folder: Path, database_url: str | None, count: int, n: int) -> dict[str, Any]:
    """Every figure of one store, printed as it is measured."""
    process, url, _key = start_pantau(folder, database_url)
    env = os.environ | {"PANTAU_DATABASE_URL": database_url or f"sqlite:///{folder}/pantau.db"}
    page = browser.new_page(viewport=VIEWPORT)
    figures: dict[str, Any] = {}

    def record(what: str, value: Any) -> None:
        figures[what] = value
        shown = json.dumps(value, default=lambda v: round(v, 3)) if isinstance(value, dict) else value
        print(f"  {what}: {shown}", flush=True)

    try:
        record("empty /", loads(page, url + "/", n, COMMAND_CENTRE_READY))
        record(f"empty /wilayah/{KOTA}", loads(page, f"{url}/wilayah/{KOTA}", n, MAP_LOADED, "#areas-map"))
        record("seed_s", seed(folder, env, count))
        record(f"{count} /", loads(page, url + "/", n, COMMAND_CENTRE_READY))
        record(f"{count} /wilayah/{KOTA}", loads(page, f"{url}/wilayah/{KOTA}", n, MAP_LOADED, "#areas-map"))
        for how, in_place in (("in place", True), ("by loading its URL", False)):
            runs = [filter_change(page, url, in_place) for _ in range(n)]
            record(f"filter change to kota {KOTA} {how}: median s", None if None in runs else statistics.median(runs))
    finally:
        page.close()
        stop(process)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--postgis", help="a PostGIS database to empty and use beside SQLite")
    args = parser.parse_args()
    stores: dict[str, str | None] = {"sqlite": None}
    if args.postgis:
        stores["postgis"] = args.postgis
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, database_url in stores.items():
            if database_url:
                reset_postgis(database_url)
            print(f"{name}:", flush=True)
            with tempfile.TemporaryDirectory() as folder:
                measure_store(browser, Path(folder), database_url, args.count, args.loads)
        browser.close()


def reset_postgis(database_url: str) -> None:
    """An empty schema, so the run starts from a fresh store like SQLite's new file."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis"))
    engine.dispose()


if __name__ == "__main__":
    main()
