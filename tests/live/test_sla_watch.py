"""The SLA watch on SQLite and PostGIS, with the clock in the test's hands: each passed deadline is
recorded in the history, audited and announced live as `sla_breached` once; a first action or
Selesai stops it."""
from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import Engine, select

from app import Pantau, create_app
from crm.breaches import COMPLETION, FIRST_ACTION, new_breaches, record_breaches
from crm.complaint import SYSTEM_ACTOR, Complaint, Status, utc_now
from crm.intake import Report
from live.sla_watch import AUDIT_ACTION, watch_once
from settings import Settings
from store import complaints, users
from store.models import AuditRow

MONAS = {"lon": 106.8272, "lat": -6.1754}  # Gambir, Jakarta Pusat: roads go to BINAMARGA-JP
CONTACT = "+62 812-0000-2222"
PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01evidence\xff\xd9").decode()


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


@pytest.fixture
def report(pantau: Pantau) -> Callable[[datetime], Complaint]:
    """Store a road complaint at Monas through the intake, received at the given time."""
    serial = itertools.count(1)

    def post(reported_at: datetime) -> Complaint:
        complaint, created = pantau.intake(Report(
            channel="qlue", external_id=f"Q-{next(serial)}", text="Jalan berlubang dalam", category="jalan",
            reported_at=reported_at, reporter_contact=CONTACT, **MONAS))
        assert created
        return complaint
    return post


@pytest.fixture
def governor(pantau: Pantau) -> Callable[..., Any]:
    """Take a complaint one step along the chain through the API, as the governor."""
    with pantau.sessions.begin() as session:
        users.create(session, name="gubernur", role="governor", skpd=None, area=None, password="kata-sandi-panjang")
        token = users.issue_token(session, name="gubernur")

    def step(complaint_id: int, **body: Any) -> dict[str, Any]:
        with pantau.dash.server.test_client() as http:
            answer = http.post(f"/api/v1/complaints/{complaint_id}/transitions", json=body,
                               headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()
    return step


def screen(pantau: Pantau, *rooms: str) -> SocketIOTestClient:
    client = pantau.socketio.test_client(pantau.dash.server)
    if rooms:
        client.emit("subscribe", {"rooms": list(rooms)}, callback=True)
    return client


def breaches_received(client: SocketIOTestClient) -> list[dict[str, Any]]:
    return [event["args"][0] for event in client.get_received() if event["name"] == "sla_breached"]


def stored(pantau: Pantau, complaint_id: int | None) -> Complaint:
    assert complaint_id is not None
    with pantau.sessions() as session:
        found = complaints.get(session, complaint_id=complaint_id)
    assert found is not None
    return found


def audits(pantau: Pantau) -> list[AuditRow]:
    with pantau.sessions() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == AUDIT_ACTION).order_by(AuditRow.id)))


