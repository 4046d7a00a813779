"""Exact point-in-polygon for a partition, at tens of millions of points a second.

A regular grid is laid over the polygons. Every cell that a polygon boundary touches is marked;
the unmarked cells form connected regions that no boundary crosses, so each region lies wholly
inside one polygon or wholly outside all of them, and one shapely test per region labels it.
A point in an unmarked cell is answered by one array read. Marked cells are refined the same
way into REFINE x REFINE sub-cells, so most points near a border cost a second array read. A
point in a marked sub-cell is tested exactly with shapely, against only the few polygons whose
boundaries pass near its cell, in index order, so the answer is the lowest-index polygon that
covers the point: the same answer as testing every polygon with `intersects` (covers-semantics:
a point on a border still matches).
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from scipy import ndimage

SAMPLES_PER_CELL = 8
REFINE = 8  # a marked cell is split into 8 x 8 sub-cells
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
        self._inv_cell = 1.0 / cell_deg
        self.labels, self.cand_offsets, self.candidates = self._build()
        self.block_of, self.sub_labels = self._refine()
        # memoryviews give plain-int reads: a single point never pays for a numpy scalar
        self._label_at = memoryview(self.labels.ravel())
        self._block_at = memoryview(self.block_of)
        self._sub_label_at = memoryview(self.sub_labels)

    # -- building ----------------------------------------------------------------------------
    def _boundary_samples(self, spacing: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points along every ring, no farther apart than `spacing`, with their polygon index."""
        parts, part_owner = shapely.get_parts(self.polygons, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        ring_owner = part_owner[ring_part]
        coords, ring_index = shapely.get_coordinates(rings, return_index=True)
        same_ring = ring_index[1:] == ring_index[:-1]
        a, b = coords[:-1][same_ring], coords[1:][same_ring]
        owner = ring_owner[ring_index[:-1][same_ring]]
        steps = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / spacing).astype(np.int64))
        seg = np.repeat(np.arange(len(a)), steps + 1)
        first_sample = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
        frac = (np.arange(len(seg)) - first_sample) / steps[seg]
        pts = a[seg] + (b[seg] - a[seg]) * frac[:, None]
        return pts[:, 0], pts[:, 1], owner[seg]

    def _build(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, owner = self._boundary_samples(self.cell / SAMPLES_PER_CELL)
        fx, fy = (xs - self.x0) * self._inv_cell, (ys - self.y0) * self._inv_cell
        ix, iy = fx.astype(np.int64), fy.astype(np.int64)
        fx -= ix
        fy -= iy
        # A boundary point inside cell C lies within half a sample spacing of a sample, so that
        # sample lies in C or in a neighbour within that distance of C's side or corner: marking
        # each sample's cell, and the neighbours it is that close to, marks every touched cell.
        # A marked cell that no boundary enters lies near a boundary of the polygon it is in, so
        # candidates spread over each sample's 3x3 block cover every polygon a point can be in.
        n = len(self.polygons)
        sample_cell, sample_owner = np.divmod(np.unique((iy * self.nx + ix) * n + owner), n)
        mixed = np.zeros(self.ny * self.nx, dtype=bool)
        for dy, dx, close in _touched(fx, fy):
            mixed[(iy[close] + dy) * self.nx + ix[close] + dx] = True
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

    def _refine(self) -> tuple[np.ndarray, np.ndarray]:
        """Label REFINE x REFINE sub-cells of every marked cell, the same way as the cells.

        Returns the block number of each marked cell (-1 elsewhere) and the sub-cell labels,
        block by block. Regions of unmarked sub-cells are taken within one block only.
        """
        r = REFINE
        mixed_cells = np.flatnonzero(self.labels.ravel() == MIXED)
        block_of = np.full(self.nx * self.ny, -1, dtype=np.int32)
        block_of[mixed_cells] = np.arange(len(mixed_cells))
        xs, ys, _ = self._boundary_samples(self.cell / (r * SAMPLES_PER_CELL))
        gx, gy = (xs - self.x0) * (self._inv_cell * r), (ys - self.y0) * (self._inv_cell * r)
        ix, iy = gx.astype(np.int64), gy.astype(np.int64)
        gx -= ix
        gy -= iy
        marked = np.zeros(len(mixed_cells) * r * r, dtype=bool)
        for dy, dx, close in _touched(gx, gy):
            sx, sy = ix[close] + dx, iy[close] + dy
            block = block_of[(sy // r) * self.nx + sx // r]
            inside = block >= 0  # a touched sub-cell's cell is marked too; kept as a guard
            marked[(block[inside] * r + sy[inside] % r) * r + sx[inside] % r] = True
        marked = marked.reshape(-1, r, r)

        in_block = np.zeros((3, 3, 3), dtype=bool)
        in_block[1] = ndimage.generate_binary_structure(2, 1)
        regions, _ = ndimage.label(~marked, structure=in_block)
        region_ids, first = np.unique(regions.ravel(), return_index=True)
        first = first[region_ids > 0]
        block, within = np.divmod(first, r * r)
        ly, lx = np.divmod(within, r)
        row, col = np.divmod(mixed_cells[block], self.nx)
        sub = self.cell / r
        owners = self._resolve_mixed(self.x0 + (col * r + lx + 0.5) * sub,
                                     self.y0 + (row * r + ly + 0.5) * sub, mixed_cells[block])
        region_label = np.full(regions.max() + 1, MIXED, dtype=np.int16)
        region_label[region_ids[region_ids > 0]] = owners
        return block_of, region_label[regions].ravel()

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
        """Polygon index (int16) covering each point, or OUTSIDE (-1). Vectorised; NaN is OUTSIDE."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        cells = self.cells(xs, ys)
        result = self.labels.ravel().take(cells)
        todo = np.flatnonzero(result == MIXED)
        if todo.size:
            result[todo] = self._resolve_refined(xs[todo], ys[todo], cells[todo])
        return result

    def _resolve_refined(self, xs: np.ndarray, ys: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Points in marked cells: the sub-cell's label, or the exact test in marked sub-cells."""
        r = REFINE
        row, col = np.divmod(cells, self.nx)
        lx = np.clip(((xs - self.x0) * (self._inv_cell * r)).astype(np.intp) - col * r, 0, r - 1)
        ly = np.clip(((ys - self.y0) * (self._inv_cell * r)).astype(np.intp) - row * r, 0, r - 1)
        answer = self.sub_labels.take((self.block_of.take(cells) * r + ly) * r + lx)
        todo = np.flatnonzero(answer == MIXED)
        if todo.size:
            answer[todo] = self._resolve_mixed(xs[todo], ys[todo], cells[todo])
        return answer

    def cells(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Flat cell index of each point; points off the grid land in its OUTSIDE border cells."""
        fx = xs - self.x0
        fx *= self._inv_cell
        np.clip(fx, 0, self.nx - 1, out=fx)
        fy = ys - self.y0
        fy *= self._inv_cell
        np.clip(fy, 0, self.ny - 1, out=fy)
        if np.isnan(fx.sum() + fy.sum()):  # one cheap pass; NaN is rare
            nan = np.isnan(fx) | np.isnan(fy)
            fx[nan] = fy[nan] = 0  # cell 0 is a padding cell, always OUTSIDE
        cells = fy.astype(np.intp)
        cells *= self.nx
        cells += fx.astype(np.intp)
        return cells

    def _resolve_mixed(self, xs: np.ndarray, ys: np.ndarray, cells: np.ndarray) -> np.ndarray:
        start = self.cand_offsets[cells]
        count = self.cand_offsets[cells + 1] - start
        answer = np.full(len(xs), OUTSIDE, dtype=np.int16)
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
        r = REFINE
        row, col = divmod(cell, self.nx)
        lx = min(max(int((x - self.x0) * self._inv_cell * r) - col * r, 0), r - 1)
        ly = min(max(int((y - self.y0) * self._inv_cell * r) - row * r, 0), r - 1)
        label = self._sub_label_at[(self._block_at[cell] * r + ly) * r + lx]
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


def _touched(fx: np.ndarray, fy: np.ndarray):
    """(dy, dx, mask): the samples (with in-cell offsets fx, fy) that touch each neighbour cell."""
    side = {-1: (fx < _NEAR_SIDE, fy < _NEAR_SIDE), 1: (fx > 1 - _NEAR_SIDE, fy > 1 - _NEAR_SIDE)}
    everyone = np.ones(len(fx), dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            close_x = side[dx][0] if dx else everyone
            close_y = side[dy][1] if dy else everyone
            yield dy, dx, close_x & close_y
