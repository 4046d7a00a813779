"""The ranking's running totals, kept up to date one complaint at a time: one event costs a few
vector additions and a re-score, never a recompute.

The totals are one array, `[key, day, field]`: every unit and area (crm/ranking.py keys_of) by
every WIB day any window can still need (HORIZON_DAYS, today last) by every Tally field. A
window's tally is a sum over its days; the trend is the days themselves. `Ledger.build` fills it
from all stints at once (numpy's add.at, so a million-complaint history takes about a second);
`replace` swaps one complaint's stints for their new state by subtracting exactly what the old
ones added (outcomes are recomputed at the time they were added).

Outcomes that only become known as time passes (a deadline reached with nothing done) enter when
the complaint changes (the SLA watch records each breach, which is a change) or at the next
build; outcomes dated after `today` wait for the next build, which the owner runs at each new
WIB day. Yesterday's ranks, for the arrows, are taken at build.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, time, timedelta

import numpy as np

from crm.complaint import WIB
from crm.ranking import (
    HORIZON_DAYS,
    LEVELS,
    SPIKE_BASE_DAYS,
    TALLY_FIELDS,
    TREND_DAYS,
    Backlog,
    Key,
    Level,
    Standing,
    Tally,
    held_at,
    keys_of,
    outcomes,
    score,
    spiking,
    window_days,
)
from crm.stints import Stint
from crm.windows import WINDOWS

SPIKE_FLAG = "lonjakan_tutup_sendiri"
_SELF_CLOSES = TALLY_FIELDS.index("self_closes")


class Ledger:
    """Running totals from `now` on; `replace` keeps them current, a new WIB day needs a new build."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = now.astimezone(WIB).date()
        self._first = self.today - timedelta(days=HORIZON_DAYS - 1)
        self._window_first = {w: (window_days(w, now)[0] - self._first).days for w in WINDOWS}
        self._keys: dict[Key, int] = {}
        self._by_level: dict[Level, list[tuple[str, int]]] = {level: [] for level in LEVELS}
        self._cube = np.zeros((64, HORIZON_DAYS, len(TALLY_FIELDS)))
        self._backlog = np.zeros((64, 2), dtype=np.int64)
        self._held: dict[int, tuple[list[Stint], datetime]] = {}
        self._yesterday: dict[tuple[Level, str], dict[str, int]] = {}

    @classmethod
    def build(cls, stints: Iterable[Stint], now: datetime) -> Ledger:
        """The totals of these stints (every stint a window may need, and every one still held)."""
        ledger = cls(now)
        rows, days, values, backlog_rows, backlog_values = [], [], [], [], []
        for stint in stints:
            ledger._held.setdefault(stint.complaint_id, ([], now))[0].append(stint)
            keys = [ledger._index(key) for key in keys_of(stint)]
            for day, tally in outcomes(stint, now):
                offset = (day - ledger._first).days
                if 0 <= offset < HORIZON_DAYS:
                    rows += keys
                    days += [offset] * len(keys)
                    values += [tally.values()] * len(keys)
            held = held_at(stint, now)
            if held.held:
                backlog_rows += keys
                backlog_values += [(held.held, held.overdue)] * len(keys)
        if rows:
            np.add.at(ledger._cube, (np.array(rows), np.array(days)), np.array(values, dtype=float))
        if backlog_rows:
            np.add.at(ledger._backlog, np.array(backlog_rows), np.array(backlog_values))
        ledger._yesterday = ledger._ranks_at_yesterday_end()
        return ledger

    def replace(self, complaint_id: int, stints: list[Stint], now: datetime | None = None) -> set[Key]:
        """Put a complaint's current stints in place of what it added before; the keys touched."""
        now = max(now or self.now, self.now)
        touched: set[Key] = set()
        old, old_now = self._held.pop(complaint_id, ([], now))
        for stint in old:
            touched.update(self._add(stint, old_now, -1))
        for stint in stints:
            touched.update(self._add(stint, now, 1))
        if stints:
            self._held[complaint_id] = (list(stints), now)
        return touched

    def standings(self, level: Level, window: str) -> list[Standing]:
        """One level's ranking in one window, with places gained since yesterday and the trend."""
        codes = self._by_level[level]
        if not codes:
            return []
        index = np.array([i for _, i in codes])
        cube = self._cube[index]
        first = self._window_first[window]
        tallies = _tallies(codes, cube[:, first:].sum(axis=1))
        backlogs = {code: Backlog(int(b[0]), int(b[1])) for (code, _), b in zip(codes, self._backlog[index])}
        trend = self._trend(codes, cube)
        spikes = self._spikes(codes, cube)
        before = self._yesterday.get((level, window), {})
        rows = []
        for row in score(tallies, backlogs):
            flags = {**row.flags, SPIKE_FLAG: spikes[row.code]} if row.code in spikes else row.flags
            rows.append(replace(row, movement=_movement(before.get(row.code), row.rank), trend=trend[row.code],
                              flags=flags))
        return rows

    def _add(self, stint: Stint, now: datetime, sign: int) -> list[Key]:
        keys = keys_of(stint)
        index = [self._index(key) for key in keys]
        for day, tally in outcomes(stint, now):
            offset = (day - self._first).days
            if 0 <= offset < HORIZON_DAYS:
                self._cube[index, offset] += sign * np.array(tally.values(), dtype=float)
        held = held_at(stint, now)
        self._backlog[index] += sign * np.array([held.held, held.overdue])
        return keys

    def _index(self, key: Key) -> int:
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = len(self._keys)
            self._by_level[key[0]].append((key[1], found))
            if found >= len(self._cube):
                self._cube = np.concatenate([self._cube, np.zeros_like(self._cube)])
                self._backlog = np.concatenate([self._backlog, np.zeros_like(self._backlog)])
        return found

    def _trend(self, codes: list[tuple[str, int]], cube: np.ndarray) -> dict[str, list[float | None]]:
        """Each code's score on each of the last TREND_DAYS days, from that day's outcomes alone."""
        trend: dict[str, list[float | None]] = {code: [] for code, _ in codes}
        for offset in range(HORIZON_DAYS - TREND_DAYS, HORIZON_DAYS):
            day = _tallies(codes, cube[:, offset])
            active = {code: tally for code, tally in day.items() if tally.volume}
            scored = {row.code: row.score for row in score(active, {})} if active else {}
            for code, _ in codes:
                trend[code].append(scored.get(code))
        return trend

    def _spikes(self, codes: list[tuple[str, int]], cube: np.ndarray) -> dict[str, int]:
        today = cube[:, -1, _SELF_CLOSES]
        before = cube[:, -1 - SPIKE_BASE_DAYS:-1, _SELF_CLOSES].sum(axis=1)
        return {code: int(t) for (code, _), t, b in zip(codes, today, before) if spiking(int(t), float(b))}

    def _ranks_at_yesterday_end(self) -> dict[tuple[Level, str], dict[str, int]]:
        """Every level's ranks in every window as they stood at the end of yesterday (WIB)."""
        end = datetime.combine(self.today, time(0), WIB) - timedelta(microseconds=1)
        backlog = np.zeros_like(self._backlog)
        for stints, _ in self._held.values():
            for stint in stints:
                was = held_at(stint, end)
                if was.held:
                    backlog[[self._keys[key] for key in keys_of(stint)]] += (was.held, was.overdue)
        ranks = {}
        for level in LEVELS:
            codes = self._by_level[level]
            if not codes:
                continue
            index = np.array([i for _, i in codes])
            cube = self._cube[index]
            for window in WINDOWS:
                first = (window_days(window, end)[0] - self._first).days
                tallies = _tallies(codes, cube[:, max(first, 0):-1].sum(axis=1))
                backlogs = {code: Backlog(int(b[0]), int(b[1])) for (code, _), b in zip(codes, backlog[index])}
                ranks[(level, window)] = {row.code: row.rank for row in score(tallies, backlogs)
                                          if row.rank is not None}
        return ranks


def _tallies(codes: list[tuple[str, int]], sums: np.ndarray) -> dict[str, Tally]:
    """Codes with anything to count, as Tally objects for crm.ranking.score."""
    return {code: Tally.from_values(values) for (code, _), values in zip(codes, sums) if values.any()}


def _movement(before: int | None, now: int | None) -> int | None:
    return None if before is None or now is None else before - now
