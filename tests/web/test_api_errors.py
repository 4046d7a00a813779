"""Every path under /api/ and /open311/ answers in its API's shape (JSON `{"error"}`, Open311's
array) for 404, 405, 413, 415 and 500, on a real app from create_app on SQLite; pages still work."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app import create_app
from settings import Settings
from tests.web.conftest import json_logs, report
from web.body_limits import ANY_BYTES
from web.errors import install_errors

JSON = "application/json"


def is_json_error(response, status: int) -> bool:
    return (response.status_code == status and response.mimetype == JSON
            and isinstance(response.get_json()["error"], str) and "<html" not in response.get_data(as_text=True))


def open311_error(response, status: int) -> list[dict]:
    assert response.status_code == status and response.mimetype == JSON
    body = response.get_json()
    assert [item["code"] for item in body] == [status] and all(item["description"] for item in body)
    return body


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/", "/api/v2/reports"])
def test_an_unknown_api_path_is_a_json_404_not_the_dash_page(client, method, path):
    response = client.open(path, method=method)
    assert is_json_error(response, 404)
    assert path in response.get_json()["error"]


def test_a_method_the_path_does_not_take_is_a_json_405_with_allow(client):
    response = client.get("/api/v1/reports")
    assert is_json_error(response, 405)
    assert response.headers["Allow"] == "POST, OPTIONS"  # Dash's catch-all GET is not offered
    put = client.put("/api/v1/channels/sms")
    assert is_json_error(put, 405) and put.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.options("/api/v1/reports").headers["Allow"] == "POST, OPTIONS"
    assert client.head("/api/v1/reports").status_code == 405


def test_open311_keeps_its_error_array(client):
    assert "Open311" in open311_error(client.get("/open311/v2/nope.json"), 404)[0]["description"]  # its own 404
    open311_error(client.get("/open311/nope"), 404)
    wrong = client.delete("/open311/v2/requests.json")
    open311_error(wrong, 405)
    assert wrong.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    xml = client.put("/open311/v2/services.xml")
    assert xml.status_code == 405 and xml.mimetype == "text/xml" and b"<errors><error><code>405</code>" in xml.data


def test_a_body_over_the_limit_is_413_without_being_read(client, key):
    """The client declares a body one byte over the limit (as a real one would, in Content-Length);
    the server refuses before reading, so two bytes stand in for the 2 MB."""
    declared = {"data": b"{}", "environ_overrides": {"CONTENT_LENGTH": str(ANY_BYTES + 1)}}
    big = client.post("/api/v1/reports", content_type=JSON, headers={"Authorization": f"Bearer {key}"}, **declared)
    assert is_json_error(big, 413)
    open311_error(client.post("/open311/v2/requests.json", content_type="application/x-www-form-urlencoded",
                              **declared), 413)
    at_limit = {"data": b"{}", "environ_overrides": {"CONTENT_LENGTH": str(ANY_BYTES)}}
    assert client.post("/api/v1/reports", content_type=JSON, headers={"Authorization": f"Bearer {key}"},
                       **at_limit).status_code != 413


def test_unsupported_media_types_are_json_415(client, key):
    auth = {"Authorization": f"Bearer {key}"}
    plain = client.post("/api/v1/reports", data="teks biasa", content_type="text/plain", headers=auth)
    assert is_json_error(plain, 415) and plain.get_json() == {"error": "Gunakan Content-Type: application/json."}
    xml = client.post("/api/v1/channels/qlue", data="<laporan/>", content_type="application/xml", headers=auth)
    assert is_json_error(xml, 415) and isinstance(xml.get_json()["dead_letter_id"], int)


def test_pages_still_work(client):
    home = client.get("/")
    assert home.status_code == 200 and "<html" in home.get_data(as_text=True)
    assert client.get("/peringkat").status_code == 200
    assert client.get("/_dash-layout").get_json()["props"]["id"] == "pantau-root"
    assert client.get("/masuk").status_code == 200


def test_an_unexpected_error_is_logged_with_its_traceback_and_answered_500_with_the_request_id(
        tmp_path: Path, locator):
    broken = create_app(Settings(database_url=f"sqlite:///{tmp_path}/pantau.db"), locator=locator)
    with broken.sessions.begin() as session:  # a schema the code does not expect: a bug, not an outage
        session.execute(text("ALTER TABLE complaints RENAME TO complaints_elsewhere"))
    with broken.dash.server.test_client() as client, json_logs() as lines:
        response = client.get("/api/v1/complaints", headers={"X-Request-ID": "crash-1"})
        open311 = client.get("/open311/v2/requests.json", headers={"X-Request-ID": "crash-2"})
        logged = lines()
    assert is_json_error(response, 500)
    body = response.get_data(as_text=True)
    assert response.get_json()["request_id"] == "crash-1" and "crash-1" in response.get_json()["error"]
    assert "Traceback" not in body and "complaints" not in body and "sqlite" not in body.lower()
    assert "crash-2" in open311_error(open311, 500)[0]["description"]
    [error] = [line for line in logged if line["level"] == "ERROR" and line["request_id"] == "crash-1"]
    assert error["logger"] == "pantau.web" and "GET /api/v1/complaints" in error["message"]
    assert "Traceback" in error["exception"] and "no such table: complaints" in error["exception"]


def test_family_errors_keep_their_bodies(client, key):
    auth = {"Authorization": f"Bearer {key}"}
    unknown = client.get("/api/v1/complaints/999999")
    assert unknown.status_code == 404 and unknown.get_json() == {"error": "Pengaduan 999999 tidak ditemukan."}
    invalid = client.post("/api/v1/reports", json=report("E-1", lat=-95.0), headers=auth)
    assert invalid.status_code == 422 and {e["field"] for e in invalid.get_json()["errors"]} == {"lat"}
    no_key = client.post("/api/v1/reports", json=report("E-2"))
    assert is_json_error(no_key, 401)
    bad_window = client.get("/api/v1/ranking?window=1y")
    assert bad_window.status_code == 400 and "window" in bad_window.get_json()["error"]


def test_a_crash_on_a_page_keeps_flasks_own_500(caplog):
    """install_errors on a bare server: an API path gets the family's 500, a page Flask's HTML 500,
    and both are logged with their traceback."""
    server = Flask(__name__)
    install_errors(server)

    @server.get("/api/v1/boom")
    @server.get("/boom")
    def boom() -> None:
        raise RuntimeError("pecah")

    client = server.test_client()
    api, page = client.get("/api/v1/boom"), client.get("/boom")
    assert is_json_error(api, 500) and "pecah" not in api.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html" and "pecah" not in page.get_data(as_text=True)
    crashes = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert [r.name for r in crashes] == ["pantau.web", server.logger.name]
