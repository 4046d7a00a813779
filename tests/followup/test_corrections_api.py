"""`POST /api/v1/complaints/<id>/correction` through Flask's test client, on SQLite and PostGIS: an
operator re-places and re-categorises a triaged complaint (re-routed, re-timed, audited, announced
live), who may (403), what cannot be corrected (409), bad fields (422), "bukan pengaduan" and
merging, what the ranking's stints keep of it, and the labelled examples the benchmark reads."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from crm.complaint import TRIAGE_CATEGORY, TRIAGE_LOCATION
from store import corrections
from store.models import AuditRow, ComplaintEventRow, LiveEventRow, StintRow
from tests.followup.helpers import CONTACT, MONAS, NAME, PHOTO, audited, count, step

GAMBIR = "31.71.01.1001"
VAGUE = "tolong segera ditangani pak, sudah seminggu"


@pytest.fixture
def vague(pantau, client) -> Any:
    """A report intake can neither classify nor place: both triage reasons, held by the Biro Pemerintahan."""
    from store import api_keys
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="sms-gateway", scopes=["channel:sms"])
    serial = iter(range(10**6))

    def post(text: str = VAGUE) -> dict[str, Any]:
        body = {"channel": "sms", "external_id": f"S-{next(serial)}", "text": text, "reporter_contact": CONTACT,
                "reporter_name": NAME}
        answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 201
        return answer.get_json()
    return post


def correct(client, token: str | None, complaint_id: int, **body: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/complaints/{complaint_id}/correction", json=body, headers=headers)


def stints(pantau, complaint_id: int) -> list[tuple[int, str]]:
    with pantau.sessions() as session:
        return [(seq, skpd) for seq, skpd in session.execute(
            select(StintRow.seq, StintRow.skpd).where(StintRow.complaint_id == complaint_id).order_by(StintRow.seq))]


def test_an_operator_places_and_categorises_a_triaged_complaint(pantau, client, tokens, vague):
    screen = pantau.socketio.test_client(pantau.dash.server)
    complaint = vague()
    assert complaint["triage"] == f"{TRIAGE_CATEGORY},{TRIAGE_LOCATION}" and complaint["skpd"] == "BIROPEM"
    answer = correct(client, tokens["operator"], complaint["id"], category="jalan", note="Pelapor ditelepon", **MONAS)
    fixed = answer.get_json()
    assert answer.status_code == 200, fixed
    assert (fixed["category"], fixed["skpd"], fixed["kode_kelurahan"], fixed["triage"], fixed["status"]) == (
        "jalan", "BINAMARGA-JP", GAMBIR, None, "Menunggu")
    assert (fixed["lon"], fixed["lat"]) == (MONAS["lon"], MONAS["lat"])
    assert fixed["history"][-1]["actor"] == "Operator CRM" and "Pelapor ditelepon" in fixed["history"][-1]["note"]
    assert client.get("/api/v1/complaints?triage=semua").get_json()["complaints"] == []

    (row,) = audited(pantau, "complaint.correction")
    assert (row.actor, row.target, row.detail["label"]) == ("operator", str(complaint["id"]), "jalan")
    assert row.detail["before"]["skpd"] == "BIROPEM" and row.detail["after"]["skpd"] == "BINAMARGA-JP"
    assert row.detail["before"]["triage"] and row.detail["after"]["kode_kelurahan"] == GAMBIR
    assert stints(pantau, complaint["id"]) == [(0, "BINAMARGA-JP")]

    (event,) = [e["args"][0] for e in screen.get_received() if e["name"] == "complaint_corrected"]
    assert event["id"] == complaint["id"] and event["skpd"] == "BINAMARGA-JP" and event["kode_kota"] == "31.71"
    assert CONTACT not in repr(event) and NAME not in repr(event)
    with pantau.sessions() as session:
        assert corrections.labelled_examples(session) == [(VAGUE, "jalan")]
    # now BINAMARGA-JP's: its officer takes it up, and the complaint is no longer correctable
    assert step(client, tokens["staf"], complaint["id"], to="Proses").status_code == 200
    refused = correct(client, tokens["operator"], complaint["id"], category="pohon", note="salah")
    assert refused.status_code == 409 and "Proses" in refused.get_json()["error"]


def test_the_rooms_a_correction_moves_it_out_of_hear_of_it_too(pantau, client, tokens, vague):
    """A screen held to the unit (or kota) a complaint leaves drops its dot only if it is told."""
    complaint = vague()
    left, staying, unrelated = (pantau.socketio.test_client(pantau.dash.server) for _ in range(3))
    for screen, room in ((left, "skpd:BIROPEM"), (staying, "kota:31.71"), (unrelated, "kota:31.72")):
        screen.emit("subscribe", {"rooms": [room]}, callback=True)
        screen.get_received()
    answer = correct(client, tokens["operator"], complaint["id"], category="jalan", note="Di Monas", **MONAS)
    assert answer.status_code == 200

    def corrected(screen) -> list[dict[str, Any]]:
        return [e["args"][0] for e in screen.get_received() if e["name"] == "complaint_corrected"]
    (told,) = corrected(left)
    assert (told["id"], told["skpd"], told["kode_kota"]) == (complaint["id"], "BINAMARGA-JP", "31.71")
    assert [e["id"] for e in corrected(staying)] == [complaint["id"]]  # once, though in both its rooms
    assert corrected(unrelated) == []


def test_a_kelurahan_code_and_an_skpd_of_the_operators_choice(client, tokens, vague):
    complaint = vague()
    answer = correct(client, tokens["gubernur"], complaint["id"], kode_kelurahan=GAMBIR, category="sampah",
                     skpd="DLH-JP", note="Menurut pelapor di Gambir")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["kode_kelurahan"], body["skpd"], body["location_precision"]) == (GAMBIR, "DLH-JP", "kelurahan")


ALLOWED = {"operator": 200, "gubernur": 200, "validator": 403, "kadis": 403, "staf": 403, "staf_lain": 403,
           "walkot": 403, "camat": 403, "lurah": 403}


@pytest.mark.parametrize("person", sorted(ALLOWED))
def test_who_may_correct(pantau, client, tokens, vague, person):
    complaint = vague()
    answer = correct(client, tokens[person], complaint["id"], category="jalan", note="koreksi")
    assert answer.status_code == ALLOWED[person], answer.get_json()
    if answer.status_code == 403:
        assert person in answer.get_json()["error"]
        assert client.get(f"/api/v1/complaints/{complaint['id']}").get_json()["triage"] == complaint["triage"]


def test_without_sign_in_401_and_for_no_complaint_404(client, tokens):
    assert correct(client, None, 1, note="x").status_code == 401
    assert correct(client, tokens["operator"], 10**9, note="x", category="jalan").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"category": "jalan"}, "note"),
    ({"note": " ", "category": "jalan"}, "note"),
    ({"note": "x", "category": "jalanan"}, "category"),
    ({"note": "x", "lat": -6.1754}, "lon"),
    ({"note": "x", "lat": "-6.17", "lon": 106.82}, "lat"),
    ({"note": "x", "lat": -6.10, "lon": 106.60}, "lat"),  # Tangerang
    ({"note": "x", "kode_kelurahan": "31.71.01.9999"}, "kode_kelurahan"),
    ({"note": "x", "skpd": "DINAS-FIKTIF"}, "skpd"),
    ({"note": "x", "not_a_complaint": "iklan"}, "not_a_complaint"),
    ({"note": "x", "not_a_complaint": True, "category": "jalan"}, "not_a_complaint"),
    ({"note": "x", "kategori": "jalan"}, "kategori"),
    ({"note": "x", "duplicate_of": 2.5}, "duplicate_of"),
])
def test_a_bad_field_is_422_naming_it_and_changes_nothing(pantau, client, tokens, vague, body, field):
    complaint = vague()
    events, live = count(pantau, ComplaintEventRow), count(pantau, LiveEventRow)
    answer = correct(client, tokens["operator"], complaint["id"], **body)
    assert answer.status_code == 422 and answer.get_json()["field"] == field, answer.get_json()
    assert (count(pantau, ComplaintEventRow), count(pantau, LiveEventRow), count(pantau, AuditRow)) == (events, live, 0)


def test_not_json_is_400(client, tokens, vague):
    complaint = vague()
    answer = client.post(f"/api/v1/complaints/{complaint['id']}/correction", data="note=x",
                         headers={"Authorization": f"Bearer {tokens['operator']}"})
    assert answer.status_code == 400


def test_not_a_complaint_leaves_the_queues_and_counts_for_no_unit(pantau, client, tokens, vague):
    complaint = vague("selamat pagi pak gubernur, semoga sehat selalu")
    answer = correct(client, tokens["operator"], complaint["id"], not_a_complaint="salam", note="Ucapan saja")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["status"], body["triage"], body["history"][-1]["kind"]) == ("Selesai", None, "bukan_pengaduan")
    assert stints(pantau, complaint["id"]) == []
    assert client.get("/api/v1/complaints?triage=semua").get_json()["complaints"] == []
    with pantau.sessions() as session:
        assert corrections.labelled_examples(session) == [(complaint["text"], "lainnya")]
    again = correct(client, tokens["operator"], complaint["id"], category="jalan", note="eh ternyata")
    assert again.status_code == 409


def test_merging_into_an_open_complaint(pantau, client, tokens, vague, report):
    original = report()
    repeat = vague("jalan berlubang lagi di tempat yang sama, tolong")
    answer = correct(client, tokens["operator"], repeat["id"], duplicate_of=original["ticket"],
                     note="Sama dengan laporan di Monas")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["status"], body["duplicate_of"], body["history"][-1]["kind"]) == ("Selesai", original["id"], "digabung")
    assert original["ticket"] in body["history"][-1]["note"] and stints(pantau, repeat["id"]) == []


@pytest.mark.parametrize("case", ["unknown", "itself", "closed"])
def test_a_merge_into_no_open_other_complaint_is_409(pantau, client, tokens, vague, report, case):
    complaint = vague()
    target = {"unknown": 10**9, "itself": complaint["id"], "closed": None}[case]
    if case == "closed":
        done = report()
        for body, who in (({"to": "Proses"}, "staf"), ({"to": "Menunggu Validasi", "note": "ditambal",
                                                        "evidence": [PHOTO]}, "staf"), ({"to": "Selesai"}, "validator")):
            assert step(client, tokens[who], done["id"], **body).status_code == 200
        target = done["id"]
    answer = correct(client, tokens["operator"], complaint["id"], duplicate_of=target, note="sama")
    assert answer.status_code == 409 and answer.get_json()["field"] == "duplicate_of", answer.get_json()
    assert count(pantau, AuditRow) == (3 if case == "closed" else 0)  # the closing steps' own rows only
