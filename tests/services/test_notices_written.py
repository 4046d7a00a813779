"""Notices are written by the unit of work with the change that calls for them, on both databases:
a report's receipt with its intake, a step's notice with the step, and nothing when the change fails."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from app import Pantau, create_app
from crm.complaint import Status
from crm.intake import Report
from crm.lifecycle import advance
from crm.roles import Person, Role
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from followup.steps import take_step
from services.unit_of_work import change_complaint, unit_of_work
from settings import Settings
from store import api_keys, complaints, notices
from store.models import ComplaintRow, LiveEventRow, NoticeRow

MONAS = {"lon": 106.8272, "lat": -6.1754}  # roads here go to BINAMARGA-JP
SLA = SlaClock.default()
STAFF = Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA-JP")
VALIDATOR = Person("validator", Role.VALIDATOR)
PHOTOS = [base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + name + b"\xff\xd9").decode()
          for name in (b"pertama", b"kedua")]


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False),
                        public_url="https://pantau.jakarta.go.id")
    return create_app(settings, locator=locator)


@pytest.fixture
def key(pantau: Pantau) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name="gateway", scopes=["channel:sms"])


def report(pantau: Pantau, key: str, **fields) -> dict:
    body = {"channel": "sms", "external_id": "SMSC-1", "text": "Jalan berlubang dalam di depan Monas",
            "category": "jalan", "reporter_contact": "6281234567890", "reporter_name": "Sri", **MONAS} | fields
    with pantau.dash.server.test_client() as client:
        answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def of(pantau: Pantau, complaint_id: int) -> list[notices.StoredNotice]:
    with pantau.sessions() as session:
        return notices.of_complaint(session, complaint_id=complaint_id)


def count(pantau: Pantau, row) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(row))


def test_a_report_commits_with_its_receipt_and_a_retried_delivery_adds_none(pantau, key):
    created = report(pantau, key)
    [receipt] = of(pantau, created["id"])
    assert (receipt.channel, receipt.kind, receipt.recipient, receipt.state) == ("sms", "diterima", "6281234567890",
                                                                                 "pending")
    assert created["ticket"] in receipt.text and created["tracking_code"] in receipt.text
    assert f"https://pantau.jakarta.go.id/lacak?tiket={created['ticket']}&kode={created['tracking_code']}" \
        in receipt.text
    assert "Sri" not in receipt.text and receipt.secret == created["tracking_code"]  # blanked out once sent
    report(pantau, key)  # the gateway retries the same SMS
    assert len(of(pantau, created["id"])) == 1


def test_each_step_writes_its_notice_and_internal_steps_none(pantau, key):
    complaint_id = report(pantau, key)["id"]
    take_step(pantau.sessions, pantau.publisher, SLA, STAFF, complaint_id, to=Status.PROSES)
    take_step(pantau.sessions, pantau.publisher, SLA, STAFF, complaint_id, to=Status.MENUNGGU_VALIDASI,
              note="Sudah ditambal", evidence=[PHOTOS[0]])
    take_step(pantau.sessions, pantau.publisher, SLA, VALIDATOR, complaint_id, to=Status.TL_DITOLAK,
              note="Foto lama")
    take_step(pantau.sessions, pantau.publisher, SLA, STAFF, complaint_id, to=Status.PROSES)
    assert [n.kind for n in of(pantau, complaint_id)] == ["diterima", "proses"]
    take_step(pantau.sessions, pantau.publisher, SLA, STAFF, complaint_id, to=Status.MENUNGGU_VALIDASI,
              note="Ditambal ulang", evidence=[PHOTOS[1]])
    take_step(pantau.sessions, pantau.publisher, SLA, VALIDATOR, complaint_id, to=Status.SELESAI)
    assert [n.kind for n in of(pantau, complaint_id)] == ["diterima", "proses", "selesai"]
    assert len({n.key for n in of(pantau, complaint_id)}) == 3


def test_a_failing_change_writes_no_notice(pantau, key):
    complaint_id = report(pantau, key)["id"]
    events = count(pantau, LiveEventRow)

    def to_proses(complaint):
        return advance(complaint, TransitionRequest(Status.PROSES, actor="petugas",
                                                    at=complaint.received_at + timedelta(hours=1)), SLA)

    def audit_fails(_work, _before, _after):
        raise RuntimeError("the audit row could not be written")

    with pytest.raises(RuntimeError):
        change_complaint(pantau.sessions, pantau.publisher, complaint_id=complaint_id, step=to_proses,
                         record=audit_fails)
    assert [n.kind for n in of(pantau, complaint_id)] == ["diterima"]
    assert count(pantau, LiveEventRow) == events
    change_complaint(pantau.sessions, pantau.publisher, complaint_id=complaint_id, step=to_proses)
    assert [n.kind for n in of(pantau, complaint_id)] == ["diterima", "proses"]  # the same change, succeeding


def test_a_failing_intake_writes_neither_the_complaint_nor_its_receipt(pantau):
    built = pantau.intake.build(Report(channel="sms", external_id="SMSC-9", text="Lampu jalan mati",
                                       category="jalan", reporter_contact="6281234567890", **MONAS))
    with pytest.raises(RuntimeError), unit_of_work(pantau.sessions, pantau.publisher) as work:
        [(stored, _)] = complaints.add_many(work.session, complaints=[built])
        work.tell(None, stored)
        assert len(work.notices) == 1
        raise RuntimeError("the batch failed after the receipt was queued")
    assert count(pantau, NoticeRow) == count(pantau, ComplaintRow) == 0
