"""Wall mode of the command centre: `/?layar=dinding`, the screen a control room hangs on its wall.

The query parameter is a promise to the people who bookmark it, so its name and value live here
once, and any page reading the query asks `is_wall` (the command centre's filters treat every other
parameter; `unknown_screen` tells them and the page when `layar` names no screen we have). The wall
look itself is CSS (assets/pantau.css `.wall`): no header, dark, large type, loud alerts. A wall has
no filter controls, so `filter_label` says in large type what a filtered wall is held to.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from dash import html

from crm import formats
from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint_filter import ComplaintFilter
from crm.skpd import SKPDS, WILAYAH
from dashboard.i18n import bi
from dashboard.page_filter import is_filtered
from dashboard.palette import STATUS_SWATCHES

Query = Mapping[str, str | list[str]]  # what Dash hands `layout(**query)`: a repeated parameter is a list
LAYAR = "layar"  # the query parameter naming the screen
WALL = "dinding"  # its one value so far: the wall screen


def is_wall(query: Query) -> bool:
    """Whether the page's query (as Dash hands it to `layout(**query)`) asks for the wall screen."""
    return query.get(LAYAR) == WALL


def unknown_screen(query: Query) -> str | None:
    """The `layar` value asked for when it names no screen (a repeated parameter arrives as a list,
    and is unknown too), else None: the page says so and shows its ordinary screen."""
    value = query.get(LAYAR)
    if value is None or value == WALL:
        return None
    return value if isinstance(value, str) else ", ".join(value)


def screen_notice(query: Query) -> html.Div | None:
    """A one-line notice for an unknown `layar`, naming the value and the one that works, or None."""
    asked = unknown_screen(query)
    if asked is None:
        return None
    return html.Div(className="screen-notice", role="status", children=bi(
        f"Layar “{asked}” tidak dikenal; ditampilkan layar biasa. Layar dinding: ?{LAYAR}={WALL}",
        f"Unknown screen “{asked}”; showing the ordinary screen. Wall screen: ?{LAYAR}={WALL}"))


def filter_label(where: ComplaintFilter, place_name: Callable[[str], str]) -> html.Div | None:
    """"Saringan: Jakarta Pusat · Banjir · Menunggu", in both languages: what a filtered wall shows,
    since its controls are hidden; None when it shows everything. `place_name` names a kecamatan or
    kelurahan by its Kemendagri code."""
    if not is_filtered(where):
        return None
    parts_id, parts_en = _described(where, place_name)
    return html.Div(className="wall-filter", role="status", children=bi(
        "Saringan: " + " · ".join(parts_id), "Filter: " + " · ".join(parts_en)))


def _described(where: ComplaintFilter, place_name: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """Each narrowing of the filter in words, Indonesian and English, in the filter bar's order."""
    same: list[str] = []
    if where.kode_kota:
        same.append(_kota(where.kode_kota))
    same += [place_name(code) for code in (where.kode_kecamatan, where.kode_kelurahan) if code]
    if where.skpd:
        same.append(SKPDS[where.skpd].name if where.skpd in SKPDS else where.skpd)
    parts_id, parts_en = list(same), list(same)
    categories = [CATEGORIES.get(code) for code in where.categories]
    parts_id += [c.name if c else code for c, code in zip(categories, where.categories)]
    parts_en += [c.name_en if c else code for c, code in zip(categories, where.categories)]
    swatches = {str(s.key): s for s in STATUS_SWATCHES}
    for status in map(str, where.statuses):
        swatch = swatches.get(status)
        parts_id.append(swatch.label_id if swatch else status)
        parts_en.append(swatch.label_en if swatch else status)
    channels = [CHANNELS.get(code, code) for code in where.channels]
    parts_id += channels
    parts_en += channels
    if where.since:
        parts_id.append("sejak " + formats.date_time(where.since, "id"))
        parts_en.append("since " + formats.date_time(where.since, "en"))
    if where.words:
        words = "“" + " ".join(where.words) + "”"
        parts_id.append(words)
        parts_en.append(words)
    return parts_id, parts_en


def _kota(kode: str) -> str:
    """"Jakarta Pusat" of "Kota Administrasi Jakarta Pusat": the name people say."""
    name = WILAYAH[kode][1] if kode in WILAYAH else kode
    return name.removeprefix("Kota Administrasi ").removeprefix("Kabupaten Administrasi ")
