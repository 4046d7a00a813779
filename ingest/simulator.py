"""The demo feed: realistic complaints from all twelve channels, through the real intake.

`python app.py --demo` runs one in a background thread so a newcomer sees the map come alive:
each report is located, routed, stored and published like any other. Arrivals are a Poisson
process at `rate` complaints a second; walk-in desks report only inside their opening windows
(crm.desks). With a seed the same reports come in the same order, so tests can drive it with
their own clock instead of sleeping.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from crm.complaint import utc_now
from crm.desks import is_open
from crm.intake import Report
from ingest.demo_places import Places
from ingest.demo_text import LINES, compose

log = logging.getLogger(__name__)

# A plausible share per channel: apps and social media lead, the desks add a few when open.
CHANNEL_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "qlue": 22, "twitter": 18, "lapor": 12, "sms": 10, "facebook": 8, "website": 7, "email": 5,
    "balai-warga": 4, "kecamatan": 4, "kelurahan": 4, "pendopo": 3, "inspektorat": 3,
})
# The inspectorate hears misconduct, not potholes.
CHANNEL_CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "inspektorat": ("pungutan_liar", "pelayanan_publik"),
})
_CATEGORIES = tuple(LINES)
_CATEGORY_WEIGHTS = tuple(lines.weight for lines in LINES.values())


class Simulator:
    """Makes demo reports; `run` feeds them to an intake in real time."""

    def __init__(self, places: Places, *, rate: float = 1.0, seed: int | None = None,
                 run_id: str | None = None) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be a positive number of complaints a second, not {rate}")
        self.places = places
        self.rate = rate
        self.rng = random.Random(seed)
        # Not from the seeded generator: a restarted demo on the same database must not repeat
        # external ids, or the intake would take every report for a retried delivery.
        self.run_id = run_id or uuid.uuid4().hex[:8]
        self.made = 0

    def report(self, now: datetime) -> Report:
        """One report as it would arrive at the aware time `now`."""
        open_now = [channel for channel in CHANNEL_WEIGHTS if is_open(channel, now)]
        channel = self.rng.choices(open_now, weights=[CHANNEL_WEIGHTS[c] for c in open_now])[0]
        if channel in CHANNEL_CATEGORIES:
            category = self.rng.choice(CHANNEL_CATEGORIES[channel])
        else:
            category = self.rng.choices(_CATEGORIES, weights=_CATEGORY_WEIGHTS)[0]
        place = self.places.pick(category, self.rng)
        self.made += 1
        return Report(channel=channel, external_id=f"demo-{self.run_id}-{self.made:06d}",
                      text=compose(category, channel, place, self.rng), category=category,
                      lon=place.lon, lat=place.lat, reported_at=now)

    def arrivals(self, start: datetime) -> Iterator[datetime]:
        """Arrival times after `start`: exponential gaps with a mean of 1/rate seconds."""
        at = start
        while True:
            at += timedelta(seconds=self.rng.expovariate(self.rate))
            yield at

    def run(self, intake: Callable[[Report], object], stop: threading.Event | None = None,
            clock: Callable[[], datetime] = utc_now) -> None:
        """Feed `intake` until `stop` is set. Arrivals keep their schedule however long intake
        takes, so the rate holds; a report that fails is logged and the feed goes on."""
        stop = stop or threading.Event()
        due = time.monotonic()
        while True:
            due += self.rng.expovariate(self.rate)
            if stop.wait(max(0.0, due - time.monotonic())):
                return
            try:
                intake(self.report(clock()))
            except Exception:
                log.exception("demo: a report failed; the feed goes on")
