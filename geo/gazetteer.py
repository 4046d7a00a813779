"""Place names in complaint text -> a point with a precision flag, for reports without coordinates.

Text and names are read into the same canonical words (geo/place_words.py: "Jln." = jalan, "St." =
stasiun, "RSUD" = rs, "Kebagusan III" = kebagusan 3); every spelling of every name is one key of
a dictionary built once, so a lookup costs one dictionary read per word and a few more where a
name may start. The longest name at each position wins, so "Tebet" never matches inside another
word and "Stasiun Pasar Minggu" beats "Pasar Minggu". A word the dictionary does not know may be
a typo of one it does (geo/typos.py): it is read as that word when the name it completes is found.

The names: the 267 kelurahan, 44 kecamatan and 6 kota of the boundary file; the curated places
of geo/data/places.csv; and, when ../shared/data/gazetteer is present beside the boundary file,
its 10,239 landmarks (geo/landmarks.py) and the kelurahan postal codes (geo/kodepos.py).

Names are keyed on places, never on their text: one spelling can name several places
(Jatinegara is a kecamatan and, elsewhere, a kelurahan of Cakung; "Superindo" is a dozen shops;
a postal code can cover three kelurahan). What the text says around a name decides which is meant:
- a prefix ("Kel.", "Kec.") picks the level; a road or river prefix ("Jl.", "Kali") means the
  name is part of a road's or river's name, which says nothing reliable about where;
- a kelurahan or kecamatan named elsewhere in the text supports the places inside it, and a kota
  named in the text rules out places in other kota;
- a bare name shared by a kelurahan and a kecamatan reads as the kecamatan (the containing and
  better-known unit) unless something names that kecamatan separately;
- kelurahan whose names are ordinary words ("Baru", "Tengah", "Karet", "Tangki") and one-word
  shop names ("Hero") count only with a prefix or with their kecamatan named too;
- several places of one name that nothing in the text tells apart are one place when they lie
  within CLUSTER_M of one of them (a stop on each side of the road, a puskesmas and its annex);
  otherwise the name means only the smallest unit that holds them all (kelurahan, kecamatan or
  kota), and when that is the whole province the name is ambiguous: find() answers None (the
  report goes to location triage) and search() answers Ambiguous with the candidates, so the
  operator sees why.
The most specific place that survives wins: landmark or road, kelurahan or postal code,
kecamatan, kota.
"""
from __future__ import annotations

import csv
import dataclasses
import itertools
import math
import re
import weakref
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import shapely

from geo import kodepos, landmarks
from geo.boundaries import Boundaries
from geo.place_words import Word, canonical, words
from geo.typos import Typos

# The two-letter kota codes ("Koja JU") mean a kota only in capitals and never after a number
# ("5 JT" is five million rupiah); they are used as supporting context only.
_KOTA_CODE = re.compile(r"(?<![0-9] )\b(J[PUBST])\b")
_KOTA_CODES = {"JP": "31.71", "JU": "31.72", "JB": "31.73", "JS": "31.74", "JT": "31.75"}

_KELURAHAN, _KECAMATAN, _KOTA, _JALAN, _LANDMARK = "kelurahan", "kecamatan", "kota", "jalan", "landmark"
KODEPOS, KODEPOS_SHARED = "kodepos", "kodepos_ganda"
_ROAD = "road"  # the name belongs to a road or a river, not to the place itself
_PREFIXES = {
    "kelurahan": _KELURAHAN, "lurah": _KELURAHAN, "desa": _KELURAHAN,
    "kecamatan": _KECAMATAN, "camat": _KECAMATAN,
    "jalan": _ROAD, "gang": _ROAD, "kali": _ROAD, "sungai": _ROAD,
}
_MONEY_AFTER = frozenset({"rupiah", "rb", "ribu", "rebu", "jt", "juta", "an", "orang", "unit", "meter", "m", "km"})
# Kinds of curated place (geo/data/places.csv) besides those of the landmark file.
CURATED_KINDS = frozenset({_LANDMARK, _JALAN, "stasiun", "pasar", "terminal", "rumah_sakit", "mall", "kantor"})

