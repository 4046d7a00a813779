"""The ranking formula and its running totals: fair at small volumes, time charged to the holder,
flags beside the rank, and an incremental update that always equals a recompute."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from crm.complaint import Complaint, Status
from crm.ledger import SPIKE_FLAG, Ledger, StintTable
from crm.ranking import (
    FIELDS,
    MIN_VOLUME,
    PRIOR_WEIGHT,
    Standing,
    StintColumns,
    outcomes,
)
from crm.stints import Stint, stints_of
from tests.crm.test_stints import complaint, step

NOW = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # 12:00 WIB


def stint(skpd: str, *, hours_to_act: float | None, hours_to_close: float | None = None, start_h: float = 30,
          handed: bool = False, cid: int = 1, **facts) -> Stint:
    start = NOW - timedelta(hours=start_h)
    closed = None if hours_to_close is None else start + timedelta(hours=hours_to_close)
    return Stint(cid, 0, skpd, "31.72", "31.72.05", "31.72.05.1001", "jalan", start=start,
                 end=closed, first_action_at=None if hours_to_act is None else start + timedelta(hours=hours_to_act),
                 first_action_due=start + timedelta(hours=6), completion_due=start + timedelta(hours=24),
                 closed_at=closed, handed_over=handed, closures=int(closed is not None), **facts)


def ranked(stints: list[Stint], window: str = "7d", now: datetime = NOW) -> dict[str, Standing]:
    return {row.code: row for row in Ledger.build(StintTable.from_stints(stints), now).standings("skpd", window)}


def judged(s: Stint, now: datetime = NOW) -> list[dict[str, float]]:
    """The stint's outcomes as {field: value}, oldest first."""
    _, when, values = outcomes(StintColumns.from_stints([s]), now.timestamp())
    return [dict(zip(FIELDS, row)) for _, row in sorted(zip(when, values.tolist()))]


def test_one_fast_case_cannot_top_the_table() -> None:
    lucky = [stint("LUCKY", hours_to_act=0.5, hours_to_close=2, cid=1)]
    steady = [stint("STEADY", hours_to_act=1, hours_to_close=10, cid=i) for i in range(40)]
    steady += [stint("STEADY", hours_to_act=8, hours_to_close=30, start_h=40, cid=100 + i) for i in range(2)]
    rows = ranked(lucky + steady)
    assert rows["STEADY"].rank == 1
    assert rows["LUCKY"].rank is None and rows["LUCKY"].volume < MIN_VOLUME


def test_a_unit_with_nothing_judged_has_no_score_not_a_perfect_one() -> None:
    """A fresh install: complaints just arrived, no deadline passed, nothing acted on. The formula
    alone would score every unit the city's mean, 100; no score is shown instead ("belum dinilai")."""
    fresh = [stint("FRESH", hours_to_act=None, start_h=1, cid=1), stint("OTHER", hours_to_act=None, start_h=2, cid=2)]
    rows = ranked(fresh)
    assert {code: (row.score, row.rank, row.volume) for code, row in rows.items()} == {
        "FRESH": (None, None, 0), "OTHER": (None, None, 0)}
    acted = ranked(fresh + [stint("OTHER", hours_to_act=1, start_h=3, cid=3)])
    assert acted["FRESH"].score is None and acted["OTHER"].score is not None and acted["OTHER"].volume == 1


def test_shares_are_shrunk_toward_the_city_mean_more_at_small_volumes() -> None:
    few = [stint("FEW", hours_to_act=1, hours_to_close=5, cid=i) for i in range(3)]
    many = [stint("MANY", hours_to_act=1, hours_to_close=5, cid=10 + i) for i in range(300)]
    poor = [stint("POOR", hours_to_act=10, hours_to_close=30, start_h=40, cid=1000 + i) for i in range(100)]
    rows = ranked(few + many + poor)
    city = 303 / 403
    few_share = rows["FEW"].components["respons_tepat_waktu"]
    assert few_share.rate == 1.0
    assert few_share.shrunk == pytest.approx((3 + PRIOR_WEIGHT * city) / (3 + PRIOR_WEIGHT))
    assert rows["MANY"].components["respons_tepat_waktu"].shrunk > few_share.shrunk
    assert sorted((r.rank, r.code) for r in rows.values() if r.rank) == [(1, "MANY"), (2, "POOR")]


def test_a_unit_that_never_acts_is_late_not_absent() -> None:
    idle = stint("IDLE", hours_to_act=None, start_h=30)
    response, completion = judged(idle)
    assert (response["responses"], response["responses_on_time"]) == (1, 0)
    assert (completion["completions"], completion["completions_on_time"]) == (1, 0)  # its 24 h deadline passed
    assert judged(stint("NEW", hours_to_act=None, start_h=1)) == []


def test_time_is_charged_to_the_unit_that_held_it() -> None:
    c = complaint()
    c = step(c, Status.KOORDINASI, 72, to_skpd="DSDA", note="bukan wewenang")  # three days at Bina Marga
    c = step(c, Status.PROSES, 73, actor="petugas.dsda")
    c = step(c, Status.MENUNGGU_VALIDASI, 80, actor="petugas.dsda", note="Saluran dibersihkan", evidence=("eA==",))
    c = step(c, Status.SELESAI, 81, actor="validator")
    now = c.received_at + timedelta(days=5)
    first, second = stints_of(c)
    [late] = judged(first, now)
    assert (late["responses"], late["responses_on_time"], late["completions"]) == (1, 0, 0)
    response, completion = judged(second, now)
    assert (response["responses_on_time"], completion["completions_on_time"]) == (1, 1)


