"""Benchmark text -> place: Gazetteer.find beside a naive `name in text` loop, same texts.

    python benchmarks/gazetteer.py [--texts N] [--seed S]

N generated complaint texts of tweet length (fixed seed), half naming a place the way reports do
(a kelurahan with or without "Kel.", a kecamatan with its kota abbreviation, a landmark, a
shared or ordinary-word name, upper or lower case, a hashtag) and half naming none. For each load:
time per text (median of 5 passes), texts per second, and how many texts got a place. The
baseline lower-cases the text and tests every official name, landmark name and alias with `in`,
returning the first hit: no word boundaries, spellings or ranking, so it is both slower and wrong
more often (it finds "baru" in "baru saja").
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.boundaries import load_boundaries  # noqa: E402
from geo.gazetteer import Gazetteer  # noqa: E402

DEFAULT_BOUNDARIES = Path(__file__).resolve().parents[1] / ".." / "shared/data/jakarta_kelurahan.geojson"

COMPLAINTS = [
    "jalan rusak parah {p}, sudah 2 minggu belum diperbaiki @DKIJakarta",
    "banjir setinggi lutut {p} sejak subuh, mohon bantuan petugas",
    "sampah numpuk {p} bau sekali tolong diangkut",
    "lampu PJU mati {p} gelap gulita rawan begal",
    "PKL makan badan jalan {p} bikin macet tiap sore",
    "pohon tumbang {p} menutup jalan, mohon segera ditangani #jakarta",
    "parkir liar {p} sampai dua lapis, petugas dishub kemana?",
    "got mampet {p} air meluap kalau hujan",
]
NO_PLACE = [
    "lampu jalan mati sejak kemarin, tolong segera diperbaiki ya min",
    "tolong segera ditindak, sudah lapor berkali-kali belum ada respon",
    "air PAM tidak mengalir dari pagi, warga baru saja protes ke RT",
    "macet parah di tengah jalan karena ada truk mogok, mohon diatur",
    "pelayanan KTP lama sekali, antri dari jam 7 pagi belum dipanggil",
    "ada pungli di loket, diminta 50 ribu untuk percepatan berkas",
    "ban karet bocor kena paku yang disebar di jalan, tolong dibersihkan",
    "air tangki tidak datang sudah tiga hari, warga kesulitan air bersih",
]


def place_phrases(boundaries, landmarks: list[str]) -> list[str]:
    """How reports name places: prefixes, kota abbreviations, case and hashtags vary."""
    kel = boundaries.kelurahan
    phrases = []
    for row in kel.itertuples(index=False):
        phrases += [f"di Kel. {row.kelurahan}", f"dekat {row.kelurahan.lower()}",
                    f"di {row.kelurahan}, Kec. {row.kecamatan}", f"#{row.kelurahan.replace(' ', '').lower()}"]
    abbreviations = {"31.71": "jakpus", "31.72": "jakut", "31.73": "jakbar", "31.74": "jaksel", "31.75": "jaktim"}
    for row in boundaries.kecamatan.itertuples(index=False):
        phrases += [f"di kec. {row.kecamatan.lower()} {abbreviations.get(row.kode_kota, '')}",
                    f"{row.kecamatan.upper()} {row.kota.upper()}"]
    phrases += [f"dekat {name}" for name in landmarks]
    return phrases


def naive_names(boundaries, rows: list[dict[str, str]]) -> list[str]:
    names = set()
    for column, frame in (("kelurahan", boundaries.kelurahan), ("kecamatan", boundaries.kecamatan),
                          ("kota", boundaries.kota)):
        names.update(frame[column].str.lower())
    for row in rows:
        names.add(row["name"].lower())
        names.update(a for a in row["aliases"].split("|") if a)
    return sorted(names, key=len, reverse=True)


def timed(fn, texts: list[str]) -> tuple[float, int]:
    """Median seconds per text over 5 passes, and how many texts got an answer."""
    runs = []
    found = 0
    for _ in range(5):
        t = time.perf_counter()
        found = sum(fn(text) is not None for text in texts)
        runs.append((time.perf_counter() - t) / len(texts))
    return statistics.median(runs), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    path = Path(os.environ.get("PANTAU_BOUNDARIES") or DEFAULT_BOUNDARIES)

    boundaries = load_boundaries(path)
    t = time.perf_counter()
    gazetteer = Gazetteer.from_boundaries(boundaries)
    t_build = time.perf_counter() - t
    with (files("geo") / "data" / "places.csv").open("r", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = naive_names(boundaries, rows)

    def naive(text: str) -> str | None:
        lowered = text.lower()
        for name in names:
            if name in lowered:
                return name
        return None

    rng = random.Random(args.seed)
    phrases = place_phrases(boundaries, [row["name"] for row in rows])
    half = args.texts // 2
    with_place = [rng.choice(COMPLAINTS).format(p=rng.choice(phrases)) for _ in range(half)]
    without = [rng.choice(NO_PLACE) for _ in range(args.texts - half)]
    mixed = with_place + without
    rng.shuffle(mixed)
    chars = statistics.mean(len(text) for text in mixed)
    print(f"Gazetteer build {t_build * 1e3:.0f} ms; {len(names):,} names for the naive loop; "
          f"{args.texts:,} texts, mean {chars:.0f} characters")
    print(f"  {'load':<16}{'method':<32}{'per text':>10}{'texts/s':>12}{'found':>14}")
    for load, texts in (("with a place", with_place), ("without a place", without), ("mixed", mixed)):
        for label, fn in (("Gazetteer.find", gazetteer.find), ("naive `name in text` loop", naive)):
            seconds, found = timed(fn, texts)
            print(f"  {load:<16}{label:<32}{seconds * 1e6:>8.1f}µs{1 / seconds:>12,.0f}"
                  f"{found:>8,}/{len(texts):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
