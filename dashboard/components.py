"""The command centre's fixed frame of cards. Their live contents are written by the browser
(assets/view.js) into boxes of fixed size, so nothing on the wall screen moves when complaints
arrive, and Dash never updates those boxes itself."""
from __future__ import annotations

from dash import dcc, html

from dashboard.i18n import bi
from dashboard.palette import COLOUR_MODES, legend


def kpi_tile(tile_id: str, label_id: str, label_en: str, hint_id: str, hint_en: str,
             split: bool = False) -> html.Div:
    """`split`: under the hint, a box (`<tile_id>-sla`) for the open complaints by SLA colour."""
    return html.Div(className="kpi", children=[
        html.Div(bi(label_id, label_en), className="kpi-label"),
        html.Div(id=tile_id, className="kpi-value"),
        html.Div(bi(hint_id, hint_en), className="kpi-hint"),
        *([html.Div(id=f"{tile_id}-sla", className="kpi-split")] if split else []),
    ])


def kpi_bar() -> html.Section:
    return html.Section(className="kpis", children=[
        kpi_tile("kpi-today", "Hari ini", "Today", "pengaduan masuk (WIB)", "complaints received (WIB)"),
        kpi_tile("kpi-open", "Terbuka", "Open", "belum Selesai; menurut batas SLA:", "not yet done; by SLA deadline:",
                 split=True),
        kpi_tile("kpi-overdue", "Lewat batas", "Overdue", "terbuka, lewat batas selesai",
                 "open past the completion deadline"),
        kpi_tile("kpi-median", "Median respons", "Median response", "sampai status pertama berubah",
                 "until the status first changes"),
        html.Div(html.Span(bi("○ Menyambung…", "○ Connecting…")), id="cc-updated", className="live-status"),
        html.Div(id="cc-offline", className="offline-slot"),  # over the tiles while disconnected (assets/view.js)
    ])


def legend_card() -> html.Div:
    """The legend over the map's corner, folded to its button on request (kept in localStorage, so
    a wall screen stays as it was set up). Both legends are in the page; the colour toggle shows one
    (no re-render, no jump). Colours are Okabe-Ito's, each swatch named, never colour alone."""
    return html.Div(id="cc-legend-panel", className="legend-panel", children=[
        dcc.Store(id="cc-legend-open", storage_type="local", data=True),
        html.Button(id="cc-legend-toggle", className="legend-toggle", type="button", title="Legenda / Legend",
                    **{"aria-controls": "cc-legend", "aria-expanded": "true"},
                    children=[html.Span(className="legend-toggle-sign", **{"aria-hidden": "true"}),
                              bi("Legenda", "Legend")]),
        html.Div(id="cc-legend", className="legend colour-by-category", children=[
            dcc.RadioItems(
                id="cc-colour-by", value="category", inline=True, className="colour-toggle",
                options=[{"label": bi("Kategori", "Category"), "value": "category"},
                         {"label": bi("Status", "Status"), "value": "status"},
                         {"label": bi("Batas SLA", "SLA"), "value": "sla"}],
            ),
            *[html.Ul(className=f"swatches swatches-{mode}", children=[
                html.Li([html.Span(className="swatch", style={"background": s.colour}), bi(s.label_id, s.label_en)])
                for s in legend(mode)
            ]) for mode in COLOUR_MODES],
            html.Div(bi("Titik bercincin: masuk atau berubah sejak halaman dibuka",
                        "Ringed dots: arrived or changed since the page opened"),
                     className="legend-note"),
            html.Div(bi("Lingkaran besar + angka: laporan serupa (kategori sama, ≤250 m, 48 jam)",
                        "Large ring + number: repeated reports (same category, within 250 m and 48 h)"),
                     className="legend-note"),
        ]),
    ])


def detail_card() -> html.Div:
    return html.Div(id="cc-detail", className="detail hidden", children=[
        html.Button("×", id="cc-detail-close", className="detail-close", title="Tutup / Close"),
        html.Div(id="cc-detail-body"),
    ])


def feed_card() -> html.Section:
    return html.Section(className="card feed-card", children=[
        html.H2(bi("Pengaduan terbaru", "Newest complaints")),
        html.Ol(id="cc-feed", className="feed"),
    ])


def escalation_card() -> html.Section:
    return html.Section(className="card escalation-card", children=[
        html.H2(bi("Eskalasi SLA", "SLA escalations")),
        html.Ol(id="cc-escalations", className="escalations"),
    ])


def channel_card() -> html.Section:
    return html.Section(className="card channel-card", children=[
        html.H2(bi("Kanal, 24 jam terakhir", "Channels, last 24 hours")),
        html.Div(id="cc-channels", className="channels"),
    ])
