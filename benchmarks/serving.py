"""Start a real `python app.py` for a benchmark, as a user would: a key from the CLI, then the server,
by the same steps as the tests' real processes (tests/processes.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.processes import create_key, free_port, start, stop, wait_serving  # noqa: E402

__all__ = ["free_port", "start_pantau", "stop"]


def start_pantau(folder: Path, database_url: str | None = None,
                 **settings: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """(process, url, API key) of Pantau on `database_url` (default: a fresh SQLite file in `folder`).

    `settings` are extra PANTAU_* variables, named without the prefix (facebook_app_secret=...).
    """
    env = os.environ | {"PANTAU_DATABASE_URL": database_url or f"sqlite:///{folder}/pantau.db",
                        "PANTAU_PORT": str(free_port())} | {f"PANTAU_{k.upper()}": v for k, v in settings.items()}
    key = create_key(env, "bench")
    log = folder / "server.log"
    process = start(env, log)
    return process, wait_serving(process, env, log), key
