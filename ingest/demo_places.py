"""Where demo complaints happen: near real named places, always inside a real kelurahan.

With the gazetteer (`../shared/data/gazetteer/landmarks_jakarta.csv`, read at run time, never
copied in) a point lies a few dozen metres from a real halte, market, puskesmas or office, one that
suits the category where one does, and the text can name it. Without the file, points are
sampled uniformly inside the kelurahan polygons, so the demo still runs on a bare checkout.
"""
from __future__ import annotations

import csv
import logging
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import shapely

from geo.boundaries import Boundaries

log = logging.getLogger(__name__)

DEFAULT_LANDMARKS = Path(__file__).resolve().parents[2] / "shared" / "data" / "gazetteer" / "landmarks_jakarta.csv"
JITTER_DEG = 0.0005  # one standard deviation, about 55 m: "depan", "dekat", "seberang"
AFFINITY_SHARE = 0.7  # how often a category's typical kind of place is used, when it has one

# Kinds of landmark where a category's complaints typically arise (the rest: anywhere).
AFFINITY: dict[str, tuple[str, ...]] = {
    "sampah": ("tps_sampah", "pasar"),
    "kesehatan": ("puskesmas", "rumah_sakit", "klinik"),
    "transportasi_umum": ("halte_transjakarta_brt", "halte_transjakarta", "stasiun_krl"),
    "lalu_lintas": ("halte_transjakarta_brt", "stasiun_krl", "mall"),
    "pkl": ("pasar", "stasiun_krl", "halte_transjakarta_brt", "mall"),
    "parkir_liar": ("pasar", "mall", "rumah_sakit", "stasiun_krl", "supermarket"),
    "kawasan_dilarang_merokok": ("rumah_sakit", "puskesmas", "kantor_pemerintah"),
    "administrasi_kependudukan": ("kantor_pemerintah",),
    "pelayanan_publik": ("kantor_pemerintah", "puskesmas"),
    "pungutan_liar": ("kantor_pemerintah", "pasar"),
}
# Kinds whose names read well in a citizen's sentence; clinics, pharmacies and shops carry
# addresses and chain names in theirs, so complaints near them name the kelurahan instead.
_HALTE = ("halte_transjakarta", "halte_transjakarta_brt")
_NAMED = {*_HALTE, "pasar", "mall", "stasiun_krl", "rumah_sakit", "puskesmas", "kantor_pemerintah", "tps_sampah"}
# Transjakarta writes its stop names short; spelt out, a sentence reads naturally.
_ABBREVIATIONS = {"Sbr.": "Seberang", "Jln.": "Jalan", "Jl.": "Jalan", "Ps.": "Pasar", "Kb.": "Kebon",
                  "St.": "Stasiun", "Term.": "Terminal"}
_DIRECTION = re.compile(r"\s+Arah\s+\w+$")


@dataclass(frozen=True, slots=True)
class Place:
    """A point and what a citizen would call it: a landmark's name when there is a good one."""

    lon: float
    lat: float
    kelurahan: str
    kecamatan: str
    landmark: str | None = None


class Places(Protocol):
    source: str

    def pick(self, category: str, rng: random.Random) -> Place: ...


