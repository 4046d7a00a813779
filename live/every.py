"""Run one round of a background task every few seconds, surviving a failed round.

The SLA watch, the surge watch and the live ranking all loop this way: a failed round (the
database away for a moment) is logged and the next one tries again, because a background task
that died would stop escalations, flood alerts or the ranking silently.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def every(seconds: float, round_: Callable[[], object], *, stop: threading.Event | None = None,
          failed: str = "Tugas latar gagal") -> None:
    """Call `round_` every `seconds` until `stop` is set; `failed` starts the log line of a failed round."""
    stop = stop or threading.Event()
    while True:
        try:
            round_()
        except Exception:
            log.exception("%s; dicoba lagi dalam %g detik", failed, seconds)
        if stop.wait(seconds):
            return
