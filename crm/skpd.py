"""The DKI Jakarta agencies (SKPD) that handle complaints, and their units in each kota.

A Dinas works province-wide; its Suku Dinas (Sudin) does the field work in one kota or in the
Kabupaten Kepulauan Seribu, so most complaints land on a Sudin. Codes are stable identifiers:
`BINAMARGA` for the Dinas, `BINAMARGA-JU` for its Sudin in Jakarta Utara.

Kelurahan offices are the first handler of local matters. There are 267 of them, so they are
not listed: `kelurahan_office` builds one from a complaint's jurisdiction, coded `KEL-` followed
by the Kemendagri kelurahan code without dots.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from geo.jurisdiction import Jurisdiction

SkpdKind = Literal["dinas", "suku_dinas", "badan", "satpol", "inspektorat", "biro", "bumd", "kelurahan"]

KELURAHAN_PREFIX = "KEL-"

# Kemendagri kode_kota -> (code suffix, official name of the kota or kabupaten administrasi).
WILAYAH: Mapping[str, tuple[str, str]] = MappingProxyType({
    "31.71": ("JP", "Kota Administrasi Jakarta Pusat"),
    "31.72": ("JU", "Kota Administrasi Jakarta Utara"),
    "31.73": ("JB", "Kota Administrasi Jakarta Barat"),
    "31.74": ("JS", "Kota Administrasi Jakarta Selatan"),
    "31.75": ("JT", "Kota Administrasi Jakarta Timur"),
    "31.01": ("KS", "Kabupaten Administrasi Kepulauan Seribu"),
})


@dataclass(frozen=True, slots=True)
class Skpd:
    """One handling unit. `parent` is the Dinas of a Sudin; `kode_kota` is set for regional units."""

    code: str
    name: str
    kind: SkpdKind
    parent: str | None = None
    kode_kota: str | None = None


class UnknownSkpd(ValueError):
    """An SKPD code that is not in the catalogue."""

    def __init__(self, code: str) -> None:
        self.code = code
        hint = " (kantor kelurahan: pakai kelurahan_office)" if code.startswith(KELURAHAN_PREFIX) else ""
        super().__init__(f"SKPD tidak dikenal: {code!r} / unknown SKPD: {code!r}{hint}")


_PROVINCE = (
    Skpd("BINAMARGA", "Dinas Bina Marga", "dinas"),
    Skpd("DSDA", "Dinas Sumber Daya Air", "dinas"),
    Skpd("DLH", "Dinas Lingkungan Hidup", "dinas"),
    Skpd("DISHUB", "Dinas Perhubungan", "dinas"),
    Skpd("DISTAMHUT", "Dinas Pertamanan dan Hutan Kota", "dinas"),
    Skpd("GULKARMAT", "Dinas Penanggulangan Kebakaran dan Penyelamatan", "dinas"),
    Skpd("CKTRP", "Dinas Cipta Karya, Tata Ruang dan Pertanahan", "dinas"),
    Skpd("DPRKP", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "dinas"),
    Skpd("DINKES", "Dinas Kesehatan", "dinas"),
    Skpd("DISDIK", "Dinas Pendidikan", "dinas"),
    Skpd("DINSOS", "Dinas Sosial", "dinas"),
    Skpd("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas"),
    Skpd("PPKUKM", "Dinas Perindustrian, Perdagangan, Koperasi, Usaha Kecil dan Menengah", "dinas"),
    Skpd("KPKP", "Dinas Ketahanan Pangan, Kelautan dan Pertanian", "dinas"),
    Skpd("DPPAPP", "Dinas Pemberdayaan, Perlindungan Anak dan Pengendalian Penduduk", "dinas"),
    Skpd("DISPORA", "Dinas Pemuda dan Olahraga", "dinas"),
    Skpd("DISKOMINFOTIK", "Dinas Komunikasi, Informatika dan Statistik", "dinas"),
    Skpd("DISNAKERTRANSGI", "Dinas Tenaga Kerja, Transmigrasi dan Energi", "dinas"),
    Skpd("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas"),
    Skpd("SATPOLPP", "Satuan Polisi Pamong Praja", "satpol"),
    Skpd("BPBD", "Badan Penanggulangan Bencana Daerah", "badan"),
    Skpd("INSPEKTORAT", "Inspektorat", "inspektorat"),
    Skpd("BIROPEM", "Biro Pemerintahan Sekretariat Daerah", "biro"),
    Skpd("PAMJAYA", "PAM Jaya", "bumd"),
    Skpd("TRANSJAKARTA", "PT Transportasi Jakarta (Transjakarta)", "bumd"),
)

_ALL_WILAYAH = tuple(WILAYAH)
_DARATAN = tuple(k for k in WILAYAH if k != "31.01")

# Which province units have a unit in which kota. Kepulauan Seribu has no Sudin Bina Marga,
# Pertamanan, Cipta Karya or PPKUKM: its island roads and seawalls are kept by Sudin SDA.
# Dinas Pendidikan works through Sudin per "wilayah" (I and II in each kota); not modelled yet.
_REGIONAL_UNITS: Mapping[str, tuple[str, ...]] = {
    "BINAMARGA": _DARATAN,
    "DSDA": _ALL_WILAYAH,
    "DLH": _ALL_WILAYAH,
    "DISHUB": _ALL_WILAYAH,
    "DISTAMHUT": _DARATAN,
    "GULKARMAT": _ALL_WILAYAH,
    "CKTRP": _DARATAN,
    "DPRKP": _ALL_WILAYAH,
    "DINKES": _ALL_WILAYAH,
    "DINSOS": _ALL_WILAYAH,
    "DUKCAPIL": _ALL_WILAYAH,
    "PPKUKM": _DARATAN,
    "KPKP": _ALL_WILAYAH,
    "DPPAPP": _DARATAN,
    "DISPORA": _DARATAN,
    "DISKOMINFOTIK": _ALL_WILAYAH,
    "SATPOLPP": _ALL_WILAYAH,
}


def _regional_unit(parent: Skpd, kode_kota: str) -> Skpd:
    """A Sudin ("Suku Dinas Bina Marga Kota Administrasi ...") or a Satpol PP kota unit."""
    suffix, wilayah = WILAYAH[kode_kota]
    if parent.kind == "satpol":
        return Skpd(f"{parent.code}-{suffix}", f"{parent.name} {wilayah}", "satpol", parent.code, kode_kota)
    field = parent.name.removeprefix("Dinas ")
    return Skpd(f"{parent.code}-{suffix}", f"Suku Dinas {field} {wilayah}", "suku_dinas", parent.code, kode_kota)


def _catalogue() -> dict[str, Skpd]:
    units = {s.code: s for s in _PROVINCE}
    for parent_code, kotas in _REGIONAL_UNITS.items():
        for kode_kota in kotas:
            unit = _regional_unit(units[parent_code], kode_kota)
            units[unit.code] = unit
    return units


SKPDS: Mapping[str, Skpd] = MappingProxyType(_catalogue())


def get_skpd(code: str) -> Skpd:
    """The catalogue unit for `code`; kelurahan offices come from `kelurahan_office` instead."""
    try:
        return SKPDS[code]
    except KeyError:
        raise UnknownSkpd(code) from None


def sudin_for(dinas_code: str, kode_kota: str) -> str | None:
    """The code of `dinas_code`'s unit in `kode_kota`, or None where it has none (e.g. Kepulauan Seribu)."""
    get_skpd(dinas_code)
    wilayah = WILAYAH.get(kode_kota)
    if wilayah is None:
        return None
    code = f"{dinas_code}-{wilayah[0]}"
    return code if code in SKPDS else None


def kelurahan_office(jurisdiction: Jurisdiction) -> Skpd:
    """The kelurahan office of a complaint's own place, e.g. KEL-3172051001 Kelurahan Pademangan Timur."""
    code = KELURAHAN_PREFIX + jurisdiction.kode_kelurahan.replace(".", "")
    return Skpd(code, f"Kelurahan {jurisdiction.kelurahan}", "kelurahan", None, jurisdiction.kode_kota)
