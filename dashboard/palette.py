"""Colours of the map, one table for the figure, the legend and the browser's live layer.

Okabe-Ito colours stay apart for the common colour-vision deficiencies. Eight colours cannot
tell 34 categories apart, so categories are coloured by a fixed theme group: operators learn
the colours once and a flood of one category still stands out. Yellow is left out: it vanishes
on the white map.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from crm.categories import FALLBACK
from crm.complaint import Status
from crm.sla import AMAN, PERINGATAN, TERLAMBAT

VERMILLION, ORANGE, SKY_BLUE, BLUISH_GREEN = "#D55E00", "#E69F00", "#56B4E9", "#009E73"
BLUE, REDDISH_PURPLE, BLACK, GREY = "#0072B2", "#CC79A7", "#000000", "#999999"


@dataclass(frozen=True, slots=True)
class Swatch:
    """One legend entry: a colour and its label in Indonesian and English."""

    key: str
    colour: str
    label_id: str
    label_en: str


CATEGORY_GROUPS: tuple[tuple[Swatch, tuple[str, ...]], ...] = (
    (Swatch("darurat", VERMILLION, "Banjir dan kebakaran", "Flooding and fire"), ("banjir", "kebakaran")),
    (Swatch("air", SKY_BLUE, "Air dan saluran", "Water and drains"), ("saluran_air", "air_bersih")),
    (Swatch("prasarana", BLUE, "Jalan dan prasarana", "Roads and infrastructure"),
     ("jalan", "lampu_jalan", "galian_proyek", "kabel_utilitas", "fasilitas_umum")),
    (Swatch("lingkungan", BLUISH_GREEN, "Sampah dan lingkungan", "Rubbish and environment"),
     ("sampah", "pencemaran", "taman", "pohon", "hewan", "pemakaman")),
    (Swatch("ketertiban", ORANGE, "Ketertiban umum", "Public order"),
     ("parkir_liar", "pkl", "ketenteraman_ketertiban", "reklame", "kawasan_dilarang_merokok",
      "bangunan_perizinan", "bangunan_terbengkalai")),
    (Swatch("transportasi", REDDISH_PURPLE, "Lalu lintas dan angkutan", "Traffic and transport"),
     ("lalu_lintas", "transportasi_umum")),
    (Swatch("layanan", BLACK, "Layanan publik dan sosial", "Public and social services"),
     ("kesehatan", "pendidikan", "kesejahteraan_sosial", "perlindungan_perempuan_anak", "rumah_susun",
      "administrasi_kependudukan", "pungutan_liar", "pelayanan_publik", "ppsu")),
    (Swatch("lainnya", GREY, "Lainnya", "Other"), (FALLBACK,)),
)

STATUS_SWATCHES: tuple[Swatch, ...] = (
    Swatch(Status.MENUNGGU, VERMILLION, "Menunggu", "Waiting"),
    Swatch(Status.KOORDINASI, ORANGE, "Koordinasi", "Coordination"),
    Swatch(Status.DISPOSISI, REDDISH_PURPLE, "Disposisi", "Delegated"),
    Swatch(Status.PROSES, BLUE, "Proses", "In progress"),
    Swatch(Status.ESTIMASI_WAKTU_SELESAI, SKY_BLUE, "Estimasi Waktu Selesai", "Scheduled"),
    Swatch(Status.MENUNGGU_VALIDASI, BLUISH_GREEN, "Menunggu Validasi", "Awaiting validation"),
    Swatch(Status.TL_DITOLAK, BLACK, "TL Ditolak", "Follow-up rejected"),
    Swatch(Status.SELESAI, GREY, "Selesai", "Done"),
)

CATEGORY_COLOURS: Mapping[str, str] = MappingProxyType(
    {code: swatch.colour for swatch, codes in CATEGORY_GROUPS for code in codes}
)
STATUS_COLOURS: Mapping[str, str] = MappingProxyType({str(s.key): s.colour for s in STATUS_SWATCHES})

# The SLA colours of crm/sla_state.py: green, amber in the last quarter of the time allowed, red
# past the deadline; a closed complaint (no deadline running) is grey. The work queues' countdown,
# the map's "SLA" colouring and the KPI tiles' split all use them.
SLA_SWATCHES: tuple[Swatch, ...] = (
    Swatch(AMAN, BLUISH_GREEN, "Masih longgar", "Time to spare"),
    Swatch(PERINGATAN, ORANGE, "Seperempat waktu terakhir", "Last quarter of the time"),
    Swatch(TERLAMBAT, VERMILLION, "Lewat batas", "Past the deadline"),
    Swatch("selesai", GREY, "Selesai", "Done"),
)
SLA_COLOURS: Mapping[str, str] = MappingProxyType({s.key: s.colour for s in SLA_SWATCHES[:3]})

COLOUR_MODES = ("category", "status", "sla")


def colour_of(complaint: Mapping[str, object], mode: str) -> str:
    """A complaint's colour; an unknown code is grey rather than an error on a live screen."""
    if mode == "status":
        return STATUS_COLOURS.get(str(complaint["status"]), GREY)
    if mode == "sla":
        return SLA_COLOURS.get(str(complaint["sla"]), GREY)
    return CATEGORY_COLOURS.get(str(complaint["category"]), GREY)


def legend(mode: str) -> tuple[Swatch, ...]:
    if mode == "sla":
        return SLA_SWATCHES
    return STATUS_SWATCHES if mode == "status" else tuple(swatch for swatch, _ in CATEGORY_GROUPS)