class KelurahanPolygons:
    """Uniform points inside a uniformly chosen kelurahan: every kelurahan gets its share."""

    source = "kelurahan polygons"

    def __init__(self, boundaries: Boundaries) -> None:
        table = boundaries.kelurahan
        self.codes = list(table["kode_kelurahan"])
        self.names = dict(zip(self.codes, zip(table["kelurahan"], table["kecamatan"])))
        self.polygons = dict(zip(self.codes, table.geometry.values))
        shapely.prepare(table.geometry.values)
        # Kepulauan Seribu's kelurahan are islands in a wide sea: sample a part, weighted by area,
        # then inside that part's box, so rejection sampling stays cheap everywhere.
        self.parts = {code: shapely.get_parts(geometry) for code, geometry in self.polygons.items()}
        self.part_weights = {code: list(shapely.area(parts)) for code, parts in self.parts.items()}

    def pick(self, category: str, rng: random.Random) -> Place:
        code = rng.choice(self.codes)
        lon, lat = self.point_in(code, rng)
        return Place(lon, lat, *self.names[code])

    def point_in(self, code: str, rng: random.Random) -> tuple[float, float]:
        part = rng.choices(self.parts[code], weights=self.part_weights[code])[0]
        minx, miny, maxx, maxy = part.bounds
        for _ in range(1000):
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(self.polygons[code], lon, lat):
                return lon, lat
        point = part.representative_point()  # a sliver that random draws keep missing
        return point.x, point.y

    def contains(self, code: str, lon: float, lat: float) -> bool:
        return bool(shapely.contains_xy(self.polygons[code], lon, lat))


@dataclass(frozen=True, slots=True)
class Landmark:
    lon: float
    lat: float
    code: str
    label: str | None


class Landmarks:
    """Points jittered around gazetteer landmarks, kept inside the landmark's own kelurahan."""

    def __init__(self, rows: list[dict[str, str]], polygons: KelurahanPolygons) -> None:
        self.polygons = polygons
        self.by_kind: dict[str, list[Landmark]] = defaultdict(list)
        for row in rows:
            if row["kode_kelurahan"] in polygons.names:  # another boundary file may lack some codes
                self.by_kind[row["kind"]].append(
                    Landmark(float(row["lon"]), float(row["lat"]), row["kode_kelurahan"], _label(row)))
        self.all = [landmark for group in self.by_kind.values() for landmark in group]
        self.source = f"{len(self.all)} gazetteer landmarks"

    def pick(self, category: str, rng: random.Random) -> Place:
        kinds = [k for k in AFFINITY.get(category, ()) if self.by_kind.get(k)]
        pool = self.by_kind[rng.choice(kinds)] if kinds and rng.random() < AFFINITY_SHARE else self.all
        landmark = rng.choice(pool)
        lon, lat = self._near(landmark, rng)
        return Place(lon, lat, *self.polygons.names[landmark.code], landmark=landmark.label)

    def _near(self, landmark: Landmark, rng: random.Random) -> tuple[float, float]:
        for _ in range(8):
            lon = landmark.lon + rng.gauss(0, JITTER_DEG)
            lat = landmark.lat + rng.gauss(0, JITTER_DEG)
            if self.polygons.contains(landmark.code, lon, lat):
                return lon, lat
        return landmark.lon, landmark.lat


def load_places(boundaries: Boundaries, landmarks: Path = DEFAULT_LANDMARKS) -> Places:
    """Landmarks when the gazetteer is there and usable, else the kelurahan polygons."""
    polygons = KelurahanPolygons(boundaries)
    try:
        with landmarks.open(encoding="utf-8", newline="") as file:
            places = Landmarks(list(csv.DictReader(file)), polygons)
    except (OSError, KeyError, ValueError) as exc:
        log.warning("demo: no landmarks from %s (%s); sampling inside the kelurahan polygons", landmarks, exc)
        return polygons
    return places if places.all else polygons


def _label(row: dict[str, str]) -> str | None:
    """What a citizen calls the landmark, or None when its name would read badly in a sentence."""
    kind = row["kind"]
    if kind not in _NAMED or (kind == "tps_sampah" and not row["name"].upper().startswith("TPS")):
        return None
    if kind in _HALTE:  # a stop's alt_name drops its platform number; a BRT station's is an old name
        name = row["alt_name"].split("|")[0] if kind == "halte_transjakarta" and row["alt_name"] else row["name"]
        words = [_ABBREVIATIONS.get(word, word) for word in _DIRECTION.sub("", name).split()]
        return "halte " + " ".join(words)
    return row["name"]

