"""Real Pantau processes for tests, started as a user would: a key from the CLI, then `python app.py`."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import requests
import socketio

from crm.events import RANKING_CHANGED
from crm.scopes import SCOPES

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "kata-sandi-panjang-sekali"  # of everyone `serving(people=...)` makes


class Server(NamedTuple):
    """A running Pantau: its URL, an API key for reports and a governor's personal token."""

    url: str
    key: str
    governor: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_key(env: dict[str, str], name: str = "test", scopes: Sequence[str] = SCOPES) -> str:
    """`python cli.py keys create NAME --scope ...` on env's database (migrating it first); the new key,
    by default with every scope (a test server's one key posts for every channel)."""
    flags = [flag for scope in scopes for flag in ("--scope", scope)]
    return subprocess.run([sys.executable, "cli.py", "keys", "create", name, *flags], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def users_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """`python cli.py users ARGS...` on env's database; its output."""
    return subprocess.run([sys.executable, "cli.py", "users", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=True).stdout.strip()


def create_user(env: dict[str, str], name: str, role: str, password: str, *scope: str) -> None:
    """`python cli.py users create NAME --role ROLE [--skpd CODE | --area CODE] --password-stdin`."""
    users_cli(env, "create", name, "--role", role, *scope, "--password-stdin", stdin=password + "\n")


def create_user_token(env: dict[str, str], name: str, role: str) -> str:
    """A user with a random password (`users create`), then `users token NAME`: the token."""
    create_user(env, name, role, secrets.token_urlsafe())
    return users_cli(env, "token", name)


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python app.py` on env's PANTAU_PORT without waiting; see `wait_serving`.

    Output goes to a file, not a pipe: an unread pipe fills up and stalls the server.
    """
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_serving(process: subprocess.Popen[bytes], env: dict[str, str], log: Path) -> str:
    """The process's URL once it answers; fails the test with its log if it never does."""
    url = f"http://127.0.0.1:{env['PANTAU_PORT']}"
    for _ in range(180):
        try:
            requests.get(url, timeout=5)  # the first GET builds every page's layout: slow on a busy machine
            return url
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    pytest.fail(f"Pantau did not start: {log.read_text()}")


def stop(process: subprocess.Popen[bytes], wait: float = 10) -> None:
    """SIGTERM, and SIGKILL if it has not ended `wait` seconds later."""
    process.terminate()
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(data: Path, people: Mapping[str, Sequence[str]] | None = None, **extra_env: str) -> Iterator[Server]:
    """`python app.py` on a fresh SQLite file in `data` (`data`/pantau.db), with one API key, one
    governor's token and `people` (name: role and scope options, e.g. ("skpd_staff", "--skpd",
    "BINAMARGA-JP")) who sign in with PASSWORD, serving until the block ends; its log is
    `data`/server.log. `extra_env` adds or overrides settings, e.g. PANTAU_SLA_WATCH_SECONDS="1"."""
    env = os.environ | {"PANTAU_DATABASE_URL": f"sqlite:///{data}/pantau.db", "PANTAU_PORT": str(free_port())}
    env |= extra_env
    key = create_key(env)
    governor = create_user_token(env, "gubernur", "governor")
    for name, (role, *scope) in (people or {}).items():
        create_user(env, name, role, PASSWORD, *scope)
    log = data / "server.log"
    process = start(env, log)
    try:
        yield Server(wait_serving(process, env, log), key, governor)
    finally:
        stop(process)


def next_event(client: socketio.SimpleClient, timeout: float = 5) -> tuple[str, Any]:
    """The next event a real client receives, past `ranking_changed`: every change also tells the
    city room that the ranking moved, and a screen is in the city room from connect to subscribe."""
    while True:
        name, *payload = client.receive(timeout=timeout)
        if name != RANKING_CHANGED:
            return name, payload[0] if payload else None
