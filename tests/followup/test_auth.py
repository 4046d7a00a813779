"""Signing in to the web interface through Flask's test client, on SQLite and PostGIS: the form and
its CSRF token, wrong and right passwords (audited), the cookie's flags, landing on one's work unless
a `next` says otherwise, no open redirect, the session acting on the follow-up API, disabling, signing
out, and require_person for pages."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, update

from app import Pantau, create_app
from crm.roles import Role
from followup.auth import NotAllowed, NotSignedIn, local_target, require_person
from settings import Settings
from store import api_keys, users
from store.models import UserRow
from tests.followup.helpers import PASSWORD, PEOPLE, audited, csrf, sign_in

MONAS = {"lon": 106.8272, "lat": -6.1754}  # Gambir: roads go to BINAMARGA-JP


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    pantau = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)
    with pantau.sessions.begin() as session:
        users.create(session, name="staf", role="skpd_staff", skpd="BINAMARGA-JP", area=None, password=PASSWORD)
    return pantau


@pytest.fixture
def client(pantau: Pantau) -> Iterator[Any]:
    with pantau.dash.server.test_client() as client:
        yield client


def header_token(node: Any) -> str | None:
    """The CSRF token of the header's Keluar form, found in the Dash layout's JSON."""
    if isinstance(node, dict):
        if node.get("name") == "csrf_token":
            return node["value"]
        return next(filter(None, map(header_token, node.values())), None)
    if isinstance(node, list):
        return next(filter(None, map(header_token, node)), None)
    return None


def complaint_id(pantau: Pantau, client) -> int:
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="gateway", scopes=["channel:qlue"])
    body = {"channel": "qlue", "external_id": "Q-1", "text": "Jalan berlubang dalam", "category": "jalan", **MONAS}
    answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201 and answer.get_json()["skpd"] == "BINAMARGA-JP"
    return answer.get_json()["id"]


def test_the_form_is_bilingual_with_a_csrf_token_and_refuses_a_post_without_it(pantau, client):
    page = client.get("/masuk").get_data(as_text=True)
    assert "Masuk" in page and "Sign in" in page and page.index("Kata sandi") < page.index("Password")
    assert csrf(client)
    answer = client.post("/masuk", data={"name": "staf", "password": PASSWORD})
    assert answer.status_code == 400 and "Formulir kedaluwarsa" in answer.get_data(as_text=True)
    assert audited(pantau, "login") == []


def test_a_wrong_password_answers_the_form_with_401_and_is_audited_without_the_password(pantau, client):
    answer = sign_in(client, password="salah-kata-sandi")
    assert answer.status_code == 401
    page = answer.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in page and 'value="staf"' in page
    [failed] = audited(pantau, "login.failed")
    assert failed.target == "staf" and "salah-kata-sandi" not in repr(failed.detail)
    assert client.post("/api/v1/complaints/1/transitions", json={"to": "Proses"}).status_code == 401


@pytest.mark.parametrize("trusted_proxies, audited_ip", [(0, "127.0.0.1"), (1, "10.0.0.2")])
def test_the_audited_address_is_the_trusted_proxys_word_never_the_clients(engine, locator, trusted_proxies,
                                                                           audited_ip):
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), trusted_proxies=trusted_proxies)
    pantau = create_app(settings, locator=locator)
    with pantau.dash.server.test_client() as client:
        # a client wrote 203.0.113.9 itself; the one proxy in front appended the peer it saw, 10.0.0.2
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9, 10.0.0.2"
        assert sign_in(client, password="salah-kata-sandi").status_code == 401
    [failed] = audited(pantau, "login.failed")
    assert failed.detail["ip"] == audited_ip


def test_signing_in_sets_a_secure_cookie_and_the_session_acts_on_the_api(pantau, client):
    answer = sign_in(client)
    assert answer.status_code == 302 and answer.headers["Location"] == "/antrian"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie and "Expires=" in cookie
    assert [a.actor for a in audited(pantau, "login")] == ["staf"]
    moved = client.post(f"/api/v1/complaints/{complaint_id(pantau, client)}/transitions",
                        json={"to": "Proses", "note": "Tim menuju lokasi"})
    assert moved.status_code == 200 and moved.get_json()["status"] == "Proses"
    assert [a.actor for a in audited(pantau, "complaint.transition")] == ["staf"]
    assert client.post("/api/v1/complaints/1/transitions", json={"to": "Proses"},
                       headers={"Authorization": "Bearer pantau_u_not-a-token"}).status_code == 401
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "staf" in layout and "Keluar" in layout and "keluar" in layout


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example",
                                    "/\t/evil.example", "javascript:alert(1)", "evil.example"])
def test_next_never_leaves_the_site(client, target):
    answer = sign_in(client, next=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


LANDINGS = {"gubernur": "/", "operator": "/triase", "validator": "/validasi", "kadis": "/antrian",
            "staf": "/antrian", "walkot": "/antrian", "camat": "/antrian", "lurah": "/antrian"}


def test_each_person_lands_on_their_work_unless_next_says_where(pantau, client):
    assert set(LANDINGS) == set(PEOPLE) - {"staf_lain"}
    with pantau.sessions.begin() as session:
        for name, (role, skpd, area) in PEOPLE.items():
            if name != "staf":
                users.create(session, name=name, role=role, skpd=skpd, area=area, password=PASSWORD)
    for name, landing in LANDINGS.items():
        with pantau.dash.server.test_client() as own:
            answer = sign_in(own, name)
            assert (answer.status_code, answer.headers["Location"]) == (302, landing), name
    for name, target in (("operator", "/surat-mati"), ("staf", "/"), ("validator", "/lacak?tiket=JKT-1")):
        with pantau.dash.server.test_client() as own:
            assert sign_in(own, name, next=target).headers["Location"] == target


def test_the_form_carries_next_only_when_one_was_given(client):
    assert 'name="next" value=""' in client.get("/masuk").get_data(as_text=True)
    assert 'name="next" value="/surat-mati"' in client.get("/masuk?next=/surat-mati").get_data(as_text=True)
    assert 'name="next" value="/"' in client.get("/masuk?next=https://evil.example").get_data(as_text=True)


def test_next_keeps_a_local_path():
    assert local_target("/lacak?tiket=JKT-1") == "/lacak?tiket=JKT-1"
    assert local_target(None) == "/"


def test_disabling_a_person_ends_their_session_at_the_next_request(pantau, client):
    assert sign_in(client).status_code == 302
    target = f"/api/v1/complaints/{complaint_id(pantau, client)}/transitions"
    with pantau.sessions.begin() as session:
        session.execute(update(UserRow).where(UserRow.name == "staf").values(disabled_at=datetime.now(UTC)))
    assert client.post(target, json={"to": "Proses"}).status_code == 401
    assert sign_in(client).status_code == 401


def test_signing_out_needs_the_csrf_token_then_ends_the_session_and_is_audited(pantau, client):
    assert sign_in(client).status_code == 302
    target = f"/api/v1/complaints/{complaint_id(pantau, client)}/transitions"
    assert client.post("/keluar").status_code == 400
    answer = client.post("/keluar", data={"csrf_token": header_token(client.get("/_dash-layout").get_json())})
    assert answer.status_code == 302
    assert [a.actor for a in audited(pantau, "logout")] == ["staf"]
    assert client.post(target, json={"to": "Proses"}).status_code == 401
    assert "Masuk" in client.get("/_dash-layout").get_data(as_text=True)


def test_signing_out_ends_every_session_of_that_person_even_a_copied_cookie(pantau, client):
    assert sign_in(client).status_code == 302
    target = f"/api/v1/complaints/{complaint_id(pantau, client)}/transitions"
    cookie = client.get_cookie("session").value
    other = pantau.dash.server.test_client()  # another browser, or a stolen copy of the cookie
    other.set_cookie("session", cookie)
    assert "staf" in other.get("/_dash-layout").get_data(as_text=True)
    client.post("/keluar", data={"csrf_token": header_token(client.get("/_dash-layout").get_json())})
    assert other.post(target, json={"to": "Proses"}).status_code == 401
    assert "Masuk" in other.get("/_dash-layout").get_data(as_text=True)
    assert sign_in(client).status_code == 302  # signing in again starts a new session that works
    assert client.post(target, json={"to": "Proses"}).status_code == 200


def test_disabling_from_the_command_line_ends_the_session_and_enabling_revives_none(pantau, client):
    assert sign_in(client).status_code == 302
    target = f"/api/v1/complaints/{complaint_id(pantau, client)}/transitions"
    with pantau.sessions.begin() as session:
        assert users.set_disabled(session, name="staf", disabled=True, at=datetime.now(UTC))
    with pantau.sessions.begin() as session:
        assert users.set_disabled(session, name="staf", disabled=False, at=datetime.now(UTC))
    assert client.post(target, json={"to": "Proses"}).status_code == 401


def test_require_person_for_pages(pantau, client):
    server = pantau.dash.server
    with server.test_request_context("/"), pytest.raises(NotSignedIn):
        require_person()
    with pantau.sessions.begin() as session:
        token = users.issue_token(session, name="staf")
    with server.test_request_context("/", headers={"Authorization": f"Bearer {token}"}):
        assert require_person(Role.SKPD_STAFF, Role.SKPD_HEAD).name == "staf"
        with pytest.raises(NotAllowed):
            require_person(Role.VALIDATOR)
