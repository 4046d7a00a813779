"""The real PyPI GeoReport client (`georeport`) against a real `python app.py`.

georeport 0.3.1 reads services, service definitions and requests, in JSON and XML; it has no
discovery call and cannot create requests, so those two go through `requests`, as a partner's
own code would.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from georeport import GeoReport

from crm.categories import CATEGORIES
from crm.complaint import WIB, utc_now
from tests.processes import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(server: Server) -> str:
    """The endpoint, as a client finds it: from the discovery document."""
    url = server.url
    discovery = requests.get(f"{url}/open311/v2/discovery.json", timeout=10)
    assert discovery.status_code == 200
    [endpoint] = discovery.json()["endpoints"]
    assert "application/json" in endpoint["formats"] and "text/xml" in endpoint["formats"]
    xml = requests.get(f"{url}/open311/v2/discovery.xml", timeout=10)
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8" and endpoint["url"].encode() in xml.content
    return endpoint["url"]


@pytest.fixture(scope="module")
def posted(root: str, server: Server) -> str:
    """One request POSTed as the spec's form; its service_request_id."""
    key = server.key
    form = {"api_key": key, "jurisdiction_id": "jakarta.go.id", "service_code": "pohon", "lat": -6.2297,
            "long": 106.8295, "description": "Pohon tumbang menutup trotoar dekat halte",
            "email": "sari@example.id", "device_id": "client-test", "account_id": "acc-client"}
    response = requests.post(f"{root}/requests.json", data=form, timeout=30)
    assert response.status_code == 201, response.text
    [created] = response.json()
    assert created["account_id"] == "acc-client" and created["service_notice"].startswith("Tiket JKT-")
    again = requests.post(f"{root}/requests.json", data=form, timeout=30)
    assert again.status_code == 200 and again.json()[0]["service_request_id"] == created["service_request_id"]
    return created["service_request_id"]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_services_and_definitions(root, output_format):
    client = GeoReport(root, output_format=output_format)
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    assert {s["type"] for s in services} == {"realtime"}
    definition = client.get_service_definition("pohon")
    assert definition["service_code"] == "pohon" and not definition["attributes"]
    with pytest.raises(requests.HTTPError) as unknown:
        client.get_service_definition("ufo")
    assert unknown.value.response.status_code == 404


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_posted_request_is_read_back(root, posted, output_format):
    shown = GeoReport(root, output_format=output_format).get_service_request(posted)
    assert shown["service_request_id"] == posted
    assert (shown["status"], shown["service_code"], shown["service_name"]) == ("open", "pohon", "Pohon")
    assert shown["description"] == "Pohon tumbang menutup trotoar dekat halte"
    assert "sari@example.id" not in str(shown)


def test_filters(root, posted):
    client = GeoReport(root)
    assert [r["service_request_id"] for r in client.get_service_requests(service_request_id=posted)] == [posted]
    assert posted in ids(client.get_service_requests(service_code="pohon,jalan", status="open"))
    assert posted not in ids(client.get_service_requests(status="closed"))
    now = utc_now().astimezone(WIB)
    window = {"start_date": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
              "end_date": (now + timedelta(hours=1)).isoformat(timespec="seconds")}
    assert posted in ids(client.get_service_requests(**window))
    assert posted not in ids(client.get_service_requests(service_code="banjir", **window))
    with pytest.raises(requests.HTTPError) as bad:
        client.get_service_requests(status="done")
    assert bad.value.response.status_code == 400 and bad.value.response.json()[0]["code"] == 400


def test_xml_requests_list(root, posted):
    listed = GeoReport(root, output_format="xml").get_service_requests(service_request_id=posted)
    assert listed["service_request_id"] == posted  # xmltodict gives one element as a dict


def ids(requests_found: list[dict]) -> set[str]:
    return {r["service_request_id"] for r in requests_found}
