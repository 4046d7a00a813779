"""Stints: time charged to the unit that held the complaint, with its own deadlines and flags."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from crm.complaint import Complaint, Status
from crm.lifecycle import advance, reopen
from crm.sla import SlaClock
from crm.stints import FAST_CLOSE, stints_of
from crm.transitions import TransitionRequest
from tests.crm.test_transitions import AT, OFFICER, PHOTO, VALIDATOR, new

SLA = SlaClock.default()


def complaint(**fields) -> Complaint:
    due = SLA.deadlines(channel="sms", category="jalan", received_at=AT)
    return new(id=7, first_action_due=due.first_action, completion_due=due.completion, **fields)


def step(c: Complaint, to: Status, hours: float, actor: str = OFFICER, **fields) -> Complaint:
    if to == Status.MENUNGGU_VALIDASI:
        fields = {"note": "Sudah ditambal", "evidence": (PHOTO,)} | fields
    if to == Status.TL_DITOLAK:
        fields = {"note": "Foto lama"} | fields
    return advance(c, TransitionRequest(to, actor=actor, at=AT + timedelta(hours=hours), **fields), SLA)


def test_a_new_complaint_is_one_open_stint_of_its_first_holder() -> None:
    [stint] = stints_of(complaint())
    assert (stint.skpd, stint.start, stint.end, stint.first_action_at) == ("BINAMARGA", AT, None, None)
    assert stint.first_action_due == AT + timedelta(hours=6)
    assert (stint.kode_kota, stint.kode_kelurahan) == ("31.72", "31.72.05.1001")


def test_a_hand_over_ends_one_stint_and_starts_the_next_with_its_own_deadlines() -> None:
    c = complaint()
    c = step(c, Status.KOORDINASI, 30, to_skpd="DSDA", note="bukan wewenang")
    c = step(c, Status.PROSES, 31, actor="petugas.dsda")
    first, second = stints_of(c)
    assert (first.skpd, first.end, first.handed_over, first.first_action_at) == (
        "BINAMARGA", AT + timedelta(hours=30), True, AT + timedelta(hours=30))
    assert (second.skpd, second.start, second.end) == ("DSDA", AT + timedelta(hours=30), None)
    assert second.first_action_at == AT + timedelta(hours=31)
    assert second.first_action_due == second.start + timedelta(hours=6)
    # the late start is not charged to DSDA: its completion deadline moves by the same span
    assert second.completion_due == second.start + (c.completion_due - AT)


def test_closing_rejection_and_reopening_are_charged_to_the_closing_unit() -> None:
    c = complaint()
    c = step(c, Status.PROSES, 1)
    c = step(c, Status.MENUNGGU_VALIDASI, 20)
    c = step(c, Status.TL_DITOLAK, 21, actor=VALIDATOR)
    c = step(c, Status.PROSES, 22)
    c = step(c, Status.MENUNGGU_VALIDASI, 30)
    c = step(c, Status.SELESAI, 31, actor=VALIDATOR)
    [closed] = stints_of(c)
    assert (closed.validations, closed.rejections, closed.closures, closed.reopens) == (2, 1, 1, 0)
    assert closed.end == closed.closed_at == AT + timedelta(hours=31)
    c = reopen(c, at=AT + timedelta(hours=50), reason="masih berlubang", sla=SLA)
    [reopened] = stints_of(c)
    assert (reopened.end, reopened.closed_at, reopened.reopens, reopened.closures) == (None, None, 1, 1)
    c = step(c, Status.MENUNGGU_VALIDASI, 60)
    c = step(c, Status.SELESAI, 61, actor=VALIDATOR)
    [again] = stints_of(c)
    assert (again.closures, again.reopens, again.closed_at) == (2, 1, AT + timedelta(hours=61))


def test_breaches_are_not_actions() -> None:
    from crm.breaches import record_breaches

    c = record_breaches(complaint(), now=AT + timedelta(hours=7))
    [stint] = stints_of(c)
    assert stint.first_action_at is None


def test_gaming_facts_fast_close_and_reporter_closing() -> None:
    quick = step(step(complaint(), Status.PROSES, 0.05), Status.MENUNGGU_VALIDASI, 0.1)
    assert FAST_CLOSE > timedelta(hours=0.1)
    assert stints_of(quick)[0].fast_close
    slow = step(step(complaint(), Status.PROSES, 1), Status.MENUNGGU_VALIDASI, 5)
    assert not stints_of(slow)[0].fast_close
    own = replace(complaint(), reporter_name=f" {OFFICER.upper()} ")
    own = step(step(own, Status.PROSES, 1), Status.MENUNGGU_VALIDASI, 5)
    assert stints_of(own)[0].self_closed
    assert not stints_of(slow)[0].self_closed
