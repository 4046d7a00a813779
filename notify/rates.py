"""Per-channel send rates: at most so many notices in any window on each channel, as
PANTAU_NOTICE_RATES sets them (`sms=10/second, twitter=100/15 minutes`), counted in a moving window by
the `limits` package (the one Flask-Limiter counts with). A channel not named is not limited.

The dispatcher asks `room` before it claims, so a notice over the limit is never claimed: it stays
pending, due, and goes in the next batch. Counts live in the dispatching process, which is one per
deployment (the leading `pantau worker`, or `python app.py`).
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from crm.notices import EMAIL, OWN_REPLY, SMS

CHANNELS = frozenset({EMAIL, SMS, *OWN_REPLY})


class BadRates(ValueError):
    """PANTAU_NOTICE_RATES is not `channel=count/period, ...` over channels that have a sender."""


def parse_rates(text: str | None) -> Mapping[str, RateLimitItem]:
    """`sms=10/second; twitter=100/15 minutes` (commas or semicolons between) as limits by channel."""
    rates: dict[str, RateLimitItem] = {}
    for entry in filter(None, (piece.strip() for piece in re.split(r"[;,]", text or ""))):
        channel, _, rate = (part.strip() for part in entry.partition("="))
        if channel not in CHANNELS:
            raise BadRates(f"PANTAU_NOTICE_RATES: kanal {channel!r} tidak dikenal; "
                           f"yang ada: {', '.join(sorted(CHANNELS))}")
        try:
            rates[channel] = parse(rate)
        except ValueError:
            raise BadRates(f"PANTAU_NOTICE_RATES: {entry!r} bukan kanal=jumlah/periode, mis. sms=10/second") from None
    return MappingProxyType(rates)


@dataclass(frozen=True)
class Rates:
    limits: Mapping[str, RateLimitItem] = field(default_factory=dict)
    _limiter: MovingWindowRateLimiter = field(default_factory=lambda: MovingWindowRateLimiter(MemoryStorage()),
                                              repr=False, compare=False)

    def room(self, channel: str, most: int) -> int:
        """How many notices `channel` may send now, at most `most`."""
        item = self.limits.get(channel)
        return most if item is None else min(most, self._limiter.get_window_stats(item, channel).remaining)

    def spend(self, channel: str) -> None:
        """Count one notice sent (or attempted) on `channel`."""
        item = self.limits.get(channel)
        if item is not None:
            self._limiter.hit(item, channel)

    def wait(self, channels: Iterable[str]) -> float:
        """Seconds until the first of `channels` that is at its limit has room again (0: none is)."""
        waits = [stats.reset_time - time.time() for channel in channels if (item := self.limits.get(channel))
                 and (stats := self._limiter.get_window_stats(item, channel)).remaining == 0]
        return max(0.0, min(waits)) if waits else 0.0
