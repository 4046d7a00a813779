"""What a path no page takes shows: Dash's router picks this module by its name, and dashboard/app.py
answers the path with status 404. It says so in Bahasa Indonesia first and offers the way back."""
from __future__ import annotations

from dash import dcc, html, register_page

from dashboard.i18n import bi

register_page(__name__, title="Halaman tidak ditemukan — Pantau", name="Halaman tidak ditemukan")


def layout(**_query: str) -> html.Main:
    return html.Main(className="work not-found", children=[
        html.H2(bi("Halaman tidak ditemukan", "Page not found")),
        html.P(bi("Alamat ini tidak ada di Pantau. Periksa kembali alamatnya, atau lanjutkan dari:",
                  "Pantau has no page at this address. Check it, or go on from:")),
        html.Ul(className="not-found-links", children=[
            html.Li(dcc.Link(bi("Pusat komando", "Command centre"), href="/", refresh=True)),
            html.Li(dcc.Link(bi("Lacak pengaduan", "Track a complaint"), href="/lacak", refresh=True)),
            html.Li(dcc.Link(bi("Peringkat", "Ranking"), href="/peringkat", refresh=True)),
        ]),
    ])
