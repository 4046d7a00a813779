"""Push latency through the production server: 200 screens on `pantau serve` while ingesting 200/s.

    python benchmarks/push_serve.py [--screens 200] [--rate 200] [--seconds 15] [--workers 2]
                                    [--threads 240] [--screen-processes 4] [--senders 32]
                                    [--client python-socketio|raw] [--screens-pool]

Issue 10's target: with 200 connected screens (Socket.IO clients in other processes) while
ingesting 200 single reports a second, push p99 from each report's 201 to its receipt by each
screen at most 100 ms, and ingest p50 with the 200 screens at most 1.5x ingest p50 with none.

On a fresh PostGIS database (benchmarks/ingest_throughput.fresh_postgis, on
PANTAU_TEST_POSTGIS_URL's server) with Redis (PANTAU_REDIS_URL, a channel of its own), starts
`python cli.py serve --workers W --threads T` and an API key from `python cli.py keys create`.
Each open WebSocket holds one gthread thread of the worker it landed on, and gunicorn does not
spread connections evenly, so T leaves room for every screen on one worker plus the requests.
- Phase A: no screens; demo-simulator reports POSTed one per request to /api/v1/reports at the
  rate, open loop, from a few threads (benchmarks/push_latency.send); POST round trip p50/p99.
- Phase B: the screens connect (python-socketio clients, WebSocket transport, spread over a few
  spawned processes; each joins the `city` room on connect, live/handlers.py, which every
  complaint_routed event reaches, crm/rooms.rooms_of), then the same load again. Per complaint
  and screen, the time from the 201 reaching the sender to the event reaching the screen, matched
  by complaint id. Both processes stamp with time.perf_counter, CLOCK_MONOTONIC on Linux: one
  clock for the whole machine (checked at start).
The screens share the machine's 2 cores with the server, PostGIS, Redis and the senders: 200
screens at 200/s is 40,000 Socket.IO messages a second to decode on the client side alone. A
python-socketio Client (two threads, websocket-client) costs about 275 us of CPU per message here,
so 200 of them take most of the machine and the figures measure the clients as much as the server.
`--client raw` connects bare Socket.IO v5 clients instead (the WebSocket handshake, CONNECT to "/",
pongs, a regular expression for the complaint id; one selector thread per process, about 10 us a
message), which leaves the cores to the server. The CPU each side used in each phase is printed
(from /proc) so the split is visible. Targets are printed as met or MISSED; exits 1 only if a
screen missed an event or failed to connect.

`--screens-pool` starts a second `pantau serve` on the same database and Redis channel and
connects the screens to it, as a proxy would route `/socket.io/` to a pool of its own
(deploy/nginx/pantau.conf): the processes that answer reports then hold no WebSocket threads, and
the fan-out (encoding each event for each screen) happens in the pool's processes, not beside the
requests. Both servers count as "server" in the CPU line.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crm.channels import CHANNELS
from ingest_throughput import POSTGIS_URL, fresh_postgis
from push_latency import demo_bodies, quantiles_ms, send
from serve_ingest import running
from serving import free_port

SETTLE_S = 30.0  # after the last POST: the longest wait for the last pushes to reach every screen
CONNECT_DEADLINE_S = 120.0
IDLE_S = 3.0


def hold_screens(url: str, count: int, ready: Any, stop: Any, results: Any, progress: Any) -> None:
    """In a spawned process: `count` screens, each recording when each complaint id first arrived
    (and how many ids so far in its own slot of `progress`, which the parent polls)."""
    import socketio

    seen: list[dict[int, float]] = [{} for _ in range(count)]
    received = [0] * count
    clients = []
    failures: Counter[str] = Counter()
    for n in range(count):
        client = socketio.Client(reconnection=False)

        def on_routed(payload: dict[str, Any], n: int = n) -> None:
            received[n] += 1
            seen[n].setdefault(payload["id"], time.perf_counter())
            progress[n] = len(seen[n])

        client.on("complaint_routed", on_routed)
        try:
            client.connect(url, transports=["websocket"], wait_timeout=20)
        except (socketio.exceptions.ConnectionError, OSError) as exc:  # counted, not fatal
            failures[f"{type(exc).__name__}: {exc}"[:120]] += 1
            continue
        clients.append((n, client))
    ready.put((len(clients), dict(failures)))
    stop.wait()
    dropped = sum(1 for _, client in clients if not client.connected)
    results.put(([seen[n] for n, _ in clients], sum(received[n] for n, _ in clients), dropped))
    for _, client in clients:
        client.disconnect()


ROUTED = re.compile(rb'^42\["complaint_routed",\{"id":(\d+)[,}]')


def _frame(text: bytes, opcode: int = 1) -> bytes:
    """One client-to-server WebSocket frame (short, masked, as RFC 6455 requires of clients)."""
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(text)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(text))


class RawScreen:
    """A bare Socket.IO v5 / Engine.IO v4 client on one WebSocket, for hold_raw_screens: the
    handshake, CONNECT to "/", pongs, and the id of each complaint_routed event, nothing else."""

    def __init__(self, host: str, port: int, progress: Any, slot: int) -> None:
        import base64
        import socket

        self.sock = socket.create_connection((host, port), timeout=20)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                          f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                          f"Sec-WebSocket-Version: 13\r\n\r\n".encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the WebSocket handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
        self.seen: dict[int, float] = {}
        self.progress, self.slot = progress, slot
        self.received = 0
        self.joined = False
        self.closed = False
        data, self.buffer = self.buffer, b""  # the open packet may have come with the 101
        while not self.joined:  # "0{...}" (Engine.IO open), then our "40", then the server's "40{sid}"
            data = data or self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed before the Socket.IO connect was answered")
            texts, data = self.messages(data, time.perf_counter()), b""
            for message in texts:
                if message.startswith(b"0"):
                    self.sock.sendall(_frame(b"40"))
                elif message.startswith(b"40"):
                    self.joined = True
                elif message.startswith(b"44"):
                    raise ConnectionError(f"connect refused: {message[:200]!r}")
        self.sock.setblocking(False)

    def messages(self, data: bytes, stamp: float) -> list[bytes]:
        """The text messages complete in the buffer after `data`; answers pings, notes events."""
        if not data:
            self.closed = True
            return []
        buffer = self.buffer + data
        at, texts = 0, []
        while len(buffer) - at >= 2:
            opcode, length, start = buffer[at] & 0x0F, buffer[at + 1] & 0x7F, at + 2
            if length == 126:
                if len(buffer) - at < 4:
                    break
                length, start = int.from_bytes(buffer[at + 2:at + 4], "big"), at + 4
            elif length == 127:
                if len(buffer) - at < 10:
                    break
                length, start = int.from_bytes(buffer[at + 2:at + 10], "big"), at + 10
            if len(buffer) < start + length:
                break
            payload, at = buffer[start:start + length], start + length
            if opcode == 1:
                texts.append(payload)
            elif opcode == 8:
                self.closed = True
            elif opcode == 9:
                self.sock.sendall(_frame(payload, opcode=10))
        self.buffer = buffer[at:]
        for text in texts:
            if text == b"2":  # Engine.IO ping: pong, or the server drops the screen
                self.sock.sendall(_frame(b"3"))
            found = ROUTED.match(text)
            if found:
                self.received += 1
                self.seen.setdefault(int(found.group(1)), stamp)
                self.progress[self.slot] = len(self.seen)
        return texts


def hold_raw_screens(url: str, count: int, ready: Any, stop: Any, results: Any, progress: Any) -> None:
    """In a spawned process: `count` bare screens (RawScreen) read by one thread through a selector."""
    import selectors
    from urllib.parse import urlsplit

    where = urlsplit(url)
    screens: list[RawScreen] = []
    failures: Counter[str] = Counter()
    for n in range(count):
        try:
            screens.append(RawScreen(where.hostname, where.port, progress, n))
        except (OSError, ConnectionError) as exc:
            failures[f"{type(exc).__name__}: {exc}"[:120]] += 1
    ready.put((len(screens), dict(failures)))
    selector = selectors.DefaultSelector()
    for screen in screens:
        selector.register(screen.sock, selectors.EVENT_READ, screen)
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.1):
            screen = key.data
            try:
                data = screen.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            screen.messages(data, time.perf_counter())
            if screen.closed:
                selector.unregister(screen.sock)
    results.put(([screen.seen for screen in screens], sum(screen.received for screen in screens),
                 sum(1 for screen in screens if screen.closed)))
    for screen in screens:
        screen.sock.close()


def load(url: str, key: str, bodies: list[dict[str, Any]], rate: float, senders: int
         ) -> tuple[dict[int, float], dict[int, float], Counter[str], float]:
    """POST `bodies` one per request at `rate`, open loop: (sent, acked, errors, seconds taken)."""
    sent: dict[int, float] = {}
    acked: dict[int, float] = {}
    errors: Counter[str] = Counter()
    chunks = [[body] for body in bodies]
    start = time.perf_counter() + 0.5
    threads = [threading.Thread(target=send, args=(url, key, chunks, range(i, len(chunks), senders), start, rate,
                                                   sent, acked, errors)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent, acked, errors, max(acked.values(), default=start) - start


def descendants() -> dict[int, str]:
    """Every process under this one (pid -> command line), from /proc."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    frontier = [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = commands.get(pid, "")
                frontier.append(pid)
    return found


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by: the server's processes, the screen processes,
    this process (the senders), and the whole machine (every core, anyone's work)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "screens": 0.0}
    for pid, command in descendants().items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        group = "server" if "serve" in command else "screens" if "multiprocessing" in command else None
        if group:
            used[group] += (int(fields[11]) + int(fields[12])) / ticks
    mine = os.times()
    used["senders"] = mine.user + mine.system
    machine = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    used["machine busy"] = (sum(map(int, machine)) - int(machine[3]) - int(machine[4])) / ticks
    return used


def cpu_line(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    return ", ".join(f"{name} {100 * (after[name] - before[name]) / seconds:.0f}%" for name in after)


def screens_metric(url: str) -> int | None:
    """pantau_screens_connected summed over the workers, from /metrics."""
    text = requests.get(f"{url}/metrics", timeout=10).text
    found = re.search(r"^pantau_screens_connected(?:\{[^}]*\})? ([0-9.e+]+)$", text, re.MULTILINE)
    return int(float(found.group(1))) if found else None


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) < 2:
        return ordered[0] * 1000 if ordered else float("nan")
    return statistics.quantiles(ordered, n=100)[int(q) - 1] * 1000 if q < 100 else ordered[-1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0, help="single reports POSTed per second")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long each phase POSTs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=240,
                        help="gthread threads per worker: one per WebSocket it holds, plus requests")
    parser.add_argument("--screen-processes", type=int, default=4, help="processes the screens are spread over")
    parser.add_argument("--client", choices=("python-socketio", "raw"), default="python-socketio",
                        help="screens as python-socketio Clients (two threads each), or bare Socket.IO clients "
                             "on plain sockets, one selector thread per process: a cheaper client, so more of "
                             "the machine is left to the server")
    parser.add_argument("--screens-pool", action="store_true",
                        help="screens on a second pantau serve of their own, requests on the first")
    parser.add_argument("--senders", type=int, default=32,
                        help="threads that POST, each one request at a time: enough for the rate at p50 x 5")
    args = parser.parse_args()
    clock = time.get_clock_info("perf_counter").implementation
    if sys.platform != "linux" or "CLOCK_MONOTONIC" not in clock:
        sys.exit(f"perf_counter is {clock}: not one system-wide clock, latencies across processes would be wrong")
    total = int(args.rate * args.seconds)
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(others' work skews figures)", flush=True)
    bodies = demo_bodies(2 * total)
    folder = Path(tempfile.mkdtemp(prefix="pantau-push-serve-"))
    with fresh_postgis() as database_url:
        if database_url is None:
            sys.exit(f"no PostGIS at {POSTGIS_URL}")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = os.environ | {"PYTHONPATH": str(ROOT), "PANTAU_DATABASE_URL": database_url, "PANTAU_PORT": str(port),
                            "PANTAU_HOST": "127.0.0.1", "PANTAU_REDIS_URL": "redis://127.0.0.1:6379/0",
                            "PANTAU_REDIS_CHANNEL": f"bench-push-{uuid.uuid4().hex[:8]}"}
        posts_for = [flag for channel in CHANNELS for flag in ("--scope", f"channel:{channel}")]  # the demo's mix
        key = subprocess.run([sys.executable, "cli.py", "keys", "create", "bench", *posts_for], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
        # `python -m cli serve` is `python cli.py serve`; its own command line, because on this shared machine
        # something else has been sending SIGTERM to processes named `cli.py serve` mid-run
        command = [sys.executable, "-m", "cli", "serve", "--workers", str(args.workers), "--threads",
                   str(args.threads)]
        print(f"python {' '.join(command[1:])} on a fresh PostGIS database, Redis; logs in {folder}", flush=True)
        with running(command, env, folder, "pantau", url):
            if not args.screens_pool:
                return measure(args, url, key, bodies[:total], bodies[total:], url)
            pool_port = free_port()
            pool_url = f"http://127.0.0.1:{pool_port}"
            print(f"screens on a pool of their own: the same command on port {pool_port}", flush=True)
            with running(command, env | {"PANTAU_PORT": str(pool_port)}, folder, "pantau-screens", pool_url):
                return measure(args, url, key, bodies[:total], bodies[total:], pool_url)


class Phase(NamedTuple):
    acked: dict[int, float]  # complaint id -> when its 201 reached the sender
    posts: list[float]  # POST round trips, seconds
    rate: float  # 201s per second
    cpu: str  # cpu_line over the phase


def ingest_phase(label: str, url: str, key: str, bodies: list[dict[str, Any]], args: argparse.Namespace) -> Phase:
    """POST `bodies` at the rate, measuring round trips and the CPU each side used; prints a line."""
    before = cpu_seconds()
    sent, acked, errors, took = load(url, key, bodies, args.rate, args.senders)
    phase = Phase(acked, [acked[i] - sent[i] for i in acked], len(acked) / took, cpu_line(before, cpu_seconds(), took))
    print(f"{label}: {len(acked)}/{len(bodies)} answered 201 in {took:.1f} s ({phase.rate:.0f}/s), "
          f"errors {dict(errors) or 'none'}", flush=True)
    return phase


def measure(args: argparse.Namespace, url: str, key: str, first: list[dict[str, Any]],
            second: list[dict[str, Any]], screens_url: str) -> int:
    # warm up each worker's caches and connections, outside the figures
    load(url, key, [dict(b, external_id=f"warm-{i}") for i, b in enumerate(first[:40])], args.rate, args.senders)

    a = ingest_phase("phase A, no screens", url, key, first, args)

    spawn = multiprocessing.get_context("spawn")
    ready, results, stop = spawn.Queue(), spawn.Queue(), spawn.Event()
    shares = [args.screens // args.screen_processes + (k < args.screens % args.screen_processes)
              for k in range(args.screen_processes)]
    hold = hold_screens if args.client == "python-socketio" else hold_raw_screens
    # ids received so far, one slot per screen, each written only by its own screen
    progress = [spawn.Array("q", share, lock=False) for share in shares if share]
    holders = [spawn.Process(target=hold, args=(screens_url, len(slots), ready, stop, results, slots), daemon=True)
               for slots in progress]
    began = time.perf_counter()
    for holder in holders:
        holder.start()
    connected, failures = 0, Counter()
    for _ in holders:
        n, failed = ready.get(timeout=CONNECT_DEADLINE_S)
        connected += n
        failures.update(failed)
    on_server = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the gauge counts a screen once its connect handler ran
        on_server = screens_metric(screens_url)
        if on_server == connected:
            break
        time.sleep(0.2)
    print(f"screens: {connected}/{args.screens} connected in {time.perf_counter() - began:.1f} s "
          f"({on_server} per the server's pantau_screens_connected), connect failures {dict(failures) or 'none'}",
          flush=True)

    cpu_before = cpu_seconds()
    time.sleep(IDLE_S)  # a measurement window, not a wait: what the connected screens cost with no events
    cpu_idle = cpu_line(cpu_before, cpu_seconds(), IDLE_S)
    b = ingest_phase(f"phase B, {connected} screens", url, key, second, args)
    acked_b = b.acked
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline and sum(map(sum, progress)) < len(acked_b) * connected:
        time.sleep(0.1)  # until every screen has an id per 201 (or more: a POST that failed may have stored)
    stop.set()
    pushes: list[float] = []
    expected = len(acked_b) * connected
    delivered = 0
    duplicates = 0
    dropped = 0
    for _ in holders:
        try:
            seen_list, received, gone = results.get(timeout=120)
        except queue.Empty:
            print("a screen process sent no results", file=sys.stderr)
            return 1
        dropped += gone
        for seen in seen_list:
            here = [seen[i] - done for i, done in acked_b.items() if i in seen]
            pushes += here
            delivered += len(here)
        duplicates += received - sum(len(seen) for seen in seen_list)
    for holder in holders:
        holder.join(30)
    missed = expected - delivered

    print()
    print(f"pantau serve --workers {args.workers} --threads {args.threads}; {args.rate:g}/s single reports for "
          f"{args.seconds:g} s per phase, {args.senders} sender threads; {connected} {args.client} screens in "
          f"{len(holders)} processes")
    print(f"events expected {expected} ({len(acked_b)} complaints x {connected} screens), received {delivered}, "
          f"missed {missed}, received twice {duplicates}, screens disconnected by the end {dropped}")
    early = sum(1 for v in pushes if v < 0)
    print(f"{'':34}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(f"{'push, from the 201 to each screen':34}{quantiles_ms(pushes)}   "
          f"({early} arrived before the 201 reached the sender: kept negative)")
    print(f"{'ingest POST, no screens':34}{quantiles_ms(a.posts)}")
    print(f"{f'ingest POST, {connected} screens':34}{quantiles_ms(b.posts)}")
    print(f"achieved ingest rate: {a.rate:.0f}/s without screens, {b.rate:.0f}/s with (scheduled {args.rate:g}/s)")
    print(f"CPU, % of one core, no screens:    {a.cpu}")
    print(f"CPU, % of one core, screens idle: {cpu_idle}")
    print(f"CPU, % of one core, with screens: {b.cpu}")
    ratio = statistics.median(b.posts) / statistics.median(a.posts)
    p99 = ms(pushes, 99)
    print(f"ingest p50 with screens / without: {ratio:.2f}x (target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}); "
          f"push p99 {p99:.1f} ms (target <= 100 ms: {'met' if p99 <= 100 else 'MISSED'})")
    slow = [name for name, phase in {"no screens": a, "screens": b}.items() if phase.rate < 0.95 * args.rate]
    if slow:
        print(f"the server did not keep up with {args.rate:g}/s ({', '.join(slow)}): figures are at the rate reached")
    if missed or failures or connected < args.screens:
        print(f"FAILED: {missed} events missed, {args.screens - connected} screens not connected", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
