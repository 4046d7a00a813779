"""The ranking pages' layouts in-process (dashboard/pages/ranking.py and skpd_detail.py), on SQLite and
PostGIS: the query read from the URL, the explanation written from crm/ranking.py's constants, and one
unit's page with an overdue complaint. The live table itself is the browser test's
(test_ranking_browser.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from crm.complaint import Complaint, new_ticket, utc_now
from crm.ranking import MIN_VOLUME, PRIOR_WEIGHT, WEIGHTS
from dashboard.ranking_table import Query, read_query
from geo.jurisdiction import Jurisdiction
from settings import Settings
from tests.dashboard.rendering import render
from store import complaints

GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


def test_the_query_is_the_page_state() -> None:
    assert read_query({}) == (Query(), [])
    assert Query().api() == "window=7d&level=skpd"
    query, unknown = read_query({"window": "bulan", "level": "kelurahan", "kind": "dinas", "kota": "31.71"})
    assert unknown == ["window=bulan"]
    assert query.api() == "window=7d&level=kelurahan&kota=31.71"  # a kind narrows units only
    assert query.href(level="skpd", kota=None) == "/peringkat?window=7d&level=skpd&kind=dinas"


def test_the_ranking_page_explains_the_formula_from_its_constants(pantau) -> None:
    page = render(pantau, "ranking", window="today", kind="suku_dinas", kota="31.71")
    assert '"/api/v1/ranking.csv?window=today&level=skpd&kind=suku_dinas&kota=31.71"' in page
    assert f"sedikitnya {MIN_VOLUME} pengaduan" in page and f"{PRIOR_WEIGHT} hasil tambahan" in page
    assert f"Respons tepat waktu ({WEIGHTS['respons_tepat_waktu']:.0%})" in page
    assert "Pilihan tidak dikenal" not in page
    assert "Pilihan tidak dikenal diabaikan: level=provinsi" in render(pantau, "ranking", level="provinsi")


def test_a_unit_page_lists_its_overdue_complaints(pantau) -> None:
    received = utc_now() - timedelta(days=12)
    late = Complaint(ticket=new_ticket(received), channel="qlue", external_id="late-1", received_at=received,
                     text="Jalan berlubang", category="jalan", lon=106.8272, lat=-6.1754, jurisdiction=GAMBIR,
                     skpd="BINAMARGA-JP", first_action_due=received + timedelta(hours=6),
                     completion_due=received + timedelta(days=9))
    with pantau.sessions.begin() as session:
        ticket = complaints.add(session, complaint=late).ticket
    page = render(pantau, "skpd_detail", kode="BINAMARGA-JP", window="30d")
    assert "Suku Dinas Bina Marga Kota Administrasi Jakarta Pusat" in page
    assert f'"/lacak?tiket={ticket}"' in page and '"3 hari"' in page and "Lewat batas (1)" in page
    assert '"Menunggu"' in page and "Tidak ada pengaduan yang dipegang" not in page
    assert "Kelurahan Gambir" in render(pantau, "skpd_detail", kode="KEL-3171011001")
    assert "Unit kerja «NGAWUR» tidak dikenal" in render(pantau, "skpd_detail", kode="NGAWUR")
