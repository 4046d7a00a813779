"""Single-report ingest through `pantau serve` on PostGIS with Redis, driven by wrk, beside two
baselines under the same gunicorn settings in the same run.

Each request carries one report, as every channel's webhook does. Three servers are measured one
after another on a fresh PostGIS database each, with the same wrk settings:
- trivial: a Flask handler that reads the body and answers 201 (the server's ceiling);
- naive: one geopandas.sjoin and one ORM insert with its own commit per request, nothing published;
- pantau serve: the real intake (classify, locate, route, SLA, dedupe), stored by group commit and
  published to Redis, answered only after the commit; on `POST /api/v1/reports` and on the Qlue
  channel's native JSON (`POST /api/v1/channels/qlue`).
After each Pantau run, every acknowledged (2xx) report is looked up in the store: `lost` must be 0.

Each server first takes WARMUP_SECONDS of the same load, unmeasured, then the database is
ANALYZEd: this machine's PostgreSQL runs with autovacuum off, and a table planned without
statistics reads a whole two-day window for each duplicate check, where production's autovacuum
would have analysed it within its first minute. `cpu ms/report` is the CPU time the server's
processes (and PostgreSQL's) spent during the measured run, per acknowledged report (Linux /proc).

    python benchmarks/serve_ingest.py [--seconds 30] [--connections 16] [--workers 2] [--threads 16]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_throughput import POSTGIS_URL, fresh_postgis  # noqa: E402
from serving import free_port  # noqa: E402

TEXTS = ["Jalan berlubang besar di depan sekolah, bahaya untuk motor",
         "Sampah menumpuk di pinggir kali sudah seminggu tidak diangkut",
         "Lampu PJU mati sepanjang jalan, gelap sekali malam hari",
         "Saluran air tersumbat, air meluap ke jalan kalau hujan",
         "Pohon tumbang menutup trotoar dan sebagian jalan"]


def points() -> list[tuple[float, float]]:
    """One point inside each kelurahan; wrk adds up to ~300 m of jitter, so reports spread over the
    city as they do, instead of piling into one duplicate cluster."""
    from geo.boundaries import load_boundaries
    from settings import load_settings

    inside = load_boundaries(load_settings().boundaries).kelurahan.geometry.representative_point()
    return [(round(p.x, 5), round(p.y, 5)) for p in inside]

LUA = """
local counter = 0
local texts = {%(texts)s}
local points = {%(points)s}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(tid)
end
function request()
  counter = counter + 1
  local p = points[math.random(#points)]
  local lon = p[1] + (math.random() - 0.5) * 0.005
  local lat = p[2] + (math.random() - 0.5) * 0.005
  local t = texts[(counter %% #texts) + 1]
  local id = string.format("%(run)s-%%d-%%d", tid, counter)
  local body
  if "%(path)s" == "/api/v1/reports" then
    body = string.format('{"channel":"qlue","external_id":"%%s","text":"%%s","lon":%%f,"lat":%%f}', id, t, lon, lat)
  else
    body = string.format('{"report_id":"%%s","description":"%%s","lng":"%%f","lat":"%%f"}', id, t, lon, lat)
  end
  return wrk.format("POST", "%(path)s", {["Content-Type"]="application/json",
                                        ["Authorization"]="Bearer %(key)s"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, e.status,
           e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


def wrk(url: str, path: str, key: str, run: str, *, seconds: int, connections: int) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA % {"texts": ",".join(f'"{t}"' for t in TEXTS),
                             "points": ",".join(f"{{{x},{y}}}" for x, y in points()),
                             "run": run, "path": path, "key": key})
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                          url], capture_output=True, text=True, check=True).stdout
    script.unlink()
    total, bad_status, socket_errors, p50, p99, duration_us = map(int, re.search(r"RESULT (.*)", out).group(1).split())
    seconds_taken = duration_us / 1e6
    return {"requests": total, "ok": total - bad_status, "errors": bad_status + socket_errors,
            "rate": (total - bad_status) / seconds_taken, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000}


WARMUP_SECONDS = 5


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of these processes so far (0 for one that has gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """pid and its children (gunicorn's master and workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *map(int, children)]


def postgres_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _comm(p) == "postgres"]


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def measured(url: str, path: str, key: str, run: str, args: argparse.Namespace, server: subprocess.Popen[bytes],
             database_url: str | None) -> dict[str, float]:
    """A warm-up, ANALYZE, then the measured wrk run with the CPU it cost."""
    wrk(url, path, key, f"{run}w", seconds=WARMUP_SECONDS, connections=args.connections)
    if database_url:
        plain = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute("ANALYZE")
    pids, pg = tree(server.pid), postgres_pids()
    before = cpu_seconds(pids), cpu_seconds(pg)
    result = wrk(url, path, key, run, seconds=args.seconds, connections=args.connections)
    after = cpu_seconds(pids), cpu_seconds(pg)
    ok = max(result["ok"], 1)
    result["cpu_ms"] = 1000 * (after[0] - before[0]) / ok
    result["pg_ms"] = 1000 * (after[1] - before[1]) / ok
    return result


def wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        try:
            requests.get(f"{url}/healthz", timeout=5).raise_for_status()
            return
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None:
                break
            time.sleep(0.25)
    process.kill()
    sys.exit(f"server did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def running(command: list[str], env: dict[str, str], folder: Path, name: str,
            url: str) -> Iterator[subprocess.Popen[bytes]]:
    log = folder / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        if "pantau" not in name:  # baselines answer no /healthz: wait for their port
            for _ in range(600):
                try:
                    requests.get(url, timeout=2)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.25)
        else:
            wait_up(url, process, log)
        yield process
    finally:
        process.terminate()
        process.wait(60)


def gunicorn(factory: str, port: int, args: argparse.Namespace) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "benchmarks"), "-w", str(args.workers),
            "-k", "gthread", "--threads", str(args.threads), "-b", f"127.0.0.1:{port}", "--no-control-socket",
            factory]


def count_stored(database_url: str, prefix: str) -> int:
    plain = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection:
        return connection.execute("SELECT count(*) FROM complaints WHERE external_id LIKE %s",
                                  (f"{prefix}-%",)).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pantau-serve-bench-"))
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    rows: dict[str, dict[str, float]] = {}
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s; gunicorn gthread -w {args.workers} --threads "
          f"{args.threads}; PostGIS {make_url(POSTGIS_URL).host}; logs in {folder}", flush=True)

    port = free_port()
    with running(gunicorn("serve_baselines:trivial()", port, args), env, folder, "trivial",
                 f"http://127.0.0.1:{port}") as server:
        rows["trivial Flask handler (ceiling)"] = measured(f"http://127.0.0.1:{port}", "/api/v1/reports", "-", "t",
                                                           args, server, None)
    with fresh_postgis() as database_url:
        from store.db import make_engine
        from store.models import ComplaintRow

        ComplaintRow.__table__.create(make_engine(database_url))
        port = free_port()
        with running(gunicorn("serve_baselines:naive()", port, args), env | {"BENCH_DATABASE_URL": database_url},
                     folder, "naive", f"http://127.0.0.1:{port}") as server:
            rows["naive: sjoin + ORM insert per request"] = measured(
                f"http://127.0.0.1:{port}", "/api/v1/reports", "-", "n", args, server, database_url)
    for path in ("/api/v1/reports", "/api/v1/channels/qlue"):
        with fresh_postgis() as database_url:
            port = free_port()
            pantau_env = env | {"PANTAU_DATABASE_URL": database_url, "PANTAU_PORT": str(port),
                                "PANTAU_REDIS_URL": "redis://127.0.0.1:6379/0",
                                "PANTAU_REDIS_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}"}
            key = subprocess.run([sys.executable, "cli.py", "keys", "create", "bench", "--scope", "channel:qlue"],
                                 cwd=ROOT, env=pantau_env, capture_output=True, text=True, check=True).stdout.strip()
            command = [sys.executable, "cli.py", "serve", "--workers", str(args.workers), "--threads",
                       str(args.threads)]
            run = f"wrk{uuid.uuid4().hex[:6]}"
            with running(command, pantau_env, folder, "pantau", f"http://127.0.0.1:{port}") as server:
                result = measured(f"http://127.0.0.1:{port}", path, key, run, args, server, database_url)
            result["lost"] = max(0, result["ok"] - count_stored(database_url, run))
            rows[f"pantau serve {path}"] = result

    ceiling = rows["trivial Flask handler (ceiling)"]["rate"]
    naive = rows["naive: sjoin + ORM insert per request"]["rate"]
    print(f"{'server':44} {'ok/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'lost':>5} {'x naive':>8} "
          f"{'% ceiling':>9} {'cpu ms/report':>13} {'pg ms/report':>12}")
    for name, r in rows.items():
        lost = "" if "lost" not in r else f"{int(r['lost'])}"
        print(f"{name:44} {r['rate']:8.0f} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {int(r['errors']):6d} {lost:>5} "
              f"{r['rate'] / naive:8.1f} {100 * r['rate'] / ceiling:8.0f}% {r['cpu_ms']:13.2f} {r['pg_ms']:12.2f}")


if __name__ == "__main__":
    main()
