"""Wall mode's query parameter (dashboard/wall.py) as the command centre's layout reads it: `?layar=dinding`
is the wall screen, any other `layar` is named on the ordinary screen, and a page without it is as before."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine

from app import Pantau, create_app
from crm.complaint import Status
from crm.complaint_filter import ComplaintFilter
from dashboard.wall import WALL, filter_label, is_wall, unknown_screen
from settings import Settings
from tests.dashboard.rendering import render


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator)


def test_only_layar_dinding_is_the_wall():
    assert WALL == "dinding"  # a promise to every bookmarked wall screen
    assert is_wall({"layar": "dinding"}) and is_wall({"layar": "dinding", "kota": "31.71"})
    assert not is_wall({}) and not is_wall({"layar": "Dinding"}) and not is_wall({"layar": ["dinding", "dinding"]})
    assert unknown_screen({}) is None and unknown_screen({"layar": "dinding"}) is None
    assert unknown_screen({"layar": "terang"}) == "terang"
    assert unknown_screen({"layar": ""}) == ""  # asked for, and empty: still not a screen we have
    assert unknown_screen({"layar": ["dinding", "x"]}) == "dinding, x"


def test_the_layout_is_dark_for_the_wall_and_names_an_unknown_screen(pantau):
    wall = render(pantau, "command_centre", layar="dinding")
    assert '"className": "command-centre wall"' in wall and "#1f2a36" in wall  # the dark land of the figure
    assert "tidak dikenal" not in wall
    unknown = render(pantau, "command_centre", layar="terang")
    assert '"className": "command-centre"' in unknown and "#1f2a36" not in unknown
    assert "Layar “terang” tidak dikenal; ditampilkan layar biasa. Layar dinding: ?layar=dinding" in unknown
    assert "Unknown screen “terang”; showing the ordinary screen." in unknown
    plain = render(pantau, "command_centre")
    assert '"className": "command-centre"' in plain and "tidak dikenal" not in plain


def test_a_filtered_wall_says_its_filter_in_words():
    def words(where: ComplaintFilter) -> tuple[str, str] | None:
        label = filter_label(where, {"31.71.01": "Gambir"}.get)
        if label is None:
            return None
        spans = label.children.children
        return spans[0].children, spans[1].children

    assert words(ComplaintFilter()) is None
    assert words(ComplaintFilter(kode_kota="31.71", categories=("banjir",), statuses=(Status.MENUNGGU,))) == (
        "Saringan: Jakarta Pusat · Banjir · Menunggu", "Filter: Jakarta Pusat · Flooding · Waiting")
    since = datetime(2026, 12, 2, 17, 0, tzinfo=timezone.utc)  # 3 Dec 00.00 WIB
    unit = "Suku Dinas Bina Marga Kota Administrasi Jakarta Pusat"
    assert words(ComplaintFilter(kode_kecamatan="31.71.01", skpd="BINAMARGA-JP", channels=("sms",), since=since,
                                 words=("genangan",))) == (
        f"Saringan: Gambir · {unit} · SMS Center · sejak 3 Des 2026 00.00 WIB · “genangan”",
        f"Filter: Gambir · {unit} · SMS Center · since 3 Dec 2026 00:00 WIB · “genangan”")
