"""Changes the ranking must hear of, shared by every process through Redis pub/sub.

With several web processes (and ingest workers) each one stores complaints, but each ranking
board lives in one process. Every process's publisher sends the ids of the complaints it has just
committed on one Redis channel; every board follows the channel and applies them, its own
process's included, so each board's table stays the same within a fraction of a second. A lost
message (Redis away) costs nothing for long: the next rebuild reads the store (live/ranking.py).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import redis

from live.every import every
from live.ranking import changed_ids

if TYPE_CHECKING:
    from crm.events import Event

log = logging.getLogger(__name__)


class RankingShare:
    def __init__(self, redis_url: str, channel: str) -> None:
        self.redis = redis.Redis.from_url(redis_url)
        self.channel = channel

    def send(self, events: list[Event]) -> None:
        """Publisher listener: announce the committed complaints' ids. Never fails the request that
        stored them: it has committed already, and the next rebuild repairs a lost message."""
        ids = changed_ids(events)
        if not ids:
            return
        try:
            self.redis.publish(self.channel, json.dumps(sorted(ids)))
        except redis.RedisError:
            log.exception("Perubahan peringkat tidak terkirim lewat Redis; pembangunan ulang berikutnya memperbaiki")

    def follow(self, receive: Callable[[set[int]], None], stop: threading.Event | None = None) -> None:
        """Hand every announced set of ids to `receive` until `stop`; reconnects after a failure."""
        stop = stop or threading.Event()

        def listen() -> None:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(self.channel)
            try:
                while not stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        receive({int(i) for i in json.loads(message["data"])})
            finally:
                pubsub.close()

        every(1.0, listen, stop=stop, failed="Mengikuti perubahan peringkat lewat Redis gagal")
