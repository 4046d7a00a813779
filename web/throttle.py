"""Throttles on the doors worth abusing, with Flask-Limiter: counters live in Redis when
PANTAU_REDIS_URL is set, so every web process counts together, else in this process's memory.
If Redis goes away the counters fall back to memory rather than failing the request."""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from web.errors import TooManyRequests, answer

if TYPE_CHECKING:
    from flask import Flask, Response


def make_limiter(server: Flask, *, redis_url: str | None, prefix: str) -> Limiter:
    """A limiter on `server` keyed by the caller's address (the proxy's word when trusted, web/__init__);
    `prefix` keeps one deployment's (or one test run's) counters apart from another's in Redis."""
    return Limiter(get_remote_address, app=server, storage_uri=redis_url or "memory://", key_prefix=prefix,
                   strategy="moving-window", headers_enabled=False, swallow_errors=True,
                   in_memory_fallback_enabled=bool(redis_url))


PUBLIC_READ_BLUEPRINTS = ("api_v1", "open311_v2", "follow_up_v1", "ranking_v1", "export_v1")


def limit_public_reads(limiter: Limiter, server: Flask, *, rule: str, exempt_when: Callable[[], bool]) -> None:
    """One counter per address over every public GET of the APIs (a scraper walking Open311 pages and
    ticket after ticket is one reader), answered in the API's error shape with Retry-After; whoever
    `exempt_when` recognises (a signed-in person) reads freely."""
    def too_many(limit: RequestLimit) -> Response:
        return answer(TooManyRequests(headers={"Retry-After": retry_after(limit)}))

    shared = limiter.shared_limit(rule, scope="baca-publik", methods=["GET"], exempt_when=exempt_when,
                                  on_breach=too_many)
    for name in PUBLIC_READ_BLUEPRINTS:
        shared(server.blueprints[name])


def retry_after(limit: RequestLimit) -> str:
    """Whole seconds until `limit` lets the caller in again: the Retry-After of a 429."""
    return str(seconds_until(limit.reset_at, limit.limit))


def seconds_until(reset_at: float, item: RateLimitItem) -> int:
    """Whole seconds from now to `reset_at`, between 1 and the rule's window: the limits library
    rounds a window's end up by a second, and a wait longer than the window itself is no answer."""
    return min(item.get_expiry(), max(1, math.ceil(reset_at - time.time())))


@dataclass(frozen=True)
class Attempts:
    """Attempts at one thing counted in the limiter's storage, for a door that is not one route
    (reopening is a Flask route and a Dash callback): `try_once` says whether one more may go."""

    limiter: Limiter
    prefix: str

    def try_once(self, rule: str, *key: str) -> int | None:
        """Count an attempt under `rule` ("5 per hour") for `key`; None if allowed, else the seconds
        to wait (a Retry-After)."""
        item = parse(rule)
        if self.limiter.limiter.hit(item, self.prefix, *key):
            return None
        reset_at, _ = self.limiter.limiter.get_window_stats(item, self.prefix, *key)
        return seconds_until(reset_at, item)
