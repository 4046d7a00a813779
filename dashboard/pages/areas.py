"""Drill-down by area at `/wilayah`: Jakarta's kota, then a kota's kecamatan (`/wilayah/31.71`), a
kecamatan's kelurahan (`/wilayah/31.71.01`), and one kelurahan among its neighbours
(`/wilayah/31.71.01.1001`), over a window (`?window=7d`) and coloured by a measure (`&measure=`),
narrowed like the command centre by `kategori`, `status`, `kanal` and `q` (web/complaint_query.py AREA_NAMES).

Everything the page shows follows from its URL, so an official can send the link to a colleague.
Every control (a click on the map, the breadcrumb, the list of areas, the window, the measure)
only changes the URL; Dash's router then builds the layout afresh from the store for it. Areas are
codes in the URL and in every query, never names.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
    register_page,
)
from dash.development.base_component import Component
from typing_extensions import TypedDict  # pydantic reads these hints on Python 3.11

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import utc_now
from crm.formats import date_time, number
from crm.windows import LABELS, WINDOWS, window_start
from dashboard.area_figures import (
    MEASURE_LABELS,
    MEASURES,
    NO_FIGURES,
    area_map,
    hours_text,
)
from dashboard.area_outlines import Area, AreaOutlines, area_outlines, bounds_of
from dashboard.context import services, page_context
from dashboard.figures import MAINLAND_BOUNDS
from dashboard.filter_bar import filter_controls, filter_problem
from dashboard.i18n import bi, count
from store import areas
from store.areas import KECAMATAN, KELURAHAN, KOTA, AreaFigures
from web.complaint_query import AREA_NAMES, read_filter

PATH = "/wilayah"
DEFAULT_WINDOW, DEFAULT_MEASURE = "7d", "count"
TOP_ROWS = 10  # bars per breakdown; the rest are summed in one line
# The level's word before a name ("Kecamatan Gambir") and, in English, over a list of them.
LEVEL_NAMES = {KOTA: ("Kota", "Cities"), KECAMATAN: ("Kecamatan", "Districts"),
               KELURAHAN: ("Kelurahan", "Sub-districts")}
MAP_CONFIG = {"displayModeBar": False, "scrollZoom": True}
AREA_FILTERS = ("kategori", "status", "kanal", "q")  # the command centre's filter, less what the path and window say

register_page(__name__, path=PATH, path_template=PATH + "/<kode>", title="Wilayah — Pantau", name="Wilayah")


def href(kode: str | None, window: str, measure: str, kept: Mapping[str, str] | None = None) -> str:
    """The page's URL for an area (Jakarta for None), window and measure, keeping the filter `kept`."""
    return (f"{PATH}/{kode}" if kode else PATH) + "?" + urlencode({"window": window, "measure": measure, **(kept or {})})


def kept_filter(query: Mapping[str, str]) -> dict[str, str]:
    """The filter parameters a link to another area or window keeps, as the URL gave them."""
    return {name: query[name].strip() for name in AREA_NAMES if (query.get(name) or "").strip()}


