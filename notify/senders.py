"""The one small interface every channel's sender keeps.

A sender is the only code that knows its channel's outbound API (notify/smtp.py, notify/sms_gateway.py);
the dispatcher (notify/dispatch.py) only knows `send(notice) -> Result`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from store.notices import StoredNotice


@dataclass(frozen=True, slots=True)
class Result:
    """How one attempt went. `permanent`: the channel refused this notice for good (an address that
    does not exist, a body it cannot take), so retrying it is pointless and it goes dead at once."""

    ok: bool
    error: str = ""
    permanent: bool = False


DELIVERED = Result(ok=True)


class Sender(Protocol):
    """One channel's outbound API. `send` returns a Result rather than raising for what the channel
    answered; an exception (a bug, a library's surprise) counts as a failed attempt too."""

    channel: str

    def send(self, notice: StoredNotice) -> Result: ...
