"""One unit at `/peringkat/<kode>?window=7d`: where it stands, what it holds, what is late, how long it
takes and where its complaints are.

The standing row is the ranking table's own (dashboard/ranking_table.py), narrowed to this unit and
kept live by assets/ranking.js; the reporters' rating card reads the same live ranking (the
services' board) at load. The rest is read at load from the unit's stints (store/unit_stats.py),
the rows the ranking counts, so the page agrees with the rank; a reload brings it up to date.
"""
from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html, register_page
from shapely.geometry import shape

from crm.categories import CATEGORIES
from crm.complaint import utc_now
from crm.formats import number
from crm.ranking import PRIOR_WEIGHT
from crm.skpd import KELURAHAN_PREFIX, SKPDS, WILAYAH
from crm.sla import COMPLETION_WORKING_DAYS, FIRST_ACTION_HOURS
from crm.verdict import mean_rating
from crm.windows import LABELS, WINDOWS, window_start
from dashboard.context import services, page_context
from dashboard.figures import ATTRIBUTION, MAINLAND_BOUNDS
from dashboard.i18n import bi
from dashboard.palette import BLUE, GREY, STATUS_COLOURS, STATUS_SWATCHES
from dashboard.ranking_table import (
    KINDS,
    PATH,
    Label,
    Query,
    ranking_table,
    register_start,
)
from store import unit_stats


def title(kode: str | None = None) -> str:
    return f"{kode} — Peringkat" if kode else "Peringkat unit"


register_page(__name__, path_template=f"{PATH}/<kode>", title=title, name="Peringkat unit")

OVERDUE_SHOWN = 50
RESPONSE_EDGES = (1.0, 3.0, float(FIRST_ACTION_HOURS), 12.0, 24.0, 72.0)  # hours
COMPLETION_EDGES = (24.0, 72.0, 168.0, 336.0, 720.0)
GRAPH_CONFIG = {"displayModeBar": False}
MAP_HEIGHT, MAP_PIXELS = "clamp(320px, 60vh, 640px)", 520  # the map's box, and what the zoom is fitted to
MIN_SPAN_DEG = 0.02  # about 2 km: one small kelurahan is not shown at street level


def layout(kode: str | None = None, window: str | None = None, **_other: str) -> html.Main:
    code = kode or ""
    unit = describe(code)
    if unit is None:
        return html.Main(className="rk-page", children=[
            back(Query()),
            html.P(bi(f"Unit kerja «{code}» tidak dikenal. Periksa kodenya, atau pilih unit dari daftar peringkat.",
                      f"Unknown unit «{code}». Check the code, or pick a unit from the ranking."),
                   className="track-notice track-notice-bad"),
        ])
    name, about = unit
    query = Query(window=window if window in WINDOWS else Query().window)
    now = utc_now()
    since = window_start(query.window, now)
    with services().sessions() as session:
        held = unit_stats.held_by_status(session, skpd=code, now=now)
        late, late_total = unit_stats.overdue(session, skpd=code, now=now, limit=OVERDUE_SHOWN)
        response = unit_stats.histogram(session, skpd=code, took="response", since=since, edges=RESPONSE_EDGES)
        completion = unit_stats.histogram(session, skpd=code, took="completion", since=since, edges=COMPLETION_EDGES)
        places = unit_stats.by_kelurahan(session, skpd=code, since=since, now=now)
    context = page_context()
    return html.Main(className="rk-page rk-unit", children=[
        back(query),
        html.H2(name),
        html.P(about, className="rk-intro"),
        html.Nav(className="rk-controls", children=html.Div(className="rk-control", role="group", children=[
            html.Span(bi("Jangka waktu", "Window"), className="rk-control-label"),
            *(dcc.Link(bi(*LABELS[w]), href=f"{PATH}/{code}?window={w}",
                       className="rk-chip rk-chip-on" if w == query.window else "rk-chip") for w in WINDOWS),
        ])),
        ranking_table("rk-unit", query, ("Unit kerja", "Unit"), only=code),
        html.Div(className="rk-unit-grid", children=[
            card(("Dipegang sekarang, menurut status", "Held now, by status"), backlog(held), "rk-held"),
            card((f"Lewat batas ({number(late_total, 'id')})", f"Overdue ({number(late_total, 'en')})"), overdue_table(late, late_total, now),
                 "rk-overdue-card"),
            card(("Waktu sampai tindakan pertama", "Time to first action"),
                 graph("rk-response", durations(response, RESPONSE_EDGES), "220px"), "rk-sla"),
            card(("Waktu sampai selesai", "Time to completion"),
                 graph("rk-completion", durations(completion, COMPLETION_EDGES), "220px"), "rk-sla"),
            card(("Penilaian warga", "Citizens' rating"), satisfaction(code, query.window), "rk-rating"),
        ]),
        html.P(bi(f"Dihitung sejak unit menerima pengaduan, dalam jangka «{LABELS[query.window][0]}». Batas umum: "
                  f"tindakan pertama {FIRST_ACTION_HOURS} jam, selesai {COMPLETION_WORKING_DAYS} hari kerja; tepat "
                  f"waktu dinilai terhadap batas unit itu sendiri.",
                  f"Counted from when the unit got the complaint, in the window «{LABELS[query.window][1]}». "
                  f"Usual deadlines: first action {FIRST_ACTION_HOURS} hours, completion {COMPLETION_WORKING_DAYS} "
                  f"working days; on time is judged against the unit's own deadlines."), className="rk-note"),
        card(("Pengaduan per kelurahan", "Complaints by kelurahan"),
             graph("rk-places", kelurahan_map(context.outlines, places, context.map_style), MAP_HEIGHT), "rk-places"),
    ])


