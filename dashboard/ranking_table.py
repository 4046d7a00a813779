"""What both ranking pages (`/peringkat`, and one unit's `/peringkat/<kode>`) share: the query that is
their state, the labels, and the table that assets/ranking.js fills and keeps live.

Rows are rendered only in the browser, from GET /api/v1/ranking (the JSON anyone may read), so the
first paint and every live refresh go through one renderer; the server renders the header, whose
columns COLUMNS lists in the renderer's order. Labels live here once, for the header, the flag
badges and the pages' explanations. This is a module of its own because Dash runs page modules
afresh for each app, so pages cannot import each other (nor define dataclasses).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, get_args
from urllib.parse import urlencode

from dash import ClientsideFunction, Input, Output, clientside_callback, dcc, html

from crm.events import RANKING_CHANGED
from crm.ranking import DEFAULT_WINDOW, LEVELS, TREND_DAYS, WEIGHTS, Level
from crm.skpd import WILAYAH, SkpdKind
from crm.windows import WINDOWS
from dashboard.i18n import bi

PATH = "/peringkat"
TABLE_ID = "rk-table"  # assets/ranking.js renders rows only where this table is

Label = tuple[str, str]  # (Bahasa Indonesia, English)

# name: (label, what it measures); crm/ranking.py defines them
COMPONENTS: Mapping[str, tuple[Label, Label]] = MappingProxyType({
    "respons_tepat_waktu": (("Respons tepat waktu", "Response on time"),
                            ("tindakan pertama sebelum batas unit itu sendiri",
                             "first actions by the unit's own deadline")),
    "selesai_tepat_waktu": (("Selesai tepat waktu", "Completed on time"),
                            ("penyelesaian sebelum batas selesai unit itu sendiri",
                             "completions by the unit's own completion deadline")),
    "lolos_validasi": (("Lolos validasi", "Passed validation"),
                       ("permintaan validasi yang tidak ditolak (TL Ditolak)",
                        "requests for validation not rejected (TL Ditolak)")),
    "tidak_dibuka_ulang": (("Tidak dibuka ulang", "Not reopened"),
                           ("penutupan yang tidak dibuka ulang oleh pelapor",
                            "closures the citizen did not reopen")),
    "tanpa_tunggakan": (("Tanpa tunggakan", "Not overdue"),
                        ("pengaduan yang dipegang sekarang dan belum lewat batas",
                         "complaints held now that are not overdue")),
    "kepuasan_warga": (("Kepuasan warga", "Citizens' rating"),
                       ("penilaian pelapor 1-5 atas penutupan unit (5 = 100%)",
                        "reporters' 1-5 rating of the unit's closures (5 = 100%)")),
})
FLAGS: Mapping[str, Label] = MappingProxyType({  # crm/ranking.py _flags, crm/ledger.py SPIKE_FLAG
    "pelapor_menutup_sendiri": ("Pelapor menutup sendiri", "Closed by the reporter"),
    "penutupan_terlalu_cepat": ("Ditutup terlalu cepat", "Closed too fast"),
    "foto_bukti_dipakai_ulang": ("Foto bukti dipakai ulang", "Evidence photo reused"),
    "lonjakan_tutup_sendiri": ("Lonjakan tutup sendiri", "Spike of self-closing"),
})
KINDS: Mapping[str, Label] = MappingProxyType({  # crm/skpd.py SkpdKind
    "dinas": ("Dinas", "Agency"),
    "suku_dinas": ("Suku Dinas", "Agency branch"),
    "badan": ("Badan", "Board"),
    "satpol": ("Satpol PP", "Public order police"),
    "inspektorat": ("Inspektorat", "Inspectorate"),
    "biro": ("Biro", "Bureau"),
    "bumd": ("BUMD", "City-owned company"),
    "kelurahan": ("Kantor kelurahan", "Kelurahan office"),
})


def _component_column(name: str) -> tuple[str, Label, Label]:
    (label_id, label_en), (meaning_id, meaning_en) = COMPONENTS[name]
    weight = f"{WEIGHTS[name]:.0%}"
    return (f"rk-comp rk-comp-{name}", (f"{label_id} ({weight})", f"{label_en} ({weight})"),
            (f"Bagian {meaning_id}, disesuaikan untuk volume kecil", f"Share of {meaning_en}, adjusted for small volumes"))


# (class, label, title) of each column but the name (second), in assets/ranking.js's order
COLUMNS: tuple[tuple[str, Label, Label], ...] = (
    ("rk-rank", ("Peringkat", "Rank"), ("▲ naik / ▼ turun sejak kemarin", "▲ up / ▼ down since yesterday")),
    ("rk-score", ("Skor", "Score"),
     (f"0–100, dari {len(WEIGHTS)} bagian di kanannya", f"0–100, from the {len(WEIGHTS)} shares to its right")),
    *(_component_column(name) for name in WEIGHTS),
    ("rk-volume", ("Dinilai", "Judged"), ("pengaduan yang dinilai dalam jangka ini", "complaints judged in the window")),
    ("rk-hours", ("Jam ke tindakan pertama", "Hours to first action"), ("rata-rata", "mean")),
    ("rk-hours", ("Jam ke selesai", "Hours to completion"), ("rata-rata", "mean")),
    ("rk-backlog", ("Tunggakan / lewat batas", "Backlog / overdue"),
     ("dipegang sekarang / lewat batas selesai", "held now / past the completion deadline")),
    ("rk-trend", (f"Tren {TREND_DAYS} hari", f"{TREND_DAYS}-day trend"), ("skor per hari", "score per day")),
    ("rk-flags", ("Tanda", "Flags"), ("tidak mengubah peringkat", "never change the rank")),
)


@dataclass(frozen=True, slots=True)
class Query:
    """What the table shows; `kind` narrows units only, so area levels leave it out."""

    window: str = DEFAULT_WINDOW
    level: Level = "skpd"
    kind: str | None = None
    kota: str | None = None

    def api(self) -> str:
        """The query string of /peringkat and of GET /api/v1/ranking(.csv)."""
        pairs = {"window": self.window, "level": self.level, "kind": self.kind if self.level == "skpd" else None,
                 "kota": self.kota}
        return urlencode({name: value for name, value in pairs.items() if value is not None})

    def href(self, **changes: str | None) -> str:
        return f"{PATH}?{replace(self, **changes).api()}"  # type: ignore[arg-type]


def read_query(args: Mapping[str, object]) -> tuple[Query, list[str]]:
    """The query from the URL's values, and the `name=value`s it did not know (left at their default)."""
    known: dict[str, tuple[str, ...]] = {"window": WINDOWS, "level": LEVELS, "kind": get_args(SkpdKind),
                                         "kota": tuple(WILAYAH)}
    chosen = {name: args.get(name) for name in known if args.get(name) not in (None, "")}
    unknown = [f"{name}={value}" for name, value in chosen.items() if value not in known[name]]
    return Query(**{name: value for name, value in chosen.items() if value in known[name]}), unknown  # type: ignore[arg-type]


