"""The command centre's filter bar: kota, category, status, channel, since and a search box.

The URL is the filter's only home: the controls start from it and a change writes it again
(assets/filters.js, through Dash's callback navigation), so the page is re-read narrowed and a
filtered view can be bookmarked, shared or put on a wall screen. Problems with a hand-written URL
are shown in words above the map, and the page then shows everything.
"""
from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.skpd import WILAYAH
from crm.windows import LABELS, WINDOWS
from dashboard.i18n import bi
from dashboard.palette import STATUS_SWATCHES

SEARCH_HINT = "Tiket atau kata / ticket or words"
# The controls in the order assets/filters.js `search` reads them (its NAMES), with the prop it reads.
FILTER_INPUTS = tuple((f"cc-filter-{name}", "value") for name in ("kota", "kategori", "status", "kanal", "sejak", "q"))


def _options(pairs: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    return [{"value": value, "label": bi(label_id, label_en), "search": f"{label_id} {label_en}"}
            for value, label_id, label_en in pairs]


def _listed(query: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in (query.get(name) or "").split(",") if v.strip()]


def filter_bar(query: Mapping[str, str], problems: list[dict[str, str]]) -> html.Section:
    """The controls, set from the page's URL (`query`), and the URL's problems if any."""
    def dropdown(name: str, options: list[dict[str, object]], multi: bool, placeholder: str) -> dcc.Dropdown:
        # Only values it offers: a dropdown given another drops it, which would rewrite the URL unasked.
        offered = {option["value"] for option in options}
        value: list[str] | str | None = [v for v in _listed(query, name) if v in offered]
        if not multi:
            value = value[0] if value else None
        return dcc.Dropdown(id=f"cc-filter-{name}", options=options, value=value, multi=multi, clearable=True,
                            placeholder=placeholder, className="cc-filter", optionHeight=32)

    controls = [
        dropdown("kota", _options([(k, name, name) for k, (_, name) in WILAYAH.items()]), False, "Semua kota"),
        dropdown("kategori", _options([(c.code, c.name, c.name_en) for c in CATEGORIES.values()]), True,
                 "Semua kategori"),
        dropdown("status", _options([(str(s.key), s.label_id, s.label_en) for s in STATUS_SWATCHES]), True,
                 "Semua status"),
        dropdown("kanal", _options([(code, label, label) for code, label in CHANNELS.items()]), True, "Semua kanal"),
        dropdown("sejak", _options([(w, *LABELS[w]) for w in WINDOWS]), False, "24 jam + terbuka"),
        dcc.Input(id="cc-filter-q", type="search", value=query.get("q") or "", debounce=True, placeholder=SEARCH_HINT,
                  className="cc-filter-q", maxLength=200),
        html.A(bi("Hapus filter", "Clear filters"), href="/", id="cc-filter-clear", className="cc-filter-clear"),
    ]
    message = [bi("Filter di alamat tidak dapat dipakai, semua pengaduan ditampilkan: ",
                  "The address's filter cannot be used, showing every complaint: "),
               "; ".join(f'{p["field"]}: {p["message"]}' for p in problems)] if problems else []
    return html.Section(className="cc-filters", role="search", children=[
        dcc.Location(id="cc-url", refresh="callback-nav"),
        html.Div(controls, className="cc-filter-controls"),
        html.P(message, id="cc-filter-problem", className="cc-filter-problem", role="alert", hidden=not problems),
    ])
