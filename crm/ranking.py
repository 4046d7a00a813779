"""The ranking formula, in one place: how a unit's (or an area's) follow-up becomes a score and a rank.

What counts (from the unit's stints, crm/stints.py, so time is charged to the unit that held it):
- respons tepat waktu: share of first actions taken by the unit's own first-action deadline;
- selesai tepat waktu: share of completions by the unit's own completion deadline;
- lolos validasi: share of requests for validation not rejected (TL Ditolak);
- tidak dibuka ulang: share of closures the citizen did not reopen;
- tanpa tunggakan: share of the complaints held now that are not overdue.
An outcome is dated when it became known: a first action at its time, or at the deadline when
none came (a unit that never acts is late, not absent); a completion at Selesai, or at the
deadline when the unit still holds it. Requests for validation, rejections and reopenings are
counted with their stint's completion. A window (crm/windows.py) holds the outcomes dated in its
WIB days; the backlog is the one taken now.

Fair at small volumes: each share is shrunk toward the mean of all units at the same level,
as if every unit had PRIOR_WEIGHT more outcomes at the city's mean (a beta-binomial prior), and a
unit needs MIN_VOLUME outcomes in the window to get a rank. One fast case cannot top the table:
FixMyStreet's league table had exactly that bug (issue 1957).

score = 100 * sum(WEIGHTS[c] * shrunk share c). Mean hours to first action and to completion are
shown beside it, not in it: shares against each unit's own deadlines already reward speed without
letting one very long case sink a unit.

Gaming signals are flags beside the rank and never change it: the reporter closing their own
report, asking for validation sooner than is plausible, an evidence photo already used on another
complaint, and a spike of self-closed reports today against the unit's last SPIKE_BASE_DAYS days.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Literal

from crm.complaint import WIB
from crm.stints import Stint
from crm.windows import window_start

Level = Literal["skpd", "kota", "kecamatan", "kelurahan"]
LEVELS: tuple[Level, ...] = ("skpd", "kota", "kecamatan", "kelurahan")
Key = tuple[Level, str]

PRIOR_WEIGHT = 10
MIN_VOLUME = 5
WEIGHTS = {
    "respons_tepat_waktu": 0.25,
    "selesai_tepat_waktu": 0.30,
    "lolos_validasi": 0.15,
    "tidak_dibuka_ulang": 0.15,
    "tanpa_tunggakan": 0.15,
}
TREND_DAYS = 14
SPIKE_BASE_DAYS = 29
SPIKE_MIN = 3  # self-closed reports in a day before a spike is worth a flag
SPIKE_FACTOR = 3.0
HOURS_CAP = 24 * 30.0  # one forgotten case counts as a month at most in the mean hours
HORIZON_DAYS = 91  # the longest window plus yesterday: older outcomes no window needs


@dataclass(slots=True)
class Tally:
    """Counts of outcomes: a day's, a window's, a unit's (crm/ledger.py adds them up as vectors)."""

    responses: int = 0
    responses_on_time: int = 0
    response_hours: float = 0.0
    completions: int = 0
    completions_on_time: int = 0
    completion_hours: float = 0.0
    finished: int = 0  # completions that are real closures (not a deadline passing)
    validations: int = 0
    rejections: int = 0
    closures: int = 0
    reopens: int = 0
    fast_closes: int = 0
    self_closes: int = 0
    reused_photos: int = 0

    @property
    def volume(self) -> int:
        """Complaints judged: every stint with an outcome has a response outcome."""
        return self.responses

    def values(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in TALLY_FIELDS)

    @classmethod
    def from_values(cls, values: Iterable[float]) -> Tally:
        counts = [round(v) if name in _COUNTS else float(v) for name, v in zip(TALLY_FIELDS, values)]
        return cls(*counts)


TALLY_FIELDS = tuple(f.name for f in fields(Tally))
_COUNTS = frozenset(TALLY_FIELDS) - {"response_hours", "completion_hours"}


@dataclass(slots=True)
class Backlog:
    held: int = 0
    overdue: int = 0


def outcomes(stint: Stint, now: datetime) -> list[tuple[date, Tally]]:
    """The stint's outcomes known at `now`, each with the WIB day it is dated on."""
    dated: list[tuple[date, Tally]] = []
    if stint.first_action_at is not None:
        hours = _hours(stint.first_action_at - stint.start)
        on_time = stint.first_action_at <= stint.first_action_due
        dated.append((_day(stint.first_action_at), Tally(responses=1, responses_on_time=int(on_time),
                                                         response_hours=hours)))
    elif stint.first_action_due <= now:
        dated.append((_day(stint.first_action_due), Tally(responses=1, response_hours=_hours(now - stint.start))))
    if stint.handed_over:
        return dated
    counts = Tally(validations=stint.validations, rejections=stint.rejections, closures=stint.closures,
                   reopens=stint.reopens, fast_closes=int(stint.fast_close), self_closes=int(stint.self_closed),
                   reused_photos=stint.reused_photos)
    if stint.closed_at is not None:
        on_time = stint.completion_due is None or stint.closed_at <= stint.completion_due
        counts.completions, counts.completions_on_time, counts.finished = 1, int(on_time), 1
        counts.completion_hours = _hours(stint.closed_at - stint.start)
        dated.append((_day(stint.closed_at), counts))
    elif stint.end is None and stint.completion_due is not None and stint.completion_due <= now:
        counts.completions = 1
        dated.append((_day(stint.completion_due), counts))
    return dated


