"""Open311 GeoReport v2 at /open311/v2/, through Flask's test client, on SQLite and PostGIS."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from app import Pantau
from crm.categories import CATEGORIES
from crm.complaint import WIB, Status, code_hash, utc_now
from crm.skpd import SKPDS
from store import api_keys
from store.models import ComplaintEventRow, ComplaintRow, DeadLetterRow
from tests.ingest.test_channel_api import stored_external_id

MONAS = {"lat": "-6.1754", "long": "106.8272"}
EMAIL, PHONE, NAME = "budi.santoso@example.id", "+62 812-3456-7890", "Budi"


@pytest.fixture
def key(pantau: Pantau) -> str:
    """A partner app's key (tests/ingest/conftest.py has the app and client): its name is the
    service request's client, which the tests read back."""
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name="mitra-app", scopes=["channel:open311"])


def form(**overrides: str | None) -> dict[str, str]:
    fields = {"service_code": "jalan", **MONAS, "description": "Jalan berlubang besar di depan halte Monas",
              "media_url": "https://mitra.example/foto/1.jpg", "email": EMAIL, "phone": PHONE,
              "first_name": NAME, "last_name": "Santoso", "device_id": "dev-1", "account_id": "acc-7"}
    return {k: v for k, v in (fields | overrides).items() if v is not None}


def post(client, key: str | None, fields: dict[str, str], fmt: str = "json"):
    body = urlencode(fields | ({"api_key": key} if key else {}))
    return client.post(f"/open311/v2/requests.{fmt}", data=body, content_type="application/x-www-form-urlencoded")


def count(pantau: Pantau, model) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8"
    return ET.fromstring(response.data)


