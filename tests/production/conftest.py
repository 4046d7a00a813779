"""The production roles as an operator starts them, for tests/production: a fresh PostGIS database
(CREATE DATABASE + CREATE EXTENSION postgis, dropped afterwards), `pantau serve` and `pantau worker`
as real subprocesses waited for on their /healthz, and the Linux /proc look-ups that tell which
gunicorn worker process holds the server end of a TCP connection (a screen's WebSocket, a POST's
keep-alive connection).

Every deployment gets its own Redis channel (PANTAU_REDIS_CHANNEL), so runs never hear each other.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[2]
POSTGIS_URL = os.environ.get(
    "PANTAU_TEST_POSTGIS_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pantau_test"
)
REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_SCRIPT = Path(sys.executable).with_name("pantau")  # the console script `pip install -e .` made
PANTAU = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, str(ROOT / "cli.py")]
T = TypeVar("T")


def until(deadline_s: float, check: Callable[[], T | None], what: str, every_s: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail naming `what` past the deadline."""
    end = time.monotonic() + deadline_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"after {deadline_s} s still waiting for {what}")
        time.sleep(every_s)


# --- a fresh PostGIS database ---------------------------------------------------------------

def admin_engine() -> Engine:
    return create_engine(POSTGIS_URL, isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_postgis() -> Iterator[str]:
    """A new, empty database with PostGIS (no Pantau schema yet): its URL; dropped afterwards."""
    name = f"pantau_prod_{uuid.uuid4().hex[:12]}"
    admin = admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as err:
        admin.dispose()
        pytest.fail(f"PostGIS unreachable at {POSTGIS_URL}: {err}\nskip with -m 'not postgis'")
    url = make_url(POSTGIS_URL).set(database=name).render_as_string(hide_password=False)
    try:
        setup = create_engine(url, isolation_level="AUTOCOMMIT")
        with setup.connect() as connection:
            connection.execute(text("CREATE EXTENSION postgis"))
        setup.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def deployment_env(database_url: str, **extra: str) -> dict[str, str]:
    """What a deployment's processes share: one store, one Redis channel of their own, one secret."""
    env = os.environ | {
        "PANTAU_DATABASE_URL": database_url,
        "PANTAU_REDIS_URL": REDIS_URL,
        "PANTAU_REDIS_CHANNEL": f"pantau-test-prod-{uuid.uuid4().hex[:12]}",
        "PANTAU_SECRET_KEY": uuid.uuid4().hex,
    }
    return env | extra


# --- the processes --------------------------------------------------------------------------

@dataclass
class Role:
    """One started `pantau serve` or `pantau worker`: its process, health URL and log file."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def health(self, timeout: float = 2) -> dict[str, Any] | None:
        """/healthz's JSON, or None while nothing answers there."""
        try:
            answer = requests.get(f"{self.url}/healthz", timeout=timeout)
        except (requests.ConnectionError, requests.Timeout):
            return None
        return answer.json() if answer.status_code == 200 else None

    def wait_healthy(self, deadline_s: float = 120) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            if self.process.poll() is not None:
                pytest.fail(f"{self.process.args} exited {self.process.returncode}:\n{self.log.read_text()}")
            return self.health()
        return until(deadline_s, check, f"{self.url}/healthz of {self.process.args}", every_s=0.25)

    def children(self) -> set[int]:
        """The process's child pids (gunicorn's workers for `pantau serve`)."""
        try:
            return {int(p) for p in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()}
        except FileNotFoundError:
            return set()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it is still there after 30 s; also kill leftovers of its group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            os.killpg(self.pid, signal.SIGKILL)  # its own session (start_new_session): only its workers
        except ProcessLookupError:
            pass

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def start_role(args: list[str], env: dict[str, str], url: str, log: Path) -> Role:
    """Start `pantau ARGS` in its own session (so cleanup can end its whole group), output to `log`."""
    with log.open("w") as out:
        process = subprocess.Popen([*PANTAU, *args], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return Role(process, url, log)


def start_serve(env: dict[str, str], port: int, log: Path, *, workers: int = 2, threads: int = 16) -> Role:
    return start_role(["serve", "--workers", str(workers), "--threads", str(threads), "--host", "127.0.0.1",
                       "--port", str(port)], env, f"http://127.0.0.1:{port}", log)


def start_worker(env: dict[str, str], port: int, log: Path) -> Role:
    return start_role(["worker", "--host", "127.0.0.1", "--port", str(port)], env, f"http://127.0.0.1:{port}", log)


# --- who holds a connection -----------------------------------------------------------------

def _tcp_inode(local_port: int, remote_port: int) -> int | None:
    """The inode of the IPv4/IPv6 TCP socket whose local port is `local_port` and remote `remote_port`."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if int(local.rsplit(":", 1)[1], 16) == local_port and int(remote.rsplit(":", 1)[1], 16) == remote_port \
                    and inode:
                return inode
    return None


def connection_owner(server_port: int, client_port: int, pids: set[int]) -> int | None:
    """Which of `pids` holds the server end of the TCP connection from `client_port`, if any yet."""
    inode = _tcp_inode(server_port, client_port)
    if inode is None:
        return None
    link = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == link:
                    return pid
            except FileNotFoundError:
                continue
    return None


def mig_waiters(connection: Any) -> int:
    """How many sessions wait for an advisory lock in this connection's database."""
    return connection.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).scalar()
