"""Stints are written with every insert and change, count reused photos, and can be rebuilt."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm.complaint import Status
from crm.lifecycle import advance
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from store import complaints, evidence, stints
from store.models import StintRow
from tests.store.writes import add_many, change

PHOTO = (b"\xff\xd8\xff\xe0same old photo\xff\xd9", "image/jpeg")


def moved(to: Status, at, **fields):
    if to == Status.MENUNGGU_VALIDASI:
        fields = {"note": "Sudah beres", "evidence": ("x",)} | fields
    return lambda c: advance(c, TransitionRequest(to, actor="petugas", at=at, **fields), SlaClock.default())


def rows(sessions) -> list[tuple]:
    with sessions() as session:
        return [(r.complaint_id, r.seq, r.skpd, r.end_at is None, r.validations, r.reused_photos)
                for r in session.scalars(select(StintRow).order_by(StintRow.complaint_id, StintRow.seq))]


def test_stints_follow_inserts_changes_and_hand_overs(sessions, make_complaint) -> None:
    [(stored, _)] = add_many(sessions, complaints=[make_complaint(skpd="DSDA-JP")])
    with sessions.begin() as session:
        alone = complaints.add(session, complaint=make_complaint(skpd="DLH-JP"))
    assert rows(sessions) == [(stored.id, 0, "DSDA-JP", True, 0, 0), (alone.id, 0, "DLH-JP", True, 0, 0)]
    at = stored.received_at
    change(sessions, complaint_id=stored.id,
                      step=moved(Status.KOORDINASI, at + timedelta(hours=1), to_skpd="DLH-JP", note="bukan wewenang"))
    change(sessions, complaint_id=stored.id, step=moved(Status.PROSES, at + timedelta(hours=2)))
    change(sessions, complaint_id=stored.id, step=moved(Status.MENUNGGU_VALIDASI, at + timedelta(hours=3)))
    assert rows(sessions)[:2] == [(stored.id, 0, "DSDA-JP", False, 0, 0), (stored.id, 1, "DLH-JP", True, 1, 0)]
    with sessions() as session:
        found = stints.of_complaints(session, [stored.id, alone.id, 999])
    assert [s.skpd for s in found[stored.id]] == ["DSDA-JP", "DLH-JP"] and found[999] == []


def test_a_photo_already_sent_for_another_complaint_counts_as_reused(sessions, make_complaint) -> None:
    first, second = (c for c, _ in add_many(sessions, complaints=[make_complaint(), make_complaint()]))
    for complaint in (first, second):
        at = complaint.received_at + timedelta(hours=2)
        change(sessions, complaint_id=complaint.id, step=moved(Status.PROSES, at))

        def keep_photo(session, before, after, complaint=complaint, at=at):
            evidence.add(session, complaint_id=complaint.id, photos=[PHOTO], by="petugas", at=at)
        change(sessions, complaint_id=complaint.id, step=moved(Status.MENUNGGU_VALIDASI, at),
                          on_changed=keep_photo)
    assert [(r[0], r[5]) for r in rows(sessions)] == [(first.id, 0), (second.id, 1)]


def test_rebuild_gives_what_the_writes_gave(sessions, make_complaint) -> None:
    stored = [c for c, _ in add_many(sessions, complaints=[make_complaint() for _ in range(5)])]
    change(sessions, complaint_id=stored[2].id,
                      step=moved(Status.PROSES, stored[2].received_at + timedelta(hours=1)))
    before = rows(sessions)
    with sessions.begin() as session:
        session.execute(StintRow.__table__.delete())
    with sessions.begin() as session:
        assert stints.rebuild(session) == 5
    assert rows(sessions) == before
