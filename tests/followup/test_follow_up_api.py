"""The follow-up API through Flask's test client, on SQLite and PostGIS: the whole status chain,
who may do what (403), what the chain forbids (409), bad fields (422), evidence, audit, live
events, and public tracking with reopening."""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.complaint import WIB, utc_now
from store.models import AuditRow, ComplaintEventRow, EvidenceRow, LiveEventRow
from tests.followup.helpers import CONTACT, NAME, PHOTO, count, step


def test_the_whole_chain_with_evidence_audit_and_live_events(pantau, client, tokens, report):
    screen = pantau.socketio.test_client(pantau.dash.server)
    complaint = report()
    assert complaint["skpd"] == "BINAMARGA-JP" and complaint["completion_due"]
    ews = (utc_now().astimezone(WIB) + timedelta(days=20)).date()
    taken = step(client, tokens["staf"], complaint["id"], to="Proses", note="Tim menuju lokasi")
    assert taken.status_code == 200 and taken.get_json()["status"] == "Proses"
    later = step(client, tokens["staf"], complaint["id"], to="Estimasi Waktu Selesai", note="Perlu aspal ulang",
                 ews=ews.isoformat())
    assert later.status_code == 200
    assert datetime.fromisoformat(later.get_json()["completion_due"]).astimezone(WIB).date() == ews
    done = step(client, tokens["kadis"], complaint["id"], to="Menunggu Validasi", note="Sudah ditambal",
                evidence=[PHOTO])
    assert done.status_code == 200
    closed = step(client, tokens["validator"], complaint["id"], to="Selesai", note="Foto sesuai")
    body = closed.get_json()
    assert closed.status_code == 200 and body["status"] == "Selesai" and body["closed_at"]
    assert [e["status"] for e in body["history"]] == [
        "Menunggu", "Proses", "Estimasi Waktu Selesai", "Menunggu Validasi", "Selesai"]
    assert [e["actor"] for e in body["history"]] == [  # units and roles, never names (crm/public_view.py)
        "Sistem", "Petugas BINAMARGA-JP", "Petugas BINAMARGA-JP", "Kepala BINAMARGA", "Validator CRM"]
    with pantau.sessions() as session:
        stored = session.scalars(select(EvidenceRow)).all()
        assert [e.sha256 for e in stored] == [hashlib.sha256(base64.b64decode(PHOTO)).hexdigest()]
        assert session.scalar(select(func.count()).select_from(AuditRow)
                              .where(AuditRow.action == "complaint.transition")) == 4
    changes = [e["args"][0] for e in screen.get_received() if e["name"] == "status_changed"]
    assert [c["status"] for c in changes] == ["Proses", "Estimasi Waktu Selesai", "Menunggu Validasi", "Selesai"]
    assert CONTACT not in repr(changes) and NAME not in repr(changes)


def test_without_a_token_401_and_for_no_complaint_404(client, tokens):
    assert step(client, None, 1, to="Proses").status_code == 401
    assert step(client, "pantau_u_not-a-token", 1, to="Proses").status_code == 401
    assert step(client, tokens["gubernur"], 10**9, to="Proses").status_code == 404


# Who may take a fresh complaint (held by BINAMARGA-JP, in Kelurahan Gambir) to Proses, and who
# may accept its follow-up (Menunggu Validasi -> Selesai). Written out by hand: the rule in
# crm/roles.py must agree with this table, not the other way round.
TAKE = {"gubernur": 200, "kadis": 200, "staf": 200, "operator": 403, "validator": 403, "staf_lain": 403,
        "walkot": 403, "camat": 403, "lurah": 403}
ACCEPT = {"gubernur": 200, "validator": 200, "kadis": 403, "staf": 403, "operator": 403, "staf_lain": 403,
          "walkot": 403, "camat": 403, "lurah": 403}


@pytest.mark.parametrize("person", sorted(TAKE))
def test_who_may_take_a_complaint(pantau, client, tokens, report, person):
    complaint = report()
    answer = step(client, tokens[person], complaint["id"], to="Proses", note="diambil")
    assert answer.status_code == TAKE[person], answer.get_json()
    if answer.status_code == 403:
        assert person in answer.get_json()["error"]
        with pantau.sessions() as session:
            assert session.scalar(select(func.count()).select_from(ComplaintEventRow)
                                  .where(ComplaintEventRow.complaint_id == complaint["id"])) == 1


@pytest.mark.parametrize("person", sorted(ACCEPT))
def test_who_may_accept_a_follow_up(client, tokens, report, person):
    complaint = report()
    step(client, tokens["staf"], complaint["id"], to="Proses")
    step(client, tokens["staf"], complaint["id"], to="Menunggu Validasi", note="selesai", evidence=[PHOTO])
    assert step(client, tokens[person], complaint["id"], to="Selesai").status_code == ACCEPT[person]


def test_a_step_the_chain_forbids_is_409_and_changes_nothing(pantau, client, tokens, report):
    complaint = report()
    events, live = count(pantau, ComplaintEventRow), count(pantau, LiveEventRow)
    refused = step(client, tokens["gubernur"], complaint["id"], to="Selesai")
    assert refused.status_code == 409 and "Menunggu" in refused.get_json()["error"]
    assert (count(pantau, ComplaintEventRow), count(pantau, LiveEventRow), count(pantau, AuditRow)) == (
        events, live, 0)
    assert client.get(f"/api/v1/complaints/{complaint['id']}").get_json()["status"] == "Menunggu"


