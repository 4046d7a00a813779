"""POST /api/v1/reports and the complaint reads, through Flask's test client, on SQLite and PostGIS."""
from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from app import Pantau
from ingest.auth import FAILED_KEYS
from store import api_keys
from store.models import ComplaintEventRow, ComplaintRow

MONAS = {"lon": 106.8272, "lat": -6.1754}
CONTACT = "+62 812-3456-7890"


def post(client, key: str | None, body: Any, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post("/api/v1/reports", json=body, headers=headers, **kwargs)


def report(**overrides: Any) -> dict[str, Any]:
    return {"channel": "qlue", "external_id": "QLUE-1001", "text": "Jalan berlubang besar dekat Monas",
            "category": "jalan", **MONAS, "reporter_contact": CONTACT} | overrides


def count(pantau: Pantau, model) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_report_is_located_routed_and_stored(client, key, pantau):
    response = post(client, key, report())
    assert response.status_code == 201
    body = response.get_json()
    assert body["ticket"].startswith("JKT-")
    assert (body["kode_kelurahan"], body["kelurahan"]) == ("31.71.01.1001", "Gambir")
    assert (body["kode_kecamatan"], body["kode_kota"], body["kota"]) == ("31.71.01", "31.71", "Jakarta Pusat")
    assert body["skpd"] == "BINAMARGA-JP"
    assert body["status"] == "Menunggu"
    assert body["received_at_wib"].endswith("WIB")
    assert CONTACT not in response.get_data(as_text=True)
    stored = client.get(f"/api/v1/complaints/{body['id']}").get_json()
    assert stored["ticket"] == body["ticket"] and stored["history"][0]["status"] == "Menunggu"
    assert count(pantau, ComplaintRow) == 1


def test_retried_delivery_returns_the_same_complaint(client, key, pantau):
    first = post(client, key, report())
    again = post(client, key, report(text="the gateway retried with a changed body"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["text"] == report()["text"]
    assert count(pantau, ComplaintRow) == 1 and count(pantau, ComplaintEventRow) == 1


def test_concurrent_retries_store_one_complaint(client, key, pantau):
    codes: list[int] = []

    def deliver() -> None:
        with pantau.dash.server.test_client() as own:
            codes.append(post(own, key, report(external_id="QLUE-RACE")).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] * 5 + [201]
    assert count(pantau, ComplaintRow) == 1


def test_same_external_id_on_another_channel_is_another_complaint(client, key):
    assert post(client, key, report()).status_code == 201
    assert post(client, key, report(channel="sms")).status_code == 201


@pytest.mark.parametrize("body, field", [
    (report(lat=-95.0), "lat"),
    (report(lon=200.0), "lon"),
    (report(channel="fax"), "channel"),
    (report(category="ufo"), "category"),
    (report(text=""), "text"),
    (report(text="x" * 5001), "text"),
    (report(external_id=""), "external_id"),
    (report(lat=None), "body"),
    (report(reported_at="2026-01-01T08:00:00"), "reported_at"),
    (report(reported_at="2999-01-01T08:00:00+07:00"), "reported_at"),
    (report(surprise=1), "surprise"),
])
def test_invalid_report_is_422_with_a_message_per_field_and_nothing_written(client, key, pantau, body, field):
    response = post(client, key, body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in {e["field"] for e in errors}
    assert all(e["message"] for e in errors)
    assert count(pantau, ComplaintRow) == 0 and count(pantau, ComplaintEventRow) == 0


def test_every_field_error_is_reported_at_once(client, key):
    errors = post(client, key, report(lat=-95.0, channel="fax", text="")).get_json()["errors"]
    assert {"lat", "channel", "text"} <= {e["field"] for e in errors}


def test_writes_need_a_valid_key(client, key, pantau):
    assert post(client, None, report()).status_code == 401
    assert post(client, "pantau_not-a-key", report()).status_code == 401
    with pantau.sessions.begin() as session:
        api_keys.revoke(session, name="gateway")  # the conftest key
    assert post(client, key, report()).status_code == 401
    assert count(pantau, ComplaintRow) == 0


def test_non_json_bodies_are_refused(client, key):
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/reports", data="channel=qlue", headers=headers,
                       content_type="application/x-www-form-urlencoded").status_code == 415
    broken = client.post("/api/v1/reports", data="{not json", headers=headers, content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]


def test_places_at_the_edge(client, key):
    harbour = post(client, key, report(external_id="a", lon=106.883, lat=-6.104)).get_json()
    assert (harbour["kelurahan"], harbour["location_flag"]) == ("Tanjung Priok", "offshore")
    airport = post(client, key, report(external_id="b", lon=106.6559, lat=-6.1256)).get_json()
    assert airport["kode_kelurahan"] is None and airport["location_flag"] == "luar_wilayah"
    assert airport["skpd"] == "BINAMARGA"
    nowhere = post(client, key, report(external_id="c", lon=None, lat=None, text="Jalan berlubang besar")).get_json()
    assert nowhere["location_flag"] == "tanpa_lokasi" and nowhere["triage"] == "lokasi_tidak_ditemukan"
    assert nowhere["skpd"] == "BINAMARGA"  # the province-wide rule of its category
    named = post(client, key, report(external_id="d", lon=None, lat=None)).get_json()  # "... dekat Monas"
    assert (named["kelurahan"], named["location_precision"], named["triage"]) == ("Gambir", "landmark", None)


def test_without_category_the_classifier_decides(client, key):
    body = post(client, key, report(category=None)).get_json()  # "Jalan berlubang besar dekat Monas"
    assert body["category"] == "jalan" and body["category_confidence"] >= 0.5 and body["triage"] is None


def test_an_unclear_text_goes_to_triage_as_lainnya_at_the_kelurahan(client, key):
    body = post(client, key, report(category=None, text="Halo min, tolong dicek ya")).get_json()
    assert body["category"] == "lainnya" and body["skpd"] == "KEL-3171011001"
    assert body["triage"] == "kategori_ragu" and body["category_confidence"] < 0.5


def test_list_filters_and_validation(client, key):
    post(client, key, report(external_id="1"))
    post(client, key, report(external_id="2", lon=106.883, lat=-6.104))
    post(client, key, report(external_id="3", reported_at="2024-01-01T08:00:00+07:00"))
    gambir = client.get("/api/v1/complaints?kelurahan=31.71.01.1001").get_json()
    assert gambir["count"] == 2 and {c["kelurahan"] for c in gambir["complaints"]} == {"Gambir"}
    recent = client.get("/api/v1/complaints?since=2025-01-01T00:00:00%2B07:00").get_json()
    assert recent["count"] == 2
    assert client.get("/api/v1/complaints?status=Menunggu&skpd=BINAMARGA-JU").get_json()["count"] == 1
    bad = client.get("/api/v1/complaints?status=Done&since=yesterday&limit=0")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"status", "since", "limit"}
    listing = client.get("/api/v1/complaints").get_data(as_text=True)
    assert CONTACT not in listing


def test_unknown_complaint_is_404(client):
    assert client.get("/api/v1/complaints/999999").status_code == 404


def batch(client, key: str, reports: Any):
    return client.post("/api/v1/reports/batch", json={"reports": reports}, headers={"Authorization": f"Bearer {key}"})


def test_a_batch_is_stored_in_one_go_and_a_retry_creates_nothing(client, key, pantau):
    reports = [report(external_id=f"QLUE-B{n}", lon=106.80 + n * 0.01) for n in range(3)]
    first = batch(client, key, reports)
    assert first.status_code == 201
    assert [r["created"] for r in first.get_json()["results"]] == [True] * 3
    again = batch(client, key, reports)
    assert again.status_code == 200 and again.get_json()["created"] == 0
    assert [r["id"] for r in again.get_json()["results"]] == [r["id"] for r in first.get_json()["results"]]
    assert count(pantau, ComplaintRow) == 3


def test_a_batch_with_one_bad_report_stores_nothing_and_says_which(client, key, pantau):
    response = batch(client, key, [report(external_id="ok"), report(external_id="bad", lat=-91)])
    assert response.status_code == 422
    assert [e["index"] for e in response.get_json()["errors"]] == [1]
    assert count(pantau, ComplaintRow) == 0


@pytest.mark.parametrize("reports", [[], "x", [report()] * 1001])
def test_a_batch_must_hold_1_to_1000_reports(client, key, reports):
    assert batch(client, key, reports).status_code == 400


def test_the_triage_queue_lists_what_an_operator_must_look_at(client, key):
    ids = {name: post(client, key, report(external_id=name, **fields)).get_json()["id"] for name, fields in (
        ("clear", {}), ("vague", {"category": None, "text": "Halo min, tolong dicek ya"}),
        ("nowhere", {"lon": None, "lat": None, "text": "Jalan berlubang besar"}))}
    named = {complaint_id: name for name, complaint_id in ids.items()}
    queue = lambda which: [named[c["id"]] for c in client.get(f"/api/v1/complaints?triage={which}")  # noqa: E731
                           .get_json()["complaints"]]
    assert sorted(queue("semua")) == ["nowhere", "vague"]
    assert queue("kategori_ragu") == ["vague"] and queue("lokasi_tidak_ditemukan") == ["nowhere"]
    assert client.get("/api/v1/complaints?triage=maybe").status_code == 422


def test_the_reporters_tracking_code_is_answered_once_and_only_its_hash_is_kept(client, key, pantau):
    first = post(client, key, report(external_id="code-1"))
    code = first.get_json()["tracking_code"]
    assert first.status_code == 201 and len(code) == 10 and code.isalnum()
    retried = post(client, key, report(external_id="code-1"))
    assert retried.status_code == 200 and "tracking_code" not in retried.get_json()
    assert "tracking_code" not in client.get(f"/api/v1/complaints/{first.get_json()['id']}").get_json()
    with pantau.sessions() as session:
        kept = session.scalar(select(ComplaintRow.tracking_hash))
    assert kept == hashlib.sha256(code.encode()).hexdigest()
    batch_answer = batch(client, key, [report(external_id="code-2")]).get_json()["results"]
    assert len(batch_answer[0]["tracking_code"]) == 10


def test_wrong_keys_are_counted_per_address_and_then_answered_429(client, key):
    limit = int(FAILED_KEYS.split()[0])
    for n in range(limit):
        assert post(client, f"pantau_salah-{n}", report(external_id=f"guess-{n}")).status_code == 401
    throttled = post(client, "pantau_salah-lagi", report(external_id="guess-late"))
    assert throttled.status_code == 429 and 1 <= int(throttled.headers["Retry-After"]) <= 600
    assert "error" in throttled.get_json()
    assert post(client, key, report(external_id="valid-after")).status_code == 201  # a real gateway is not slowed
