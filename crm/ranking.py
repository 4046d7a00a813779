"""The ranking formula, in one place: how a unit's (or an area's) follow-up becomes a score and a rank.

What counts (from the unit's stints, crm/stints.py, so time is charged to the unit that held it):
- respons tepat waktu: share of first actions taken by the unit's own first-action deadline;
- selesai tepat waktu: share of completions by the unit's own completion deadline;
- lolos validasi: share of requests for validation not rejected (TL Ditolak);
- tidak dibuka ulang: share of closures the citizen did not reopen;
- tanpa tunggakan: share of the complaints held now that are not overdue;
- kepuasan warga: the reporters' mean rating of the unit's closures (crm/verdict.py: 1..5 scaled
  to 0..1, so 4 of 5 is 0.75), one rating per closure, the newest of its reporter's.
An outcome is dated when it became known: a first action at its time, or at the deadline when
none came (a unit that never acts is late, not absent); a completion at Selesai, or at the
deadline when the unit still holds it. Requests for validation, rejections, reopenings and ratings
are counted with their stint's completion. A window (crm/windows.py) holds the outcomes dated in its
WIB days; the backlog is the one taken now.

Fair at small volumes: each share is shrunk toward the mean of all units at the same level,
as if every unit had PRIOR_WEIGHT more outcomes at the city's mean (a beta-binomial prior), and a
unit needs MIN_VOLUME complaints judged in the window to get a rank. Ratings are shrunk the same way:
a unit with two ratings of 1 keeps most of the level's mean satisfaction, and only many ratings
move it far (one rating among no others moves a share by at most 1/(1 + PRIOR_WEIGHT)). One fast case cannot top the
table: FixMyStreet's league table had exactly that bug (issue 1957).

score = 100 * sum(WEIGHTS[c] * shrunk share c). The weights sum to 1: speed against the unit's own
deadlines 0.45 (0.20 first action, 0.25 completion), the quality of the follow-up as officials and
citizens judge it 0.40 (validation 0.15, not reopened 0.15, the citizens' rating 0.10), the backlog
0.15. The rating's 0.10 came from the two speed shares (0.25 and 0.30 before): a closure no one
reopened says little when reporters seldom reopen, and a rating says directly whether it was fixed.
Mean hours to first action and to completion are shown beside it, not in it: shares against each
unit's own deadlines already reward speed without letting one very long case sink a unit.

Gaming signals are flags beside the rank and never change it: the reporter closing their own
report, asking for validation sooner than is plausible, an evidence photo already used on another
complaint, and a spike of self-closed reports today against the unit's last SPIKE_BASE_DAYS days.

The rule works on columns (numpy arrays, one row per stint, times in epoch seconds), so the same
code dates one complaint's outcomes after an event and a million complaints' at a rebuild.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

from crm.overdue import passed_at
from crm.stints import Stint

Level = Literal["skpd", "kota", "kecamatan", "kelurahan"]
LEVELS: tuple[Level, ...] = ("skpd", "kota", "kecamatan", "kelurahan")
Key = tuple[Level, str]

PRIOR_WEIGHT = 10
MIN_VOLUME = 5
DEFAULT_WINDOW = "7d"  # the window (crm/windows.py) the table, its API and its page show unless asked
WEIGHTS = {
    "respons_tepat_waktu": 0.20,
    "selesai_tepat_waktu": 0.25,
    "lolos_validasi": 0.15,
    "tidak_dibuka_ulang": 0.15,
    "tanpa_tunggakan": 0.15,
    "kepuasan_warga": 0.10,
}
TREND_DAYS = 14
SPIKE_BASE_DAYS = 29
SPIKE_MIN = 3  # self-closed reports in a day before a spike is worth a flag
SPIKE_FACTOR = 3.0
HOURS_CAP = 24 * 30.0  # one forgotten case counts as a month at most in the mean hours
HORIZON_DAYS = 91  # the longest window plus yesterday: older outcomes no window needs
FLAGS = ("pelapor_menutup_sendiri", "penutupan_terlalu_cepat", "foto_bukti_dipakai_ulang")

# What an outcome adds to its day, one column each; a unit's window is the sum of its days.
FIELDS = ("responses", "responses_on_time", "response_hours", "completions", "completions_on_time",
          "completion_hours", "finished", "validations", "rejections", "closures", "reopens",
          "fast_closes", "self_closes", "reused_photos", "ratings", "rating_points")
F = {name: i for i, name in enumerate(FIELDS)}
_WIB_OFFSET = 7 * 3600  # WIB has no daylight saving
_DAY = 86_400


@dataclass(frozen=True)
class StintColumns:
    """Stints as columns: times in epoch seconds with NaN for none, counts as floats."""

    start: np.ndarray
    end: np.ndarray
    first_action_at: np.ndarray
    first_action_due: np.ndarray
    completion_due: np.ndarray
    closed_at: np.ndarray
    handed_over: np.ndarray
    validations: np.ndarray
    rejections: np.ndarray
    closures: np.ndarray
    reopens: np.ndarray
    fast_close: np.ndarray
    self_closed: np.ndarray
    reused_photos: np.ndarray
    ratings: np.ndarray
    rating_points: np.ndarray

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[float | None]]) -> StintColumns:
        """From rows in COLUMNS order (times as epoch seconds or None), as the store reads them."""
        table = np.array(rows, dtype=float).reshape(len(rows), len(COLUMNS))
        return cls(*(table[:, i] for i in range(len(COLUMNS))))

    @classmethod
    def from_stints(cls, stints: Sequence[Stint]) -> StintColumns:
        return cls.from_rows([[_epoch(getattr(s, name)) for name in COLUMNS] for s in stints])

    def take(self, rows: slice | np.ndarray) -> StintColumns:
        return StintColumns(*(getattr(self, name)[rows] for name in COLUMNS))


COLUMNS = tuple(StintColumns.__dataclass_fields__)


def outcomes(stints: StintColumns, now: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outcomes known at `now`: (row of the stint, epoch second it is dated at, FIELDS values)."""
    acted = ~np.isnan(stints.first_action_at)
    response = acted | passed_at(stints.first_action_due, now)
    r_rows = np.flatnonzero(response)
    r_when = np.where(acted, stints.first_action_at, stints.first_action_due)[r_rows]
    r_values = np.zeros((len(r_rows), len(FIELDS)))
    r_values[:, F["responses"]] = 1
    r_values[:, F["responses_on_time"]] = (acted & ~passed_at(stints.first_action_due, stints.first_action_at))[r_rows]
    r_values[:, F["response_hours"]] = _hours(np.where(acted, stints.first_action_at, now) - stints.start)[r_rows]

    closed = ~np.isnan(stints.closed_at)
    judged = (stints.handed_over == 0) & (closed | (np.isnan(stints.end) & passed_at(stints.completion_due, now)))
    c_rows = np.flatnonzero(judged)
    c_when = np.where(closed, stints.closed_at, stints.completion_due)[c_rows]
    c_values = np.zeros((len(c_rows), len(FIELDS)))
    c_values[:, F["completions"]] = 1
    c_values[:, F["completions_on_time"]] = (closed & ~passed_at(stints.completion_due, stints.closed_at))[c_rows]
    c_values[:, F["completion_hours"]] = np.where(closed, _hours(stints.closed_at - stints.start), 0)[c_rows]
    c_values[:, F["finished"]] = closed[c_rows]
    for name, column in (("validations", stints.validations), ("rejections", stints.rejections),
                         ("closures", stints.closures), ("reopens", stints.reopens),
                         ("fast_closes", stints.fast_close), ("self_closes", stints.self_closed),
                         ("reused_photos", stints.reused_photos), ("ratings", stints.ratings),
                         ("rating_points", stints.rating_points)):
        c_values[:, F[name]] = column[c_rows]
    return (np.concatenate([r_rows, c_rows]), np.concatenate([r_when, c_when]),
            np.concatenate([r_values, c_values]))


