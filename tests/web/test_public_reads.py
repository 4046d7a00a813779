"""Public reads are throttled per address: a scraper walking Open311 and ticket after ticket is one
reader, answered 429 with Retry-After in each API's own error shape; a signed-in person is not counted."""
from __future__ import annotations

from app import create_app
from settings import Settings
from store import api_keys, users
from tests.followup.helpers import sign_in
from crm.roles import Role

LIMIT = 6


def test_the_public_apis_share_one_count_per_address_and_people_read_freely(tmp_path, locator):
    pantau = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}", public_reads=f"{LIMIT} per minute",
                                 secure_cookies=False), locator)
    with pantau.sessions.begin() as session:
        users.create(session, name="staf", password="kata-sandi-panjang", role=Role("operator"), skpd=None, area=None)
        key = api_keys.create(session, name="mitra", scopes=["channel:open311"])
    reads = ["/api/v1/complaints", "/open311/v2/requests.json", "/api/v1/ranking", "/api/v1/track/JKT-NOPE",
             "/api/v1/complaints/1", "/open311/v2/services.xml"]
    with pantau.dash.server.test_client() as client:
        answers = [client.get(path) for path in reads]
        assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 200]
        refused = client.get("/api/v1/complaints")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "Terlalu banyak" in refused.get_json()["error"]
        spec = client.get("/open311/v2/requests.json")  # Open311's own error array
        assert spec.status_code == 429 and spec.get_json()[0]["code"] == 429
        assert client.get("/masuk").status_code == 200  # pages and sign-in are not public reads
        assert client.post("/api/v1/track/JKT-NOPE/reopen", json={}).status_code != 429  # reopening has its own
        assert sign_in(client, "staf").status_code == 302
        assert all(client.get("/api/v1/complaints").status_code == 200 for _ in range(LIMIT + 2))
    with pantau.dash.server.test_client() as other:  # the same address, still counted while signed out
        assert other.get("/api/v1/ranking").status_code == 429
        partner = {"Authorization": f"Bearer {key}"}
        assert all(other.get("/open311/v2/requests.json", headers=partner).status_code == 200 for _ in range(LIMIT))
        wrong = {"Authorization": "Bearer pantau_salah"}
        assert other.get("/open311/v2/requests.json", headers=wrong).status_code == 429  # a made-up key is no key
