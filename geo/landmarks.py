"""The city's named places from ../shared/data/gazetteer/landmarks_jakarta.csv, read at start.

The file (10,239 Transjakarta stops, KRL stations, markets, malls, hospitals, puskesmas, clinics,
pharmacies, offices, supermarkets and rubbish points, each with its kelurahan) stays in
../shared and is never copied in; without it the gazetteer knows the kelurahan, kecamatan, kota
and geo/data/places.csv only. Each row becomes one place and the ways a report would name it:

- a stop is named with its kind word ("halte Cawang", "halte TJ Cawang"); a stop named after a
  street ("Jln. Kejaksaan Pondok Bambu") also names that street (precision ``jalan``); a stop
  named after something else with a name of its own ("Masjid Jami Saadatul Muslimin", "Pool
  Taksi Cawang") is also found by that name alone, unless the name is made of ordinary words;
- a station by "stasiun X" ("St. X", "stasiun KRL X"), never by a bare X: that is nearly always
  the kelurahan the station is named after;
- everything else by its name as written, without what follows a comma ("Apotek X, Tebet"),
  without brackets, each side of a slash ("Citos/Cilandak Town Square"), and without a leading
  "Kompleks" or a trailing Roman numeral ("Puskesmas Kelurahan Semanan II" is also "puskesmas
  semanan"). One-word names ("Hero", "Giant") count only where a kelurahan or kecamatan named in
  the same text agrees.

Where one name belongs to several rows the gazetteer decides between them (geo/gazetteer.py).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from geo.place_words import canonical

# Precision flag of each kind in the file: how the place was found.
KINDS = {
    "halte_transjakarta": "halte", "halte_transjakarta_brt": "halte", "stasiun_krl": "stasiun",
    "pasar": "pasar", "mall": "mall", "supermarket": "supermarket", "rumah_sakit": "rumah_sakit",
    "puskesmas": "puskesmas", "klinik": "klinik", "apotek": "apotek", "kantor_pemerintah": "kantor",
    "tps_sampah": "tps",
}
_STOPS = frozenset({"halte_transjakarta", "halte_transjakarta_brt"})
_DIRECTION = re.compile(r"\s+arah\s+(utara|selatan|timur|barat)$")
_BRACKETS = re.compile(r"\s*\([^)]*\)")
_TRAILING_NUMBER = re.compile(r"\s+\d+$")
_ADMIN_WORDS = frozenset({"kelurahan", "kecamatan", "lurah", "camat", "rt", "rw", "kota", "jakarta"})
# Words that make no name on their own: a stop called "Masjid Al Barokah" is one of dozens, one
# called "Pos Polisi" or "SMPN 10" could be anywhere. Such stops are found only as "halte ...".
ORDINARY = frozenset("""
    masjid mushola musholla gereja pura vihara klenteng sekolah sd sdn smp smpn sma sman smk smkn mi mts ma
    tk paud pos polisi polsek koramil kantor bank spbu pom bensin pasar toko warung rumah makan gang jalan raya
    simpang pertigaan perempatan lampu merah jembatan kali tol gerbang pintu air taman makam tpu pool depo
    terminal stasiun halte puskesmas klinik apotek kelurahan kecamatan rusun rusunawa blok komplek kompleks
    perumahan gedung menara tower plaza pabrik gudang lapangan sawah kebon pangkalan ojek al an nur baru lama
    barat timur utara selatan tengah dalam luar ujung depan belakang seberang dekat samping sebelah haji
    dan di ke indah jaya permai asri sejahtera
""".split())


@dataclass(frozen=True, slots=True)
class Landmark:
    """One row of the file: where it is, its precision flag, and the names a text may use."""

    name: str
    kind: str  # precision flag, a value of KINDS
    lon: float
    lat: float
    kode_kelurahan: str
    spellings: tuple[str, ...]  # canonical names that mean this row only in its kind's words
    bare: tuple[str, ...] = ()  # names a stop is also known by without "halte"; kept only if nothing else has them
    street: str | None = None  # canonical street name of a stop named after its street ("jalan ...")


def default_path(boundaries_source: Path) -> Path:
    """Where the shared landmark file lies beside the boundary file."""
    return boundaries_source.parent / "gazetteer" / "landmarks_jakarta.csv"


def read_landmarks(path: Path) -> list[Landmark]:
    """Rows of the landmark file; [] when it is absent (the app works without it)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [landmark for row in csv.DictReader(f) if (landmark := _landmark(row)) is not None]


def _landmark(row: dict[str, str]) -> Landmark | None:
    kind = KINDS.get(row["kind"])
    if kind is None or not row["kode_kelurahan"]:
        return None
    point = dict(name=row["name"], kind=kind, lon=float(row["lon"]), lat=float(row["lat"]),
                 kode_kelurahan=row["kode_kelurahan"])
    names = [row["name"], *filter(None, row["alt_name"].split("|"))]
    if row["kind"] in _STOPS:
        return _stop(point, names)
    spellings = {s for name in names for s in _forms(name)}
    if kind == "stasiun":
        spellings = {s for s in spellings if s.startswith("stasiun ")}
    return Landmark(**point, spellings=tuple(sorted(spellings)))


def _stop(point: dict, names: list[str]) -> Landmark:
    cores = {core for name in names for variant in (name, _TRAILING_NUMBER.sub("", name)) for core in _forms(variant)}
    cores = {c.removeprefix("seberang ").removeprefix("halte ") for c in cores}
    spellings = tuple(sorted(f"halte {core}" for core in cores if core))
    streets = sorted(c for c in cores if c.startswith(("jalan ", "gang ")) and len(c.split()) > 1)
    bare = tuple(sorted(c for c in cores if not c.startswith(("jalan ", "gang ")) and _own_name(c)))
    return Landmark(**point, spellings=spellings, bare=bare, street=streets[0] if streets else None)


def _own_name(core: str) -> bool:
    """A name of two or more words, not all ordinary ones, that is no address ("Kel. Pulo", "RW 10 ...")."""
    parts = core.split()
    return (len(parts) > 1 and parts[0] not in _ADMIN_WORDS
            and any(not p.isdigit() and p not in ORDINARY for p in parts))


def _forms(name: str) -> set[str]:
    """Canonical forms of one written name (see the module docstring)."""
    out = set()
    text = _DIRECTION.sub("", _BRACKETS.sub("", name.lower()).strip())
    for part in {text, text.split(",")[0], *text.split("/")}:
        form = canonical(part).removeprefix("kompleks ").removeprefix("supermarket ")
        if form:
            out.add(form)
            if re.search(r"\w \w+ \d+$", form) and form.split()[0] not in ("jalan", "gang"):
                out.add(_TRAILING_NUMBER.sub("", form))  # "puskesmas semanan 2" -> "puskesmas semanan"
    return out
