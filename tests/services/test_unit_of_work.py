"""One unit of work on both databases: the change, its audit row, its stints and its events commit
together or not at all, and the events reach screens and listeners only after the commit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from crm.complaint import Status
from crm.events import Event, complaint_routed, status_changed
from crm.lifecycle import advance
from crm.sla import SlaClock
from crm.transitions import TransitionError, TransitionRequest
from live.handlers import register_handlers
from live.publish import Publisher, make_socketio
from services.unit_of_work import change_complaint, unit_of_work
from store import complaints, live_events
from store.models import AuditRow, ComplaintRow, LiveEventRow, StintRow
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)


@pytest.fixture
def live(sessions):  # noqa: F811
    """A publisher on a real Socket.IO server, a screen connected to it, and what its listener heard."""
    server = Flask(__name__)
    socketio = make_socketio(server, channel="test")
    publisher = Publisher(socketio, sessions)
    register_handlers(socketio, publisher)  # a screen joins the city room
    heard: list[list[Event]] = []
    publisher.listen(heard.append)
    return publisher, socketio.test_client(server), heard


def count(sessions, row) -> int:  # noqa: F811
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(row))


def stored(sessions, publisher, complaint):  # noqa: F811
    with unit_of_work(sessions, publisher) as work:
        [(saved, _)] = complaints.add_many(work.session, complaints=[complaint])
    return saved


def to_proses(complaint):
    return advance(complaint, TransitionRequest(Status.PROSES, actor="petugas", at=complaint.received_at
                                                + timedelta(hours=1)), SlaClock.default())


def test_events_are_logged_then_emitted_with_their_ids_in_order(sessions, live, make_complaint):  # noqa: F811
    publisher, screen, heard = live
    with unit_of_work(sessions, publisher) as work:
        saved = complaints.add_many(work.session, complaints=[make_complaint(), make_complaint()])
        work.announce(*(complaint_routed(c) for c, _ in saved))
        assert screen.get_received() == []  # nothing leaves before the commit
    with sessions() as session:
        logged = live_events.since(session, after_id=0, rooms=["city"])
    assert [e.id for e in work.published] == [e.id for e in logged] == sorted(e.id for e in logged)
    received = screen.get_received()
    assert [(e["name"], e["args"][0]["event_id"], e["args"][0]["id"]) for e in received] == [
        ("complaint_routed", event.id, complaint.id) for event, (complaint, _) in zip(logged, saved)]
    assert heard == [work.published] and {e.complaint_id for e in heard[0]} == {c.id for c, _ in saved}


def test_an_error_inside_leaves_nothing_written_and_nothing_emitted(sessions, live, make_complaint):  # noqa: F811
    publisher, screen, heard = live
    with pytest.raises(RuntimeError), unit_of_work(sessions, publisher) as work:
        saved = complaints.add_many(work.session, complaints=[make_complaint()])
        work.announce(complaint_routed(saved[0][0]))
        work.audit(actor="budi", action="complaint.test", target="1", at=saved[0][0].received_at, detail={})
        raise RuntimeError("the event log is full")
    assert [count(sessions, row) for row in (ComplaintRow, LiveEventRow, AuditRow, StintRow)] == [0, 0, 0, 0]
    assert screen.get_received() == [] and heard == [] and work.published == []


def test_a_change_commits_with_its_audit_stints_and_event(sessions, live, make_complaint):  # noqa: F811
    publisher, screen, heard = live
    complaint = stored(sessions, publisher, make_complaint(skpd="DSDA-JP"))
    stints_before = count(sessions, StintRow)

    def record(work, before, after):
        work.audit(actor="petugas", action="complaint.transition", target=str(after.id), at=after.history[-1].at,
                   detail={"from": str(before.status), "to": str(after.status)})
        work.announce(status_changed(after))

    after = change_complaint(sessions, publisher, complaint_id=complaint.id, step=to_proses, record=record)
    assert after is not None and after.status == Status.PROSES
    with sessions() as session:
        assert complaints.get(session, complaint_id=complaint.id).status == Status.PROSES
        assert session.scalar(select(AuditRow.detail)) == {"from": "Menunggu", "to": "Proses"}
        [event] = live_events.since(session, after_id=0, rooms=[f"skpd:{complaint.skpd}"])
    assert (event.name, event.payload["status"]) == ("status_changed", "Proses")
    assert count(sessions, StintRow) == stints_before  # replaced, with the first action now recorded
    [received] = screen.get_received()
    assert (received["name"], received["args"][0]["event_id"]) == ("status_changed", event.id)


def test_a_step_that_raises_changes_nothing(sessions, live, make_complaint):  # noqa: F811
    publisher, screen, heard = live
    complaint = stored(sessions, publisher, make_complaint(status=Status.SELESAI))

    def record(work, before, after):
        work.announce(status_changed(after))

    with pytest.raises(TransitionError):
        change_complaint(sessions, publisher, complaint_id=complaint.id, step=to_proses, record=record)
    with sessions() as session:
        assert complaints.get(session, complaint_id=complaint.id).status == Status.SELESAI
    assert count(sessions, LiveEventRow) == 0 and screen.get_received() == []


def test_no_such_complaint_is_none_and_announces_nothing(sessions, live):  # noqa: F811
    publisher, screen, heard = live
    assert change_complaint(sessions, publisher, complaint_id=404, step=to_proses) is None
    assert count(sessions, LiveEventRow) == 0 and screen.get_received() == [] and heard == [[]]
