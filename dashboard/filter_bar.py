"""The filter controls of the command centre (kota, category, status, channel, since, words) and of
/wilayah (the same, less what its path and window say).

The URL is the filter's only home: the controls start from it and a change writes it again
(assets/filters.js on `/`, which has the page narrowed in place; the page's navigate callback on
/wilayah, which re-reads it), so a filtered view can be bookmarked, shared or put on a wall screen. Problems with a hand-written
URL are shown in words, and the page then shows everything.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import dcc, html
from dash.development.base_component import Component

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.skpd import WILAYAH
from crm.windows import LABELS, WINDOWS
from dashboard.i18n import bi, dropdown
from dashboard.palette import STATUS_SWATCHES

SEARCH_HINT = "Tiket atau kata / ticket or words"
CENTRE_FILTERS = ("kota", "kategori", "status", "kanal", "sejak", "q")  # assets/filters.js NAMES, in its order
# The controls in the order assets/filters.js `search` reads them, with the prop it reads.
FILTER_INPUTS = tuple((f"cc-filter-{name}", "value") for name in CENTRE_FILTERS)


def _options(pairs: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    return [{"value": value, "label": bi(label_id, label_en), "search": f"{label_id} {label_en}"}
            for value, label_id, label_en in pairs]


# name -> (options, several values?, placeholder)
CHOICES: dict[str, tuple[list[dict[str, object]], bool, str]] = {
    "kota": (_options([(k, name, name) for k, (_, name) in WILAYAH.items()]), False, "Semua kota"),
    "kategori": (_options([(c.code, c.name, c.name_en) for c in CATEGORIES.values()]), True, "Semua kategori"),
    "status": (_options([(str(s.key), s.label_id, s.label_en) for s in STATUS_SWATCHES]), True, "Semua status"),
    "kanal": (_options([(code, label, label) for code, label in CHANNELS.items()]), True, "Semua kanal"),
    "sejak": (_options([(w, *LABELS[w]) for w in WINDOWS]), False, "24 jam + terbuka"),
}


def _listed(query: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in (query.get(name) or "").split(",") if v.strip()]


def _control(query: Mapping[str, str], prefix: str, name: str) -> Component:
    if name == "q":
        return dcc.Input(id=f"{prefix}-filter-q", type="search", value=query.get("q") or "", debounce=True,
                         placeholder=SEARCH_HINT, className="cc-filter-q", maxLength=200)
    options, multi, placeholder = CHOICES[name]
    # Only values it offers: a dropdown given another drops it, which would rewrite the URL unasked.
    offered = {option["value"] for option in options}
    value: list[str] | str | None = [v for v in _listed(query, name) if v in offered]
    if not multi:
        value = value[0] if value else None
    return dropdown(id=f"{prefix}-filter-{name}", options=options, value=value, multi=multi, clearable=True,
                        placeholder=placeholder, className="cc-filter", optionHeight=32)


def filter_controls(query: Mapping[str, str], prefix: str, names: Sequence[str]) -> list[Component]:
    """One control per filter name (`<prefix>-filter-<name>`), set from the page's URL (`query`)."""
    return [_control(query, prefix, name) for name in names]


def filter_problem(problems: list[dict[str, str]], element_id: str) -> html.P:
    """The URL's problems in words, or an empty hidden line."""
    message = [bi("Filter di alamat tidak dapat dipakai, semua pengaduan ditampilkan: ",
                  "The address's filter cannot be used, showing every complaint: "),
               "; ".join(f'{p["field"]}: {p["message"]}' for p in problems)] if problems else []
    return html.P(message, id=element_id, className="cc-filter-problem", role="alert", hidden=not problems)


def filter_bar(query: Mapping[str, str], problems: list[dict[str, str]]) -> html.Section:
    """The command centre's bar: its controls, a way back to everything, and the URL's problems if any."""
    return html.Section(className="cc-filters", role="search", children=[
        html.Div([*filter_controls(query, "cc", CENTRE_FILTERS),
                  html.A(bi("Hapus filter", "Clear filters"), href="/", id="cc-filter-clear", className="cc-filter-clear")],
                 className="cc-filter-controls"),
        filter_problem(problems, "cc-filter-problem"),
    ])