def held_at(stints: StintColumns, at: float) -> np.ndarray:
    """Per stint [held, overdue] at `at`: the unit held it then, and its deadline had passed (crm/overdue.py)."""
    held = (stints.start <= at) & (np.isnan(stints.end) | (stints.end > at))
    overdue = held & passed_at(stints.completion_due, at)
    return np.stack([held, overdue], axis=1).astype(np.int64)


def wib_day(epoch: np.ndarray | float) -> np.ndarray:
    """WIB day numbers (days since 1970-01-01 WIB) of epoch seconds."""
    return np.floor_divide(np.asarray(epoch) + _WIB_OFFSET, _DAY).astype(np.int64)


def keys_of(stint: Stint) -> list[Key | None]:
    """Who a stint counts for, one per level: its unit, and the kota, kecamatan and kelurahan it
    happened in (None where the place is unknown)."""
    return [("skpd", stint.skpd), *((level, code) if code else None for level, code in (
        ("kota", stint.kode_kota), ("kecamatan", stint.kode_kecamatan), ("kelurahan", stint.kode_kelurahan)))]


@dataclass(frozen=True)
class Scores:
    """The formula applied to n codes at once: shares (NaN rate where n is 0), shrunk shares, score."""

    rate: np.ndarray  # [n, components]
    shrunk: np.ndarray
    n: np.ndarray
    score: np.ndarray  # [n]
    volume: np.ndarray  # [n]