# Specificity across names, and the reading of one name when nothing else in the text decides.
_ADMIN_RANK = {_KELURAHAN: 2, KODEPOS: 2, KODEPOS_SHARED: 1, _KECAMATAN: 1, _KOTA: 0}
_ADMIN_READING = {_KECAMATAN: 2, _KELURAHAN: 1, KODEPOS: 1, KODEPOS_SHARED: 1, _KOTA: 0}
_POINT_RANK = _POINT_READING = 3  # landmarks and roads
# Support an ordinary-word name needs when it has no prefix: its kecamatan named for a kelurahan
# or a one-word shop name, its kota for a kecamatan.
_NEED = {3: 2, 2: 2, 1: 1, 0: 0}
_BUILT: dict[int, dict[tuple[Path, Path], Gazetteer]] = {}  # id(boundaries) -> files -> gazetteer, while alive
CLUSTER_M = 750.0  # places of one name this close to one of them are that one place
DUPLICATE_M = 300.0  # the same place from two sources (the curated list and the landmark file)

# Spellings of one word that the canonical form (geo/place_words.py) does not already join.
_ALTERNATIVES = {"kepulauan": ("pulau",)}
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
    """Where a text says a report is; `kind` says how it was found and so how precise the point is."""

    name: str  # the official, landmark or street name matched
    # "kelurahan" | "kecamatan" | "kota" | "kodepos" | "kodepos_ganda" (a code shared by 2-3 kelurahan) |
    # "jalan" | "landmark" | a landmark kind: "halte", "stasiun", "pasar", "rumah_sakit", "puskesmas", ...
    kind: str
    lon: float
    lat: float  # inside the area for admin units (representative point), the landmark's own point otherwise
    code: str | None  # Kemendagri code of an admin unit or postal code's kelurahan (kecamatan if shared), else None
    matched: str = ""  # the words of the text that named it, as written there


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A name that places far apart share, with nothing in the text to choose between them."""

    matched: str
    candidates: tuple[Place, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A place and what relates it to the other names in a text."""

    place: Place
    rank: int
    reading: int
    kode_kota: str
    within: frozenset[str]  # codes of the kelurahan/kecamatan/kota that contain it (its kelurahan for a point)


@dataclass(frozen=True, slots=True)
class _Name:
    entries: tuple[_Entry, ...]
    weak: bool
    postal: bool = False


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    name: _Name
    prefix: str | None