register_start("rk-unit")


def describe(code: str) -> tuple[str, list[Any]] | None:
    """The unit's name and a line about it; None for a code that is no unit (kelurahan offices are
    named after their kelurahan, found by its code in the outlines)."""
    unit = SKPDS.get(code)
    if unit is not None:
        kind, kota = KINDS.get(unit.kind, (unit.kind, unit.kind)), unit.kode_kota
        name = unit.name
    elif code.startswith(KELURAHAN_PREFIX):
        digits = code.removeprefix(KELURAHAN_PREFIX)
        found = next((f for f in page_context().outlines["features"] if f["id"].replace(".", "") == digits), None)
        if found is None:
            return None
        kind, kota = KINDS["kelurahan"], found["id"][:5]
        name = f"Kelurahan {found['properties']['kelurahan']}"
    else:
        return None
    where = [" · ", WILAYAH[kota][1]] if kota in WILAYAH else []
    return name, [html.Code(code), " · ", bi(*kind), *where]


def back(query: Query) -> dcc.Link:
    return dcc.Link(bi("‹ Kembali ke peringkat", "‹ Back to the ranking"), href=query.href(), className="rk-back")


def card(heading: Label, body: Any, class_name: str) -> html.Section:
    return html.Section(className=f"card {class_name}", children=[html.H3(bi(*heading)), body])


def satisfaction(code: str, window: str) -> html.Div:
    """The reporters' ratings of the unit's closures in the window (crm/verdict.py): how many, their
    mean as rated, and the mean the ranking scores (`kepuasan_warga`, shrunk toward all units')."""
    row = next((r for r in services().ranking.standings("skpd", window) if r.code == code), None)
    share = row.components.get("kepuasan_warga") if row else None
    if share is None or share.n == 0:
        return html.P(bi("Belum ada penilaian pelapor dalam jangka ini.", "No reporter has rated in this window."),
                      className="rk-none", id="rk-rating-none")
    raw = mean_rating(share.rate) if share.rate is not None else None
    shrunk = mean_rating(share.shrunk)
    return html.Dl(className="rk-rating-facts", children=[
        html.Dt(bi("Penilaian", "Ratings")), html.Dd(number(share.n, "id"), id="rk-rating-count"),
        html.Dt(bi("Rata-rata dinilai", "Mean as rated")), html.Dd(f"{raw:.2f} / 5" if raw else "—"),
        html.Dt(bi("Rata-rata dalam skor (disesuaikan)", "Mean in the score (adjusted)")),
        html.Dd(f"{shrunk:.2f} / 5", id="rk-rating-shrunk"),
        html.Dd(bi(f"Disusutkan ke rata-rata semua unit seolah ada {PRIOR_WEIGHT} penilaian lagi, agar sedikit "
                   "penilaian tidak mengayunkan peringkat.",
                   f"Shrunk toward all units' mean as if there were {PRIOR_WEIGHT} more ratings, so a few ratings "
                   "cannot swing the rank."), className="rk-note"),
    ])


def backlog(held: dict[str, int]) -> html.Div:
    if not held:
        return html.P(bi("Tidak ada pengaduan yang dipegang.", "No complaints held."), className="rk-none")
    known = [swatch for swatch in STATUS_SWATCHES if swatch.key in held]
    others = sorted(held.keys() - {str(swatch.key) for swatch in STATUS_SWATCHES})
    return html.Div([
        html.Ul(className="rk-held-list", children=[
            *(html.Li([html.Span(className="swatch", style={"background": swatch.colour}),
                       bi(swatch.label_id, swatch.label_en), html.B(str(held[swatch.key]))]) for swatch in known),
            *(html.Li([html.Span(className="swatch", style={"background": STATUS_COLOURS.get(s, GREY)}), s,
                       html.B(str(held[s]))]) for s in others),
        ]),
        html.P([bi("Jumlah: ", "Total: "), html.B(str(sum(held.values())))], className="rk-held-total"),
    ])


