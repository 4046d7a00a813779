"""Sign-ins on the embedded default: SQLite under the demo feed plus 20 concurrent sign-ins, 0 errors.

    python benchmarks/sqlite_signins.py [--rounds 5] [--signins 20] [--rate 5]

Issue 10: "SQLite stays the embedded default: under the demo feed plus 20 sign-ins, 0 errors".
Starts a real `python app.py --demo --rate R` on a fresh SQLite file in a temporary folder, with an
operator made by `python cli.py users create NAME --role operator --password-stdin` beforehand.
Once the demo feed has stored complaints (polled through GET /api/v1/complaints), each round
starts 2 x N threads at one barrier: N sign in with the right password and N with a wrong one,
each on its own requests.Session (GET /masuk for the CSRF token, then POST /masuk, redirects not
followed). Expected answers: 302 for the right password, 401 for the wrong one; anything else
(a 500 above all) is an error. Afterwards the server's output is scanned for "database is locked"
and tracebacks (the demo feed logs a failed delivery and goes on, so its failures show only
there), every sign-in is looked up in the audit log, and the demo feed must have kept storing
complaints through the rounds. Prints the answers by status, sign-in POST latency p50/p99/max and
the demo's progress; exits 1 on any error.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from serving import free_port, stop

USER = "bench-operator"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROBLEMS = {"database is locked": re.compile(r"database is locked", re.IGNORECASE),
            "Traceback": re.compile(r"^Traceback "),
            "answered 500": re.compile(r" (GET|POST) \S+ 500 "),  # pantau.access lines
            "demo delivery failed": re.compile(r"demo: a delivery failed")}  # ingest/simulator.py logs, goes on


def sign_in(url: str, password: str, barrier: threading.Barrier, answers: list[tuple[str, int | str, float]],
            kind: str) -> None:
    """One person: the form's token, then the POST; (kind, status or exception, POST seconds)."""
    http = requests.Session()
    try:
        barrier.wait(30)
        form = http.get(f"{url}/masuk", timeout=60)
        if form.status_code != 200:
            answers.append((kind, f"GET {form.status_code}", 0.0))
            return
        token = CSRF.search(form.text)
        if token is None:
            answers.append((kind, "GET without csrf_token", 0.0))
            return
        began = time.perf_counter()
        answer = http.post(f"{url}/masuk", data={"csrf_token": token.group(1), "name": USER, "password": password},
                           allow_redirects=False, timeout=60)
        answers.append((kind, answer.status_code, time.perf_counter() - began))
    except (requests.RequestException, threading.BrokenBarrierError) as exc:
        answers.append((kind, type(exc).__name__, 0.0))