def layout(kode: str | None = None, window: str = DEFAULT_WINDOW, measure: str = DEFAULT_MEASURE,
           **query: str) -> html.Main:
    outlines = area_outlines()
    problem = refusal(outlines, kode, window, measure)
    if problem is not None:
        return html.Main(className="areas", children=[html.H2(bi("Wilayah", "Areas")), problem])
    area = outlines.areas[kode] if kode else None
    # A kelurahan has nothing below it: it is shown among the kelurahan of its kecamatan.
    shown_parent = area.parent if area is not None and area.level == KELURAHAN else kode
    now = utc_now()
    since = window_start(window, now)
    where, problems = read_filter(query, now, AREA_NAMES)
    kept = {} if problems else kept_filter(query)
    with services().sessions() as session:
        read = areas.area_page(session, kode=kode, since=since, now=now, where=where)
    figures, current = read.children, read.current
    categories, channels = read.breakdowns["category"], read.breakdowns["channel"]
    shown = outlines.children(shown_parent)
    names = {a.kode: a.name for a in shown}
    # Jakarta's view frames the mainland: the Thousand Islands, far out at sea, would shrink it to a dot.
    (west, south), (east, north) = MAINLAND_BOUNDS
    view = (west, south, east, north) if shown_parent is None else bounds_of(shown)
    figure = area_map(outlines.collection(names), names, figures, measure, bounds=view,
                      selected=kode if shown_parent != kode else None, map_style=page_context().map_style)
    return html.Main(className="areas", children=[
        dcc.Location(id="areas-url", refresh="callback-nav"),
        dcc.Store(id="areas-view", data={"kode": kode}),
        html.Div(className="areas-head", children=[
            breadcrumb(outlines, area, window, measure, kept),
            html.H2(title(area)),
            html.P(className="areas-since", children=bi(
                f"Pengaduan masuk sejak {date_time(since, 'id')} · dihitung {date_time(now, 'id')}"
                + ("; tanpa lokasi atau di luar Jakarta tidak termasuk" if area is None else ""),
                f"Complaints received since {date_time(since, 'en')} · counted {date_time(now, 'en')}"
                + ("; those without a place or outside Jakarta are not included" if area is None else ""))),
        ]),
        html.Div(className="areas-controls", children=[
            html.Div(role="group", className="areas-control", children=[
                html.Span(bi("Jangka waktu", "Period"), className="areas-control-label"),
                dcc.RadioItems(id="areas-window", value=window, inline=True, className="areas-radio",
                               options=[{"label": bi(*LABELS[code]), "value": code} for code in WINDOWS]),
            ]),
            html.Div(role="group", className="areas-control", children=[
                html.Span(bi("Warna peta", "Map colour"), className="areas-control-label"),
                dcc.RadioItems(id="areas-measure", value=measure, inline=True, className="areas-radio",
                               options=[{"label": bi(*MEASURE_LABELS[m]), "value": m} for m in MEASURES]),
            ]),
            html.Div(filter_controls(query, "areas", AREA_FILTERS), className="cc-filter-controls areas-filters"),
        ]),
        filter_problem(problems, "areas-filter-problem"),
        kpi_tiles(current),
        html.Div(className="areas-main", children=[
            html.Div(className="areas-map-wrap", children=dcc.Graph(
                id="areas-map", figure=figure, config=MAP_CONFIG, className="areas-map", responsive=True,
                style={"height": "100%", "width": "100%"})),
            html.Aside(className="areas-side", children=[
                breakdown_card(("Kategori", "Categories"), categories, category_label),
                breakdown_card(("Kanal", "Channels"), channels, lambda code: CHANNELS.get(code, code)),
            ]),
        ]),
        area_table(shown, figures, outlines.areas[shown_parent] if shown_parent else None, area, window, measure,
                   kept),
    ])


def refusal(outlines: AreaOutlines, kode: str | None, window: str, measure: str) -> html.Div | None:
    """A sentence and a way on, in place of the page, when the URL asks for something unknown."""
    known = kode if kode in outlines.areas else None
    if window not in WINDOWS:
        return notice(bi(f"Jangka waktu “{window}” tidak dikenal. Pilih salah satu:",
                         f"Unknown period “{window}”. Choose one:"),
                      [(bi(*LABELS[code]), href(known, code, measure if measure in MEASURES else DEFAULT_MEASURE))
                       for code in WINDOWS])
    if measure not in MEASURES:
        return notice(bi(f"Ukuran “{measure}” tidak dikenal. Pilih salah satu:",
                         f"Unknown measure “{measure}”. Choose one:"),
                      [(bi(*MEASURE_LABELS[m]), href(known, window, m)) for m in MEASURES])
    if kode is not None and kode not in outlines.areas:
        return notice(bi(f"Tidak ada wilayah dengan kode “{kode}”. Kode Kemendagri ditulis seperti 31.71 (kota), "
                         "31.71.01 (kecamatan) atau 31.71.01.1001 (kelurahan).",
                         f"There is no area with the code “{kode}”. Kemendagri codes look like 31.71 (city), "
                         "31.71.01 (district) or 31.71.01.1001 (sub-district)."),
                      [(bi("Kembali ke seluruh Jakarta", "Back to all of Jakarta"), href(None, window, measure))])
    return None


