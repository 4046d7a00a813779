"""Group commit: the reports that arrive together are stored in one transaction.

Every channel's webhook brings one report per request. Committing each alone costs a transaction
(and, on PostgreSQL, a WAL flush) per report and serialises the requests on the publisher's
lock, which kept one process near 80 reports/s. Here each request hands its reports to one
writer thread per process and waits; the writer stores everything queued meanwhile with one
`save` (one multi-row insert, one commit, one announcement) and wakes each request with its own
results. A request is still answered only after its reports are committed. Under light load a
group is one request and nothing waits, so latency does not grow. Under load the groups grow by
themselves while the previous one commits, and the writer lingers up to LINGER_SECONDS for a
group as large as the last one: requests reach the queue one by one (each holds the GIL to parse
and classify), and a group's fixed cost (a transaction, its statements, the announcement; about
3 ms of CPU) is worth spreading.

If a group fails, each request's reports are saved alone, so one bad request cannot fail the
others that happened to arrive with it; its own error reaches only its own caller.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_GROUP = 1000  # items per transaction; the batch API's own limit
LINGER_SECONDS = 0.002
IDLE_SECONDS = 5.0  # a writer with nothing to do for this long ends; a thread kept forever would
# keep its app, engine and pooled database connections alive after everything else let go of them


class GroupCommit(Generic[Item, Result]):
    """`save` for many threads at once: call it as `save` itself would be called."""

    def __init__(self, save: Callable[[Sequence[Item]], list[Result]], *, max_group: int = MAX_GROUP,
                 linger_s: float = LINGER_SECONDS) -> None:
        self._save = save
        self._max_group = max_group
        self._linger_s = linger_s
        self._last_group = 1
        self._queue: list[tuple[Sequence[Item], Future[list[Result]]]] = []
        self._ready = threading.Condition()
        self._writer: threading.Thread | None = None
        self.groups = 0  # transactions so far, for benchmarks and tests
        self.largest = 0  # the most requests one transaction served

    def __call__(self, items: Sequence[Item]) -> list[Result]:
        """Store `items` with whatever else is waiting; their results, after the commit."""
        done: Future[list[Result]] = Future()
        with self._ready:
            if self._writer is None or not self._writer.is_alive():  # first use, or after a fork
                self._writer = threading.Thread(target=self._write, name="group-commit", daemon=True)
                self._writer.start()
            self._queue.append((items, done))
            self._ready.notify()
        return done.result()

    def _write(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    if not self._ready.wait(IDLE_SECONDS) and not self._queue:  # idle: end, let an unused app go
                        self._writer = None  # under the lock: the next caller starts another
                        return
                until = time.monotonic() + self._linger_s
                while len(self._queue) < self._last_group and (left := until - time.monotonic()) > 0:
                    self._ready.wait(left)
                group, size = [], 0
                while self._queue and (not group or size + len(self._queue[0][0]) <= self._max_group):
                    items, done = self._queue.pop(0)
                    group.append((items, done))
                    size += len(items)
            self._last_group = len(group)
            self._commit(group)

    def _commit(self, group: list[tuple[Sequence[Item], Future[list[Result]]]]) -> None:
        self.groups += 1
        self.largest = max(self.largest, len(group))
        try:
            results = self._save([item for items, _ in group for item in items])
        except BaseException as error:  # noqa: BLE001 - handed to the callers, never lost
            if len(group) == 1:
                group[0][1].set_exception(error)
                return
            for items, done in group:  # find whose reports failed: each alone
                self._commit([(items, done)])
            return
        start = 0
        for items, done in group:
            done.set_result(results[start:start + len(items)])
            start += len(items)