def overdue_table(late: list[unit_stats.Overdue], total: int, now: datetime) -> html.Div:
    if not late:
        return html.P(bi("Tidak ada yang lewat batas.", "Nothing overdue."), className="rk-none")
    rows = [html.Tr([
        html.Td(dcc.Link(item.ticket, href=f"/lacak?tiket={item.ticket}")),
        html.Td(category_label(item.category)),
        html.Td(item.kelurahan or "—"),
        html.Td(days_late(now - item.completion_due), className="rk-days"),
    ]) for item in late]
    shown = [] if total <= len(late) else [html.P(bi(f"Menampilkan {len(late)} terlama dari {number(total, 'id')}.",
                                                     f"Showing the {len(late)} longest overdue of {number(total, 'en')}."),
                                                  className="rk-note")]
    return html.Div([
        html.Table(className="rk-overdue-table", children=[
            html.Thead(html.Tr([html.Th(bi(*label), scope="col") for label in (
                ("Tiket", "Ticket"), ("Kategori", "Category"), ("Kelurahan", "Kelurahan"),
                ("Lewat batas", "Overdue by"))])),
            html.Tbody(rows),
        ]),
        *shown,
    ])


def category_label(code: str) -> html.Span | str:
    category = CATEGORIES.get(code)
    return bi(category.name, category.name_en) if category else code


def days_late(span: timedelta) -> html.Span:
    days = int(span.total_seconds() // 86400)
    return bi(f"{days} hari", f"{days} days") if days else bi("< 1 hari", "< 1 day")


def graph(graph_id: str, figure: go.Figure, height: str) -> dcc.Graph:
    """A graph that fills its card's width; the height is inline, since a responsive graph sets its own 100%."""
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, responsive=True, style={"height": height})


def bucket_labels(edges: tuple[float, ...]) -> list[str]:
    """"<1 j", "1–3 j", ..., "12 j–1 hari", ..., "≥3 hari": hours below a day, days from there."""
    def say(hours: float) -> str:
        return f"{hours:g} j" if hours < 24 else f"{hours / 24:g} hari"

    def span(low: float, high: float) -> str:
        same_unit = (low < 24) == (high < 24)
        return f"{say(low).split()[0] if same_unit else say(low)}–{say(high)}"

    return [f"<{say(edges[0])}", *(span(low, high) for low, high in pairwise(edges)), f"≥{say(edges[-1])}"]


def durations(counts: list[int], edges: tuple[float, ...]) -> go.Figure:
    """Bars of how many took how long, in buckets of `edges` hours; whole numbers on the axis."""
    fig = go.Figure(go.Bar(x=bucket_labels(edges), y=counts, marker_color=BLUE,
                           hovertemplate="%{x}: %{y} pengaduan / complaints<extra></extra>"))
    fig.update_layout(margin={"l": 36, "r": 8, "t": 8, "b": 36}, plot_bgcolor="#fff", xaxis={"type": "category"},
                      yaxis={"rangemode": "tozero", "gridcolor": "#e3e7eb", "tick0": 0,
                             "dtick": max(1, math.ceil(max(counts) / 5))})
    return fig


def kelurahan_map(outlines: dict[str, Any], counts: dict[str, int], map_style: str) -> go.Figure:
    """Every kelurahan shaded by how many of the unit's complaints it holds; none is the lightest."""
    features = outlines["features"]
    top = max([1, *counts.values()])
    fig = go.Figure(go.Choroplethmap(
        geojson=outlines, locations=[f["id"] for f in features], z=[counts.get(f["id"], 0) for f in features],
        text=[f'{f["properties"]["kelurahan"]}, {f["properties"]["kecamatan"]}' for f in features],
        colorscale=[[0, "#f2f5f8"], [1, BLUE]], zmin=0, zmax=top,
        marker={"line": {"color": "#8a96a3", "width": 0.5}, "opacity": 0.85},
        colorbar={"title": {"text": "pengaduan"}, "thickness": 12, "tick0": 0,
                  "dtick": max(1, math.ceil(top / 5))},
        hovertemplate="%{text}: %{z} pengaduan / complaints<extra></extra>",
    ))
    fig.update_layout(map={"style": map_style, **view_of(features, counts.keys())},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      annotations=[{"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
                                    "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom", "font": {"size": 10},
                                    "bgcolor": "rgba(255,255,255,0.8)"}])
    return fig


def view_of(features: list[dict[str, Any]], codes: Collection[str]) -> dict[str, Any]:
    """Centre and zoom that show these kelurahan (mainland Jakarta when none), for a map about
    MAP_PIXELS tall: a Suku Dinas's complaints fill the map rather than a corner of the city."""
    boxes = [shape(f["geometry"]).bounds for f in features if f["id"] in codes]
    if boxes:
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    else:
        (west, south), (east, north) = MAINLAND_BOUNDS
    span = max(east - west, north - south, MIN_SPAN_DEG) * 1.4  # with their surroundings
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
            "zoom": math.log2(MAP_PIXELS * 360 / (512 * span))}  # MapLibre: 512 px of world at zoom 0