class Gazetteer:
    """Finds the most specific confident place named in a text; built once, then read-only."""

    def __init__(self, names: dict[str, _Name], units: dict[str, _Entry], typos: Typos) -> None:
        self._names = names
        self._units = units  # admin code -> its entry: where a name of several places falls back to
        self._typos = typos
        self._longest: dict[str, int] = {}  # first word -> most words of a name starting with it
        for spelling in names:
            first, *rest = spelling.split(" ")
            self._longest[first] = max(self._longest.get(first, 0), len(rest) + 1)

    @classmethod
    def from_boundaries(cls, boundaries: Boundaries, landmark_file: Path | None = None,
                        kodepos_file: Path | None = None) -> Gazetteer:
        """Names of the boundaries, the curated places and, when present, the shared landmark and
        postal-code files (by default in ../shared/data/gazetteer beside the boundary file).

        Building takes about a second, so a process keeps one per boundaries object and files:
        every app and worker made from the same boundaries shares it (it is read-only)."""
        landmark_file = landmark_file or landmarks.default_path(boundaries.source)
        kodepos_file = kodepos_file or kodepos.default_path(boundaries.source)
        if id(boundaries) not in _BUILT:
            _BUILT[id(boundaries)] = {}
            weakref.finalize(boundaries, _BUILT.pop, id(boundaries), None)
        built = _BUILT[id(boundaries)]
        key = (landmark_file, kodepos_file)
        if key not in built:
            built[key] = cls._build(boundaries, landmark_file, kodepos_file)
        return built[key]

    @classmethod
    def _build(cls, boundaries: Boundaries, landmark_file: Path, kodepos_file: Path) -> Gazetteer:
        groups = _Groups()
        units: dict[str, _Entry] = {}
        for row in boundaries.kelurahan.itertuples(index=False):
            entry = _admin(row, _KELURAHAN, row.kelurahan, row.kode_kelurahan, (row.kode_kecamatan, row.kode_kota))
            units[row.kode_kelurahan] = entry
            groups.add(entry, row.kelurahan, *_ADMIN_ALIASES.get(row.kode_kelurahan, ()))
        for row in boundaries.kecamatan.itertuples(index=False):
            entry = _admin(row, _KECAMATAN, row.kecamatan, row.kode_kecamatan, (row.kode_kota,))
            units[row.kode_kecamatan] = entry
            groups.add(entry, row.kecamatan, *_ADMIN_ALIASES.get(row.kode_kecamatan, ()))
        for row in boundaries.kota.itertuples(index=False):
            entry = _admin(row, _KOTA, row.kota, row.kode_kota, ())
            units[row.kode_kota] = entry
            groups.add(entry, row.kota, *_KOTA_ALIASES.get(row.kode_kota, ()))
        for entry, aliases in _curated(boundaries, set(boundaries.kota["kode_kota"])):
            groups.add(entry, entry.place.name, *aliases)
        found = landmarks.read_landmarks(landmark_file)
        later = []
        for landmark in found:
            if landmark.kode_kelurahan not in units:
                continue
            entry = _point(landmark.name, landmark.kind, landmark.lon, landmark.lat, landmark.kode_kelurahan)
            groups.add_canonical(entry, *landmark.spellings, weak=_one_word)
            later += [(entry, spelling) for spelling in landmark.bare]
            if landmark.street:
                street = _point(landmark.street.title(), _JALAN, landmark.lon, landmark.lat, landmark.kode_kelurahan)
                later.append((street, landmark.street))
        for entry, spelling in later:  # names a stop is also known by, unless they name something else
            groups.add_canonical(entry, spelling, only_new=True)
        known = set(boundaries.kelurahan["kode_kelurahan"])
        for code, covered in kodepos.read_kodepos(kodepos_file, known).items():
            groups.add_postal(_postal(code, covered, boundaries, units), code)
        names = groups.names()
        vocabulary = {word for spelling in names for word in spelling.split(" ")}
        return cls(names, units, Typos(vocabulary))

    def with_typo_threshold(self, threshold: float) -> Gazetteer:
        """The same names with another typo threshold (benchmarks/gazetteer.py --sweep measures it)."""
        return Gazetteer(self._names, self._units, Typos(self._typos.vocabulary, threshold))

    def find(self, text: str) -> Place | None:
        """The most specific place the text names confidently, or None (the report goes to triage)."""
        found = self.search(text)
        return found if isinstance(found, Place) else None

    def unit(self, code: str) -> Place | None:
        """The kelurahan, kecamatan or kota of a Kemendagri code, at its representative point; None if unknown."""
        entry = self._units.get(code)
        return None if entry is None else entry.place

    def search(self, text: str) -> Place | Ambiguous | None:
        """Like find(), but a name of several places far apart comes back as Ambiguous."""
        found = words(text)
        tokens = [w.text for w in found]
        fixed = {}
        for i, token in enumerate(tokens):
            if token not in self._longest:
                correction = self._typos.correct(token)
                if correction is not None:
                    fixed[i] = correction
        if fixed:
            tokens = [fixed.get(i, token) for i, token in enumerate(tokens)]
        elif self._longest.keys().isdisjoint(tokens):
            return None
        mentions = [m for m in self._mentions(tokens) if not fixed or _plausible(m, tokens, fixed)]
        return self._resolve(mentions, found, text) if mentions else None

    def _mentions(self, tokens: list[str]) -> list[_Mention]:
        """Longest names left to right, each with the prefix that says what kind of name it is."""
        found = []
        names, longest = self._names, self._longest
        i, n = 0, len(tokens)
        while i < n:
            size = min(longest.get(tokens[i], 0), n - i)
            while size:
                name = names.get(" ".join(tokens[i:i + size]) if size > 1 else tokens[i])
                if name is not None and not (name.postal and _money(tokens, i)):
                    found.append(_Mention(i, i + size, name, _prefix(tokens, i, i + size)))
                    break
                size -= 1
            i += size or 1
        return found

    def _resolve(self, mentions: list[_Mention], found: list[Word], text: str) -> Place | Ambiguous | None:
        candidates = [_narrow(m) for m in mentions]
        named_kota = {e.place.code for entries in candidates if entries and all(e.rank == 0 for e in entries)
                      for e in entries}
        hinted = {_KOTA_CODES[code] for code in _KOTA_CODE.findall(text)}
        best_score, best, unsure = None, None, None
        for index, (mention, entries) in enumerate(zip(mentions, candidates)):
            readings = []
            for entry in entries:
                if entry.rank and named_kota and entry.kode_kota not in named_kota:
                    continue
                support = _support(entry, index, candidates, hinted)
                if mention.name.weak and mention.prefix is None and support < _NEED[entry.rank]:
                    continue
                readings.append(((support, entry.reading), entry))
            if not readings:
                continue
            top = max(key for key, _ in readings)
            entry = self._one([e for key, e in readings if key == top])
            if entry is None:
                unsure = unsure or (mention, [e for key, e in readings if key == top])
                continue
            score = (entry.rank, top[0], mention.prefix is not None, -mention.start)
            if best_score is None or score > best_score:
                best_score, best = score, (mention, entry)
        if best is None:
            if unsure is None:
                return None
            mention, entries = unsure
            return Ambiguous(_span(found, mention, text), tuple(e.place for e in entries))
        mention, entry = best
        return dataclasses.replace(entry.place, matched=_span(found, mention, text))

    def _one(self, entries: list[_Entry]) -> _Entry | None:
        """The entry that stands for places of one name: the one closest to all when they lie within
        CLUSTER_M of it, else the smallest unit that holds them all, else None (ambiguous)."""
        if len(entries) == 1:
            return entries[0]
        centre = min(entries, key=lambda e: (max(_metres(e.place, o.place) for o in entries), e.place.name))
        if all(_metres(centre.place, o.place) <= CLUSTER_M for o in entries):
            return centre
        shared = frozenset.intersection(*(_units(e) for e in entries))
        return self._units[max(shared, key=len)] if shared else None


