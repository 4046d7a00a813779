"""GET /api/v1/ranking and /api/v1/ranking.csv against a real app and store (SQLite and PostGIS):
the table follows the follow-up as it happens, and screens are told when it moved."""
from __future__ import annotations

import csv
import io

from crm.events import RANKING_CHANGED
from crm.ranking import MIN_VOLUME, WEIGHTS
from tests.followup.helpers import PHOTO, step

UNIT = "BINAMARGA-JP"


def rows(client, **args) -> dict[str, dict]:
    answer = client.get("/api/v1/ranking", query_string=args)
    assert answer.status_code == 200, answer.get_json()
    return {row["code"]: row for row in answer.get_json()["rows"]}


def test_the_ranking_follows_each_step_and_charges_the_holder(pantau, client, report, tokens) -> None:
    posted = [report()["id"] for _ in range(MIN_VOLUME + 1)]
    waiting = rows(client, window="today")[UNIT]
    assert (waiting["rank"], waiting["volume"], waiting["backlog"], waiting["eligible"]) == (None, 0, 6, False)
    for complaint_id in posted:
        assert step(client, tokens["staf"], complaint_id, to="Proses").status_code == 200
    acted = rows(client, window="today")[UNIT]
    assert (acted["rank"], acted["volume"], acted["eligible"]) == (1, 6, True)
    assert acted["components"]["respons_tepat_waktu"]["rate"] == 1.0
    assert acted["name"] == "Suku Dinas Bina Marga Kota Administrasi Jakarta Pusat"
    assert step(client, tokens["staf"], posted[0], to="Menunggu Validasi", note="Ditambal",
                evidence=[PHOTO]).status_code == 200
    assert step(client, tokens["validator"], posted[0], to="TL Ditolak", note="Foto buram").status_code == 200
    rejected = rows(client, window="today")[UNIT]
    assert rejected["components"]["lolos_validasi"]["n"] == 0  # counted when the stint completes
    assert step(client, tokens["staf"], posted[0], to="Proses").status_code == 200
    assert step(client, tokens["staf"], posted[0], to="Menunggu Validasi", note="Ditambal ulang",
                evidence=[PHOTO]).status_code == 200
    assert step(client, tokens["validator"], posted[0], to="Selesai").status_code == 200
    closed = rows(client, window="today")[UNIT]
    assert closed["components"]["lolos_validasi"] | {"shrunk": None} == {
        "rate": 0.5, "n": 2, "weight": WEIGHTS["lolos_validasi"], "shrunk": None}
    assert (closed["backlog"], closed["components"]["selesai_tepat_waktu"]["rate"]) == (5, 1.0)
    assert rows(client, window="7d", level="kota")["31.71"]["name"] == "Jakarta Pusat"
    assert UNIT in rows(client, window="7d", kind="suku_dinas", kota="31.71")
    assert rows(client, window="7d", kind="kelurahan") == {}


def test_a_screen_is_told_when_the_ranking_moved(pantau, client, report, tokens) -> None:
    screen = pantau.socketio.test_client(pantau.dash.server)
    screen.emit("subscribe", {"rooms": ["city"]}, callback=True)
    complaint_id = report()["id"]
    pantau.ranking.tick()
    screen.get_received()
    assert step(client, tokens["staf"], complaint_id, to="Proses").status_code == 200
    pantau.ranking.tick()
    signals = [m for m in screen.get_received() if m["name"] == RANKING_CHANGED]
    assert len(signals) == 1 and signals[0]["args"][0]["version"] == pantau.ranking.version
    pantau.ranking.tick()  # nothing changed: no signal
    assert [m for m in screen.get_received() if m["name"] == RANKING_CHANGED] == []


def test_csv_and_refusals(pantau, client, report, tokens) -> None:
    for _ in range(MIN_VOLUME):
        assert step(client, tokens["staf"], report()["id"], to="Proses").status_code == 200
    answer = client.get("/api/v1/ranking.csv?window=30d")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert table[0]["kode"] == UNIT and table[0]["peringkat"] == "1" and table[0]["respons_tepat_waktu"]
    for bad in ("window=bulan", "level=provinsi", "kind=swasta", "kota=99.99"):
        refused = client.get(f"/api/v1/ranking?{bad}")
        assert refused.status_code == 400 and "tidak dikenal" in refused.get_json()["error"]
