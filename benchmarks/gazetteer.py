"""Benchmark text -> place: today's Gazetteer.find (from git) beside the new one, same texts, one run.

    python benchmarks/gazetteer.py [--texts N] [--demo N] [--seed S]

1. Accuracy on the labelled citizen reports (tests/data/citizen_reports_*.csv: the dev file that
   tuning may look at, and the held-out file that it never does): share sent to location triage
   (no place, or an ambiguous one), share in the right kota, share in the right kelurahan or
   within 1 km of the true point (the landmark's own point when the report names one and the
   landmark file is present). Points are placed with the real Locator.
2. The demo: N simulated deliveries through the real channel adapters (no database); share of all
   reports sent to location triage, category triage (at the default threshold 0.5), either:
   the new gazetteer and classifier beside today's.
3. With --sweep, the typo threshold of geo/typos.py: how many one-letter typos in the dev reports'
   place names are still read right, and how many texts that name no place get one, per threshold.
4. Speed: N generated tweet-length texts, half naming a place, time per text (median of 5 passes).

"Today" is geo/gazetteer.py with its geo/data/places.csv at benchmarks/baseline.py's BASELINE,
loaded from git at run time; without git the old columns are left out.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.baseline import load_module  # noqa: E402
from geo.boundaries import load_boundaries  # noqa: E402
from geo.gazetteer import Gazetteer, Place  # noqa: E402
from geo.locate import Locator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BOUNDARIES = ROOT.parent / "shared" / "data" / "jakarta_kelurahan.geojson"
LABELLED = {"dev": ROOT / "tests" / "data" / "citizen_reports_dev.csv",
            "held-out": ROOT / "tests" / "data" / "citizen_reports_heldout.csv"}
NEAR_M = 1000.0

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

Find = Callable[[str], "Place | None"]


def old_gazetteer(boundaries) -> Gazetteer | None:
    try:
        module = load_module("geo/gazetteer.py", "baseline_gazetteer", ("geo/data/places.csv",))
    except Exception as exc:  # no git, or no such commit in this clone
        print(f"(today's gazetteer not loaded from git: {exc})")
        return None
    return module.Gazetteer.from_boundaries(boundaries)


def true_points(boundaries) -> dict[tuple[str, str], tuple[float, float]]:
    """(landmark name, kode_kelurahan) -> (lon, lat), from the landmark file and geo/data/places.csv."""
    points = {}
    landmarks = boundaries.source.parent / "gazetteer" / "landmarks_jakarta.csv"
    if landmarks.is_file():
        with landmarks.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                points.setdefault((row["name"], row["kode_kelurahan"]), (float(row["lon"]), float(row["lat"])))
    with (ROOT / "geo" / "data" / "places.csv").open(encoding="utf-8", newline="") as f:
        places = {row["name"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(f)}
    return points, places


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, exact enough within a city."""
    import math
    x = math.radians(b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    y = math.radians(b[1] - a[1])
    return 6_371_000 * math.hypot(x, y)


def accuracy(find: Find, rows: list[dict[str, str]], locator: Locator, truth) -> dict[str, float]:
    landmark_points, curated = truth
    n = triage = kota = near = 0
    for row in rows:
        if not row["kode_kelurahan"]:
            continue
        n += 1
        place = find(row["text"])
        if place is None or getattr(place, "ambiguous", False):
            triage += 1
            continue
        where = locator.locate(place.lon, place.lat)
        if where is None:
            continue
        kota += where.kode_kota == row["kode_kelurahan"][:5]
        point = (curated.get(row["landmark"]) if row["landmark_kind"] == "places"
                 else landmark_points.get((row["landmark"], row["kode_kelurahan"])))
        near += where.kode_kelurahan == row["kode_kelurahan"] or (
            point is not None and metres(point, (place.lon, place.lat)) <= NEAR_M)
    return {"n": n, "triage": triage / n, "kota": kota / n, "near": near / n}


def demo_triage(find: Find, classify, n: int, boundaries, seed: int) -> dict[str, float]:
    """Share of N demo reports sent to location triage, to category triage, and to either."""
    from ingest.channels import adapter
    from ingest.demo_places import load_places
    from ingest.simulator import Simulator

    simulator = Simulator(load_places(boundaries), seed=seed, secrets={"facebook_app_secret": "benchmark"})
    threshold = 0.5
    monday = datetime(2026, 11, 30, 2, 30, tzinfo=timezone.utc)  # 09:30 WIB: every desk is open
    location = category = either = total = 0
    for i in range(n):
        inbound = simulator.delivery(monday + timedelta(seconds=i))
        for report in adapter(inbound.channel).parse(inbound):
            total += 1
            lost = False
            if report.lon is None or report.lat is None:
                place = find(" ".join(t for t in (report.place_text, report.text) if t))
                lost = place is None or getattr(place, "ambiguous", False)
            unsure = not report.category and classify(report.text).confidence < threshold
            location += lost
            category += unsure
            either += lost or unsure
    return {"n": total, "location": location / total, "category": category / total, "either": either / total}


def sweep(gazetteer: Gazetteer, locator: Locator, truth) -> None:
    """Per typo threshold: one-letter typos read right in the dev reports' place names, and places
    found in texts where the exact names find none (labelled_reports.csv): nearly all false."""
    with LABELLED["dev"].open(encoding="utf-8", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["kode_kelurahan"]]
    exact = gazetteer.with_typo_threshold(101.0)  # no correction at all
    rng = random.Random(7)
    typos = []
    for row in rows:
        place = exact.find(row["text"])
        words = [w for w in re.findall(r"[A-Za-z]{6,}", place.matched if place else "")]
        if words:
            word = rng.choice(words)
            i = rng.randrange(1, len(word) - 1)
            wrong = rng.choice([word[:i] + word[i + 1:], word[:i] + word[i + 1] + word[i] + word[i + 2:],
                                word[:i] + rng.choice("aiueon") + word[i + 1:]])
            typos.append(dict(row, text=row["text"].replace(word, wrong, 1)))
    with (ROOT / "tests" / "data" / "labelled_reports.csv").open(encoding="utf-8", newline="") as f:
        unnamed = [row["text"] for row in csv.DictReader(f) if exact.find(row["text"]) is None]
    print(f"\n== typo threshold: {len(typos)} dev reports with a one-letter typo in the place name; "
          f"{len(unnamed)} texts naming no place exactly")
    print(f"  {'threshold':>9}{'right kel/1km':>15}{'triage':>9}{'places in unnamed texts':>26}")
    for threshold in (101.0, 95.0, 90.0, 85.0, 80.0, 75.0):
        g = gazetteer.with_typo_threshold(threshold)
        r = accuracy(g.find, typos, locator, truth)
        false = sum(g.find(text) is not None for text in unnamed)
        label = "off" if threshold > 100 else f"{threshold:.0f}"
        print(f"  {label:>9}{r['near']:>15.1%}{r['triage']:>9.1%}{false:>20}/{len(unnamed)}")


def place_phrases(boundaries, landmarks: list[str]) -> list[str]:
    """How reports name places: prefixes, kota abbreviations, case and hashtags vary."""
    phrases = []
    for row in boundaries.kelurahan.itertuples(index=False):
        phrases += [f"di Kel. {row.kelurahan}", f"dekat {row.kelurahan.lower()}",
                    f"di {row.kelurahan}, Kec. {row.kecamatan}", f"#{row.kelurahan.replace(' ', '').lower()}"]
    abbreviations = {"31.71": "jakpus", "31.72": "jakut", "31.73": "jakbar", "31.74": "jaksel", "31.75": "jaktim"}
    for row in boundaries.kecamatan.itertuples(index=False):
        phrases += [f"di kec. {row.kecamatan.lower()} {abbreviations.get(row.kode_kota, '')}",
                    f"{row.kecamatan.upper()} {row.kota.upper()}"]
    phrases += [f"dekat {name}" for name in landmarks]
    return phrases


def timed(fn: Find, texts: list[str]) -> tuple[float, int]:
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
    parser.add_argument("--demo", type=int, default=2000, help="simulated deliveries (0: skip)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--sweep", action="store_true", help="measure the typo threshold (geo/typos.py)")
    args = parser.parse_args()
    boundaries = load_boundaries(Path(os.environ.get("PANTAU_BOUNDARIES") or DEFAULT_BOUNDARIES))
    locator = Locator(boundaries)

    t = time.perf_counter()
    new = Gazetteer.from_boundaries(boundaries)
    t_new = time.perf_counter() - t
    t = time.perf_counter()
    old = old_gazetteer(boundaries)
    t_old = time.perf_counter() - t
    methods: list[tuple[str, Find]] = [("new", new.find)] + ([("today", old.find)] if old else [])
    print(f"build: new {t_new * 1e3:.0f} ms" + (f", today {t_old * 1e3:.0f} ms" if old else ""))

    truth = true_points(boundaries)
    print(f"\n== labelled citizen reports (right kelurahan: same kelurahan or within {NEAR_M:.0f} m)")
    print(f"  {'set':<10}{'method':<8}{'reports':>8}{'triage':>9}{'right kota':>12}{'right kel/1km':>15}")
    for label, path in LABELLED.items():
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for name, find in methods:
            r = accuracy(find, rows, locator, truth)
            print(f"  {label:<10}{name:<8}{r['n']:>8}{r['triage']:>9.1%}{r['kota']:>12.1%}{r['near']:>15.1%}")

    if args.demo:
        print(f"\n== demo: {args.demo} simulated deliveries through the real adapters (no database)")
        from benchmarks.classifier import old_classifier
        from crm.classifier import Classifier
        baseline = old_classifier()
        pairs = [("new gazetteer + new classifier", new.find, Classifier.default().classify)]
        if old and baseline:
            pairs.append(("today's gazetteer + classifier", old.find, baseline.classify))
        for name, find, classify in pairs:
            r = demo_triage(find, classify, args.demo, boundaries, args.seed)
            print(f"  {name:<32} reports {r['n']}: location triage {r['location']:.1%}, "
                  f"category triage {r['category']:.1%}, either (the triage queue) {r['either']:.1%}")

    if args.sweep:
        sweep(new, locator, truth)

    landmark_file = boundaries.source.parent / "gazetteer" / "landmarks_jakarta.csv"
    rng = random.Random(args.seed)
    names = []
    with (ROOT / "geo" / "data" / "places.csv").open(encoding="utf-8", newline="") as f:
        names += [row["name"] for row in csv.DictReader(f)]
    if landmark_file.is_file():
        with landmark_file.open(encoding="utf-8", newline="") as f:
            names += rng.sample([row["name"] for row in csv.DictReader(f)], 500)
    phrases = place_phrases(boundaries, names)
    half = args.texts // 2
    with_place = [rng.choice(COMPLAINTS).format(p=rng.choice(phrases)) for _ in range(half)]
    without = [rng.choice(NO_PLACE) for _ in range(args.texts - half)]
    mixed = with_place + without
    rng.shuffle(mixed)
    print(f"\n== speed: {args.texts:,} texts, mean {statistics.mean(map(len, mixed)):.0f} characters")
    print(f"  {'load':<16}{'method':<8}{'per text':>10}{'texts/s':>12}{'found':>14}")
    for load, texts in (("with a place", with_place), ("without a place", without), ("mixed", mixed)):
        for name, find in methods:
            seconds, found = timed(find, texts)
            print(f"  {load:<16}{name:<8}{seconds * 1e6:>8.1f}µs{1 / seconds:>12,.0f}{found:>8,}/{len(texts):,}")
    kinds = Counter(p.kind for p in map(new.find, with_place) if p is not None)
    print("  new, kinds found in the texts with a place: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
