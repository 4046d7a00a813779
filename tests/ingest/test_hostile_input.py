"""Hostile input at every door answers a clear 4xx, on SQLite and PostGIS, and writes nothing half:
NUL and control characters, JSON nested 100,000 deep, years 1 and 9999, 5,000-digit numbers, ids
past 2^63, "²" as a count, a `..%2f` script path, a NUL in a ticket or a reason. A channel delivery
refused for any of these is kept as a dead letter, even one whose channel name, content type or
refusal holds a NUL or a lone surrogate (PostgreSQL's text can hold neither)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app import Pantau
from store.models import ComplaintRow, DeadLetterRow
from tests.web.conftest import report

DEEP = "[" * 100_000 + "]" * 100_000
BIG = 2**63


def rows(pantau: Pantau, model: type) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("fields", "field"), [
    ({"text": "Jalan\x00rusak"}, "text"),
    ({"text": "Jalan rusak\x1b[31m"}, "text"),
    ({"reporter_name": "Budi\x00"}, "reporter_name"),
    ({"reported_at": "0001-01-01T00:00:00+07:00"}, "reported_at"),
    ({"reported_at": "9999-12-31T23:59:59+00:00"}, "reported_at"),
])
def test_a_report_with_control_characters_or_an_absurd_year_is_refused(client, key, pantau, fields, field):
    answer = client.post("/api/v1/reports", json=report("hostile-1", **fields), headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.get_json()["errors"]] == [field]
    assert rows(pantau, ComplaintRow) == 0


def test_tabs_and_line_breaks_are_text(client, key):
    answer = client.post("/api/v1/reports", json=report("tabs", text="Jalan rusak\n\tdi depan sekolah"),
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201


@pytest.mark.parametrize("body", [DEEP, '{"channel": "qlue", "lat": ' + "9" * 5000 + "}"])
def test_a_json_body_too_deep_or_with_a_huge_number_is_a_400(client, key, body):
    answer = client.post("/api/v1/reports", data=body, content_type="application/json",
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 400 and "JSON" in answer.get_json()["error"]


def test_a_channel_delivery_too_deep_is_kept_as_a_dead_letter(client, key, pantau):
    answer = client.post("/api/v1/channels/qlue", data=DEEP, content_type="application/json",
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 400 and answer.get_json()["dead_letter_id"]
    assert rows(pantau, DeadLetterRow) == 1 and rows(pantau, ComplaintRow) == 0


@pytest.mark.parametrize("path", [f"/api/v1/complaints/{BIG}", f"/api/v1/complaints/{2**70}",
                                  f"/api/v1/dead-letters/{BIG}", "/_dash-component-suites/..%2f..%2fsettings.py"])
def test_an_id_past_the_database_or_a_script_path_outside_dash_is_a_404(client, key, path):
    assert client.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 404


def test_a_transition_on_an_id_past_the_database_is_a_404(client, key):
    answer = client.post(f"/api/v1/complaints/{BIG}/transitions", json={"to": "Proses"},
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 404


@pytest.mark.parametrize(("query", "field"), [("limit=²", "limit"), ("limit=" + "9" * 5000, "limit"),
                                              ("since=0001-01-01T00:00:00%2B07:00", "since"),
                                              ("since=9999-12-31T23:59:59%2B00:00", "since")])
def test_strict_numbers_and_sane_years_in_queries(client, query, field):
    answer = client.get(f"/api/v1/complaints?{query}")
    assert answer.status_code == 422 and [e["field"] for e in answer.get_json()["errors"]] == [field]


def test_open311_and_exports_refuse_year_one(client, key):
    assert client.get("/open311/v2/requests.json?start_date=0001-01-01T00:00:00Z").status_code == 400
    answer = client.get("/api/v1/export/complaints.csv?since=0001-01-01T00:00:00%2B00:00",
                        headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 400


def test_a_nul_in_a_ticket_or_a_reopening_reason_is_refused_not_a_500(client):
    assert client.get("/api/v1/track/JKT-261127-%00AAAA").status_code == 404
    assert client.post("/api/v1/track/JKT-261127-AAAAA/reopen", json={"reason": "belum\x00"}).status_code == 422


@pytest.mark.parametrize("coordinates", [
    {"lat": "-6.1754", "lon": "106.8272"},  # numbers as strings: JSON has numbers
    {"lat": True, "lon": True},  # true is 1 to Python, not a latitude
    {"lat": -6.1754, "lon": "1e2"},
])
def test_the_report_door_takes_json_numbers_as_degrees_and_nothing_else(client, key, pantau, coordinates):
    answer = client.post("/api/v1/reports", json=report("strict-1", **coordinates),
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.get_json()["errors"]} <= {"lat", "lon"} and answer.get_json()["errors"]
    assert rows(pantau, ComplaintRow) == 0


@pytest.mark.parametrize("written", ["1e2", "nan", "0x1", "1_0", "١٢", "-6.17.5", "true"])
def test_degrees_written_as_text_are_decimal_numbers_or_refused(client, key, pantau, written):
    """Qlue and the website send degrees as strings; they are read as decimals, strictly."""
    qlue = client.post("/api/v1/channels/qlue", headers={"Authorization": f"Bearer {key}"},
                       json={"report_id": f"q-{written}", "description": "Jalan rusak", "lat": written, "lng": "106.8"})
    assert qlue.status_code == 422 and [e["field"] for e in qlue.get_json()["errors"]] == ["lat"]
    assert isinstance(qlue.get_json()["dead_letter_id"], int)
    website = client.post("/api/v1/channels/website", headers={"Authorization": f"Bearer {key}"},
                          data={"id_pengaduan": f"w-{written}", "isi": "Jalan rusak", "lat": "-6.17", "lng": written})
    assert website.status_code == 422 and [e["field"] for e in website.get_json()["errors"]] == ["lon"]
    assert rows(pantau, ComplaintRow) == 0
    fine = client.post("/api/v1/channels/qlue", headers={"Authorization": f"Bearer {key}"},
                       json={"report_id": f"ok-{written}", "description": "Jalan rusak", "lat": "-6.1754",
                             "lng": "106.8272"})
    assert fine.status_code == 201


@pytest.mark.parametrize(("path", "content_type", "status"), [
    ("/api/v1/channels/a%00b", "application/json", 404),
    ("/api/v1/channels/qlue", "application/json\x00", 415),
])
def test_a_nul_in_the_channel_or_the_content_type_is_kept_as_a_dead_letter(client, key, pantau, path, content_type,
                                                                          status):
    answer = client.post(path, data=b"{}", content_type=content_type, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == status and answer.get_json()["dead_letter_id"]
    assert rows(pantau, DeadLetterRow) == 1


@pytest.mark.parametrize("name", ["\x00", "\udafd"])
def test_a_refusal_naming_a_field_with_a_nul_or_a_lone_surrogate_is_kept_as_a_dead_letter(client, key, pantau, name):
    entry = {"entry_id": "PDP-1", "desk": "Pendopo Balai Kota", "officer": "Siti", "text": "Jalan rusak",
             "visited_at": "2026-11-27T09:00:00+07:00", name: 1}  # the desk adapter names unknown fields back
    answer = client.post("/api/v1/channels/pendopo", data=json.dumps(entry), content_type="application/json",
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 400 and answer.get_json()["dead_letter_id"]
    assert rows(pantau, DeadLetterRow) == 1 and rows(pantau, ComplaintRow) == 0
