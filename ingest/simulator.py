"""The demo feed: realistic complaints from every channel, each in its channel's own format.

`python app.py --demo` runs one in a background thread so a newcomer sees the map come alive.
Each complaint arrives as its channel's native delivery (ingest/demo_payloads.py) and goes
through the Receiver and the real adapter, then is classified, located, routed, stored and
published like any other. Arrivals are a Poisson process at `rate` complaints a second; walk-in
desks report only inside their opening windows (crm.desks). Channels differ as they really do:
Qlue always sends GPS, SMS never, tweets sometimes (the rest name a place in the text for the
gazetteer); Twitter, Facebook, email and SMS carry no category (the classifier decides). With a
seed the same complaints come in the same order (byte for byte with the same run_id too), so
tests can drive it with their own clock instead of sleeping.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from crm.complaint import utc_now
from crm.desks import DESK_WINDOWS, is_open
from ingest.channels.base import Inbound, Rejected
from ingest.demo_payloads import Facts, delivery, person
from ingest.demo_places import Places
from ingest.demo_text import LINES, compose

log = logging.getLogger(__name__)

# A plausible share per channel: apps and social media lead, the desks add a few when open.
CHANNEL_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "qlue": 22, "twitter": 18, "lapor": 12, "sms": 10, "facebook": 8, "website": 7, "email": 5, "open311": 3,
    "balai-warga": 4, "kecamatan": 4, "kelurahan": 4, "pendopo": 3, "inspektorat": 3,
})
# The inspectorate hears misconduct, not potholes.
CHANNEL_CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "inspektorat": ("pungutan_liar", "pelayanan_publik"),
})
# How often a delivery carries the place's coordinates: Qlue is GPS-first, SMS has none, LAPOR!
# and email have no field for them, a Facebook post none unless sent by Messenger.
POINT_SHARE: Mapping[str, float] = MappingProxyType({
    "qlue": 1.0, "twitter": 0.3, "facebook": 0.1, "website": 0.5, "open311": 0.8,
    **dict.fromkeys(DESK_WINDOWS, 0.3),
})
# How often a channel's own category field is filled in right; the rest go to the classifier.
CATEGORY_SHARE: Mapping[str, float] = MappingProxyType({
    "qlue": 0.85, "lapor": 0.8, "website": 0.6, "open311": 1.0, **dict.fromkeys(DESK_WINDOWS, 0.8),
})
_CATEGORIES = tuple(LINES)
_CATEGORY_WEIGHTS = tuple(lines.weight for lines in LINES.values())


class Simulator:
    """Makes demo complaints; `run` delivers them to a Receiver in real time.

    `secrets` are the ones the Receiver's adapters check (settings.channel_secrets): Facebook
    webhooks are signed with its `facebook_app_secret`; without one, Facebook is left out,
    since every unsigned delivery would only be refused.
    """

    def __init__(self, places: Places, *, rate: float = 1.0, seed: int | None = None, run_id: int | None = None,
                 secrets: Mapping[str, str] = MappingProxyType({})) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be a positive number of complaints a second, not {rate}")
        self.places = places
        self.rate = rate
        self.rng = random.Random(seed)
        self.secrets = secrets
        self.weights = {channel: weight for channel, weight in CHANNEL_WEIGHTS.items()
                        if channel != "facebook" or "facebook_app_secret" in secrets}
        # 32 bits not from the seeded generator: a restarted demo on the same database must not
        # repeat external ids, or the intake would take every delivery for a retry. Serials are
        # run_id * 10**9 + count: unique for a billion complaints a run.
        self.run_id = random.SystemRandom().getrandbits(32) if run_id is None else run_id
        self.made = 0

    def facts(self, now: datetime) -> Facts:
        """One complaint as it would arrive at the aware time `now`."""
        open_now = [channel for channel in self.weights if is_open(channel, now)]
        channel = self.rng.choices(open_now, weights=[self.weights[c] for c in open_now])[0]
        if channel in CHANNEL_CATEGORIES:
            category = self.rng.choice(CHANNEL_CATEGORIES[channel])
        else:
            category = self.rng.choices(_CATEGORIES, weights=_CATEGORY_WEIGHTS)[0]
        place = self.places.pick(category, self.rng)
        self.made += 1
        return Facts(
            channel=channel, serial=self.run_id * 10**9 + self.made, at=now, category=category,
            text=compose(category, channel, place, self.rng), place=place, person=person(self.rng),
            shares_point=self.rng.random() < POINT_SHARE.get(channel, 0.0),
            names_category=self.rng.random() < CATEGORY_SHARE.get(channel, 0.0),
            seed=self.rng.getrandbits(32),
        )

    def delivery(self, now: datetime) -> Inbound:
        """The next complaint as its channel delivers it at `now`."""
        return delivery(self.facts(now), self.secrets)

    def arrivals(self, start: datetime) -> Iterator[datetime]:
        """Arrival times after `start`: exponential gaps with a mean of 1/rate seconds."""
        at = start
        while True:
            at += timedelta(seconds=self.rng.expovariate(self.rate))
            yield at

    def run(self, receive: Callable[[Inbound], object], stop: threading.Event | None = None,
            clock: Callable[[], datetime] = utc_now) -> None:
        """Deliver to `receive` until `stop` is set. Arrivals keep their schedule however long a
        delivery takes, so the rate holds; a refused or failed delivery is logged and the feed goes on."""
        stop = stop or threading.Event()
        due = time.monotonic()
        while True:
            due += self.rng.expovariate(self.rate)
            if stop.wait(max(0.0, due - time.monotonic())):
                return
            self._deliver(receive, clock())

    def _deliver(self, receive: Callable[[Inbound], object], now: datetime) -> None:
        try:
            inbound = self.delivery(now)
            receive(inbound)
        except Rejected as refused:  # only receive() refuses, so inbound is set
            log.error("demo: a %s delivery was refused (dead letter %d): %s; the feed goes on",
                      inbound.channel, refused.dead_letter_id, refused)
        except Exception:
            log.exception("demo: a delivery failed; the feed goes on")
