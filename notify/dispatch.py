"""The dispatcher: sends the due notices of the outbox, retries failures with backoff, gives up on the hopeless.

One round claims a batch (store/notices.py: an attempt counted and a lease taken, in one short
transaction), sends each notice outside any transaction, and marks it sent or failed in another.
A failure is tried again after `retry_base` x 2^(attempts-1), at most `retry_cap` later; after
`max_attempts` attempts, or at once when the channel refused it for good, the notice is dead: an
outbound dead letter operators see. A channel that asks us to wait (HTTP Retry-After) is not tried
before that. A channel with a rate (notify/rates.py) gets no more claimed than its rate has room
for; the round waits for room when it comes within `max_pause`, else leaves the rest, still
pending, to the next round. Rounds run from `pantau worker`, or in `python app.py`'s own
process (live/background.py), like the SLA watch.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from crm.complaint import utc_now
from notify.rates import Rates
from notify.senders import Result, Sender
from store import notices
from store.db import writing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from store.notices import StoredNotice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dispatcher:
    sessions: sessionmaker[Session]
    senders: Mapping[str, Sender]
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)  # longer than a batch can take: senders time out after 10 s
    batch: int = 20
    clock: Callable[[], datetime] = utc_now
    rates: Rates = field(default_factory=Rates)
    max_pause: float = 1.0  # seconds a round waits for a channel's rate to have room again

    def round(self, stop: threading.Event | None = None) -> int:
        """Send batches until none is due (or `stop` is set); how many notices were sent."""
        sent = 0
        while True:
            claimed, full = self._claim()
            sent += sum(self._send(notice) for notice in claimed)
            if not full or (stop is not None and stop.is_set()):
                return sent
            if not claimed:  # every channel that may have more is at its rate
                pause = self.rates.wait(self.senders)
                if pause > self.max_pause:
                    return sent
                if stop is None:
                    time.sleep(pause)
                elif stop.wait(pause):
                    return sent

    def retry_at(self, attempts: int, now: datetime, asked: float | None = None) -> datetime | None:
        """When to try again after `attempts` failed attempts, not sooner than the `asked` seconds the
        channel said to wait (its cap too: at most `retry_cap`); None: give up."""
        if attempts >= self.max_attempts:
            return None
        wait = self.retry_base * 2 ** (attempts - 1)
        if asked is not None:
            wait = max(wait, timedelta(seconds=asked))
        return now + min(wait, self.retry_cap)

    def _claim(self) -> tuple[list[StoredNotice], bool]:
        """This batch, and whether a channel filled all the room it had (so more may be due). Each
        channel gets an equal share of the batch, its oldest due first, so a burst on one channel
        does not hold the others back and a batch stays `batch` long, well inside its lease."""
        claimed: list[StoredNotice] = []
        full = False
        share = max(1, self.batch // max(1, len(self.senders)))
        with writing(self.sessions) as session:
            notices.park_unconfigured(session, configured=self.senders.keys())
            for channel in self.senders:
                room = self.rates.room(channel, share)
                got = notices.claim(session, now=self.clock(), configured=[channel], lease=self.lease,
                                    limit=room) if room else []
                claimed.extend(got)
                full = full or len(got) == room
        return claimed, full

    def _send(self, notice: StoredNotice) -> bool:
        self.rates.spend(notice.channel)
        try:
            result = self.senders[notice.channel].send(notice)
        except Exception as error:  # a sender's bug must not stop the others' notices
            log.exception("Pengirim %s gagal pada pemberitahuan %d", notice.channel, notice.id)
            result = Result(False, f"galat pengirim: {error!r}")
        now = self.clock()
        with writing(self.sessions) as session:
            if result.ok:
                notices.mark_sent(session, notice_id=notice.id, at=now)
            else:
                retry = None if result.permanent else self.retry_at(notice.attempts, now, result.retry_after)
                notices.mark_failed(session, notice_id=notice.id, error=result.error, retry_at=retry)
        if not result.ok:
            log.warning("Pemberitahuan %d (%s) gagal, percobaan ke-%d: %s", notice.id, notice.channel,
                        notice.attempts, result.error)
        return result.ok
