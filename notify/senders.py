"""The one small interface every channel's sender keeps.

A sender is the only code that knows its channel's outbound API (notify/smtp.py, notify/sms_gateway.py,
notify/twitter.py, notify/facebook.py, notify/partners.py for LAPOR! and Qlue); the HTTP ones share
one way of posting and of reading the answer (notify/http_api.py). The dispatcher (notify/dispatch.py)
only knows `send(notice) -> Result`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from store.notices import StoredNotice


@dataclass(frozen=True, slots=True)
class Result:
    """How one attempt went. `permanent`: the channel refused this notice for good (an address that
    does not exist, a body it cannot take), so retrying it is pointless and it goes dead at once.
    `retry_after`: the dispatcher waits at least that long before the next attempt."""

    ok: bool
    error: str = ""
    permanent: bool = False
    retry_after: float | None = None  # seconds the channel asked us to wait (HTTP Retry-After), if it did


DELIVERED = Result(ok=True)


class Sender(Protocol):
    """One channel's outbound API. `send` returns a Result rather than raising for what the channel
    answered; an exception (a bug, a library's surprise) counts as a failed attempt too."""

    channel: str

    def send(self, notice: StoredNotice) -> Result: ...
