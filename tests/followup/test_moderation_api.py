"""Moderation through `POST /api/v1/complaints/<id>/moderation`, on SQLite and PostGIS: who may
(403), what is refused (401, 404, 422, 409) with nothing written, the audit row and the live event,
and every public door afterwards: the API's list and detail, Open311 (JSON and XML, list and by
id), the exports, the command centre's snapshot and the `public_complaints` view leave a hidden
complaint out and show an edited text, masked; tracking still shows its status; a moderator still
sees it, marked; the citizen's own text stays in `complaints.text`."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlalchemy import select, text

from app import Pantau
from crm.complaint import utc_now
from crm.personal_data import PHONE_PLACEHOLDER
from crm.roles import Person, Role
from dashboard.snapshot import read_snapshot
from store import api_keys
from store.models import AuditRow, ComplaintRow, LiveEventRow
from tests.followup.helpers import MONAS, PEOPLE, audited, count, sign_in

SAID = "Jalan berlubang di depan rumah Pak Budi Santoso RT 03, telepon 0812-3456-7890"
EDITED = "Jalan berlubang di depan rumah warga RT 03; info operator 0813-9999-8888"
MODERATE = {"gubernur": 200, "operator": 200, "validator": 403, "kadis": 403, "staf": 403, "staf_lain": 403,
            "walkot": 403, "camat": 403, "lurah": 403}  # by hand from crm/roles.py's docstring


@pytest.fixture
def key(pantau: Pantau) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name="portal", scopes=["channel:qlue", "exports"])


@pytest.fixture
def said(client, key: str) -> dict[str, Any]:
    """A road complaint at Monas whose text names the reporter and their number."""
    body = {"channel": "qlue", "external_id": "Q-moderasi", "text": SAID, "category": "jalan", **MONAS}
    answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201
    return answer.get_json()


def moderate(client, token: str | None, complaint_id: int, **body: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/complaints/{complaint_id}/moderation", json=body, headers=headers)


def writes(pantau: Pantau) -> tuple[int, int]:
    return count(pantau, AuditRow), count(pantau, LiveEventRow)


@pytest.mark.parametrize("person", sorted(MODERATE))
def test_who_may_moderate(pantau, client, tokens, said, person):
    before = writes(pantau)
    answer = moderate(client, tokens[person], said["id"], action="hide", reason="Menyebut nama warga")
    assert answer.status_code == MODERATE[person], answer.get_json()
    if answer.status_code == 403:
        assert person in answer.get_json()["error"] and writes(pantau) == before
        assert client.get(f"/api/v1/complaints/{said['id']}").status_code == 200
    else:
        assert answer.get_json()["hidden"] is True and writes(pantau) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"action": "hide"}, 422, "reason"),
    ({"action": "hide", "reason": ""}, 422, "reason"),
    ({"action": "hide", "reason": "nama\x00warga"}, 422, "reason"),
    ({"action": "hapus", "reason": "x"}, 422, "action"),
    ({"action": "edit", "reason": "rapikan"}, 422, "text"),
    ({"action": "edit", "reason": "rapikan", "text": "jalan\x07rusak"}, 422, "text"),
    ({"action": "unhide", "reason": "sudah diperiksa"}, 409, None),
    ({"action": "edit", "reason": "sama saja", "text": SAID}, 409, None),
])
def test_bad_or_pointless_moderations_are_refused_and_write_nothing(pantau, client, tokens, said, body, status,
                                                                      field):
    before = writes(pantau)
    answer = moderate(client, tokens["operator"], said["id"], **body)
    assert answer.status_code == status and answer.get_json().get("field") == field, answer.get_json()
    assert writes(pantau) == before
    assert client.get(f"/api/v1/complaints/{said['id']}").get_json()["text"] == said["text"]


def test_no_person_401_no_json_400_no_complaint_404(pantau, client, tokens, said):
    assert moderate(client, None, said["id"], action="hide", reason="x").status_code == 401
    assert moderate(client, "pantau_u_bukan-token", said["id"], action="hide", reason="x").status_code == 401
    not_json = client.post(f"/api/v1/complaints/{said['id']}/moderation", data="action=hide&reason=x",
                           content_type="application/x-www-form-urlencoded",
                           headers={"Authorization": f"Bearer {tokens['operator']}"})
    assert not_json.status_code == 400
    assert moderate(client, tokens["operator"], 10**9, action="hide", reason="x").status_code == 404


def test_hiding_twice_is_a_conflict(client, tokens, said):
    assert moderate(client, tokens["operator"], said["id"], action="hide", reason="spam").status_code == 200
    again = moderate(client, tokens["gubernur"], said["id"], action="hide", reason="spam")
    assert again.status_code == 409 and "sudah disembunyikan" in again.get_json()["error"]


def test_a_signed_in_operator_moderates_with_the_session(pantau, client, tokens, said):
    assert sign_in(client, "operator").status_code == 302
    answer = client.post(f"/api/v1/complaints/{said['id']}/moderation", json={"action": "hide", "reason": "spam"})
    assert answer.status_code == 200 and answer.get_json()["hidden"] is True
    assert [row.actor for row in audited(pantau, "complaint.moderate")] == ["operator"]


def public_doors(client, key: str, complaint_id: int) -> dict[str, Any]:
    """What every public door says of one complaint: its text, or None where it is left out."""
    def listed(items: list[dict[str, Any]], id_field: str, text_field: str) -> str | None:
        return next((str(item[text_field]) for item in items if str(item[id_field]) == str(complaint_id)), None)

    detail = client.get(f"/api/v1/complaints/{complaint_id}")
    one = client.get(f"/open311/v2/requests/{complaint_id}.json")
    xml = client.get(f"/open311/v2/requests/{complaint_id}.xml")
    by_id = client.get(f"/open311/v2/requests.json?service_request_id={complaint_id}").get_json()
    auth = {"Authorization": f"Bearer {key}"}
    exported = list(csv.DictReader(io.StringIO(client.get("/api/v1/export/complaints.csv", headers=auth)
                                               .get_data(as_text=True))))
    features = json.loads(client.get("/api/v1/export/complaints.geojson", headers=auth).get_data(as_text=True))
    return {
        "detail": detail.get_json()["text"] if detail.status_code == 200 else detail.status_code,
        "list": listed(client.get("/api/v1/complaints").get_json()["complaints"], "id", "text"),
        "open311": one.get_json()[0]["description"] if one.status_code == 200 else one.status_code,
        "open311_xml": (ET.fromstring(xml.data).findtext("request/description") if xml.status_code == 200
                        else xml.status_code),
        "open311_list": listed(client.get("/open311/v2/requests.json").get_json(), "service_request_id",
                               "description"),
        "open311_by_id": listed(by_id, "service_request_id", "description"),
        "csv": listed(exported, "id", "text"),
        "geojson": listed([f["properties"] | {"id": f["id"]} for f in features["features"]], "id", "text"),
    }


def gis_text(pantau: Pantau, complaint_id: int) -> str | None:
    with pantau.sessions() as session:
        return session.scalar(text("SELECT text FROM public_complaints WHERE id = :id"), {"id": complaint_id})


def snapshot_ids(pantau: Pantau, reader: Person | None) -> dict[int, bool]:
    """The command centre's feed as `reader` loads it: id -> marked hidden; and every counted one is in it."""
    snapshot = read_snapshot(pantau.sessions, utc_now(), reader)
    assert set(snapshot.facts["id"]) == {c["id"] for c in snapshot.feed}
    return {c["id"]: c.get("hidden", False) for c in snapshot.feed}