def _plausible(mention: _Mention, tokens: list[str], fixed: dict[int, str]) -> bool:
    """A name read through a corrected word counts only with more evidence of a place: another
    word of the name as written, a kind of place ("halte", "pasar", "rs"), or a prefix or a word
    of place before it for a name of six letters or more."""
    span = range(mention.start, mention.end)
    if not any(i in fixed for i in span):
        return True
    if mention.name.weak:
        return False
    exact = [tokens[i] for i in span if i not in fixed]
    if any(word not in _GENERIC for word in exact):
        return True
    before = tokens[mention.start - 1] if mention.start else ""
    return len(exact) == 0 and len(tokens[mention.start]) >= 6 and (before in _PREFIXES or before in _PLACE_WORDS)


_GENERIC = frozenset({"jalan", "gang", "raya", "kali", "sungai", "kampung", "pulau", "pondok", "kebon", "tanjung"}) | frozenset(
    str(i) for i in range(1000))
_PLACE_WORDS = frozenset({"di", "depan", "dpn", "dekat", "dkt", "deket", "sebelah", "sblh", "samping", "belakang",
                          "seberang", "sekitar", "daerah", "wilayah", "kawasan", "area", "arah"})


def _money(tokens: list[str], i: int) -> bool:
    """A five-digit number that is an amount ("Rp 12500", "12500 rupiah"), not a postal code."""
    return (i and tokens[i - 1] == "rp") or (i + 1 < len(tokens) and tokens[i + 1] in _MONEY_AFTER)


