"""One JSON POST to a channel's HTTP API, and what its answer means: the one home of that rule for
every HTTP sender (the SMS gateway, Twitter, Facebook, LAPOR!, Qlue).

Any 2xx is delivered. A 4xx is final (the API refused this request for good: a bad token, a
deleted tweet, a number it cannot take), except 408 and 429, which, like every 5xx, a refused
connection or no answer within the timeout, are tried again. `Retry-After` (seconds, or an HTTP
date) is passed on, so the dispatcher waits at least that long.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from crm.complaint import utc_now
from notify.senders import DELIVERED, Result

AGAIN = frozenset({408, 429})


def post_json(url: str, body: Mapping[str, Any], headers: Mapping[str, str], *, timeout: float,
              name: str) -> tuple[Result, Any]:
    """POST `body` as JSON; the Result and the answer's JSON (None when there is none or it is not JSON).
    `name` says whose API it is in the error operators read."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Pantau", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return DELIVERED, _json(answer.read())
    except urllib.error.HTTPError as error:
        said = error.read(500).decode("utf-8", "replace")
        final = 400 <= error.code < 500 and error.code not in AGAIN
        return Result(False, f"{name} menjawab {error.code}: {said}", permanent=final,
                      retry_after=retry_after(error.headers.get("Retry-After"))), None
    except (urllib.error.URLError, OSError) as error:
        return Result(False, f"{name} tidak terjangkau: {error!r}"), None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (at - (now or utc_now())).total_seconds()) if at.tzinfo else None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