def held_at(stint: Stint, at: datetime) -> Backlog:
    """Whether the unit held this complaint at `at`, and whether it was overdue then."""
    held = stint.start <= at and (stint.end is None or stint.end > at)
    overdue = held and stint.completion_due is not None and stint.completion_due < at
    return Backlog(held=int(held), overdue=int(overdue))


def keys_of(stint: Stint) -> list[Key]:
    """Who a stint counts for: its unit, and the kota, kecamatan and kelurahan it happened in."""
    keys: list[Key] = [("skpd", stint.skpd)]
    for level, code in (("kota", stint.kode_kota), ("kecamatan", stint.kode_kecamatan),
                        ("kelurahan", stint.kode_kelurahan)):
        if code:
            keys.append((level, code))  # type: ignore[arg-type]
    return keys


@dataclass(frozen=True, slots=True)
class Component:
    """One share of the score: `rate` as counted, `shrunk` as scored, out of `n` outcomes."""

    rate: float | None
    shrunk: float
    n: int


@dataclass(frozen=True, slots=True)
class Standing:
    """One row of a ranking. `rank` is None below MIN_VOLUME; `movement` is places gained since
    yesterday (None when it had no rank then); `trend` is each of the last TREND_DAYS days' score."""

    code: str
    rank: int | None
    score: float
    volume: int
    components: dict[str, Component]
    response_hours: float | None
    completion_hours: float | None
    backlog: int
    overdue: int
    flags: dict[str, int]
    movement: int | None = None
    trend: list[float | None] = field(default_factory=list)


def score(tallies: dict[str, Tally], backlogs: dict[str, Backlog]) -> list[Standing]:
    """Rank every code of one level: best score first, then the unranked by volume."""
    codes = tallies.keys() | backlogs.keys()
    tallies = {code: tallies.get(code) or Tally() for code in codes}
    backlogs = {code: backlogs.get(code) or Backlog() for code in codes}
    parts = {code: _shares(tallies[code], backlogs[code]) for code in codes}
    city = {name: _city_rate([parts[code][name] for code in codes]) for name in WEIGHTS}
    rows = []
    for code in codes:
        tally, backlog = tallies[code], backlogs[code]
        components = {name: _component(good, n, city[name]) for name, (good, n) in parts[code].items()}
        rows.append(Standing(
            code=code, rank=None, score=round(100 * sum(WEIGHTS[n] * c.shrunk for n, c in components.items()), 2),
            volume=tally.volume, components=components,
            response_hours=_mean(tally.response_hours, tally.responses),
            completion_hours=_mean(tally.completion_hours, tally.finished),
            backlog=backlog.held, overdue=backlog.overdue, flags=_flags(tally)))
    eligible = sorted((r for r in rows if r.volume >= MIN_VOLUME), key=lambda r: (-r.score, -r.volume, r.code))
    rest = sorted((r for r in rows if r.volume < MIN_VOLUME), key=lambda r: (-r.volume, r.code))
    return [replace(row, rank=place) for place, row in enumerate(eligible, 1)] + rest


def spiking(today: int, before: float, days_before: int = SPIKE_BASE_DAYS) -> bool:
    """Today's self-closed reports far above the unit's own daily average of the days before."""
    return today >= SPIKE_MIN and today > SPIKE_FACTOR * before / days_before


def window_days(window: str, now: datetime) -> list[date]:
    """The WIB days a window holds at `now`, oldest first."""
    first, last = _day(window_start(window, now)), _day(now)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _flags(tally: Tally) -> dict[str, int]:
    found = {"pelapor_menutup_sendiri": tally.self_closes, "penutupan_terlalu_cepat": tally.fast_closes,
             "foto_bukti_dipakai_ulang": tally.reused_photos}
    return {name: count for name, count in found.items() if count}


def _shares(tally: Tally, backlog: Backlog) -> dict[str, tuple[int, int]]:
    """(good, out of) for each component."""
    return {
        "respons_tepat_waktu": (tally.responses_on_time, tally.responses),
        "selesai_tepat_waktu": (tally.completions_on_time, tally.completions),
        "lolos_validasi": (tally.validations - tally.rejections, tally.validations),
        "tidak_dibuka_ulang": (max(tally.closures - tally.reopens, 0), tally.closures),
        "tanpa_tunggakan": (backlog.held - backlog.overdue, backlog.held),
    }


def _city_rate(parts: list[tuple[int, int]]) -> float:
    good, n = sum(p[0] for p in parts), sum(p[1] for p in parts)
    return good / n if n else 1.0


def _component(good: int, n: int, prior: float) -> Component:
    return Component(rate=good / n if n else None, shrunk=(good + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT), n=n)


def _mean(total: float, n: int) -> float | None:
    return round(total / n, 2) if n else None


def _hours(span: timedelta) -> float:
    return min(max(span.total_seconds(), 0.0) / 3600, HOURS_CAP)


def _day(at: datetime) -> date:
    return at.astimezone(WIB).date()
