"""The live ranking board on a real store: it follows changes, and a rebuild loses none of them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from crm.complaint import Status, utc_now
from crm.events import Event
from crm.lifecycle import advance
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from live import ranking as board_module
from live.ranking import RankingBoard
from tests.store.writes import add_many, change


def to_proses(sessions, complaint_id: int) -> None:
    step = lambda c: advance(c, TransitionRequest(Status.PROSES, actor="petugas", at=utc_now()), SlaClock.default())  # noqa: E731
    change(sessions, complaint_id=complaint_id, step=step)


def volume(board: RankingBoard, unit: str) -> int:
    return {row.code: row.volume for row in board.standings("skpd", "today")}[unit]


@pytest.fixture
def stored(sessions, make_complaint) -> list[int]:
    fresh = [make_complaint(received_at=utc_now() - timedelta(minutes=5), skpd="DSDA-JP") for _ in range(3)]
    return [c.id for c, _ in add_many(sessions, complaints=fresh)]


def test_the_board_follows_noticed_changes(sessions, stored) -> None:
    board = RankingBoard(sessions)
    assert volume(board, "DSDA-JP") == 0
    to_proses(sessions, stored[0])
    board.notice([Event("status_changed", {"id": stored[0]}, id=1)])
    assert volume(board, "DSDA-JP") == 1
    board.notice([Event("complaint_routed", {"id": None}, id=2), Event("surge_detected", {"id": 9}, id=3)])
    assert board.apply_pending() == 0  # nothing about a stored complaint


def test_a_change_applied_while_a_rebuild_reads_the_store_is_not_lost(sessions, stored, monkeypatch) -> None:
    """The rebuild reads the store before a change commits; the change is applied meanwhile to the
    ledger being replaced. The seam wraps the real read to put the change exactly in between."""
    board = RankingBoard(sessions)
    board.rebuild()
    read = board_module.stints.table_since

    def read_then_change(session, since):
        table = read(session, since)
        to_proses(sessions, stored[1])
        board.notice([Event("status_changed", {"id": stored[1]}, id=1)])
        board.apply_pending()  # the board's own task, between the read and the swap
        return table

    monkeypatch.setattr(board_module.stints, "table_since", read_then_change)
    board.rebuild()
    monkeypatch.undo()
    assert volume(board, "DSDA-JP") == 1