def test_flags_stand_beside_the_rank_and_never_move_it() -> None:
    plain = [stint(code, hours_to_act=h, hours_to_close=h * 3, cid=i * 100 + n)
             for i, (code, h) in enumerate([("A", 1), ("B", 4), ("C", 9)]) for n in range(10)]
    gamed = [replace(s, fast_close=True, self_closed=True, reused_photos=1) if s.skpd == "B" else s for s in plain]
    before = [(r.code, r.rank, r.score) for r in ranked(plain).values()]
    after = ranked(gamed)
    assert [(r.code, r.rank, r.score) for r in after.values()] == before
    flags = {r.code: r.flags for r in after.values()}
    assert flags["B"] == {"pelapor_menutup_sendiri": 10, "penutupan_terlalu_cepat": 10, "foto_bukti_dipakai_ulang": 10}
    assert flags["A"] == {}


def random_history(rng: random.Random, cid: int, hours_ago: float) -> Complaint:
    start = NOW - timedelta(hours=hours_ago)
    c = replace(complaint(), id=cid, received_at=start, history=[replace(complaint().history[0], at=start)],
                first_action_due=start + timedelta(hours=6), completion_due=start + timedelta(days=7))
    at = hours_ago - rng.uniform(0.1, 12)
    path = rng.choice([[], [Status.PROSES], [Status.PROSES, Status.MENUNGGU_VALIDASI],
                       [Status.PROSES, Status.MENUNGGU_VALIDASI, Status.SELESAI],
                       [Status.KOORDINASI, Status.PROSES, Status.MENUNGGU_VALIDASI, Status.TL_DITOLAK]])
    for to in path:
        if at <= 0:
            break
        extra = {"to_skpd": "DSDA", "note": "bukan wewenang"} if to == Status.KOORDINASI else {}
        c = _step_at(c, to, NOW - timedelta(hours=at), **extra)
        at -= rng.uniform(0.1, 30)
    return c


def _step_at(c: Complaint, to: Status, at: datetime, **extra) -> Complaint:
    from crm.lifecycle import advance
    from crm.sla import SlaClock
    from crm.transitions import TransitionRequest

    fields = {Status.MENUNGGU_VALIDASI: {"note": "beres", "evidence": ("eA==",)}, Status.TL_DITOLAK: {"note": "foto lama"}}
    return advance(c, TransitionRequest(to, actor="petugas", at=at, **(fields.get(to, {}) | extra)),
                   SlaClock.default())


def test_incremental_updates_equal_a_recompute() -> None:
    rng = random.Random(7)
    states = {cid: random_history(rng, cid, rng.uniform(1, 24 * 100)) for cid in range(1, 400)}
    ledger = Ledger.build(StintTable.from_stints([s for c in states.values() for s in stints_of(c)]), NOW)
    for _ in range(300):  # complaints change, arrive and move on, one event at a time
        cid = rng.randrange(1, 460)
        states[cid] = random_history(rng, cid, rng.uniform(1, 24 * 100))
        ledger.replace(cid, stints_of(states[cid]))
    fresh = Ledger.build(StintTable.from_stints([s for c in states.values() for s in stints_of(c)]), NOW)
    for level in ("skpd", "kota", "kelurahan"):
        for window in ("today", "7d", "quarter"):
            got = [(r.code, r.rank, r.score, r.volume, r.backlog, r.overdue) for r in ledger.standings(level, window)]
            want = [(r.code, r.rank, r.score, r.volume, r.backlog, r.overdue) for r in fresh.standings(level, window)]
            assert got == want and got


def test_arrows_show_places_gained_since_yesterday() -> None:
    # Yesterday A was better; today B closes a run of cases on time and A lets its own slip.
    old = [stint("A", hours_to_act=1, hours_to_close=5, start_h=40, cid=i) for i in range(10)]
    old += [stint("B", hours_to_act=9, hours_to_close=40, start_h=60, cid=100 + i) for i in range(10)]
    new = [stint("B", hours_to_act=1, hours_to_close=3, start_h=5, cid=200 + i) for i in range(30)]
    new += [stint("A", hours_to_act=None, start_h=8, cid=300 + i) for i in range(30)]
    rows = ranked(old + new)
    assert (rows["B"].rank, rows["B"].movement) == (1, 1)
    assert (rows["A"].rank, rows["A"].movement) == (2, -1)
    assert len(rows["A"].trend) == 14 and rows["A"].trend[-1] is not None


def test_a_spike_of_self_closed_reports_today_is_flagged() -> None:
    quiet = [stint("S", hours_to_act=1, hours_to_close=2, start_h=24 * d + 30, cid=d) for d in range(1, 20)]
    burst = [stint("S", hours_to_act=0.1, hours_to_close=0.2, start_h=1, cid=100 + i, self_closed=True)
             for i in range(5)]
    assert ranked(quiet + burst, "today")["S"].flags[SPIKE_FLAG] == 5
    assert SPIKE_FLAG not in ranked(quiet, "30d")["S"].flags
