"""Point -> kelurahan, kecamatan and kota, with the coast and the border handled.

Inside a kelurahan the answer is exact (covers-semantics) and costs one array read for most
points. A point that no kelurahan covers goes to the coast rules only when it lies within reach
of the province; farther away it is outside ("luar wilayah") at once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from crm.complaint import Jurisdiction
from geo.boundaries import KEPULAUAN_SERIBU, Boundaries
from geo.coast import FLAG_NAMES, FLAG_NONE, OFFSHORE_MAX_M, CoastRules
from geo.cover_grid import MIXED, OUTSIDE, CoverGrid

_DEG_M = 111_320.0  # metres per degree of latitude, near enough for a safety margin
DEFAULT_CELL_DEG = 0.00025  # about 28 m: a 12 M-cell int16 grid over the whole province
COAST_FACTOR = 4  # coast answers are settled on cells of 4 x 4 grid cells, about 110 m


@dataclass(frozen=True)
class Located:
    """Batch answer: kelurahan row index (-1 outside) and flag code per point."""

    index: np.ndarray
    flag: np.ndarray


class Locator:
    """Assign points to Jakarta's kelurahan, vectorised for batches and fast for one point."""

    def __init__(self, boundaries: Boundaries, cell_deg: float = DEFAULT_CELL_DEG) -> None:
        self.boundaries = boundaries
        polygons = boundaries.kelurahan.geometry.values
        margin_deg = 1.2 * OFFSHORE_MAX_M / _DEG_M
        self.grid = CoverGrid(polygons, cell_deg=cell_deg, margin_deg=margin_deg)
        self.coast = CoastRules(polygons, island=(boundaries.kelurahan["kode_kota"] == KEPULAUAN_SERIBU).to_numpy())
        self._near = self._near_mask().ravel()
        self._settled_index, self._settled_flag, self._settled = self._settle_coast()
        base = boundaries.jurisdictions
        self._by_flag = [[replace(j, flag=name) for j in base] for name in FLAG_NAMES]

    def _near_mask(self) -> np.ndarray:
        """Cells where a point that no kelurahan covers may lie within OFFSHORE_MAX_M of one.

        Boundary (mixed) cells always are. The others are measured on blocks of COAST_FACTOR
        cells, from block centre to block centre, with two blocks of slack: beyond the mask a
        miss is outside at once.
        """
        f, labels = COAST_FACTOR, self.grid.labels
        ny, nx = -(-labels.shape[0] // f) * f, -(-labels.shape[1] // f) * f
        province = np.zeros((ny, nx), dtype=bool)
        province[: labels.shape[0], : labels.shape[1]] = labels != OUTSIDE
        blocks = province.reshape(ny // f, f, nx // f, f).any(axis=(1, 3))
        block_m = f * self.grid.cell * _DEG_M
        near_blocks = ndimage.distance_transform_edt(~blocks) * block_m <= OFFSHORE_MAX_M + 2 * block_m
        near = np.repeat(np.repeat(near_blocks, f, axis=0), f, axis=1)[: labels.shape[0], : labels.shape[1]]
        return (labels == MIXED) | ((labels == OUTSIDE) & near)

    def _settle_coast(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per fine cell near the province, the coast answer when a coarse cell settles it.

        Settling runs on cells COAST_FACTOR times coarser than the grid, to keep start-up short;
        the answer is spread back to the fine cells so a lookup stays one array read.
        """
        f = COAST_FACTOR
        grid = self.grid
        near_cells = np.flatnonzero(self._near)
        fine_coarse = (near_cells // grid.nx // f) * grid.nx + (near_cells % grid.nx) // f
        is_coarse = np.zeros(grid.nx * grid.ny, dtype=bool)
        is_coarse[fine_coarse] = True
        coarse = np.flatnonzero(is_coarse)
        cy, cx = np.divmod(coarse, grid.nx)
        half = f * grid.cell / 2
        index, flag, settled = self.coast.settle_cells(grid.x0 + cx * f * grid.cell + half,
                                                       grid.y0 + cy * f * grid.cell + half, half)
        at = np.searchsorted(coarse, fine_coarse)
        size = grid.nx * grid.ny
        settled_index = np.full(size, -1, dtype=np.int16)
        settled_flag = np.zeros(size, dtype=np.int8)
        is_settled = np.zeros(size, dtype=bool)
        settled_index[near_cells] = index[at]
        settled_flag[near_cells] = flag[at]
        is_settled[near_cells] = settled[at]
        return settled_index, settled_flag, is_settled

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> Located:
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        index = self.grid.lookup(lons, lats)
        flag = np.zeros(len(index), dtype=np.int8)
        missed = np.flatnonzero(index == OUTSIDE)
        if missed.size:
            cells = self.grid._cells(lons[missed], lats[missed])
            settled = self._settled.take(cells)
            index[missed[settled]] = self._settled_index.take(cells[settled])
            flag[missed[settled]] = self._settled_flag.take(cells[settled])
            near = missed[~settled & self._near.take(cells)]
            index[near], flag[near] = self.coast.resolve(lons[near], lats[near])
        return Located(index=index, flag=flag)

    def locate(self, lon: float, lat: float) -> Jurisdiction | None:
        """One point; None means outside Jakarta (luar wilayah)."""
        found = self.grid.lookup_one(lon, lat)
        if found != OUTSIDE:
            return self._by_flag[FLAG_NONE][found]
        fx = (lon - self.grid.x0) / self.grid.cell
        fy = (lat - self.grid.y0) / self.grid.cell
        if not (0 <= fx < self.grid.nx and 0 <= fy < self.grid.ny):
            return None
        cell = int(fy) * self.grid.nx + int(fx)
        if self._settled[cell]:
            return self.jurisdiction(int(self._settled_index[cell]), int(self._settled_flag[cell]))
        if not self._near[cell]:
            return None
        index, flag = self.coast.resolve(np.array([lon]), np.array([lat]))
        return self.jurisdiction(int(index[0]), int(flag[0]))

    def jurisdiction(self, index: int, flag: int = FLAG_NONE) -> Jurisdiction | None:
        return None if index < 0 else self._by_flag[flag][index]
