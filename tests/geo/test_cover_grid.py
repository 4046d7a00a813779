"""CoverGrid against brute-force shapely: hand-drawn partitions first, then the real kelurahan.

The contract: `lookup` returns the lowest-index polygon that *intersects* (covers) the point, or -1;
a point on a shared edge or corner therefore matches, and NaN or off-grid points are -1.
"""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.cover_grid import OUTSIDE, CoverGrid

# --- references -------------------------------------------------------------------------------


def brute_force(polygons, xs, ys) -> np.ndarray:
    """Test every polygon with `intersects`; the lowest index wins."""
    points = shapely.points(xs, ys)
    out = np.full(len(xs), OUTSIDE, dtype=np.int64)
    for i in reversed(range(len(polygons))):
        out[shapely.intersects(polygons[i], points)] = i
    return out


def strtree_reference(polygons, xs, ys) -> np.ndarray:
    """STRtree.query(predicate="intersects"), lowest polygon index per point."""
    tree = shapely.STRtree(polygons)
    pt, poly = tree.query(shapely.points(xs, ys), predicate="intersects")
    best = np.full(len(xs), np.iinfo(np.int64).max)
    np.minimum.at(best, pt, poly)
    return np.where(best == np.iinfo(np.int64).max, OUTSIDE, best)


# --- hand-drawn partitions ---------------------------------------------------------------------

SQUARES = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)], dtype=object)
HOLE = np.array([Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])], dtype=object)
HOLE_FILLED = np.array([HOLE[0], box(1, 1, 3, 3)], dtype=object)
# a square cut along both diagonals and a slanted chord: edges that no grid line follows
FAN = np.array([
    Polygon([(0, 0), (4, 0), (2, 2)]),
    Polygon([(4, 0), (4, 4), (2, 2)]),
    Polygon([(4, 4), (0, 4), (1, 3), (2, 2)]),
    Polygon([(0, 4), (0, 0), (2, 2), (1, 3)]),
], dtype=object)
SHAPES = {"squares": SQUARES, "hole": HOLE, "hole_filled": HOLE_FILLED, "fan": FAN}
CELLS = [1.0, 0.25, 0.1, 0.013]  # 1 and 0.25 put every edge exactly on grid lines


@pytest.fixture(scope="module", params=[(c, m) for c in CELLS for m in (0.0, 0.3)],
                ids=lambda p: f"cell{p[0]}-margin{p[1]}")
def grid_params(request):
    return request.param


def test_shared_edges_and_corner_match_lowest_index():
    grid = CoverGrid(SQUARES, cell_deg=0.25)
    cases = {
        (0.5, 0.5): 0, (1.5, 0.5): 1, (0.5, 1.5): 2, (1.5, 1.5): 3,
        (1.0, 0.5): 0,   # edge 0|1
        (0.5, 1.0): 0,   # edge 0|2
        (1.5, 1.0): 1,   # edge 1|3
        (1.0, 1.5): 2,   # edge 2|3
        (1.0, 1.0): 0,   # corner of all four
        (0.0, 0.0): 0, (2.0, 2.0): 3, (2.0, 0.5): 1, (0.0, 2.0): 2,  # outer edge and corners
        (1.0, 0.0): 0, (2.0, 1.0): 1,
    }
    xs, ys = np.array(list(cases)).T
    expected = np.array(list(cases.values()))
    assert grid.lookup(xs, ys).tolist() == expected.tolist()
    assert [grid.lookup_one(x, y) for x, y in cases] == expected.tolist()
    # the same points with the polygons in reverse order: still the lowest index wins
    rev = CoverGrid(SQUARES[::-1], cell_deg=0.1)
    assert rev.lookup(np.array([1.0, 1.0, 0.5]), np.array([1.0, 0.5, 1.0])).tolist() == [0, 2, 1]


def test_square_with_hole():
    grid = CoverGrid(HOLE, cell_deg=0.1)
    xs = np.array([2.0, 1.5, 0.5, 1.0, 3.0, 2.0, 1.0, 4.0, 4.5])
    ys = np.array([2.0, 2.9, 0.5, 2.0, 3.0, 1.0, 1.0, 4.0, 2.0])
    #              hole  hole  in   hole-edge corner edge corner outer off
    assert grid.lookup(xs, ys).tolist() == [-1, -1, 0, 0, 0, 0, 0, 0, -1]
    filled = CoverGrid(HOLE_FILLED, cell_deg=0.1)
    assert filled.lookup(xs, ys).tolist() == [1, 1, 0, 0, 0, 0, 0, 0, -1]


def test_off_grid_nan_and_inf_are_outside():
    grid = CoverGrid(SQUARES, cell_deg=0.1)
    xs = np.array([-5.0, 0.5, 2.5, 0.5, np.nan, 0.5, np.nan, np.inf, -np.inf, 1e300, -1e300, 0.5])
    ys = np.array([0.5, -5.0, 0.5, 99.0, 0.5, np.nan, np.nan, 0.5, 0.5, 0.5, 0.5, -np.inf])
    assert grid.lookup(xs, ys).tolist() == [-1] * len(xs)
    assert [grid.lookup_one(x, y) for x, y in zip(xs, ys)] == [-1] * len(xs)
    assert grid.lookup(np.array([]), np.array([])).tolist() == []


