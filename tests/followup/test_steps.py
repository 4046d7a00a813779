"""followup.steps.take_step as the work-queue pages call it (no HTTP), and the evidence photo route,
which only people covering the complaint may read; on SQLite and PostGIS."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from crm.complaint import Status
from crm.roles import Person, Role
from crm.sla import SlaClock
from crm.transitions import InvalidTransition
from followup.steps import BadField, Forbidden, NotFound, take_step
from settings import Settings
from store import api_keys, users

MONAS = {"lon": 106.8272, "lat": -6.1754}  # roads here go to BINAMARGA-JP
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01evidence\xff\xd9"
SLA = SlaClock.default()
STAFF = Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA-JP")


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


@pytest.fixture
def complaint_id(pantau: Pantau) -> int:
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="gateway", scopes=["channel:qlue"])
    body = {"channel": "qlue", "external_id": "Q-1", "text": "Jalan berlubang", "category": "jalan", **MONAS}
    with pantau.dash.server.test_client() as client:
        answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    return answer.get_json()["id"]


def step(pantau: Pantau, person: Person, complaint_id: int, **fields: object):
    return take_step(pantau.sessions, pantau.publisher, SLA, person, complaint_id, **fields)


def test_the_pages_path_takes_the_same_checked_steps(pantau, complaint_id):
    with pytest.raises(NotFound):
        step(pantau, STAFF, 10**9, to=Status.PROSES)
    with pytest.raises(Forbidden):
        step(pantau, Person("lain", Role.SKPD_STAFF, skpd="BINAMARGA-JU"), complaint_id, to=Status.PROSES)
    with pytest.raises(InvalidTransition):
        step(pantau, Person("gubernur", Role.GOVERNOR), complaint_id, to=Status.SELESAI)
    assert step(pantau, STAFF, complaint_id, to=Status.PROSES).status is Status.PROSES
    with pytest.raises(BadField) as bad:
        step(pantau, STAFF, complaint_id, to="Menunggu Validasi", note="x", evidence=("bukan-foto",))
    assert bad.value.field == "evidence[0]"
    sent = step(pantau, STAFF, complaint_id, to="Menunggu Validasi", note="Sudah ditambal",
                evidence=(base64.b64encode(PHOTO).decode(),))
    assert sent.status is Status.MENUNGGU_VALIDASI and sent.history[-1].actor == "staf"


def test_evidence_photos_are_read_only_by_people_covering_the_complaint(pantau, complaint_id):
    step(pantau, STAFF, complaint_id, to=Status.PROSES)
    step(pantau, STAFF, complaint_id, to=Status.MENUNGGU_VALIDASI, note="Sudah ditambal",
         evidence=[base64.b64encode(PHOTO).decode()])
    people = {"validator": ("validator", None), "staf": ("skpd_staff", "BINAMARGA-JP"),
              "staf_lain": ("skpd_staff", "BINAMARGA-JU")}
    with pantau.sessions.begin() as session:
        for name, (role, skpd) in people.items():
            users.create(session, name=name, role=role, skpd=skpd, area=None, password="kata-sandi-panjang")
        tokens = {name: users.issue_token(session, name=name) for name in people}
    url = f"/api/v1/complaints/{complaint_id}/evidence"
    with pantau.dash.server.test_client() as client:
        assert client.get(f"{url}/0").status_code == 401
        assert client.get(f"{url}/0", headers={"Authorization": "Bearer pantau_u_nope"}).status_code == 401
        assert client.get(f"{url}/0", headers={"Authorization": f"Bearer {tokens['staf_lain']}"}).status_code == 403
        for name in ("validator", "staf"):
            photo = client.get(f"{url}/0", headers={"Authorization": f"Bearer {tokens[name]}"})
            assert (photo.status_code, photo.data, photo.mimetype) == (200, PHOTO, "image/jpeg")
            assert "no-store" in photo.headers["Cache-Control"]
        assert client.get(f"{url}/1", headers={"Authorization": f"Bearer {tokens['staf']}"}).status_code == 404
        assert client.get("/api/v1/complaints/999999/evidence/0",
                          headers={"Authorization": f"Bearer {tokens['staf']}"}).status_code == 404
