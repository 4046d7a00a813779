"""Pages write dates and numbers in crm/formats.py's one format per language, and show roles by
name (dashboard/i18n.py), never a code: /wilayah's figures, its dates, and the staff pages' header."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import plotly.utils
import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from crm.complaint import Complaint, new_ticket, utc_now
from crm.roles import Person, Role
from dashboard.i18n import ROLE_NAMES, who
from geo.jurisdiction import Jurisdiction
from settings import Settings
from tests.dashboard.rendering import render
from store import complaints

ROOT = Path(__file__).resolve().parents[2]
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
MANY = 1553
MONTH_ID = "Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des"


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


def test_the_area_page_groups_thousands_and_writes_dates_in_each_language(pantau):
    received = utc_now() - timedelta(hours=3)
    built = [Complaint(ticket=new_ticket(received), channel="qlue", external_id=f"many-{i}", received_at=received,
                       text="Sampah menumpuk", category="sampah", lon=106.8272, lat=-6.1754, jurisdiction=GAMBIR,
                       skpd="DLH-JP") for i in range(MANY)]
    with pantau.sessions.begin() as session:
        complaints.add_many(session, complaints=built)
    page = render(pantau, "areas", kode="31.71")
    assert '"1.553"' in page and '"1,553"' in page  # tiles, bars and table, in both languages
    assert not re.search(r'"children": 1553\b|"1553"', page)
    assert re.search(rf"sejak \d{{1,2}} ({MONTH_ID}) \d{{4}} \d{{2}}\.\d{{2}} WIB", page)
    assert re.search(r"since \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} WIB", page)
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB", page)
    hover = json.loads(page)  # the map's hover carries the figures already formatted
    assert "1.553" in json.dumps(hover) and "Pengaduan: %{customdata[1]}" in page


def test_a_person_is_shown_with_the_name_of_their_role():
    shown = json.dumps(who(Person("budi", Role.SKPD_STAFF, skpd="BINAMARGA-JP"), "BINAMARGA-JP"),
                       cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert "budi · Petugas SKPD · BINAMARGA-JP" in shown and "budi · Agency officer · BINAMARGA-JP" in shown
    assert "skpd_staff" not in shown and set(ROLE_NAMES) == set(Role)


def test_pages_format_through_the_one_module():
    """No page formats a moment itself, prints a role's code or mixes both languages in one label."""
    pages = {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "dashboard").rglob("*.py")}
    assert [path for path, text in pages.items() if "wib_text" in text or "strftime(\"%Y" in text] == []
    assert [path for path, text in pages.items() if re.search(r"\{[\w.]*person\.role\}", text)] == []
    assert [path for path, text in pages.items() if "Semua status / all" in text] == []
