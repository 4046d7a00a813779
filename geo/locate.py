"""Point -> kelurahan, kecamatan and kota, with the coast and the border handled.

Inside a kelurahan the answer is exact (covers-semantics) and costs one array read for most
points. A point that no kelurahan covers takes the answer precomputed for its cell by the coast
rules where one holds for the whole cell, is worked out exactly where it lies within reach of
the province, and is outside ("luar wilayah") otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from geo.boundaries import KEPULAUAN_SERIBU, Boundaries
from geo.coast import FLAG_NAMES, FLAG_NONE, OFFSHORE_MAX_M, CoastRules
from geo.cover_grid import OUTSIDE, CoverGrid
from geo.jurisdiction import Jurisdiction

DEFAULT_CELL_DEG = 0.00025  # about 28 m: a 12 M-cell int16 grid over the whole province
_MARGIN_DEG = 1.2 * OFFSHORE_MAX_M / 110_000  # the grid reaches past the farthest offshore answer


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
        island = (boundaries.kelurahan["kode_kota"] == KEPULAUAN_SERIBU).to_numpy()
        self.grid = CoverGrid(polygons, cell_deg=cell_deg, margin_deg=_MARGIN_DEG)
        self.coast = CoastRules(self.grid, island=island, mainland=polygons[~island])
        # memoryviews give plain ints per read: a single point never pays for a numpy scalar
        self._settled = memoryview(self.coast.settled.view(np.uint8))
        self._settled_index = memoryview(self.coast.settled_index)
        self._settled_flag = memoryview(self.coast.settled_flag)
        self._near = memoryview(self.coast.near.view(np.uint8))
        self._by_flag = [[replace(j, flag=name) for j in boundaries.jurisdictions] for name in FLAG_NAMES]

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> Located:
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        index = self.grid.lookup(lons, lats)
        flag = np.zeros(len(index), dtype=np.int8)
        missed = np.flatnonzero(index == OUTSIDE)
        if missed.size:
            cells = self.grid.cells(lons[missed], lats[missed])
            settled = self.coast.settled.take(cells)
            index[missed[settled]] = self.coast.settled_index.take(cells[settled])
            flag[missed[settled]] = self.coast.settled_flag.take(cells[settled])
            near = missed[~settled & self.coast.near.take(cells)]
            index[near], flag[near] = self.coast.resolve(lons[near], lats[near])
        return Located(index=index, flag=flag)

    def locate(self, lon: float, lat: float) -> Jurisdiction | None:
        """One point; None means outside Jakarta (luar wilayah)."""
        cell = self.grid.cell_one(lon, lat)
        if cell is None:
            return None
        found = self.grid.label_in(cell, lon, lat)
        if found != OUTSIDE:
            return self._by_flag[FLAG_NONE][found]
        if self._settled[cell]:
            return self.jurisdiction(self._settled_index[cell], self._settled_flag[cell])
        if not self._near[cell]:
            return None
        index, flag = self.coast.resolve(np.array([lon]), np.array([lat]))
        return self.jurisdiction(int(index[0]), int(flag[0]))

    def jurisdiction(self, index: int, flag: int = FLAG_NONE) -> Jurisdiction | None:
        return None if index < 0 else self._by_flag[flag][index]