def notice(text: html.Span, links: Sequence[tuple[html.Span, str]]) -> html.Div:
    return html.Div(className="track-notice track-notice-bad areas-notice", role="alert", children=[
        html.P(text), html.Ul([html.Li(dcc.Link(label, href=target)) for label, target in links]),
    ])


def title(area: Area | None) -> html.Span | str:
    return bi("Seluruh DKI Jakarta", "All of DKI Jakarta") if area is None else area_name(area)


def area_name(area: Area) -> str:
    """"Jakarta Pusat", "Kecamatan Gambir", "Kelurahan Gambir": the level tells same-named areas apart."""
    return area.name if area.level == KOTA else f"{LEVEL_NAMES[area.level][0]} {area.name}"


def breadcrumb(outlines: AreaOutlines, area: Area | None, window: str, measure: str,
               kept: Mapping[str, str]) -> html.Nav:
    """Jakarta > kota > kecamatan > kelurahan: every step above the current one is a link up."""
    trail: list[Area] = []
    while area is not None:
        trail.insert(0, area)
        area = outlines.areas.get(area.parent) if area.parent else None
    steps = [("Jakarta", None)] + [(area_name(a), a.kode) for a in trail]
    items = [html.Li(dcc.Link(label, href=href(kode, window, measure, kept)) if i < len(steps) - 1
                     else html.Span(label, **{"aria-current": "page"}))
             for i, (label, kode) in enumerate(steps)]
    return html.Nav(html.Ol(items, className="areas-crumbs"), id="areas-breadcrumb",
                    **{"aria-label": "Jejak wilayah / Area trail"})


def kpi_tiles(figures: AreaFigures) -> html.Section:
    median_id, median_en = hours_text(figures.median_response_hours)
    tiles = [
        (("Pengaduan", "Complaints"), count(figures.count), ("masuk dalam jangka waktu", "received in the period")),
        (("Terbuka", "Open"), count(figures.open), ("belum Selesai", "not yet done")),
        (("Lewat batas", "Overdue"), count(figures.overdue),
         ("terbuka, lewat batas selesai", "open past the completion deadline")),
        (("Median respons", "Median response"), bi(median_id, median_en),
         ("sampai tindakan pertama", "until the first action")),
    ]
    return html.Section(className="areas-kpis", children=[
        html.Div(className="kpi", children=[html.Div(bi(*label), className="kpi-label"),
                                            html.Div(value, className="kpi-value"),
                                            html.Div(bi(*hint), className="kpi-hint")])
        for label, value, hint in tiles
    ])


def category_label(code: str) -> html.Span | str:
    category = CATEGORIES.get(code)
    return bi(category.name, category.name_en) if category else code


def breakdown_card(heading: tuple[str, str], rows: list[tuple[str, int]],
                   label: Callable[[str], html.Span | str]) -> html.Section:
    """Horizontal bars, most frequent first; beyond TOP_ROWS the rest are one line.

    The card's children are one flat list: a list nested in `children` reaches React as plain objects,
    not components (Minified React error #31), and the card was lost beyond TOP_ROWS categories."""
    if not rows:
        return html.Section(className="card areas-breakdown", children=[
            html.H3(bi(*heading)), html.P(bi("Belum ada pengaduan.", "No complaints yet."), className="areas-none")])
    most = rows[0][1]
    children: list[Component] = [html.H3(bi(*heading)), html.Ul(className="areas-bars", children=[
        html.Li(className="areas-bar", children=[
            html.Span(label(value), className="areas-bar-label"),
            html.Span(html.Span(className="areas-bar-fill", style={"width": f"{100 * n / most:.1f}%"}),
                      className="areas-bar-track"),
            html.Span(count(n), className="areas-bar-count"),
        ]) for value, n in rows[:TOP_ROWS]
    ])]
    rest = rows[TOP_ROWS:]
    if rest:
        n_rest = sum(n for _, n in rest)
        children.append(html.P(bi(f"dan {len(rest)} lainnya: {number(n_rest, 'id')} pengaduan",
                                  f"and {len(rest)} more: {number(n_rest, 'en')} complaints"), className="areas-none"))
    return html.Section(className="card areas-breakdown", children=children)


