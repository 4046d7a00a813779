"""Exact point-in-polygon for a partition, at tens of millions of points a second.

A regular grid is laid over the polygons. Every cell that a polygon boundary touches is marked;
the unmarked cells form connected regions that no boundary crosses, so each region lies wholly
inside one polygon or wholly outside all of them, and one shapely test per region labels it.
A point in an unmarked cell is answered by one array read. A point in a marked cell is tested
exactly with shapely, against only the few polygons whose boundaries pass near that cell, in
index order, so the answer is the lowest-index polygon that covers the point: the same answer as
testing every polygon with `intersects` (covers-semantics: a point on a border still matches).
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from scipy import ndimage

SAMPLES_PER_CELL = 8
_NEAR_SIDE = 1 / SAMPLES_PER_CELL  # twice half the sample spacing, in cells: a generous margin
OUTSIDE = -1  # the cell lies outside every polygon
MIXED = -2  # a boundary touches the cell: test exactly


class CoverGrid:
    """Answer "which polygon covers this point" for lon/lat points, exactly."""

    def __init__(self, polygons: np.ndarray, cell_deg: float = 0.0005, margin_deg: float = 0.0) -> None:
        self.polygons = np.asarray(polygons, dtype=object)
        shapely.prepare(self.polygons)
        minx, miny, maxx, maxy = shapely.total_bounds(self.polygons)
        self.cell = cell_deg
        pad = margin_deg + 2 * cell_deg  # marks spread a cell from a boundary: keep them on the grid
        self.x0, self.y0 = minx - pad, miny - pad
        self.nx = math.ceil((maxx + pad - self.x0) / cell_deg)
        self.ny = math.ceil((maxy + pad - self.y0) / cell_deg)
        self.labels, self.cand_offsets, self.candidates = self._build()
        self._inv_cell = 1.0 / cell_deg
        self._label_at = memoryview(self.labels.ravel())  # plain-int reads, no numpy scalar per point

    # -- building ----------------------------------------------------------------------------
    def _boundary_samples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points along every ring, SAMPLES_PER_CELL to a cell's width, with their polygon index."""
        parts, part_owner = shapely.get_parts(self.polygons, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        ring_owner = part_owner[ring_part]
        coords, ring_index = shapely.get_coordinates(rings, return_index=True)
        same_ring = ring_index[1:] == ring_index[:-1]
        a, b = coords[:-1][same_ring], coords[1:][same_ring]
        owner = ring_owner[ring_index[:-1][same_ring]]
        steps = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / (self.cell / SAMPLES_PER_CELL)).astype(np.int64))
        seg = np.repeat(np.arange(len(a)), steps + 1)
        first_sample = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
        frac = (np.arange(len(seg)) - first_sample) / steps[seg]
        pts = a[seg] + (b[seg] - a[seg]) * frac[:, None]
        return pts[:, 0], pts[:, 1], owner[seg]

    def _build(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, owner = self._boundary_samples()
        fx, fy = (xs - self.x0) / self.cell, (ys - self.y0) / self.cell
        ix, iy = fx.astype(np.int64), fy.astype(np.int64)
        fx -= ix
        fy -= iy
        # A boundary point inside cell C lies within half a sample spacing of a sample, so that
        # sample lies in C or in a neighbour within that distance of C's side or corner: marking
        # each sample's cell, and the neighbours it is that close to, marks every touched cell.
        # A marked cell that no boundary enters lies near a boundary of the polygon it is in, so
        # candidates spread over each sample's 3x3 block cover every polygon a point can be in.
        n, near = len(self.polygons), _NEAR_SIDE
        sample_cell, sample_owner = np.divmod(np.unique((iy * self.nx + ix) * n + owner), n)
        mixed = np.zeros(self.ny * self.nx, dtype=bool)
        side = {-1: (fx < near, fy < near), 0: (True, True), 1: (fx > 1 - near, fy > 1 - near)}
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                close = side[dx][0] & side[dy][1]
                mixed[((iy + dy) * self.nx + (ix + dx))[np.broadcast_to(close, ix.shape)]] = True
        spread = []
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                cell = sample_cell + dy * self.nx + dx
                keep = mixed[cell]
                spread.append(cell[keep] * n + sample_owner[keep])
        pair_cell, pair_poly = np.divmod(np.unique(np.concatenate(spread)), n)
        mixed = mixed.reshape(self.ny, self.nx)

        regions, n_regions = ndimage.label(~mixed)
        labels = np.full((self.ny, self.nx), OUTSIDE, dtype=np.int16)
        labels[mixed] = MIXED
        # one representative cell per region, tested exactly at its centre
        cy, cx = np.array([_first_cell(regions, label, box)
                           for label, box in enumerate(ndimage.find_objects(regions), start=1)]).T
        owners = self._exact(self.x0 + (cx + 0.5) * self.cell, self.y0 + (cy + 0.5) * self.cell)
        region_label = np.concatenate([[MIXED], owners]).astype(np.int16)
        inside = ~mixed
        labels[inside] = region_label[regions[inside]]

        # candidates in CSR form, polygon indices ascending per mixed cell
        offsets = np.zeros(self.ny * self.nx + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(np.bincount(pair_cell, minlength=self.ny * self.nx))
        return labels, offsets, pair_poly.astype(np.int32)

    def _exact(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Reference answer: the lowest-index polygon that covers each point, or OUTSIDE."""
        tree = shapely.STRtree(self.polygons)
        pt_idx, poly_idx = tree.query(shapely.points(xs, ys), predicate="intersects")
        result = np.full(len(xs), OUTSIDE, dtype=np.int64)
        order = np.lexsort((-poly_idx, pt_idx))  # last write wins: write lowest index last
        result[pt_idx[order]] = poly_idx[order]
        return result

    # -- querying ----------------------------------------------------------------------------
    def lookup(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Polygon index covering each point, or OUTSIDE (-1). Vectorised; NaN is OUTSIDE."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        cells = self.cells(xs, ys)
        result = self.labels.ravel().take(cells, mode="clip").astype(np.int32)
        todo = np.flatnonzero(result == MIXED)
        if todo.size:
            result[todo] = self._resolve_mixed(xs[todo], ys[todo], cells[todo])
        return result

    def cells(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Flat cell index of each point; points off the grid land in its OUTSIDE border cells."""
        fx = xs - self.x0
        fx *= self._inv_cell
        np.clip(fx, 0, self.nx - 1, out=fx)
        fy = ys - self.y0
        fy *= self._inv_cell
        np.clip(fy, 0, self.ny - 1, out=fy)
        nan = np.isnan(fx) | np.isnan(fy)
        if nan.any():
            fx[nan] = fy[nan] = 0  # cell 0 is a padding cell, always OUTSIDE
        cells = fy.astype(np.intp)
        cells *= self.nx
        cells += fx.astype(np.intp)
        return cells

    def _resolve_mixed(self, xs: np.ndarray, ys: np.ndarray, cells: np.ndarray) -> np.ndarray:
        start = self.cand_offsets[cells]
        count = self.cand_offsets[cells + 1] - start
        answer = np.full(len(xs), OUTSIDE, dtype=np.int32)
        open_ = np.arange(len(xs))
        rank = 0
        while open_.size:
            open_ = open_[count[open_] > rank]
            if not open_.size:
                break
            poly = self.candidates[start[open_] + rank]
            hit = shapely.intersects_xy(self.polygons[poly], xs[open_], ys[open_])
            answer[open_[hit]] = poly[hit]
            open_ = open_[~hit]
            rank += 1
        return answer

    def cell_one(self, x: float, y: float) -> int | None:
        """Flat cell index of one point, or None off the grid (NaN included)."""
        fx = (x - self.x0) * self._inv_cell
        fy = (y - self.y0) * self._inv_cell
        if 0 <= fx < self.nx and 0 <= fy < self.ny:
            return int(fy) * self.nx + int(fx)
        return None

    def label_in(self, cell: int, x: float, y: float) -> int:
        """The polygon covering a point whose cell is known, or OUTSIDE."""
        label = self._label_at[cell]
        if label != MIXED:
            return label
        for k in range(self.cand_offsets[cell], self.cand_offsets[cell + 1]):
            poly = int(self.candidates[k])
            if shapely.intersects_xy(self.polygons[poly], x, y):
                return poly
        return OUTSIDE

    def lookup_one(self, x: float, y: float) -> int:
        """The same answer as `lookup` for one point, without numpy's per-call overhead."""
        cell = self.cell_one(x, y)
        return OUTSIDE if cell is None else self.label_in(cell, x, y)


def _first_cell(regions: np.ndarray, label: int, box: tuple[slice, slice]) -> tuple[int, int]:
    """(row, column) of one cell of a labelled region, found inside its bounding box."""
    y, x = np.unravel_index(np.argmax(regions[box] == label), regions[box].shape)
    return box[0].start + y, box[1].start + x
