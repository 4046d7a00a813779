"""Which `pantau worker` leads: a PostgreSQL session advisory lock held on its own connection.

Every worker may start (a spare one on another machine waits as a standby), but only the holder of
the lock runs the background work, so two workers never do it twice. PostgreSQL frees the lock
when the holder's connection ends, including when its process is killed, and a standby takes over
within one poll. SQLite is one machine's store: the first worker leads, and a second one on the same
file waits on an exclusive file lock beside the database.
"""
from __future__ import annotations

import fcntl
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

WORKER_LOCK = 0x70616E7461750002  # "pantau" + 2; MIGRATION_LOCK (store/db.py) is + 1


class Leadership:
    """Take with `wait`, check with `held`, give back with `release`."""

    def __init__(self, engine: Engine, poll_s: float = 5.0) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None

    def wait(self, stop: threading.Event) -> bool:
        """Block until this process leads (True) or `stop` is set (False)."""
        while not stop.is_set():
            if self._try():
                return True
            stop.wait(self.poll_s)
        return False

    def held(self) -> bool:
        """Whether the lock is still ours: on PostgreSQL, whether its connection still answers."""
        if self._file is not None:
            return True
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except DBAPIError:
            return False

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file frees its flock
            self._file = None
        if self._connection is not None:
            try:
                self._connection.close()  # ending the session frees the advisory lock
            except DBAPIError:
                pass
            self._connection = None

    def _try(self) -> bool:
        if self.engine.dialect.name == "sqlite":
            return self._try_file()
        try:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except DBAPIError:
            return False  # the database is away: try again at the next poll
        if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": WORKER_LOCK}).scalar():
            self._connection = connection
            return True
        connection.close()
        return False

    def _try_file(self) -> bool:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True  # a private in-memory store has one process by definition
        lock = Path(f"{database}.worker.lock").open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return False
        self._file = lock
        return True