def test_each_deadline_is_announced_once_when_it_passes(pantau, report):
    complaint = report(utc_now() - timedelta(days=30))
    assert complaint.first_action_due and complaint.completion_due
    city, unit, other_kota = screen(pantau), screen(pantau, "skpd:BINAMARGA-JP"), screen(pantau, "kota:31.72")

    assert watch_once(pantau.sessions, pantau.publisher, complaint.first_action_due - timedelta(minutes=1)) == 0
    late = complaint.first_action_due + timedelta(minutes=1)
    assert watch_once(pantau.sessions, pantau.publisher, late) == 1
    assert watch_once(pantau.sessions, pantau.publisher, late) == 0
    assert watch_once(pantau.sessions, pantau.publisher, late + timedelta(hours=1)) == 0
    overdue = complaint.completion_due + timedelta(minutes=1)
    assert watch_once(pantau.sessions, pantau.publisher, overdue) == 1
    assert watch_once(pantau.sessions, pantau.publisher, overdue + timedelta(days=3)) == 0

    history = stored(pantau, complaint.id).history
    assert [e.kind for e in history] == ["diterima", "sla_terlambat:tindakan_pertama", "sla_terlambat:penyelesaian"]
    first, completion = history[1:]
    assert (first.at, first.actor, first.status) == (late, SYSTEM_ACTOR, Status.MENUNGGU)
    assert first.note.startswith("Batas tindakan pertama terlewati (")
    assert completion.note.startswith("Batas penyelesaian terlewati (")
    assert all(e.note.endswith("; dieskalasi ke kepala BINAMARGA-JP dan pusat komando") for e in history[1:])

    announced = breaches_received(city)
    assert [(e["id"], e["breach"]) for e in announced] == [(complaint.id, FIRST_ACTION), (complaint.id, COMPLETION)]
    assert announced[0]["event_id"] < announced[1]["event_id"]
    assert announced[1]["history"][-1]["kind"] == "sla_terlambat:penyelesaian"
    # the breach is how a screen learns the complaint turned overdue: the flag is of the watch's moment
    assert [e["overdue"] for e in announced] == [False, True]
    assert CONTACT not in repr(announced)
    assert [e["breach"] for e in breaches_received(unit)] == [FIRST_ACTION, COMPLETION]
    assert breaches_received(other_kota) == []

    rows = audits(pantau)
    assert [(r.actor, r.target, r.at, r.detail["breach"]) for r in rows] == [
        ("sistem", str(complaint.id), late, FIRST_ACTION), ("sistem", str(complaint.id), overdue, COMPLETION)]


def test_both_deadlines_passed_at_once_are_two_announcements(pantau, report):
    complaint = report(utc_now() - timedelta(days=30))
    city = screen(pantau)
    assert watch_once(pantau.sessions, pantau.publisher, utc_now()) == 2
    assert [e["breach"] for e in breaches_received(city)] == [FIRST_ACTION, COMPLETION]
    assert len(audits(pantau)) == 2
    assert watch_once(pantau.sessions, pantau.publisher, utc_now()) == 0
    assert stored(pantau, complaint.id).status == Status.MENUNGGU


def test_a_complaint_acted_on_is_not_flagged_for_first_action(pantau, report, governor):
    taken, waiting = report(utc_now() - timedelta(hours=7)), report(utc_now() - timedelta(hours=7))
    governor(taken.id, to="Proses", note="Tim menuju lokasi")
    city = screen(pantau)
    with pantau.sessions() as session:
        assert complaints.overdue_candidates(session, now=utc_now()) == [waiting.id]
    assert watch_once(pantau.sessions, pantau.publisher, utc_now()) == 1
    assert [(e["id"], e["breach"]) for e in breaches_received(city)] == [(waiting.id, FIRST_ACTION)]
    assert not any(e.kind.startswith("sla_terlambat") for e in stored(pantau, taken.id).history)


def test_a_selesai_complaint_is_never_flagged(pantau, report, governor):
    done = report(utc_now() - timedelta(days=30))
    governor(done.id, to="Proses", note="Tim menuju lokasi")
    governor(done.id, to="Menunggu Validasi", note="Sudah ditambal", evidence=[PHOTO])
    assert governor(done.id, to="Selesai", note="Foto sesuai")["status"] == "Selesai"
    city = screen(pantau)
    later = utc_now() + timedelta(days=60)
    with pantau.sessions() as session:
        assert complaints.overdue_candidates(session, now=later) == []
    assert watch_once(pantau.sessions, pantau.publisher, later) == 0
    assert breaches_received(city) == [] and audits(pantau) == []


def test_a_deadline_moved_later_can_be_breached_once_more(report):
    complaint = report(utc_now() - timedelta(days=30))
    assert complaint.completion_due is not None
    recorded = record_breaches(complaint, utc_now())
    assert new_breaches(recorded, utc_now()) == []
    moved = replace(recorded, completion_due=utc_now() + timedelta(days=7))  # a reopening's fresh deadline
    assert new_breaches(moved, utc_now()) == []
    assert new_breaches(moved, utc_now() + timedelta(days=8)) == [(COMPLETION, moved.completion_due)]