def complaints_stored(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT count(*) FROM complaints").fetchone()[0]


def audited(database: Path) -> Counter[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        return Counter(dict(db.execute("SELECT action, count(*) FROM audit_log WHERE action IN "
                                       "('login', 'login.failed') GROUP BY action").fetchall()))


def quantiles_ms(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    if not ms:
        return "-"
    p99 = statistics.quantiles(ms, n=100)[98] if len(ms) > 1 else ms[0]
    return f"p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--signins", type=int, default=20, help="right-password sign-ins per round (as many wrong)")
    parser.add_argument("--rate", type=float, default=5.0, help="demo complaints per second")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between rounds")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pantau-sqlite-signins-"))
    database = folder / "pantau.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{database}", "PANTAU_PORT": str(port),
                        "PANTAU_HOST": "127.0.0.1",
                        # a browser sends a Secure cookie back to http://127.0.0.1, requests does not (its
                        # cookie policy: https only), and without the session cookie the CSRF check says 400
                        "PANTAU_SECURE_COOKIES": "false"}
    env.pop("PANTAU_REDIS_URL", None)  # the embedded default: one process, no Redis
    password = secrets.token_urlsafe(16)
    subprocess.run([sys.executable, "cli.py", "users", "create", USER, "--role", "operator", "--password-stdin"],
                   cwd=ROOT, env=env, input=password + "\n", capture_output=True, text=True, check=True)
    out_log, err_log = folder / "stdout.log", folder / "stderr.log"
    with out_log.open("w") as out, err_log.open("w") as err:  # files, not pipes: an unread pipe stalls a server
        server = subprocess.Popen([sys.executable, "app.py", "--demo", "--rate", f"{args.rate:g}"], cwd=ROOT, env=env,
                                  stdout=out, stderr=err)
    print(f"python app.py --demo --rate {args.rate:g} on {database}; logs in {folder}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    try:
        return measure(args, url, server, database, password, out_log, err_log)
    finally:
        stop(server)


def measure(args: argparse.Namespace, url: str, server: subprocess.Popen[bytes], database: Path, password: str,
            out_log: Path, err_log: Path) -> int:
    deadline = time.monotonic() + 120
    while True:  # serving, and the demo feed writing: at least ~10 s of it at the rate
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"Pantau did not start or the demo did not write:\n{err_log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/masuk", timeout=5).status_code == 200 and \
                    complaints_stored(database) >= 10 * args.rate:
                break
        except (requests.RequestException, sqlite3.OperationalError):
            pass
        time.sleep(0.25)
    stored_before = complaints_stored(database)
    began = time.monotonic()
    answers: list[tuple[str, int | str, float]] = []
    for _ in range(args.rounds):
        barrier = threading.Barrier(2 * args.signins)
        people = [threading.Thread(target=sign_in, args=(url, password if right else password + "-salah", barrier,
                                                         answers, "right" if right else "wrong"))
                  for right in (True, False) for _ in range(args.signins)]
        for person in people:
            person.start()
        for person in people:
            person.join()
        time.sleep(args.gap)  # the demo feed alone for a moment, as between shift changes
    took = time.monotonic() - began
    stored_after = complaints_stored(database)
    stop(server)

    expected = {"right": 302, "wrong": 401}
    by_status = Counter((kind, status) for kind, status, _ in answers)
    errors = sum(n for (kind, status), n in by_status.items() if status != expected[kind])
    lines = [line for log in (err_log, out_log) for line in log.read_text().splitlines()]
    problems = [line for line in lines if any(pattern.search(line) for pattern in PROBLEMS.values())]
    found = {name: sum(1 for line in lines if pattern.search(line)) for name, pattern in PROBLEMS.items()}
    audit = audited(database)
    print(f"{args.rounds} rounds of {args.signins} right + {args.signins} wrong sign-ins at once, "
          f"{took:.1f} s, demo feed at {args.rate:g}/s")
    for kind in ("right", "wrong"):
        counts = {status: n for (k, status), n in sorted(by_status.items(), key=str) if k == kind}
        print(f"  {kind:5} password: {counts} (expected {expected[kind]} each)")
    for kind in ("right", "wrong"):
        print(f"  sign-in POST latency, {kind:5} password: "
              f"{quantiles_ms([s for k, status, s in answers if k == kind and isinstance(status, int)])}")
    print(f"  audit rows: login {audit['login']}, login.failed {audit['login.failed']} "
          f"(answered 302: {by_status['right', 302]}, 401: {by_status['wrong', 401]})")
    print(f"  demo feed: {stored_after - stored_before} complaints stored during the rounds "
          f"({(stored_after - stored_before) / took:.1f}/s)")
    print(f"  server log lines: {found}")
    for line in [line for line in problems if not line.startswith("Traceback ")][:5]:
        print(f"    {line[:200]}")
    endings = Counter(next((later for later in lines[n + 1:] if later and not later.startswith(" ")), "?")[:160]
                      for n, line in enumerate(lines) if line.startswith("Traceback "))
    for ending, n in endings.most_common():  # what each traceback ended in
        print(f"    {n} x traceback ending in: {ending}")
    audit_missing = by_status["right", 302] - audit["login"] + by_status["wrong", 401] - audit["login.failed"]
    failed = errors or problems or audit_missing or stored_after == stored_before
    print(f"errors: {errors} unexpected answers, {len(problems)} log lines, {audit_missing} sign-ins not audited"
          + ("" if stored_after > stored_before else ", the demo feed stored nothing during the rounds"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