@pytest.mark.parametrize(("body", "field"), [
    ({"to": "Beres"}, "to"),
    ({"to": "Menunggu Validasi", "note": "selesai"}, "evidence"),
    ({"to": "Menunggu Validasi", "note": "selesai", "evidence": ["bukan-foto"]}, "evidence[0]"),
    ({"to": "Estimasi Waktu Selesai", "ews": "besok"}, "ews"),
])
def test_a_bad_field_is_422_naming_it(client, tokens, report, body, field):
    complaint = report()
    if body["to"] != "Beres":
        step(client, tokens["staf"], complaint["id"], to="Proses")
    answer = step(client, tokens["staf"], complaint["id"], **body)
    assert answer.status_code == 422 and answer.get_json()["field"] == field, answer.get_json()


def test_coordination_passes_the_complaint_to_another_unit(client, tokens, report):
    complaint = report()
    passed = step(client, tokens["staf"], complaint["id"], to="Koordinasi", note="bukan wewenang: saluran",
                  to_skpd="DSDA-JP")
    assert passed.status_code == 200 and passed.get_json()["skpd"] == "DSDA-JP"
    assert step(client, tokens["staf"], complaint["id"], to="Proses").status_code == 403  # no longer theirs


def closed(client, tokens, report) -> dict:
    complaint = report()
    for body, who in (({"to": "Proses"}, "staf"), ({"to": "Menunggu Validasi", "note": "Lubang ditambal",
                                                    "evidence": [PHOTO]}, "staf"), ({"to": "Selesai"}, "validator")):
        assert step(client, tokens[who], complaint["id"], **body).status_code == 200
    return complaint


def test_only_the_reporters_code_reopens_and_guessing_is_throttled(pantau, client, tokens, report):
    complaint = closed(client, tokens, report)
    reopen = f"/api/v1/track/{complaint['ticket']}/reopen"
    assert "tracking_code" not in client.get(f"/api/v1/complaints/{complaint['id']}").get_json()
    for guess in ("", "ABCDEFGHJK", "0000000000", "ZZZZZZZZZZ"):  # the public ticket alone is not enough
        refused = client.post(reopen, json={"reason": "Lubang muncul lagi", "code": guess})
        assert refused.status_code == 403 and refused.get_json()["field"] == "code"
    assert client.get(f"/api/v1/track/{complaint['ticket']}").get_json()["status"] == "Selesai"
    assert client.post(reopen, json={"reason": "Lubang muncul lagi", "code": "GUESS00005"}).status_code == 403
    throttled = client.post(reopen, json={"reason": "Lubang muncul lagi", "code": complaint["tracking_code"]})
    assert throttled.status_code == 429 and 1 <= int(throttled.headers["Retry-After"]) <= 3600
    assert client.get(f"/api/v1/track/{complaint['ticket']}").get_json()["reopened"] == 0
    with pantau.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow)
                              .where(AuditRow.action == "complaint.reopen")) == 0


def test_skpd_list_is_public(client):
    listed = {s["code"]: s for s in client.get("/api/v1/skpd").get_json()["skpd"]}
    assert listed["BINAMARGA-JP"]["parent"] == "BINAMARGA" and listed["BINAMARGA-JP"]["kode_kota"] == "31.71"


def test_tracking_shows_status_and_history_without_people_and_reopens(pantau, client, tokens, report):
    complaint = report()
    for body, who in (({"to": "Proses"}, "staf"), ({"to": "Menunggu Validasi", "note": "Lubang ditambal",
                                                    "evidence": [PHOTO]}, "staf"), ({"to": "Selesai"}, "validator")):
        assert step(client, tokens[who], complaint["id"], **body).status_code == 200
    tracked = client.get(f"/api/v1/track/{complaint['ticket'].lower()}")
    assert tracked.status_code == 200
    shown = tracked.get_json()
    assert shown["status"] == "Selesai" and [h["status"] for h in shown["history"]][-1] == "Selesai"
    text = tracked.get_data(as_text=True)
    for private in (CONTACT, NAME, "staf", "validator", "reporter"):
        assert private not in text
    assert complaint["tracking_code"] not in text
    code = complaint["tracking_code"]
    assert client.post(f"/api/v1/track/{complaint['ticket']}/reopen", json={"code": code}).status_code == 422
    reopened = client.post(f"/api/v1/track/{complaint['ticket']}/reopen",
                           json={"reason": "Lubang muncul lagi", "code": code.lower()})  # as typed on a phone
    assert reopened.status_code == 200
    assert (reopened.get_json()["status"], reopened.get_json()["reopened"]) == ("Proses", 1)
    assert client.post(f"/api/v1/track/{complaint['ticket']}/reopen",
                       json={"reason": "lagi", "code": code}).status_code == 409
    assert client.get("/api/v1/track/JKT-000000-XXXXX").status_code == 404
