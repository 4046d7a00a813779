"""Finding one's way, through Flask's test client: the header links each signed-in role to the staff
pages its role may use (crm/roles.py) and nobody else to any, every page answers 200 while a path no page
takes answers 404 with a page in Bahasa Indonesia, and /favicon.ico is an icon, not a page."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest

from app import Pantau, create_app
from crm.roles import Work
from settings import Settings
from store import users
from tests.dashboard.test_guard import texts
from tests.followup.helpers import PASSWORD, PEOPLE, sign_in

LINKS = {  # what each person of tests/followup/helpers.py sees in the header, in order
    "gubernur": ["/antrian", "/validasi", "/triase", "/meja", "/surat-mati"],
    "operator": ["/triase", "/meja", "/surat-mati"],
    "validator": ["/validasi"],
    "kadis": ["/antrian"], "staf": ["/antrian"], "staf_lain": ["/antrian"],
    "walkot": ["/antrian"], "camat": ["/antrian"], "lurah": ["/antrian"],
}


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory, locator) -> Pantau:
    database = Path(tmp_path_factory.mktemp("navigation")) / "pantau.db"
    pantau = create_app(Settings(database_url=f"sqlite:///{database}"), locator=locator, background=False)
    with pantau.sessions.begin() as session:
        for name, (role, skpd, area) in PEOPLE.items():
            users.create(session, name=name, role=role, skpd=skpd, area=area, password=PASSWORD)
    return pantau


@pytest.fixture
def client(pantau: Pantau) -> Iterator[Any]:
    with pantau.dash.server.test_client() as client:
        yield client


def work_links(node: Any) -> list[str] | None:
    """The hrefs of the header's work links, found in the Dash layout's JSON; None without that nav."""
    if isinstance(node, dict):
        if node.get("props", {}).get("className") == "work-nav":
            return [link["props"]["href"] for link in node["props"]["children"]]
        return next((found for found in map(work_links, node.values()) if found is not None), None)
    if isinstance(node, list):
        return next((found for found in map(work_links, node) if found is not None), None)
    return None


def test_the_header_links_each_role_to_its_work_and_nobody_to_any(pantau):
    assert set(LINKS) == set(PEOPLE)
    with pantau.dash.server.test_client() as nobody:
        assert work_links(nobody.get("/_dash-layout").get_json()) is None
    for name, expected in LINKS.items():
        with pantau.dash.server.test_client() as client:
            assert sign_in(client, name).status_code == 302
            assert work_links(client.get("/_dash-layout").get_json()) == expected, name


def test_every_page_answers_200_and_a_path_no_page_takes_404(client):
    registered = {page["path"] for page in dash.page_registry.values()}
    assert set(Work) <= registered
    for path in ["/", "/antrian", "/antrian/", "/surat-mati", "/triase", "/wilayah", "/wilayah/31.71", "/peringkat",
                 "/peringkat/BINAMARGA-JP", "/lacak", "/meja", "/validasi", "/masuk"]:
        assert client.get(path).status_code == 200, path
    for path in ["/tidak-ada", "/antrian/lain/lagi", "/not-found-404", "/Antrian", "/index.php"]:
        answer = client.get(path)
        assert answer.status_code == 404 and answer.mimetype == "text/html", path
        assert 'id="react-entry-point"' in answer.get_data(as_text=True)  # the shell, which shows the page below
    assert client.get("/api/v1/tidak-ada").get_json()["error"].startswith("Alamat /api/v1/tidak-ada tidak ada")


def test_the_not_found_page_speaks_bahasa_indonesia_first(pantau):
    with pantau.dash.server.test_request_context("/tidak-ada"):
        shown = dash.page_registry["dashboard.pages.not_found_404"]["layout"]()
    words = texts(shown)
    assert "Halaman tidak ditemukan" in words and words.index("Halaman tidak ditemukan") < words.index("Page not found")
    assert "404 - Page not found" not in words


def test_the_favicon_is_an_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    icon = client.get(answer.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/x-icon" and icon.data[:4] == b"\x00\x00\x01\x00"