def scores(sums: np.ndarray, backlog: np.ndarray) -> Scores:
    """Score codes of one level from their window sums [n, FIELDS] and backlog [n, held/overdue]."""
    good = np.stack([sums[:, F["responses_on_time"]], sums[:, F["completions_on_time"]],
                     sums[:, F["validations"]] - sums[:, F["rejections"]],
                     np.maximum(sums[:, F["closures"]] - sums[:, F["reopens"]], 0),
                     backlog[:, 0] - backlog[:, 1], sums[:, F["rating_points"]]], axis=1).astype(float)
    n = np.stack([sums[:, F["responses"]], sums[:, F["completions"]], sums[:, F["validations"]],
                  sums[:, F["closures"]], backlog[:, 0], sums[:, F["ratings"]]], axis=1).astype(float)
    totals = n.sum(axis=0)
    city = np.divide(good.sum(axis=0), totals, out=np.ones(len(WEIGHTS)), where=totals > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, good / n, np.nan)
    shrunk = (good + PRIOR_WEIGHT * city) / (n + PRIOR_WEIGHT)
    score = np.round(100 * shrunk @ np.array(list(WEIGHTS.values())), 2)
    return Scores(rate, shrunk, n, score, sums[:, F["responses"]].astype(np.int64))


@dataclass(frozen=True, slots=True)
class Component:
    """One share of the score: `rate` as counted (None without outcomes), `shrunk` as scored, out of `n`."""

    rate: float | None
    shrunk: float
    n: int


@dataclass(frozen=True, slots=True)
class Standing:
    """One row of a ranking. `rank` is None below MIN_VOLUME; `movement` is places gained since
    yesterday (None when it had no rank then); `trend` is each of the last TREND_DAYS days' score.
    `score` is None while nothing of the unit's is judged: with no outcome the formula would give
    it the city's mean (100 on a fresh install), which an SKPD head reads as perfect."""

    code: str
    rank: int | None
    score: float | None
    volume: int
    components: dict[str, Component]
    response_hours: float | None
    completion_hours: float | None
    backlog: int
    overdue: int
    flags: dict[str, int]
    movement: int | None = None
    trend: list[float | None] = field(default_factory=list)


def ranks(codes: Sequence[str], scored: Scores) -> list[tuple[int, int | None]]:
    """(row, rank) in display order: ranked rows best first (score, then volume, then code), then
    the rows below MIN_VOLUME by volume."""
    rows = range(len(codes))
    eligible = sorted((i for i in rows if scored.volume[i] >= MIN_VOLUME),
                      key=lambda i: (-scored.score[i], -scored.volume[i], codes[i]))
    rest = sorted((i for i in rows if scored.volume[i] < MIN_VOLUME), key=lambda i: (-scored.volume[i], codes[i]))
    return [(i, place) for place, i in enumerate(eligible, 1)] + [(i, None) for i in rest]


def standings(codes: Sequence[str], sums: np.ndarray, backlog: np.ndarray, *,
              before: dict[str, int] | None = None, trend: Sequence[list[float | None]] | None = None,
              more_flags: Sequence[dict[str, int]] | None = None) -> list[Standing]:
    """The ranking of one level's codes from their window sums and backlog; `before` (yesterday's
    ranks), `trend` and `more_flags` (per row) complete the rows when the caller has them."""
    scored = scores(sums, backlog)
    rate, shrunk, n = scored.rate.tolist(), scored.shrunk.tolist(), scored.n.tolist()
    totals, held, score, volume = sums.tolist(), backlog.tolist(), scored.score.tolist(), scored.volume.tolist()
    flag_columns = [(name, F[column]) for name, column in zip(FLAGS, ("self_closes", "fast_closes", "reused_photos"))]
    before = before or {}
    rows = []
    for i, rank in ranks(codes, scored):
        total, code = totals[i], codes[i]
        components = {name: Component(None if rate[i][c] != rate[i][c] else rate[i][c], shrunk[i][c], int(n[i][c]))
                      for c, name in enumerate(WEIGHTS)}
        flags = {name: int(total[column]) for name, column in flag_columns if total[column]}
        rows.append(Standing(
            code=code, rank=rank, score=score[i] if volume[i] else None, volume=volume[i], components=components,
            response_hours=_mean(total[F["response_hours"]], total[F["responses"]]),
            completion_hours=_mean(total[F["completion_hours"]], total[F["finished"]]),
            backlog=held[i][0], overdue=held[i][1], flags=flags | (more_flags[i] if more_flags else {}),
            movement=None if rank is None or code not in before else before[code] - rank,
            trend=list(trend[i]) if trend else []))
    return rows


def spiking(today: np.ndarray, before: np.ndarray, days_before: int = SPIKE_BASE_DAYS) -> np.ndarray:
    """Today's self-closed reports far above each unit's own daily average of the days before."""
    return (today >= SPIKE_MIN) & (today > SPIKE_FACTOR * before / days_before)


def _mean(total: float, n: float) -> float | None:
    return round(total / n, 2) if n else None


def _hours(seconds: np.ndarray) -> np.ndarray:
    return np.clip(seconds / 3600, 0, HOURS_CAP)


def _epoch(value: datetime | bool | int | None) -> float | None:
    if value is None:
        return None
    return value.timestamp() if isinstance(value, datetime) else float(value)
