"""The ranking at `/peringkat`: every unit, or every kota, kecamatan or kelurahan, in one live table.

The query string is the page's whole state (`?window=7d&level=skpd&kind=suku_dinas&kota=31.71`), so
a shared link shows exactly the table one sees; each selector is a link that changes one part of it
(a page change inside the app, no reload). The rows come from GET /api/v1/ranking with the same
query and are kept live by assets/ranking.js (dashboard/ranking_table.py). "Cara menghitung" is
written from crm/ranking.py's constants, so the explanation cannot drift from the formula.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from dash import dcc, html, register_page

from crm.ranking import (
    HOURS_CAP,
    MIN_VOLUME,
    PRIOR_WEIGHT,
    SPIKE_BASE_DAYS,
    SPIKE_FACTOR,
    SPIKE_MIN,
    WEIGHTS,
    Level,
)
from crm.skpd import WILAYAH
from crm.stints import FAST_CLOSE
from crm.windows import LABELS, WINDOWS
from dashboard.i18n import bi
from dashboard.ranking_table import (
    COMPONENTS,
    FLAGS,
    KINDS,
    PATH,
    Label,
    Query,
    ranking_table,
    read_query,
    register_start,
)

register_page(__name__, path=PATH, title="Peringkat — Pantau", name="Peringkat")

LEVEL_LABELS: Mapping[Level, Label] = {
    "skpd": ("SKPD (unit kerja)", "Agencies (units)"),
    "kota": ("Kota (wali kota)", "Cities (mayors)"),
    "kecamatan": ("Kecamatan (camat)", "Districts (camat)"),
    "kelurahan": ("Kelurahan (lurah)", "Sub-districts (lurah)"),
}
NAME_LABELS: Mapping[Level, Label] = {"skpd": ("Unit kerja", "Unit"), "kota": ("Kota", "City"),
                                      "kecamatan": ("Kecamatan", "District"), "kelurahan": ("Kelurahan", "Sub-district")}


def layout(**args: str) -> html.Main:
    query, unknown = read_query(args)
    return html.Main(className="rk-page", children=[
        html.H2(bi("Peringkat penanganan pengaduan", "Complaint handling ranking")),
        html.P(bi("Siapa yang menangani pengaduan warga tepat waktu dan tuntas. Diperbarui langsung setiap ada "
                  "perubahan.", "Who handles citizens' complaints on time and for good. Updated live at every change."),
               className="rk-intro"),
        html.P(bi(f"Pilihan tidak dikenal diabaikan: {', '.join(unknown)}",
                  f"Unknown choices ignored: {', '.join(unknown)}"), className="track-notice track-notice-bad")
        if unknown else None,
        html.Nav(className="rk-controls", children=controls(query)),
        html.P(className="rk-actions", children=[
            html.A(bi("Unduh CSV", "Download CSV"), href=f"/api/v1/ranking.csv?{query.api()}", className="rk-csv"),
            html.A(bi("JSON (API)", "JSON (API)"), href=f"/api/v1/ranking?{query.api()}", className="rk-csv"),
        ]),
        ranking_table("rk", query, NAME_LABELS[query.level]),
        how_it_is_computed(),
    ])


register_start("rk")


def controls(query: Query) -> list[html.Div]:
    rows = [
        chips(("Jangka waktu", "Window"), [(w, LABELS[w]) for w in WINDOWS], query.window,
              lambda w: query.href(window=w)),
        chips(("Tingkat", "Level"), list(LEVEL_LABELS.items()), query.level, lambda lv: query.href(level=lv)),
    ]
    if query.level == "skpd":
        rows.append(chips(("Jenis unit", "Kind of unit"), [(None, ("Semua", "All")), *KINDS.items()], query.kind,
                          lambda k: query.href(kind=k)))
    rows.append(chips(("Kota", "City"), [(None, ("Semua", "All")), *((code, (short_name(name),) * 2)
                                                                     for code, (_, name) in WILAYAH.items())],
                      query.kota, lambda k: query.href(kota=k)))
    return rows


def chips(label: Label, options: list[tuple[str | None, Label]], current: str | None,
          href: Callable[[str | None], str]) -> html.Div:
    """One selector: a link per choice, the current one marked."""
    return html.Div(className="rk-control", role="group", children=[
        html.Span(bi(*label), className="rk-control-label"),
        *(dcc.Link(bi(*text), href=href(value), className="rk-chip rk-chip-on" if value == current else "rk-chip")
          for value, text in options),
    ])


def short_name(official: str) -> str:
    """"Kota Administrasi Jakarta Pusat" -> "Jakarta Pusat"."""
    return official.removeprefix("Kota Administrasi ").removeprefix("Kabupaten Administrasi ")


def how_it_is_computed() -> html.Details:
    """The formula in words, every number taken from crm/ranking.py."""
    cap_days = f"{HOURS_CAP / 24:g}"
    fast = f"{FAST_CLOSE.total_seconds() / 60:g}"
    return html.Details(className="card rk-how", children=[
        html.Summary(bi("Cara menghitung", "How it is computed")),
        html.P(bi(f"Skor = 100 × jumlah (bobot × bagian yang disesuaikan), dari {len(WEIGHTS)} bagian:",
                  f"Score = 100 × sum of (weight × adjusted share), over {len(WEIGHTS)} shares:")),
        html.Ul([html.Li([html.B(bi(*label)), f" — {WEIGHTS[name]:.0%}: ", bi(*meaning)])
                 for name in WEIGHTS for label, meaning in [COMPONENTS[name]]]),
        html.P(bi(f"Adil untuk volume kecil: setiap bagian ditarik ke rata-rata semua unit setingkat, seolah unit "
                  f"punya {PRIOR_WEIGHT} hasil tambahan pada rata-rata itu. Satu kasus cepat tidak bisa memuncaki "
                  f"tabel.", f"Fair at small volumes: each share is pulled toward the mean of all units at the same "
                  f"level, as if the unit had {PRIOR_WEIGHT} more outcomes at that mean. One fast case cannot top "
                  f"the table.")),
        html.P(bi(f"Peringkat hanya untuk yang punya sedikitnya {MIN_VOLUME} pengaduan dinilai dalam jangka waktu "
                  f"ini; yang lain tercantum di bawahnya sebagai «Belum cukup data».",
                  f"Only those with at least {MIN_VOLUME} complaints judged in the window get a rank; the others "
                  f"are listed below them as «Not enough data».")),
        html.P(bi("Waktu dibebankan ke unit yang memegang pengaduan saat itu: unit yang menerima limpahan dinilai "
                  "sejak menerimanya. Jangka waktu dihitung dalam hari penuh WIB sampai hari ini.",
                  "Time is charged to the unit that held the complaint: a unit that received it from another is "
                  "judged from when it got it. Windows are whole WIB days up to today.")),
        html.P(bi(f"Rata-rata jam ke tindakan pertama dan ke selesai ditampilkan di samping, tidak masuk skor; satu "
                  f"kasus yang terlupa dihitung paling lama {cap_days} hari.",
                  f"Mean hours to first action and to completion are shown beside the score, not in it; one "
                  f"forgotten case counts as {cap_days} days at most.")),
        html.P(bi("Tanda berikut ditampilkan untuk diperiksa dan tidak pernah mengubah peringkat:",
                  "These flags are shown to be looked into and never change the rank:")),
        html.Ul([
            html.Li([html.B(bi(*FLAGS["pelapor_menutup_sendiri"])), " — ",
                     bi("pelapor (atau petugas yang mencatatnya) sendiri yang meminta validasi atau menutupnya",
                        "the reporter (or the officer who filed it) asked for validation or closed it")]),
            html.Li([html.B(bi(*FLAGS["penutupan_terlalu_cepat"])), " — ",
                     bi(f"validasi diminta kurang dari {fast} menit setelah menerima pengaduan",
                        f"validation asked for less than {fast} minutes after getting the complaint")]),
            html.Li([html.B(bi(*FLAGS["foto_bukti_dipakai_ulang"])), " — ",
                     bi("foto bukti yang sudah dikirim untuk pengaduan lain",
                        "an evidence photo already sent for another complaint")]),
            html.Li([html.B(bi(*FLAGS["lonjakan_tutup_sendiri"])), " — ",
                     bi(f"hari ini sedikitnya {SPIKE_MIN} ditutup sendiri, lebih dari {SPIKE_FACTOR:g}× rata-rata "
                        f"harian {SPIKE_BASE_DAYS} hari sebelumnya",
                        f"at least {SPIKE_MIN} self-closed today, more than {SPIKE_FACTOR:g}× the daily mean of "
                        f"the {SPIKE_BASE_DAYS} days before")]),
        ]),
        html.P(bi("Rumus lengkap: crm/ranking.py. Data yang sama: unduhan CSV dan API di atas.",
                  "The full formula: crm/ranking.py. The same data: the CSV download and the API above.")),
    ])