def adversarial_points(polygons, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points plus points exactly on vertices, exactly on edges, and 1e-12 off edges."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    pad = 0.5
    n_uniform, n_vertex, n_edge = n // 2, n // 8, n // 4
    n_near = n - n_uniform - n_vertex - n_edge
    ux = rng.uniform(minx - pad, maxx + pad, n_uniform)
    uy = rng.uniform(miny - pad, maxy + pad, n_uniform)
    vertices = np.unique(shapely.get_coordinates(polygons), axis=0)
    v = vertices[rng.integers(0, len(vertices), n_vertex)]
    rings = shapely.get_rings(shapely.get_parts(polygons))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    seg = rng.integers(0, len(a), n_edge + n_near)
    # the vertices are small integers, so a dyadic fraction of a segment is an exact point on it
    t = rng.integers(0, 1025, n_edge + n_near)[:, None] / 1024.0
    on_edge = a[seg] + (b[seg] - a[seg]) * t
    assert shapely.intersects(rings[ring[:-1][same][seg[:n_edge]]], shapely.points(on_edge[:n_edge])).all()
    near = on_edge[n_edge:] + rng.choice([-1e-12, 1e-12, 0.0], size=(n_near, 2))
    xs = np.concatenate([ux, v[:, 0], on_edge[:n_edge, 0], near[:, 0]])
    ys = np.concatenate([uy, v[:, 1], on_edge[:n_edge, 1], near[:, 1]])
    return xs, ys


@pytest.mark.parametrize("shape", list(SHAPES))
def test_lookup_equals_brute_force(shape, grid_params):
    polygons = SHAPES[shape]
    cell, margin = grid_params
    grid = CoverGrid(polygons, cell_deg=cell, margin_deg=margin)
    xs, ys = adversarial_points(polygons, 20_000, seed=list(SHAPES).index(shape))
    expected = brute_force(polygons, xs, ys)
    got = grid.lookup(xs, ys)
    bad = np.flatnonzero(got != expected)
    assert bad.size == 0, [(xs[i], ys[i], got[i], expected[i]) for i in bad[:10]]
    # lookup_one gives the same answer, point by point
    one = np.array([grid.lookup_one(float(x), float(y)) for x, y in zip(xs[::4], ys[::4])])
    assert (one == got[::4]).all()


# --- the real kelurahan ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_polygons(boundaries):
    return boundaries.kelurahan.geometry.values


@pytest.fixture(scope="module", params=["locator_grid", "default_grid"])
def real_grid(request, locator, real_polygons):
    if request.param == "locator_grid":
        return locator.grid
    return CoverGrid(real_polygons)


def test_real_random_points_match_strtree(real_grid, real_polygons):
    rng = np.random.default_rng(20260101)
    minx, miny, maxx, maxy = shapely.total_bounds(real_polygons)
    xs = rng.uniform(minx, maxx, 200_000)
    ys = rng.uniform(miny, maxy, 200_000)
    # the bbox is mostly sea (Kepulauan Seribu reaches -5.18): add 100k on the mainland
    xs = np.concatenate([xs, rng.uniform(106.68, 106.98, 100_000)])
    ys = np.concatenate([ys, rng.uniform(-6.38, -6.08, 100_000)])
    expected = strtree_reference(real_polygons, xs, ys)
    got = real_grid.lookup(xs, ys)
    assert (expected >= 0).sum() > 60_000  # a real share of the points is inside
    bad = np.flatnonzero(got != expected)
    assert bad.size == 0, [(xs[i], ys[i], got[i], expected[i]) for i in bad[:10]]
    sample = rng.choice(len(xs), 5_000, replace=False)
    assert [real_grid.lookup_one(xs[i], ys[i]) for i in sample] == got[sample].tolist()


def test_real_boundary_vertices_and_edges_all_match(real_grid, real_polygons):
    vertices = shapely.get_coordinates(real_polygons)
    got = real_grid.lookup(vertices[:, 0], vertices[:, 1])
    assert (got >= 0).all(), vertices[got < 0][:10]
    assert (got == strtree_reference(real_polygons, vertices[:, 0], vertices[:, 1])).all()
    # points on (within rounding of) the edges: whatever shapely says, the grid says too
    rng = np.random.default_rng(7)
    rings = shapely.get_rings(shapely.get_parts(real_polygons))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = np.flatnonzero(ring[1:] == ring[:-1])
    seg = rng.choice(same, 50_000)
    t = rng.uniform(0, 1, (50_000, 1))
    p = coords[seg] + (coords[seg + 1] - coords[seg]) * t
    expected = strtree_reference(real_polygons, p[:, 0], p[:, 1])
    got = real_grid.lookup(p[:, 0], p[:, 1])
    assert (got == expected).all()
    assert [real_grid.lookup_one(x, y) for x, y in p[:2_000]] == got[:2_000].tolist()