def test_hiding_leaves_every_public_door_and_a_moderator_still_sees_it(pantau, client, key, tokens, said):
    masked = said["text"]
    assert "0812" not in masked and set(public_doors(client, key, said["id"]).values()) == {masked}
    answer = moderate(client, tokens["operator"], said["id"], action="hide", reason="Menyebut nama warga")
    assert answer.status_code == 200
    assert public_doors(client, key, said["id"]) == {
        "detail": 404, "list": None, "open311": 404, "open311_xml": 404, "open311_list": None, "open311_by_id": None,
        "csv": None, "geojson": None}
    assert gis_text(pantau, said["id"]) is None
    assert snapshot_ids(pantau, None).get(said["id"]) is None
    assert snapshot_ids(pantau, Person("operator", Role.OPERATOR))[said["id"]] is True
    tracked = client.get(f"/api/v1/track/{said['ticket']}")
    assert tracked.status_code == 200 and tracked.get_json()["status"] == "Menunggu" and "Budi" not in tracked.text
    operator = {"Authorization": f"Bearer {tokens['operator']}"}
    seen = client.get(f"/api/v1/complaints/{said['id']}", headers=operator).get_json()
    assert seen["hidden"] is True and seen["text"] == masked
    assert [c["hidden"] for c in client.get("/api/v1/complaints", headers=operator).get_json()["complaints"]] == [True]
    staff = {"Authorization": f"Bearer {tokens['staf']}"}  # the unit holding it works on, but reads as the public
    assert client.get(f"/api/v1/complaints/{said['id']}", headers=staff).status_code == 404
    shown = moderate(client, tokens["gubernur"], said["id"], action="unhide", reason="Sudah diperiksa")
    assert shown.status_code == 200 and shown.get_json()["hidden"] is False
    assert set(public_doors(client, key, said["id"]).values()) == {masked} and gis_text(pantau, said["id"]) == masked