def _span(found: list[Word], mention: _Mention, text: str) -> str:
    return text[found[mention.start].start:found[mention.end - 1].end]


def _units(entry: _Entry) -> frozenset[str]:
    code = entry.place.code
    return entry.within | {code} if code and entry.place.kind in (_KELURAHAN, _KECAMATAN, _KOTA) else entry.within


def _metres(a: Place, b: Place) -> float:
    """Equirectangular distance: exact enough within a city."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 6_371_000 * math.hypot(x, math.radians(b.lat - a.lat))


def _prefix(tokens: list[str], start: int, end: int) -> str | None:
    """The level a prefix asks for, _ROAD when the name is part of a road or river name."""
    before = tokens[start - 1] if start else ""
    kind = _PREFIXES.get(before)
    if kind is not None:
        return kind
    if before == "raya" and start > 1 and tokens[start - 2] == "jalan":  # "Jl. Raya Pasar Minggu"
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
    return _Entry(place, _ADMIN_RANK[kind], _ADMIN_READING[kind], row.kode_kota, frozenset(within))


def _point(name: str, kind: str, lon: float, lat: float, kode_kelurahan: str | None, kode_kota: str = "") -> _Entry:
    """A landmark or road at its own point, inside the kelurahan (if known) and kota given."""
    within = {kode_kota} if kode_kota else set()
    if kode_kelurahan:
        within |= {kode_kelurahan, kode_kelurahan[:8], kode_kelurahan[:5]}
    place = Place(name=name, kind=kind, lon=lon, lat=lat, code=None)
    return _Entry(place, _POINT_RANK, _POINT_READING, kode_kota or kode_kelurahan[:5], frozenset(within))


def _postal(code: str, covered: tuple[str, ...], boundaries: Boundaries, units: dict[str, _Entry]) -> _Entry:
    """A postal code: its kelurahan, or the 2-3 kelurahan that share it (one kecamatan)."""
    names = ", ".join(units[k].place.name for k in covered)
    if len(covered) == 1:
        kelurahan = units[covered[0]]
        place = dataclasses.replace(kelurahan.place, name=f"Kode pos {code} ({names})", kind=KODEPOS)
        return _Entry(place, _ADMIN_RANK[KODEPOS], _ADMIN_READING[KODEPOS], kelurahan.kode_kota, kelurahan.within)
    table = boundaries.kelurahan
    point = shapely.union_all(table[table["kode_kelurahan"].isin(covered)].geometry.values).representative_point()
    kecamatan = covered[0][:8]
    place = Place(name=f"Kode pos {code} ({names})", kind=KODEPOS_SHARED, lon=point.x, lat=point.y, code=kecamatan)
    return _Entry(place, _ADMIN_RANK[KODEPOS_SHARED], _ADMIN_READING[KODEPOS_SHARED], covered[0][:5],
                  frozenset({covered[0][:5]}))


def _curated(boundaries: Boundaries, kota_codes: set[str]) -> list[tuple[_Entry, list[str]]]:
    """Rows of geo/data/places.csv with the admin units their points fall in."""
    with (files("geo") / "data" / "places.csv").open("r", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    kelurahan = boundaries.kelurahan
    out = []
    for line, row in enumerate(rows, start=2):
        if row["kind"] not in CURATED_KINDS or row["kode_kota"] not in kota_codes:
            raise ValueError(f"geo/data/places.csv:{line}: kind must be one of {', '.join(sorted(CURATED_KINDS))}, "
                             "kode_kota a known kota")
        lon, lat = float(row["lon"]), float(row["lat"])
        hits = kelurahan.sindex.query(shapely.Point(lon, lat), predicate="intersects")
        code = kelurahan.iloc[int(hits[0])]["kode_kelurahan"] if len(hits) else None
        entry = _point(row["name"], row["kind"], lon, lat, code, row["kode_kota"])
        out.append((entry, [a for a in row["aliases"].split("|") if a]))
    return out


def _one_word(spelling: str) -> bool:
    return " " not in spelling


class _Groups:
    """Spellings grouped by their letters without spaces, so "Pulo Gadung", "Pulogadung" and
    "pulogadung" all name the same places (the kelurahan and its kecamatan). The same place from
    two sources (a station in the curated list and in the landmark file) is kept once: the first."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[_Entry, None]] = {}
        self._spellings: dict[str, str] = {}
        self._weak: set[str] = set()
        self._strong: set[str] = set()
        self._postal: set[str] = set()

    def add(self, entry: _Entry, *aliases: str) -> None:
        for alias in aliases:
            weak = _compact(alias) in _WEAK
            for spelling in _spellings(alias):
                self._put(entry, spelling, weak)

    def add_canonical(self, entry: _Entry, *spellings: str, weak=lambda s: False, only_new: bool = False) -> None:
        """Names already in canonical words (geo/landmarks.py), with their spaces left out too; never
        in the group of an admin unit's name, and with `only_new` only where nothing else is."""
        for name in spellings:
            held = self._entries.get(name.replace(" ", ""), {})
            if (only_new and held) or any(e.rank < _POINT_RANK for e in held):
                continue  # a landmark called like a kelurahan is not what the bare name means
            for spelling in _gaps(name.split(" ")):
                self._put(entry, spelling, weak(name))

    def add_postal(self, entry: _Entry, code: str) -> None:
        self._postal.add(code)
        self._put(entry, code, False)

    def _put(self, entry: _Entry, spelling: str, weak: bool) -> None:
        group = spelling.replace(" ", "")
        entries = self._entries.setdefault(group, {})
        if entry in entries or any(e.rank == entry.rank and _metres(e.place, entry.place) <= DUPLICATE_M
                                   for e in entries if e.rank == _POINT_RANK):
            if spelling not in self._spellings:
                self._spellings[spelling] = group
            return
        self._spellings[spelling] = group
        entries[entry] = None
        (self._weak if weak else self._strong).add(group)

    def names(self) -> dict[str, _Name]:
        for spelling in _SPACINGS:
            if _compact(spelling) in self._entries:
                self._spellings[spelling] = _compact(spelling)
        by_group = {
            group: _Name(tuple(entries), weak=group in self._weak and group not in self._strong,
                         postal=group in self._postal)
            for group, entries in self._entries.items()
        }
        return {spelling: by_group[group] for spelling, group in self._spellings.items()}


def _compact(text: str) -> str:
    """A raw name's canonical letters without spaces: the key of its group."""
    return canonical(text).replace(" ", "")


def _spellings(name: str) -> set[str]:
    """Each word in its interchangeable forms; names of up to three words also with any of their
    spaces left out ("kelapagading", "kebonjeruk" in tweets and hashtags)."""
    out = set()
    for choice in itertools.product(*[(w, *_ALTERNATIVES.get(w, ())) for w in canonical(name).split(" ")]):
        out |= _gaps(list(choice))
    return out


def _gaps(words_: list[str]) -> set[str]:
    if len(words_) > 3:
        return {" ".join(words_)}
    out = set()
    for gaps in itertools.product((" ", ""), repeat=len(words_) - 1):
        out.add("".join(itertools.chain.from_iterable(zip(words_, gaps + ("",)))))
    return out