def spec_error(response, status: int) -> list[str]:
    """The descriptions of a spec error array answered with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert all(e["code"] == status and e["description"] for e in body)
    return [e["description"] for e in body]


# Discovery and services


def test_discovery_names_this_endpoint_in_both_formats(client):
    found = client.get("/open311/v2/discovery.json")
    assert found.content_type == "application/json; charset=utf-8"
    body = found.get_json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2" and endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery" and root.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]


def test_every_category_is_a_realtime_service(client):
    services = client.get("/open311/v2/services.json").get_json()
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    jalan = services[0]
    assert jalan == {"service_code": "jalan", "service_name": "Jalan", "description": CATEGORIES["jalan"].description,
                     "metadata": False, "type": "realtime", "keywords": "Roads, jalan", "group": "Dinas Bina Marga"}
    assert next(s for s in services if s["service_code"] == "sampah")["group"] == "Kantor kelurahan setempat"
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == len(CATEGORIES)
    assert root.findtext("service/metadata") == "false" and root.findtext("service/service_name") == "Jalan"


def test_a_service_definition_has_no_attributes(client):
    assert client.get("/open311/v2/services/banjir.json").get_json() == {"service_code": "banjir", "attributes": []}
    root = xml(client.get("/open311/v2/services/banjir.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "banjir"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0
    assert "ufo" in spec_error(client.get("/open311/v2/services/ufo.json"), 404)[0]
    missing = client.get("/open311/v2/services/ufo.xml")
    assert missing.status_code == 404 and xml(missing).findtext("error/code") == "404"


def test_unknown_formats_and_paths_are_404_arrays(client, key, pantau):
    assert "csv" in spec_error(client.get("/open311/v2/services.csv"), 404)[0]
    spec_error(client.get("/open311/v2/nothing/here.json"), 404)
    spec_error(post(client, key, form(), fmt="csv"), 404)
    assert count(pantau, ComplaintRow) == 0


# POST a request


def test_a_posted_request_becomes_a_routed_complaint(client, key, pantau):
    response = post(client, key, form())
    assert response.status_code == 201
    [created] = response.get_json()
    assert set(created) == {"service_request_id", "service_notice", "account_id", "tracking_code"}
    assert created["account_id"] == "acc-7"
    stored = client.get(f"/api/v1/complaints/{created['service_request_id']}").get_json()
    assert stored["channel"] == "open311" and "external_id" not in stored
    assert stored_external_id(pantau, int(created["service_request_id"])).startswith("mitra-app:")
    assert created["service_notice"] == f"Tiket {stored['ticket']}: ditangani {SKPDS['BINAMARGA-JP'].name}."
    [shown] = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").get_json()
    assert shown["service_request_id"] == created["service_request_id"]
    assert (shown["status"], shown["service_code"], shown["service_name"]) == ("open", "jalan", "Jalan")
    assert shown["description"] == form()["description"]
    assert shown["agency_responsible"] == "Suku Dinas Bina Marga Kota Administrasi Jakarta Pusat"
    assert shown["address"] == "Kelurahan Gambir, Kecamatan Gambir, Jakarta Pusat"
    assert (shown["lat"], shown["long"]) == (-6.1754, 106.8272)
    assert shown["media_url"] == "https://mitra.example/foto/1.jpg"
    assert shown["requested_datetime"].endswith("+07:00") and shown["expected_datetime"] is None
    assert shown["address_id"] is None and shown["zipcode"] is None
    for answer in (response, client.get(f"/open311/v2/requests/{created['service_request_id']}.xml"),
                   client.get("/open311/v2/requests.json"), client.get(f"/api/v1/complaints/{shown['service_request_id']}")):
        text = answer.get_data(as_text=True)
        assert EMAIL not in text and PHONE not in text and "Santoso" not in text
    with pantau.sessions() as session:
        row = session.scalars(select(ComplaintRow)).one()
    assert (row.reporter_contact, row.reporter_name) == (f"{EMAIL}; {PHONE}", f"{NAME} Santoso")
    assert row.tracking_hash == code_hash(created["tracking_code"])  # the partner's citizen can reopen


def test_xml_post_answers_xml(client, key):
    root = xml(post(client, key, form(), fmt="xml"))
    assert root.tag == "service_requests" and root.findtext("request/service_request_id").isdigit()
    assert len(root.findtext("request/tracking_code")) >= 8
    assert root.findtext("request/account_id") == "acc-7"


def test_a_resubmission_is_a_retry_and_another_device_is_another_request(client, key, pantau):
    first = post(client, key, form())
    shuffled = dict(reversed(list(form().items())))
    again = post(client, key, shuffled)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()[0]["service_request_id"] == first.get_json()[0]["service_request_id"]
    assert "tracking_code" in first.get_json()[0] and "tracking_code" not in again.get_json()[0]  # given once
    other = post(client, key, form(device_id="dev-2"))
    assert other.status_code == 201
    assert count(pantau, ComplaintRow) == 2


def test_the_token_is_the_external_id(client, key, pantau):
    request_id = post(client, key, form()).get_json()[0]["service_request_id"]
    token = stored_external_id(pantau, int(request_id))
    assert client.get(f"/open311/v2/tokens/{token}.json").get_json() == [
        {"service_request_id": request_id, "token": token}]
    assert xml(client.get(f"/open311/v2/tokens/{token}.xml")).findtext("request/token") == token
    spec_error(client.get("/open311/v2/tokens/mitra-app:0000.json"), 404)


def test_an_address_string_alone_is_a_location(client, key, pantau):
    response = post(client, key, form(lat=None, long=None, address_string="Jl. Medan Merdeka Barat, Gambir"))
    assert response.status_code == 201
    assert count(pantau, ComplaintRow) == 1


def test_without_a_description_the_text_names_the_service(client, key):
    request_id = post(client, key, form(description=None)).get_json()[0]["service_request_id"]
    [shown] = client.get(f"/open311/v2/requests/{request_id}.json").get_json()
    assert shown["description"] == "Laporan Jalan tanpa uraian."


def test_a_missing_or_wrong_api_key_is_403_and_nothing_is_kept(client, key, pantau):
    assert "api_key" in spec_error(post(client, None, form()), 403)[0]
    spec_error(post(client, "pantau_not-a-key", form()), 403)
    with pantau.sessions.begin() as session:
        api_keys.revoke(session, name="mitra-app")
    spec_error(post(client, key, form()), 403)
    assert count(pantau, ComplaintRow) == 0 and count(pantau, DeadLetterRow) == 0


@pytest.mark.parametrize("fields, status, words", [
    (form(service_code=None), 400, "service_code"),
    (form(service_code="ufo"), 404, "ufo"),
    (form(lat=None, long=None), 400, "address_string"),
    (form(lat=None, long=None, address_id="545483"), 400, "address_id tidak didukung"),
    (form(long=None), 400, "long"),
    (form(lat="-95"), 400, "lat"),
    (form(long="timur"), 400, "long"),
    (form(media_url="javascript:alert(1)"), 400, "media_url"),
    (form(description="x" * 5001), 400, "description"),
])
def test_a_form_that_cannot_be_read_is_refused_and_kept_without_its_key(client, key, pantau, fields, status, words):
    descriptions = spec_error(post(client, key, fields), status)
    assert words in " ".join(descriptions)
    assert "surat mati" in descriptions[0]
    assert count(pantau, ComplaintRow) == 0
    with pantau.sessions() as session:
        letter = session.scalars(select(DeadLetterRow)).one()
    assert letter.channel == "open311" and key.encode() not in letter.body and b"api_key" not in letter.body
    assert letter.headers["x-pantau-client"] == "mitra-app"


def test_a_key_in_the_query_string_is_not_read_nor_kept(client, key, pantau):
    body = urlencode(form(service_code="ufo") | {"api_key": key})
    response = client.post(f"/open311/v2/requests.json?api_key={key}&jurisdiction_id=jakarta.go.id", data=body,
                           content_type="application/x-www-form-urlencoded")
    spec_error(response, 404)
    spec_error(client.post(f"/open311/v2/requests.json?api_key={key}", data=urlencode(form()),
                           content_type="application/x-www-form-urlencoded"), 403)
    with pantau.sessions() as session:
        letter = session.scalars(select(DeadLetterRow)).one()
    assert letter.query == {"jurisdiction_id": "jakarta.go.id"}


def test_only_a_form_is_read(client, key):
    response = client.post("/open311/v2/requests.json", data=f'{{"api_key": "{key}"}}', content_type="application/json")
    spec_error(response, 403)  # the key is read from the form only
    body = urlencode({"api_key": key}) + "&" + "service_code=jalan"
    refused = client.post("/open311/v2/requests.json", data=body, content_type="text/plain")
    assert "Content-Type" in spec_error(refused, 400)[0]


def test_the_client_header_cannot_be_forged(client, key, pantau):
    response = client.post("/open311/v2/requests.json", data=urlencode(form() | {"api_key": key}),
                           content_type="application/x-www-form-urlencoded", headers={"X-Pantau-Client": "pemprov"})
    token = stored_external_id(pantau, int(response.get_json()[0]["service_request_id"]))
    assert token.startswith("mitra-app:")


def test_the_generic_channel_door_sends_open311_partners_to_their_own(client, key):
    response = client.post("/api/v1/channels/open311", data=urlencode(form()), headers={"Authorization": f"Bearer {key}"},
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "/open311/v2/requests.json" in response.get_json()["error"]


# GET requests: filters, on both stores


@pytest.fixture
def seeded(client, pantau) -> dict[str, str]:
    """Four complaints from Qlue's gateway: jalan 1 day ago, sampah 2 days ago (closed), jalan 100 days
    ago, banjir 10 days ago."""
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="qlue-gateway", scopes=["channel:qlue"])
    now = utc_now()
    ids = {}
    for name, category, days in (("a", "jalan", 1), ("b", "sampah", 2), ("c", "jalan", 100), ("d", "banjir", 10)):
        body = {"channel": "qlue", "external_id": f"seed-{name}", "text": f"Laporan {category} {name}",
                "category": category, "lon": 106.8272, "lat": -6.1754,
                "reported_at": (now - timedelta(days=days)).isoformat()}
        response = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 201, response.get_json()
        ids[name] = str(response.get_json()["id"])
    with pantau.sessions.begin() as session:
        session.execute(update(ComplaintRow).where(ComplaintRow.id == int(ids["b"])).values(status=Status.SELESAI.value))
        session.add(ComplaintEventRow(complaint_id=int(ids["b"]), kind="status", at=now - timedelta(hours=3),
                                      status=Status.SELESAI.value, actor="KEL-3171011001", note="Sampah sudah diangkut"))
    return ids


def found(client, query: str = "") -> list[str]:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 200, response.get_json()
    return [r["service_request_id"] for r in response.get_json()]


def w3(days_ago: float) -> str:
    return (utc_now() - timedelta(days=days_ago)).astimezone(WIB).isoformat(timespec="seconds").replace("+", "%2B")


def test_default_window_is_the_last_90_days_newest_first(client, seeded):
    assert found(client) == [seeded["a"], seeded["b"], seeded["d"]]


def test_filter_by_service_code_and_status(client, seeded):
    assert found(client, "service_code=jalan,banjir") == [seeded["a"], seeded["d"]]
    assert found(client, "status=closed") == [seeded["b"]]
    assert found(client, "status=open") == [seeded["a"], seeded["d"]]
    assert found(client, "status=open,closed&service_code=") == [seeded["a"], seeded["b"], seeded["d"]]


def test_a_closed_request_shows_when_and_why(client, seeded):
    [closed] = client.get(f"/open311/v2/requests/{seeded['b']}.json").get_json()
    assert closed["status"] == "closed" and closed["status_notes"] == "Sampah sudah diangkut"
    updated = datetime.fromisoformat(closed["updated_datetime"])
    assert updated > datetime.fromisoformat(closed["requested_datetime"])
    assert closed["agency_responsible"] == "Kelurahan Gambir"


def test_filter_by_dates(client, seeded):
    assert found(client, f"start_date={w3(105)}&end_date={w3(95)}") == [seeded["c"]]
    assert found(client, f"start_date={w3(101)}") == [seeded["c"]]  # 90 days from the start
    assert found(client, f"end_date={w3(95)}") == [seeded["c"]]  # 90 days up to the end
    assert found(client, f"start_date={w3(3)}&end_date={w3(0)}") == [seeded["a"], seeded["b"]]
    unencoded = (utc_now() - timedelta(days=3)).astimezone(WIB).isoformat(timespec="seconds")
    assert found(client, f"start_date={unencoded}") == [seeded["a"], seeded["b"]]  # "+" arrived as a space
    zulu = (utc_now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert found(client, f"start_date={zulu}") == [seeded["a"], seeded["b"]]


def test_service_request_ids_override_every_other_filter(client, seeded):
    ids = f"{seeded['a']},{seeded['c']}"
    assert found(client, f"service_request_id={ids}&status=closed&service_code=banjir") == [seeded["a"], seeded["c"]]
    assert found(client, "service_request_id=999999") == []


def test_paging_extension(client, seeded):
    assert found(client, "page_size=2") == [seeded["a"], seeded["b"]]
    assert found(client, "page_size=2&page=2") == [seeded["d"]]
    assert found(client, "page_size=2&page=3") == []


@pytest.mark.parametrize("query, words", [
    ("status=done", "status"),
    ("service_code=ufo", "ufo"),
    ("start_date=yesterday", "start_date"),
    ("start_date=2026-11-01T00:00:00", "start_date"),
    (f"start_date={w3(200)}&end_date={w3(1)}", "90 hari"),
    (f"start_date={w3(1)}&end_date={w3(2)}", "end_date"),
    ("page=0", "page"),
    ("page_size=1001", "page_size"),
    ("service_request_id=1,x", "service_request_id"),
], ids=["status", "service_code", "start_date-word", "start_date-no-zone", "wider-than-90-days", "end-before-start",
        "page", "page_size", "service_request_id"])  # fixed ids: the dates in two queries change every second
def test_bad_filters_are_400(client, query, words):
    assert words in " ".join(spec_error(client.get(f"/open311/v2/requests.json?{query}"), 400))


def test_every_bad_filter_is_named_at_once(client):
    response = client.get("/open311/v2/requests.json?status=done&service_code=ufo&page=x")
    assert len(spec_error(response, 400)) == 3


def test_requests_in_xml(client, seeded):
    root = xml(client.get("/open311/v2/requests.xml?status=closed"))
    assert root.tag == "service_requests" and len(root.findall("request")) == 1
    assert root.findtext("request/service_request_id") == seeded["b"]
    assert root.findtext("request/status") == "closed" and root.findtext("request/long") == "106.8272"
    assert root.find("request/expected_datetime").text is None
    one = xml(client.get(f"/open311/v2/requests/{seeded['a']}.xml"))
    assert [r.findtext("service_request_id") for r in one.findall("request")] == [seeded["a"]]
    assert xml(client.get("/open311/v2/requests.xml?service_request_id=999999")).findall("request") == []


def test_an_unknown_request_is_404(client):
    spec_error(client.get("/open311/v2/requests/999999.json"), 404)
    spec_error(client.get("/open311/v2/requests/abc.json"), 404)
    spec_error(client.get(f"/open311/v2/requests/{2**70}.json"), 404)
