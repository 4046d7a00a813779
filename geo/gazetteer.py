"""Place names in complaint text -> a point with a precision flag, for reports without coordinates.

Text is lower-cased and split into tokens; every spelling of every name (official, BPS, common
abbreviations and spacings) is one key of a dictionary built once, so a lookup costs one
dictionary read per token and a few more where a name may start. The longest name at each
position wins, so "Tebet" never matches inside another word and "Stasiun Pasar Minggu" beats
"Pasar Minggu".

Names are keyed on Kemendagri codes, never on their text: one spelling can name several places
(Jatinegara is a kecamatan and, elsewhere, a kelurahan of Cakung; 23 kelurahan share their
kecamatan's name). What the text says around a name decides which one is meant:
- a prefix ("Kel.", "Kec.") picks the level; a road or river prefix ("Jl.", "Kali") means the
  name is part of a road's or river's name, which says nothing reliable about where;
- a kecamatan or kota named elsewhere in the text supports the places inside it, and a kota
  named in the text rules out places in other kota;
- a bare name shared by a kelurahan and a kecamatan reads as the kecamatan (the containing and
  better-known unit) unless something names that kecamatan separately;
- kelurahan whose names are ordinary words ("Baru", "Tengah", "Karet", "Tangki") count only with
  a prefix or with their kecamatan named too.
The most specific place that survives wins: landmark or road, kelurahan, kecamatan, kota.
"""
from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import shapely

from geo.boundaries import Boundaries

_TOKEN = re.compile(r"[a-z0-9]+")
# The two-letter kota codes ("Koja JU") mean a kota only in capitals and never after a number
# ("5 JT" is five million rupiah); they are used as supporting context only.
_KOTA_CODE = re.compile(r"(?<![0-9] )\b(J[PUBST])\b")
_KOTA_CODES = {"JP": "31.71", "JU": "31.72", "JB": "31.73", "JS": "31.74", "JT": "31.75"}

_KELURAHAN, _KECAMATAN, _KOTA, _JALAN, _LANDMARK = "kelurahan", "kecamatan", "kota", "jalan", "landmark"
_ROAD = "road"  # the name belongs to a road or a river, not to the place itself
_PREFIXES = {
    "kel": _KELURAHAN, "kelurahan": _KELURAHAN, "lurah": _KELURAHAN, "desa": _KELURAHAN,
    "kec": _KECAMATAN, "kecamatan": _KECAMATAN, "camat": _KECAMATAN,
    "jl": _ROAD, "jln": _ROAD, "jalan": _ROAD, "gg": _ROAD, "gang": _ROAD,
    "kali": _ROAD, "sungai": _ROAD,
}
_ROAD_WORDS = frozenset({"jl", "jln", "jalan"})

# Specificity across names, and the reading of one name when nothing else in the text decides.
_RANK = {_LANDMARK: 3, _JALAN: 3, _KELURAHAN: 2, _KECAMATAN: 1, _KOTA: 0}
_READING = {_LANDMARK: 3, _JALAN: 3, _KECAMATAN: 2, _KELURAHAN: 1, _KOTA: 0}
# Support an ordinary-word name needs when it has no prefix: its kecamatan named for a kelurahan,
# its kota for a kecamatan or landmark.
_NEED = {3: 1, 2: 2, 1: 1, 0: 0}