def test_an_edit_shows_everywhere_masked_and_the_original_is_kept(pantau, client, key, tokens, said):
    screen = pantau.socketio.test_client(pantau.dash.server)
    answer = moderate(client, tokens["operator"], said["id"], action="edit", text=EDITED, reason="Nama warga")
    body = answer.get_json()
    assert answer.status_code == 200 and body["edited"] is True and body["original_text"] == said["text"]
    shown = body["text"]
    assert shown.startswith("Jalan berlubang di depan rumah warga RT 03") and "0813" not in shown
    assert PHONE_PLACEHOLDER in shown
    assert set(public_doors(client, key, said["id"]).values()) == {shown} and gis_text(pantau, said["id"]) == shown
    with pantau.sessions() as session:
        assert session.scalar(select(ComplaintRow.text).where(ComplaintRow.id == said["id"])) == SAID
    [row] = audited(pantau, "complaint.moderate")
    assert (row.actor, row.target) == ("operator", str(said["id"]))
    assert row.detail == {"action": "edit", "reason": "Nama warga", "before": {"hidden": False, "text": said["text"]},
                          "after": {"hidden": False, "text": shown}}
    [(name, payload)] = [(e["name"], e["args"][0]) for e in screen.get_received()]
    assert name == "complaint_moderated" and payload["text"] == shown and payload["moderation"] == "edit"
    assert "Budi" not in json.dumps(payload) and "Nama warga" not in json.dumps(payload)


def test_a_screen_catching_up_gets_a_hidden_complaint_without_its_content(pantau, client, tokens, said):
    moderate(client, tokens["operator"], said["id"], action="edit", text="Jalan berlubang", reason="rapikan")
    moderate(client, tokens["operator"], said["id"], action="hide", reason="spam")
    later = client.post(f"/api/v1/complaints/{said['id']}/transitions", json={"to": "Proses", "note": "diambil"},
                        headers={"Authorization": f"Bearer {tokens['staf']}"})
    assert later.status_code == 200  # the follow-up goes on while hidden
    screen = pantau.socketio.test_client(pantau.dash.server)
    ack = screen.emit("subscribe", {"rooms": ["city"], "last_event_id": 0}, callback=True)
    replayed = [(e["name"], e["args"][0]) for e in screen.get_received()]
    assert ack["replayed"] == 4 and [name for name, _ in replayed] == [
        "complaint_routed", "complaint_moderated", "complaint_moderated", "status_changed"]
    assert all({k: v for k, v in p.items() if k != "event_id"} == {"id": said["id"], "hidden": True}
               for _, p in replayed)
    with pantau.sessions() as session:  # the log itself is as it was published
        logged = session.scalars(select(LiveEventRow.payload).order_by(LiveEventRow.id)).all()
    assert len(logged) == 4 and logged[0]["text"] == said["text"] and logged[1]["text"] == "Jalan berlubang"


def test_a_catch_up_after_an_edit_carries_the_edited_text(pantau, client, tokens, said):
    moderate(client, tokens["operator"], said["id"], action="edit", text="Jalan berlubang", reason="rapikan")
    screen = pantau.socketio.test_client(pantau.dash.server)
    screen.emit("subscribe", {"rooms": ["kota:31.71"], "last_event_id": 0}, callback=True)
    replayed = [e["args"][0] for e in screen.get_received()]
    assert [p["text"] for p in replayed] == ["Jalan berlubang", "Jalan berlubang"]
    assert "Budi" not in json.dumps(replayed)


def test_the_people_fixture_matches_the_table():
    assert set(MODERATE) == set(PEOPLE)
