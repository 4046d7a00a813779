"""Surges: a kelurahan suddenly sending many more reports of one category than it usually does.

Floods come as bursts in one area and one category (one flood service saw its activity jump
260-fold in a day), and the command centre must see one at once. This module is the one home of
the rule; store/surges.py counts, live/surge_watch.py announces, the dashboard shows.

The rule, for each (kelurahan, category) pair:

- `recent`: reports received in the last RECENT (3 hours): short enough to catch a flood while the
  water rises, long enough to hold more than a handful of reports.
- `expected`: what the BASELINE (the 28 days before the recent period) predicts for a period of
  that length: baseline count x 3 h / 28 days (= baseline / 224). Four whole weeks weigh each
  weekday alike, and the baseline ends where the recent period starts, so a surge never raises
  its own expectation.
- surge when `recent >= threshold`, threshold = max(min_count, ceil(expected + k * sqrt(expected))):
  a Poisson-style bound (k standard deviations above the expectation) with an absolute floor.

Numbers (Jakarta gets 500-800 reports a day over 267 kelurahan x 34 categories: a pair expects
about 0.01 reports in 3 hours, a busy one 0.2 to 1):

| category | min_count | k | why |
|---|---|---|---|
| `banjir` | 5 | 3 | five flood reports from one kelurahan in 3 hours is water in streets and homes; a missed flood costs far more than an operator's glance, so the bar is lower (Poisson chance at expected 0.2: 2e-6; at 1: 0.4 %) |
| any other | 10 | 4 | one fallen tree or rubbish heap brings several neighbours' reports at once (reports cluster far more than Poisson), so ten are needed (Poisson chance at expected 1: 1e-7) |

The floor decides for quiet pairs (expected below about 1.4 for banjir, 3 for others); above it
the bound grows with the baseline, so a kelurahan that always reports a lot must report
markedly more. A new store (an empty baseline) falls back on the floor alone.

An EPISODE (12 hours, one operators' shift) is how long an announced surge stands: the same pair
is not announced again within it, however long the burst lasts, and the command centre shows it
until then. A surge still going after 12 hours is announced again, for the next shift.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crm.complaint import wib_text
from geo.jurisdiction import Jurisdiction

RECENT = timedelta(hours=3)
BASELINE = timedelta(days=28)
EPISODE = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Threshold:
    """A category's bar: at least `min_count` reports, and `k` Poisson deviations above the expected."""

    min_count: int
    k: float

    def at(self, expected: float) -> int:
        """The fewest reports that make a surge when `expected` were predicted."""
        return max(self.min_count, math.ceil(expected + self.k * math.sqrt(expected)))


DEFAULT = Threshold(min_count=10, k=4)
BY_CATEGORY = {"banjir": Threshold(min_count=5, k=3)}
# No pair with fewer recent reports can surge: the store leaves such pairs out of its answer.
MIN_COUNT = min(t.min_count for t in (DEFAULT, *BY_CATEGORY.values()))


def threshold(category: str) -> Threshold:
    return BY_CATEGORY.get(category, DEFAULT)


@dataclass(frozen=True, slots=True)
class Window:
    """The two periods one round compares: baseline [baseline_from, recent_from), recent [recent_from, end)."""

    baseline_from: datetime
    recent_from: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, *, recent: timedelta = RECENT, baseline: timedelta = BASELINE) -> Window:
        return cls(baseline_from=end - recent - baseline, recent_from=end - recent, end=end)

    def expected(self, baseline_count: int) -> float:
        """The baseline count scaled to the recent period's length."""
        return baseline_count * (self.end - self.recent_from) / (self.recent_from - self.baseline_from)


@dataclass(frozen=True, slots=True)
class AreaCount:
    """Reports of one category in one kelurahan, in each period of a Window."""

    place: Jurisdiction
    category: str
    recent: int
    baseline: int


@dataclass(frozen=True, slots=True)
class Surge:
    """A pair over its threshold: `recent` reports where `expected` were predicted."""

    place: Jurisdiction
    category: str
    recent: int
    expected: float
    threshold: int
    window: Window

    @property
    def pair(self) -> tuple[str, str]:
        """(kode_kelurahan, category): what one episode is about."""
        return self.place.kode_kelurahan, self.category

    @property
    def ratio(self) -> float | None:
        """How many times the expected count arrived; None when the baseline held no report at all."""
        return self.recent / self.expected if self.expected else None


def find_surges(counts: Iterable[AreaCount], window: Window) -> list[Surge]:
    """The pairs over their threshold, the largest surge (most reports for its threshold) first."""
    found = []
    for count in counts:
        expected = window.expected(count.baseline)
        bar = threshold(count.category).at(expected)
        if count.recent >= bar:
            found.append(Surge(count.place, count.category, count.recent, expected, bar, window))
    return sorted(found, key=lambda s: (-s.recent / s.threshold, s.pair))


def surge_payload(surge: Surge, detected_at: datetime) -> dict[str, Any]:
    """The public shape of an announced surge (event, audit record, banner): codes, names, counts, WIB time.

    `key` names the announcement: a screen that gets it twice (snapshot and live, or a replay) shows it once.
    """
    p, w = surge.place, surge.window
    return {
        "key": f"{p.kode_kelurahan}:{surge.category}:{detected_at.isoformat()}",
        "kode_kelurahan": p.kode_kelurahan, "kelurahan": p.kelurahan,
        "kode_kecamatan": p.kode_kecamatan, "kecamatan": p.kecamatan,
        "kode_kota": p.kode_kota, "kota": p.kota,
        "category": surge.category,
        "recent": surge.recent,
        "expected": round(surge.expected, 2),
        "ratio": None if surge.ratio is None else round(surge.ratio, 1),
        "threshold": surge.threshold,
        "recent_hours": (w.end - w.recent_from) / timedelta(hours=1),
        "baseline_days": (w.recent_from - w.baseline_from) / timedelta(days=1),
        "detected_at": detected_at.isoformat(),
        "detected_at_wib": wib_text(detected_at),
    }