# Interchangeable spellings of one word, as written in reports and Transjakarta stop names.
_ALTERNATIVES = {
    "kampung": ("kp", "kampong"), "kebon": ("kebun", "kb"), "kebun": ("kebon", "kb"),
    "pasar": ("ps", "psr"), "pondok": ("pd", "pdk"), "tanjung": ("tj", "tg"),
    "pulau": ("p", "pl"), "kepulauan": ("kep", "pulau"), "kebayoran": ("kby", "keb"),
    "kramat": ("keramat",), "gunung": ("gn",), "jalan": ("jl", "jln"), "stasiun": ("st", "stasion"),
    "terminal": ("term",), "masjid": ("mesjid",), "bundaran": ("bunderan",), "mall": ("mal",),
    "priok": ("priuk",), "jakarta": ("jkt",),
}
# Spaced spellings of names the data writes as one word; they join that name's group.
_SPACINGS = (
    "kali deres", "kramat jati", "rawa sari", "rawa jati", "pinang ranti", "bale kambang", "kali bata",
    "kali baru", "kali sari", "jati pulo", "rawa mangun", "ulu jami", "suka pura", "jaga karsa",
    "jati negara", "gondang dia", "pal meriam",
)
_KOTA_ALIASES = {
    "31.71": ("jakpus", "jakarta pst"), "31.72": ("jakut", "jakarta utr"), "31.73": ("jakbar", "jakarta brt"),
    "31.74": ("jaksel", "jakarta sel"), "31.75": ("jaktim", "jakarta tim"),
}
_ADMIN_ALIASES = {
    # BPS spellings of seven kelurahan (../shared/data/README.md) and former names
    "31.71.03.1003": ("harapan mulya",), "31.72.02.1003": ("papango",), "31.73.02.1007": ("wijaya kesuma",),
    "31.75.01.1004": ("pal meriem",), "31.75.04.1002": ("kampung tengah",),
    "31.75.08.1004": ("halim perdana kusumah", "halim"), "31.73.05.1002": ("sukabumi ilir",),
    "31.73.05.1003": ("sukabumi udik",), "31.73.08.1002": ("meruya ilir",), "31.73.08.1003": ("meruya udik",),
    "31.72.03.1001": ("koja utara", "koja selatan"), "31.75.09.1005": ("kampung rambutan",),
    # colloquial areas that lie within one kecamatan
    "31.72.02": ("priok", "sunter"), "31.73.02": ("tanjung duren",), "31.74.04": ("pejaten",),
    "31.74.10": ("petukangan",), "31.73.08": ("meruya",), "31.73.05": ("kedoya",), "31.72.03": ("rawa badak",),
    "31.72.04": ("semper",), "31.73.07": ("kota bambu",), "31.71.01": ("petojo",), "31.75.01": ("utan kayu",),
    "31.74.03": ("mampang",),
}
# Kelurahan names that are ordinary words, people's names or places outside Jakarta.
_WEAK = frozenset(name.replace(" ", "") for name in (
    "baru", "tengah", "gunung", "pulo", "jati", "setu", "dukuh", "gedong", "karet", "kenari", "kramat",
    "galur", "selong", "serdang", "bungur", "kartini", "tangki", "keagungan", "angke", "kapuk", "joglo",
    "kamal", "bangka", "guntur", "cipinang", "makasar", "rambutan", "penggilingan", "pekayon", "bintaro",
    "krukut", "kalibaru", "kelapa dua", "kayu putih", "kayu manis", "tanah tinggi", "pasar baru",
    "kebon baru", "kebon kosong", "sumur batu", "jembatan besi", "batu ampar", "pejagalan", "gelora",
    "halim", "cibubur", "harapan mulia", "harapan mulya",
))


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text says a report is; `kind` tells the caller how precise the point is."""

    name: str  # the official or landmark name matched
    kind: str  # "kelurahan" | "kecamatan" | "kota" | "jalan" | "landmark"  (the precision flag)
    lon: float
    lat: float  # inside the area for admin units (representative point), the landmark's own point otherwise
    code: str | None  # Kemendagri code for kelurahan/kecamatan/kota, None for roads and landmarks


@dataclass(frozen=True, slots=True)
class _Entry:
    """A place and what relates it to the other names in a text."""

    place: Place
    rank: int
    reading: int
    kode_kota: str
    within: frozenset[str]  # codes of the kelurahan/kecamatan/kota that contain it


@dataclass(frozen=True, slots=True)
class _Name:
    entries: tuple[_Entry, ...]
    weak: bool


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    name: _Name
    prefix: str | None


class Gazetteer:
    """Finds the most specific confident place named in a text; built once, then read-only."""

    def __init__(self, names: dict[str, _Name]) -> None:
        self._names = names
        self._longest: dict[str, int] = {}  # first token -> most tokens of a name starting with it
        for spelling in names:
            first, *rest = spelling.split(" ")
            self._longest[first] = max(self._longest.get(first, 0), len(rest) + 1)

    @classmethod
    def from_boundaries(cls, boundaries: Boundaries) -> Gazetteer:
        groups = _Groups()
        for row in boundaries.kelurahan.itertuples(index=False):
            entry = _admin(row, _KELURAHAN, row.kelurahan, row.kode_kelurahan, (row.kode_kecamatan, row.kode_kota))
            groups.add(entry, row.kelurahan, *_ADMIN_ALIASES.get(row.kode_kelurahan, ()))
        for row in boundaries.kecamatan.itertuples(index=False):
            entry = _admin(row, _KECAMATAN, row.kecamatan, row.kode_kecamatan, (row.kode_kota,))
            groups.add(entry, row.kecamatan, *_ADMIN_ALIASES.get(row.kode_kecamatan, ()))
        kota_codes = set()
        for row in boundaries.kota.itertuples(index=False):
            kota_codes.add(row.kode_kota)
            entry = _admin(row, _KOTA, row.kota, row.kode_kota, ())
            groups.add(entry, row.kota, *_KOTA_ALIASES.get(row.kode_kota, ()))
        for entry, aliases in _landmarks(boundaries, kota_codes):
            groups.add(entry, entry.place.name, *aliases)
        return cls(groups.names())

    def find(self, text: str) -> Place | None:
        """The most specific place the text names confidently, or None (the report goes to triage)."""
        tokens = _TOKEN.findall(text.lower())
        if self._longest.keys().isdisjoint(tokens):
            return None
        mentions = self._mentions(tokens)
        return self._resolve(mentions, text) if mentions else None

    def _mentions(self, tokens: list[str]) -> list[_Mention]:
        """Longest names left to right, each with the prefix that says what kind of name it is."""
        found = []
        names, longest = self._names, self._longest
        i, n = 0, len(tokens)
        while i < n:
            size = min(longest.get(tokens[i], 0), n - i)
            while size:
                name = names.get(" ".join(tokens[i:i + size]) if size > 1 else tokens[i])
                if name is not None:
                    found.append(_Mention(i, name, _prefix(tokens, i, i + size)))
                    break
                size -= 1
            i += size or 1
        return found

    def _resolve(self, mentions: list[_Mention], text: str) -> Place | None:
        candidates = [_narrow(m) for m in mentions]
        named_kota = {e.place.code for entries in candidates if entries and all(e.rank == 0 for e in entries)
                      for e in entries}
        hinted = {_KOTA_CODES[code] for code in _KOTA_CODE.findall(text)}
        best_score, best = None, None
        for index, (mention, entries) in enumerate(zip(mentions, candidates)):
            reading = None
            for entry in entries:
                if entry.rank and named_kota and entry.kode_kota not in named_kota:
                    continue
                support = _support(entry, index, candidates, hinted)
                if mention.name.weak and mention.prefix is None and support < _NEED[entry.rank]:
                    continue
                key = (support, entry.reading)
                if reading is None or key > reading[0]:
                    reading = (key, entry)
            if reading is not None:
                (support, _), entry = reading
                score = (entry.rank, support, mention.prefix is not None, -mention.start)
                if best_score is None or score > best_score:
                    best_score, best = score, entry
        return None if best is None else best.place


def _prefix(tokens: list[str], start: int, end: int) -> str | None:
    """The level a prefix asks for, _ROAD when the name is part of a road or river name."""
    before = tokens[start - 1] if start else ""
    kind = _PREFIXES.get(before)
    if kind is not None:
        return kind
    if before == "raya" and start > 1 and tokens[start - 2] in _ROAD_WORDS:  # "Jl. Raya Pasar Minggu"
        return _ROAD
    if end < len(tokens) and tokens[end] == "raya":  # "Kebon Jeruk Raya" is a road
        return _ROAD
    return None


def _narrow(mention: _Mention) -> tuple[_Entry, ...]:
    """The readings a prefix allows: a road or river name keeps only roads; "Kel."/"Kec." keep
    that level when the name has one (a loose "Kel. Tanah Abang" still means the kecamatan)."""
    entries = mention.name.entries
    if mention.prefix == _ROAD:
        return tuple(e for e in entries if e.place.kind == _JALAN)
    if mention.prefix is not None:
        return tuple(e for e in entries if e.place.kind == mention.prefix) or entries
    return entries


def _support(entry: _Entry, index: int, candidates: list[tuple[_Entry, ...]], hinted: set[str]) -> int:
    """2 when another name in the text is a kelurahan or kecamatan containing the entry, 1 when
    only its kota is named (or hinted by "JU"...), 0 otherwise."""
    level = 1 if entry.kode_kota in hinted else 0
    for other_index, others in enumerate(candidates):
        if other_index != index:
            for other in others:
                if other.place.code in entry.within:
                    level = max(level, 1 if other.rank == 0 else 2)
    return level


def _admin(row: Any, kind: str, name: str, code: str, within: tuple[str, ...]) -> _Entry:
    point = row.geometry.representative_point()
    place = Place(name=name, kind=kind, lon=point.x, lat=point.y, code=code)
    return _Entry(place, _RANK[kind], _READING[kind], row.kode_kota, frozenset(within))


def _landmarks(boundaries: Boundaries, kota_codes: set[str]) -> list[tuple[_Entry, list[str]]]:
    """Rows of geo/data/places.csv with the admin units their points fall in."""
    with (files("geo") / "data" / "places.csv").open("r", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    kelurahan = boundaries.kelurahan
    out = []
    for line, row in enumerate(rows, start=2):
        if row["kind"] not in (_LANDMARK, _JALAN) or row["kode_kota"] not in kota_codes:
            raise ValueError(f"geo/data/places.csv:{line}: kind must be landmark or jalan, kode_kota a known kota")
        lon, lat = float(row["lon"]), float(row["lat"])
        hits = kelurahan.sindex.query(shapely.Point(lon, lat), predicate="intersects")
        within = {row["kode_kota"]}
        if len(hits):
            hit = kelurahan.iloc[int(hits[0])]
            within |= {hit["kode_kelurahan"], hit["kode_kecamatan"]}
        place = Place(name=row["name"], kind=row["kind"], lon=lon, lat=lat, code=None)
        entry = _Entry(place, _RANK[row["kind"]], _READING[row["kind"]], row["kode_kota"], frozenset(within))
        out.append((entry, [a for a in row["aliases"].split("|") if a]))
    return out


class _Groups:
    """Spellings grouped by their letters without spaces, so "Pulo Gadung", "Pulogadung" and
    "pulogadung" all name the same places (the kelurahan and its kecamatan)."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[_Entry, None]] = {}
        self._spellings: dict[str, str] = {}
        self._weak: set[str] = set()
        self._strong: set[str] = set()

    def add(self, entry: _Entry, *aliases: str) -> None:
        for alias in aliases:
            weak = _compact(alias) in _WEAK
            for spelling in _spellings(alias):
                group = _compact(spelling)
                self._spellings[spelling] = group
                self._entries.setdefault(group, {})[entry] = None
                (self._weak if weak else self._strong).add(group)

    def names(self) -> dict[str, _Name]:
        for spelling in _SPACINGS:
            if _compact(spelling) in self._entries:
                self._spellings[spelling] = _compact(spelling)
        by_group = {
            group: _Name(tuple(entries), weak=group in self._weak and group not in self._strong)
            for group, entries in self._entries.items()
        }
        return {spelling: by_group[group] for spelling, group in self._spellings.items()}


def _compact(text: str) -> str:
    return "".join(_TOKEN.findall(text.lower()))


def _spellings(name: str) -> set[str]:
    """Each word in its interchangeable forms; names of up to three words also with any of their
    spaces left out ("kelapagading", "kebonjeruk" in tweets and hashtags)."""
    words = _TOKEN.findall(name.lower())
    out = set()
    for choice in itertools.product(*[(w, *_ALTERNATIVES.get(w, ())) for w in words]):
        if len(choice) > 3:
            out.add(" ".join(choice))
            continue
        for gaps in itertools.product((" ", ""), repeat=len(choice) - 1):
            out.add("".join(itertools.chain.from_iterable(zip(choice, gaps + ("",)))))
    return out
