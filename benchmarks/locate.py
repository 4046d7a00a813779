"""Benchmark point -> kelurahan: geopandas.sjoin baseline vs CoverGrid.lookup vs Locator.

    python benchmarks/locate.py [--points N] [--single N] [--seed S]

Two loads of N points each (fixed seed): uniform in the kelurahan file's bounding box (mostly
sea, because Kepulauan Seribu reaches -5.18), and uniform in the mainland kelurahan union (by
rejection from the mainland's bounding box), the realistic load. For each: sjoin time, CoverGrid
lookup (best of 5), exactness of lookup against sjoin (lowest index where several polygons
match), and the full Locator.locate_many. Then single-point latency of Locator.locate against a
shapely STRtree query per point. Exits 1 if lookup and sjoin disagree on any point.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.boundaries import KEPULAUAN_SERIBU, load_boundaries  # noqa: E402
from geo.locate import Locator  # noqa: E402

DEFAULT_BOUNDARIES = Path(__file__).resolve().parents[1] / ".." / "shared/data/jakarta_kelurahan.geojson"


def best_of(n: int, fn):
    best, result = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def sjoin_lowest(kelurahan: gpd.GeoDataFrame, xs: np.ndarray, ys: np.ndarray) -> tuple[float, np.ndarray]:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs=kelurahan.crs)
    t = time.perf_counter()
    joined = gpd.sjoin(points, kelurahan[["geometry"]], how="inner", predicate="intersects")
    elapsed = time.perf_counter() - t
    best = np.full(len(xs), np.iinfo(np.int64).max)
    np.minimum.at(best, joined.index.to_numpy(), joined["index_right"].to_numpy())
    return elapsed, np.where(best == np.iinfo(np.int64).max, -1, best)


def mainland_points(boundaries, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    k = boundaries.kelurahan
    union = shapely.union_all(k.geometry.values[(k["kode_kota"] != KEPULAUAN_SERIBU).to_numpy()])
    shapely.prepare(union)
    minx, miny, maxx, maxy = union.bounds
    xs, ys = [], []
    have = 0
    while have < n:
        cx = rng.uniform(minx, maxx, n)
        cy = rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(union, cx, cy)
        xs.append(cx[keep])
        ys.append(cy[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds / 1e6:8.2f} M/s"


def run_load(name, locator, kelurahan, xs, ys) -> int:
    n = len(xs)
    t_sjoin, ref = sjoin_lowest(kelurahan, xs, ys)
    t_grid, got = best_of(5, lambda: locator.grid.lookup(xs, ys))
    t_loc, located = best_of(5, lambda: locator.locate_many(xs, ys))
    disagree = int((got != ref).sum())
    inside = int((ref >= 0).sum())
    flagged = int((located.flag != 0).sum())
    print(f"\n{name}: {n:,} points, {inside:,} inside a kelurahan ({inside / n:.1%}), "
          f"{flagged:,} more assigned by the coast rules")
    print(f"  {'method':<36}{'time':>10}{'points/s':>14}{'vs sjoin':>10}")
    print(f"  {'geopandas.sjoin intersects':<36}{t_sjoin:>9.3f}s{rate(n, t_sjoin):>14}{'1.0x':>10}")
    print(f"  {'CoverGrid.lookup (best of 5)':<36}{t_grid:>9.3f}s{rate(n, t_grid):>14}{t_sjoin / t_grid:>9.0f}x")
    print(f"  {'Locator.locate_many (best of 5)':<36}{t_loc:>9.3f}s{rate(n, t_loc):>14}{t_sjoin / t_loc:>9.0f}x")
    print(f"  exactness: lookup != sjoin (lowest index) for {disagree} of {n:,} points"
          f"{'' if disagree == 0 else '  <-- MISMATCH'}")
    return disagree


def latency(fn, xs, ys) -> tuple[float, float]:
    out = np.empty(len(xs))
    clock = time.perf_counter_ns
    for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())):
        t = clock()
        fn(x, y)
        out[i] = clock() - t
    return float(np.median(out)) / 1e3, float(np.percentile(out, 99)) / 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=100_000, help="points for single-point latency")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    path = Path(os.environ.get("PANTAU_BOUNDARIES") or DEFAULT_BOUNDARIES)

    t = time.perf_counter()
    boundaries = load_boundaries(path)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    locator = Locator(boundaries)
    t_build = time.perf_counter() - t
    kelurahan = boundaries.kelurahan
    g = locator.grid
    print(f"boundaries: {path.resolve().name}, {len(kelurahan)} kelurahan; load {t_load:.2f}s, "
          f"Locator build {t_build:.2f}s (grid {g.nx}x{g.ny} cells of {g.cell}°, "
          f"{(g.labels == -2).mean():.1%} mixed)")

    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = kelurahan.total_bounds
    bx, by = rng.uniform(minx, maxx, args.points), rng.uniform(miny, maxy, args.points)
    mx, my = mainland_points(boundaries, args.points, rng)

    bad = run_load("(a-d) uniform in the file's bbox", locator, kelurahan, bx, by)
    bad += run_load("(e) uniform on the mainland (realistic)", locator, kelurahan, mx, my)

    tree = shapely.STRtree(kelurahan.geometry.values)
    point = shapely.Point

    def strtree_one(x, y):
        return tree.query(point(x, y), predicate="intersects")

    n1 = min(args.single, args.points)
    print(f"\n(f) single-point latency, {n1:,} calls per row")
    print(f"  {'method':<44}{'load':<10}{'median':>10}{'p99':>10}")
    for label, fn in [("Locator.locate", locator.locate), ("STRtree.query(Point(x, y), intersects)", strtree_one)]:
        for load, xs, ys in [("bbox", bx, by), ("mainland", mx, my)]:
            med, p99 = latency(fn, xs[:n1], ys[:n1])
            print(f"  {label:<44}{load:<10}{med:>8.2f}µs{p99:>8.2f}µs")

    if bad:
        print(f"\nFAIL: {bad} points where CoverGrid.lookup disagrees with sjoin", file=sys.stderr)
        return 1
    print("\nOK: CoverGrid.lookup agrees with sjoin on every point")
    return 0


if __name__ == "__main__":
    sys.exit(main())
