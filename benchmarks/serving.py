"""Start a real `python app.py` for a benchmark, as a user would: a key from the CLI, then the server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_pantau(folder: Path, database_url: str | None = None,
                 **settings: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """(process, url, API key) of Pantau on `database_url` (default: a fresh SQLite file in `folder`).

    `settings` are extra PANTAU_* variables, named without the prefix (facebook_app_secret=...).
    """
    port = free_port()
    env = os.environ | {"PANTAU_DATABASE_URL": database_url or f"sqlite:///{folder}/pantau.db",
                        "PANTAU_PORT": str(port)} | {f"PANTAU_{k.upper()}": v for k, v in settings.items()}
    key = subprocess.run([sys.executable, "cli.py", "keys", "create", "bench"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    log = folder / "server.log"  # a file, not a pipe: an unread pipe fills up and stalls the server
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            requests.get(f"{url}/api/v1/complaints?limit=1", timeout=2)
            return server, url, key
        except requests.ConnectionError:
            time.sleep(0.25)
    server.kill()
    sys.exit(f"Pantau did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