def ranking_table(prefix: str, query: Query, name: Label, only: str | None = None) -> html.Section:
    """The table with its live status line, and the store assets/ranking.js starts from.

    `only` keeps one code's row (a unit's page). The page calls `register_start(prefix)`: ids are
    per page, since two pages' callbacks may not share an output.
    """
    config: dict[str, Any] = {"query": query.api(), "only": only, "event": RANKING_CHANGED,
                              "detail_path": PATH + "/", "components": list(WEIGHTS),
                              "flags": {flag: list(label) for flag, label in FLAGS.items()}}
    return html.Section(className="rk-table-section", children=[
        dcc.Store(id=f"{prefix}-config", data=config),
        dcc.Store(id=f"{prefix}-started", data=False),
        html.Div(html.Span(bi("○ Menyambung…", "○ Connecting…")), id="rk-status", className="rk-status",
                 role="status"),
        html.Div(className="rk-table-wrap", children=html.Table(id=TABLE_ID, className="rk-table", children=[
            header(name),
            html.Tbody(id="rk-rows", children=html.Tr(html.Td(bi("Memuat…", "Loading…"), colSpan=len(COLUMNS) + 1,
                                                                className="rk-empty"))),
        ])),
        html.P(className="rk-flags-note", children=[
            html.Span("⚑ ", className="rk-flag-sign", **{"aria-hidden": "true"}),
            bi("Tanda adalah peringatan untuk diperiksa; tanda tidak pernah mengubah peringkat.",
               "Flags are warnings to look into; they never change the rank."),
        ]),
    ])


def register_start(prefix: str) -> None:
    # An output, because Dash makes the initial call only for callbacks whose outputs arrive with a layout.
    clientside_callback(ClientsideFunction("pantau_ranking", "start"), Output(f"{prefix}-started", "data"),
                        Input(f"{prefix}-config", "data"))


def header(name: Label) -> html.Thead:
    def cell(class_name: str, label: Label, title: Label) -> html.Th:
        return html.Th(bi(*label), className=class_name, title=f"{title[0]} / {title[1]}", scope="col")

    first, *rest = COLUMNS
    return html.Thead(html.Tr([cell(*first), html.Th(bi(*name), className="rk-name", scope="col"),
                               *(cell(*column) for column in rest)]))
