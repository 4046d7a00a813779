"""The ranking's running totals, kept up to date one complaint at a time: one event costs a few
vector additions and a re-score, never a recompute.

Per level (units, kota, kecamatan, kelurahan) the totals are one array `[code, day, field]`: every
code by every WIB day any window can still need (HORIZON_DAYS, today last) by every field of
crm/ranking.py FIELDS. A window's sums are a slice summed over days; the trend is the days
themselves. `Ledger.build` fills it from a whole StintTable at once; `replace` swaps one
complaint's stints for their new state by subtracting exactly what the old ones added (their
outcomes are recomputed at the time they were added, so nothing drifts).

Outcomes that only become known as time passes (a deadline reached with nothing done) enter when
the complaint changes (the SLA watch records each breach, which is a change) or at the next
build; outcomes dated after today wait for the next build, which the owner runs at each new WIB
day. Yesterday's ranks, for the arrows, are taken at build.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np

from crm.complaint import WIB
from crm.ranking import (
    FIELDS,
    HORIZON_DAYS,
    LEVELS,
    SPIKE_BASE_DAYS,
    TREND_DAYS,
    F,
    Level,
    Standing,
    StintColumns,
    held_at,
    keys_of,
    outcomes,
    ranks,
    scores,
    spiking,
    standings,
    wib_day,
)
from crm.stints import Stint
from crm.windows import WINDOWS, window_start

SPIKE_FLAG = "lonjakan_tutup_sendiri"


@dataclass(frozen=True)
class StintTable:
    """Stints as the ledger reads them: the complaint of each row (a complaint's rows together),
    each row's code at each level (None: unknown place), and the columns the formula reads."""

    complaint_id: np.ndarray
    codes: dict[Level, list[str | None]]
    columns: StintColumns

    @classmethod
    def from_stints(cls, stints: Sequence[Stint]) -> StintTable:
        keys = [keys_of(stint) for stint in stints]
        codes = {level: [k[i][1] if k[i] else None for k in keys] for i, level in enumerate(LEVELS)}
        return cls(np.array([s.complaint_id for s in stints], dtype=np.int64), codes,
                   StintColumns.from_stints(stints))


class Ledger:
    """Running totals from `now` on; `replace` keeps them current, a new WIB day needs a new build."""

    def __init__(self, now: datetime) -> None:
        self.today = now.astimezone(WIB).date()
        self._now = now.timestamp()
        self._first_day = int(wib_day(self._now)) - HORIZON_DAYS + 1
        self._window_first = {w: self._offset(window_start(w, now)) for w in WINDOWS}
        self._codes: dict[Level, list[str]] = {level: [] for level in LEVELS}
        self._index: dict[Level, dict[str, int]] = {level: {} for level in LEVELS}
        self._cube = {level: np.zeros((16, HORIZON_DAYS, len(FIELDS))) for level in LEVELS}
        self._backlog = {level: np.zeros((16, 2), dtype=np.int64) for level in LEVELS}
        self._base: tuple[StintColumns, np.ndarray] | None = None
        self._base_rows: dict[int, tuple[int, int]] = {}
        self._own: dict[int, tuple[StintColumns, np.ndarray, float]] = {}
        self._yesterday: dict[tuple[Level, str], dict[str, int]] = {}

    @classmethod
    def build(cls, table: StintTable, now: datetime) -> Ledger:
        """The totals of these stints: every stint a window may need, and every one still held."""
        ledger = cls(now)
        keys = ledger._key_rows(table.codes)
        ledger._contribute(table.columns, keys, ledger._now, 1)
        ledger._base = (table.columns, keys)
        ids, starts, counts = np.unique(table.complaint_id, return_index=True, return_counts=True)
        ledger._base_rows = dict(zip(ids.tolist(), zip(starts.tolist(), (starts + counts).tolist())))
        ledger._yesterday = ledger._ranks_at_yesterday_end()
        return ledger

    def replace(self, complaint_id: int, stints: Sequence[Stint], now: datetime | None = None) -> None:
        """Put a complaint's current stints in place of what it added before."""
        if complaint_id in self._base_rows and self._base is not None:
            start, stop = self._base_rows.pop(complaint_id)
            columns, keys = self._base
            self._contribute(columns.take(slice(start, stop)), keys[start:stop], self._now, -1)
        elif complaint_id in self._own:
            columns, keys, then = self._own.pop(complaint_id)
            self._contribute(columns, keys, then, -1)
        if stints:
            table = StintTable.from_stints(stints)
            at = max(now.timestamp(), self._now) if now else self._now
            keys = self._key_rows(table.codes)
            self._contribute(table.columns, keys, at, 1)
            self._own[complaint_id] = (table.columns, keys, at)

    def standings(self, level: Level, window: str) -> list[Standing]:
        """One level's ranking in one window, with places gained since yesterday, the trend and flags."""
        codes = self._codes[level]
        cube = self._cube[level][:len(codes)]
        backlog = self._backlog[level][:len(codes)]
        sums = cube[:, self._window_first[window]:].sum(axis=1)
        active = np.flatnonzero(sums.any(axis=1) | backlog.any(axis=1))
        today = cube[active, -1, F["self_closes"]]
        spikes = spiking(today, cube[active, -1 - SPIKE_BASE_DAYS:-1, F["self_closes"]].sum(axis=1))
        more_flags = [{SPIKE_FLAG: int(t)} if spike else {} for t, spike in zip(today.tolist(), spikes.tolist())]
        return standings([codes[i] for i in active], sums[active], backlog[active],
                         before=self._yesterday.get((level, window)), trend=self._trend(cube[active]),
                         more_flags=more_flags)

    def _trend(self, cube: np.ndarray) -> list[list[float | None]]:
        """Each code's score on each of the last TREND_DAYS days, from that day's outcomes alone."""
        none = np.zeros((len(cube), 2), dtype=np.int64)
        days = []
        for offset in range(HORIZON_DAYS - TREND_DAYS, HORIZON_DAYS):
            scored = scores(cube[:, offset], none)
            days.append([s if v else None for s, v in zip(scored.score.tolist(), scored.volume.tolist())])
        return [list(day) for day in zip(*days)]

    def _contribute(self, columns: StintColumns, keys: np.ndarray, now: float, sign: int) -> None:
        rows, when, values = outcomes(columns, now)
        day = wib_day(when) - self._first_day
        kept = (day >= 0) & (day < HORIZON_DAYS)
        rows, day, values = rows[kept], day[kept], values[kept] * sign
        held = held_at(columns, now) * sign
        for column, level in enumerate(LEVELS):
            key = keys[rows, column]
            known = key >= 0
            np.add.at(self._cube[level], (key[known], day[known]), values[known])
            key = keys[:, column]
            known = key >= 0
            np.add.at(self._backlog[level], key[known], held[known])

    def _key_rows(self, codes: dict[Level, list[str | None]]) -> np.ndarray:
        """[row, level] -> index of the row's code at that level, -1 where unknown."""
        return np.stack([np.array([self._code_index(level, code) for code in codes[level]], dtype=np.int64)
                         for level in LEVELS], axis=1).reshape(-1, len(LEVELS))

    def _code_index(self, level: Level, code: str | None) -> int:
        if code is None:
            return -1
        index = self._index[level]
        found = index.get(code)
        if found is None:
            found = index[code] = len(self._codes[level])
            self._codes[level].append(code)
            if found >= len(self._cube[level]):
                self._cube[level] = np.concatenate([self._cube[level], np.zeros_like(self._cube[level])])
                self._backlog[level] = np.concatenate([self._backlog[level], np.zeros_like(self._backlog[level])])
        return found

    def _offset(self, at: datetime) -> int:
        return int(wib_day(at.timestamp())) - self._first_day

    def _ranks_at_yesterday_end(self) -> dict[tuple[Level, str], dict[str, int]]:
        """Every level's ranks in every window as they stood at the end of yesterday (WIB): the
        outcomes dated up to then, and the backlog at that moment."""
        end = datetime.combine(self.today, time(0), WIB) - timedelta(microseconds=1)
        ranked: dict[tuple[Level, str], dict[str, int]] = {}
        if self._base is None:
            return ranked
        columns, keys = self._base
        held = held_at(columns, end.timestamp())
        for column, level in enumerate(LEVELS):
            codes = self._codes[level]
            backlog = np.zeros((len(codes), 2), dtype=np.int64)
            known = keys[:, column] >= 0
            np.add.at(backlog, keys[known, column], held[known])
            cube = self._cube[level][:len(codes)]
            for window in WINDOWS:
                sums = cube[:, max(self._offset(window_start(window, end)), 0):HORIZON_DAYS - 1].sum(axis=1)
                ranked[(level, window)] = {codes[i]: rank for i, rank in ranks(codes, scores(sums, backlog))
                                           if rank is not None}
        return ranked
