"""Benchmark the complaint text classifier: the new one beside today's (loaded from git), same texts.

    python benchmarks/classifier.py [--threshold T] [--simulator N] [--seconds S] [--corrections [DATABASE_URL]]

Sets: `tests/data/citizen_reports_heldout.csv` (written before the model; never trained or tuned
on: the figures that count), `tests/data/citizen_reports_dev.csv` and
`tests/data/labelled_reports.csv` (both are among the model's examples, so the new classifier's
figures there are training figures). For each: share answered (confidence at or above the
threshold, default PANTAU_CLASSIFIER_THRESHOLD) and share of those right, for the new classifier,
today's (crm/classifier.py and its CSVs at benchmarks/baseline.py's BASELINE) and a naive baseline
(the first category name in the text). On the held-out set also accuracy by confidence band,
per-category precision and recall and the worst confusions of the new classifier. With
--simulator N (default 1000; 0 skips) the demo's texts (ingest/demo_text.py). With --corrections the
operators' corrections in a store (PANTAU_DATABASE_URL unless a URL is given; store/corrections.py):
each text an operator labelled on /triase or through the corrections API, with their category (or
`lainnya` for no complaint): the texts intake was unsure of, so the set that shows what the
classifier still gets wrong in real traffic. Then throughput.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm.categories import CATEGORIES, FALLBACK  # noqa: E402
from crm.classifier import Classification, Classifier  # noqa: E402
from settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled_reports.csv"
HELD_OUT = ROOT / "tests" / "data" / "citizen_reports_heldout.csv"
DEV = ROOT / "tests" / "data" / "citizen_reports_dev.csv"
BOUNDARIES = ROOT.parent / "shared" / "data" / "jakarta_kelurahan.geojson"
BANDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)

Labelled = list[tuple[str, str]]


def load_labelled(path: Path = LABELLED) -> Labelled:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["category"]) for row in csv.DictReader(f)]


def old_classifier():
    """Today's classifier (code and CSV files at benchmarks/baseline.py's BASELINE), or None without git."""
    from benchmarks.baseline import data_file, load_module
    try:
        module = load_module("crm/classifier.py", "baseline_classifier")
        return module.Classifier(
            module._read_lexicon(data_file("crm/data/classifier_lexicon.csv"), "lexicon"),
            module._read_slang(data_file("crm/data/classifier_slang.csv"), "slang"))
    except Exception as exc:  # no git, or no such commit in this clone
        print(f"(today's classifier not loaded from git: {exc})")
        return None


class FirstNameBaseline:
    """The naive classifier: the first catalogue category whose name or code appears in the text."""

    def __init__(self) -> None:
        self.names = [
            (code, (category.name.lower(), code.replace("_", " ")))
            for code, category in CATEGORIES.items() if code != FALLBACK
        ]

    def classify(self, text: str) -> Classification:
        lowered = text.lower()
        for code, names in self.names:
            if any(name in lowered for name in names):
                return Classification(code, 1.0)
        return Classification(FALLBACK, 0.0)


def report_bands(results: list[tuple[Classification, str]]) -> None:
    print("\nconfidence band   texts  accuracy   (lainnya at 0.0 is right when the text was vague)")
    for low, high in zip(BANDS, BANDS[1:]):
        band = [(r, y) for r, y in results if low <= r.confidence < high]
        if band:
            accuracy = sum(r.category == y for r, y in band) / len(band)
            print(f"  [{low:.1f}, {min(high, 1.0):.1f})    {len(band):5d}  {accuracy:7.1%}")


def report_categories(results: list[tuple[Classification, str]]) -> None:
    predicted = Counter(r.category for r, _ in results)
    actual = Counter(y for _, y in results)
    right = Counter(y for r, y in results if r.category == y)
    print(f"\n{'category':28} {'n':>4} {'precision':>10} {'recall':>8}")
    for code in CATEGORIES:
        precision = right[code] / predicted[code] if predicted[code] else float("nan")
        recall = right[code] / actual[code] if actual[code] else float("nan")
        print(f"{code:28} {actual[code]:4d} {precision:10.2f} {recall:8.2f}")


def report_confusions(results: list[tuple[Classification, str]], texts: list[str], top: int = 12) -> None:
    pairs: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for (r, y), text in zip(results, texts):
        if r.category != y:
            pairs[(y, r.category)] += 1
            example.setdefault((y, r.category), text)
    print(f"\nworst confusions (true -> predicted), {sum(pairs.values())} errors:")
    for (true, guess), n in pairs.most_common(top):
        print(f"  {n:3d}  {true} -> {guess}: {example[(true, guess)][:90]!r}")


def throughput(classify: Callable[[str], Classification], texts: list[str], seconds: float) -> float:
    """Texts per second, best of repeated passes over `texts` for about `seconds`."""
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for text in texts:
            classify(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def simulator_texts(n: int, seed: int = 7) -> Labelled:
    from crm.channels import CHANNELS
    from geo.boundaries import load_boundaries
    from ingest.demo_places import load_places
    from ingest.demo_text import LINES, compose

    rng = random.Random(seed)
    places = load_places(load_boundaries(BOUNDARIES))
    categories, channels = list(LINES), list(CHANNELS)
    rows = []
    for _ in range(n):
        category = rng.choice(categories)
        rows.append((compose(category, rng.choice(channels), places.pick(category, rng), rng), category))
    return rows


def corrected_texts(database_url: str) -> Labelled:
    """The operators' labelled corrections in the store at `database_url` (store/corrections.py)."""
    from store.corrections import labelled_examples
    from store.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return labelled_examples(session)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=Settings().classifier_threshold)
    parser.add_argument("--simulator", type=int, default=1000, help="simulator texts to add (0: none)")
    parser.add_argument("--seconds", type=float, default=2.0, help="timing budget per classifier")
    parser.add_argument("--corrections", nargs="?", const="", metavar="DATABASE_URL",
                        help="also the operators' labelled corrections from this store (default PANTAU_DATABASE_URL)")
    args = parser.parse_args()

    start = time.perf_counter()
    classifier = Classifier.default()
    print(f"new classifier built (lexicon, examples, model trained) in {(time.perf_counter() - start) * 1000:.0f} ms")
    old = old_classifier()
    methods = [("new", classifier)] + ([("today", old)] if old else []) + [("baseline", FirstNameBaseline())]

    print(f"\n== answered (confidence >= {args.threshold:.2f}) and right of those answered")
    print(f"  {'set':<40}{'method':<10}{'texts':>6}{'answered':>10}{'right':>8}{'overall':>9}")
    sets = [("held-out (never trained on)", HELD_OUT), ("dev (among the examples)", DEV),
            ("labelled_reports (among the examples)", LABELLED)]
    if args.simulator and BOUNDARIES.exists():
        sets.append((f"simulator ({args.simulator} demo texts)", "simulator"))
    if args.corrections is not None:
        sets.append(("operators' corrections (store)", "corrections"))
    for title, path in sets:
        if path == "simulator":
            labelled = simulator_texts(args.simulator)
        elif path == "corrections":
            labelled = corrected_texts(args.corrections or Settings().database_url)
            if not labelled:
                print(f"  {title:<40}(none stored yet)")
                continue
        else:
            labelled = load_labelled(path)
        for name, method in methods:
            results = [(method.classify(text), y) for text, y in labelled]
            kept = [(r, y) for r, y in results if r.confidence >= args.threshold]
            right = sum(r.category == y for r, y in kept)
            overall = sum(r.category == y for r, y in results) / len(results)
            print(f"  {title:<40}{name:<10}{len(results):>6}{len(kept) / len(results):>10.1%}"
                  f"{right / max(1, len(kept)):>8.1%}{overall:>9.1%}")

    held_out = load_labelled(HELD_OUT)
    texts = [text for text, _ in held_out]
    results = [(classifier.classify(text), y) for text, y in held_out]
    print("\n== new classifier on the held-out set")
    report_bands(results)
    report_categories(results)
    report_confusions(results, texts)

    print(f"\n== throughput on the {len(texts)} held-out texts (mean {sum(map(len, texts)) / len(texts):.0f} "
          "characters), best pass")
    for name, method in methods:
        speed = throughput(method.classify, texts, args.seconds)
        print(f"  {name:<10}{speed:10,.0f} texts/s  {1e6 / speed:6.1f} µs/text")


if __name__ == "__main__":
    main()