def area_table(shown: list[Area], figures: dict[str, AreaFigures], parent: Area | None, current: Area | None,
               window: str, measure: str, kept: Mapping[str, str]) -> html.Section:
    """The map's areas as a list with every figure: a link to each, readable without the map."""
    level_id, level_en = LEVEL_NAMES[shown[0].level if shown else KOTA]
    where = "DKI Jakarta" if parent is None else area_name(parent)
    heading = (f"{level_id} di {where}", f"{level_en} in {where}")
    columns = [("Wilayah", "Area"), *(MEASURE_LABELS[m] for m in ("count", "open", "overdue")),
               ("Median respons", "Median response")]
    rows = []
    for area in shown:
        values = figures.get(area.kode, NO_FIGURES)
        rows.append(html.Tr(className="areas-current" if current and current.kode == area.kode else None, children=[
            html.Td(dcc.Link(area.name, href=href(area.kode, window, measure, kept), className="areas-link")),
            html.Td(count(values.count)), html.Td(count(values.open)), html.Td(count(values.overdue)),
            html.Td(bi(*hours_text(values.median_response_hours))),
        ]))
    return html.Section(className="card areas-table-card", children=[
        html.H3(bi(*heading)),
        html.Table(className="areas-table", children=[
            html.Thead(html.Tr([html.Th(bi(*c)) for c in columns])), html.Tbody(rows)]),
    ])




class AreaView(TypedDict):
    kode: str | None  # the area shown, None for Jakarta


class MapPoint(TypedDict, total=False):
    location: str  # the clicked area's code, the choropleth's location


class MapClick(TypedDict, total=False):
    points: list[MapPoint]


@callback(Output("areas-url", "pathname"), Output("areas-url", "search"),
          Input("areas-map", "clickData"), Input("areas-window", "value"), Input("areas-measure", "value"),
          *(Input(f"areas-filter-{name}", "value") for name in AREA_FILTERS),
          State("areas-view", "data"), prevent_initial_call=True)
def navigate(click: MapClick | None, window: str, measure: str, kategori: list[str] | None, status: list[str] | None,
             kanal: list[str] | None, q: str | None, view: AreaView) -> tuple[Any, Any]:
    """A click on an area goes to it; a new window, measure or filter stays on the area. The router does
    the rest. The hints are what the callback door checks (dashboard/callback_guard.py)."""
    kode = view["kode"]
    if ctx.triggered_id == "areas-map":
        points = (click or {}).get("points") or [{}]
        kode = points[0].get("location")
        if not kode:
            return no_update, no_update
    chosen = {"kategori": ",".join(kategori or []), "status": ",".join(status or []), "kanal": ",".join(kanal or []),
              "q": (q or "").strip()}
    path, _, query = href(kode, window, measure, {k: v for k, v in chosen.items() if v}).partition("?")
    return path, "?" + query


# The map's texts follow the language toggle in the browser: each trace's meta holds both.
clientside_callback(
    """
    function(lang, figure) {
        const want = lang === 'en' ? 'en' : 'id';
        if (!figure) { return window.dash_clientside.no_update; }
        let changed = false;
        const data = figure.data.map((trace) => {
            const meta = trace.meta || {};
            if (!meta.hover || trace.hovertemplate === meta.hover[want]) { return trace; }
            changed = true;
            const copy = Object.assign({}, trace, {hovertemplate: meta.hover[want]});
            if (meta.colorbar) {
                copy.colorbar = Object.assign({}, trace.colorbar, {title: {text: meta.colorbar[want]}});
            }
            return copy;
        });
        return changed ? Object.assign({}, figure, {data: data}) : window.dash_clientside.no_update;
    }
    """,
    Output("areas-map", "figure"), Input("lang", "data"), State("areas-map", "figure"),
)
