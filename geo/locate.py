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
        self._near = self._near_mask(cell_deg).ravel()
        self._near_list = self._near.tolist()
        base = boundaries.jurisdictions
        self._by_flag = [[replace(j, flag=name) for j in base] for name in FLAG_NAMES]

    def _near_mask(self, cell_deg: float) -> np.ndarray:
        """Cells where a point that no kelurahan covers may lie within OFFSHORE_MAX_M of one.

        Boundary (mixed) cells always are. For the others the distance runs between cell centres,
        so three cells of slack keep the mask conservative: beyond it a miss is outside at once.
        """
        outside = self.grid.labels == OUTSIDE
        dist_cells = ndimage.distance_transform_edt(outside)
        cell_m = cell_deg * _DEG_M
        return (self.grid.labels == MIXED) | (outside & (dist_cells * cell_m <= OFFSHORE_MAX_M + 3 * cell_m))

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> Located:
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        index = self.grid.lookup(lons, lats)
        flag = np.zeros(len(index), dtype=np.int8)
        missed = np.flatnonzero(index == OUTSIDE)
        if missed.size:
            cells = self.grid._cells(lons[missed], lats[missed])
            near = missed[self._near.take(cells)]
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
        if not self._near_list[int(fy) * self.grid.nx + int(fx)]:
            return None
        index, flag = self.coast.resolve(np.array([lon]), np.array([lat]))
        return self.jurisdiction(int(index[0]), int(flag[0]))

    def jurisdiction(self, index: int, flag: int = FLAG_NONE) -> Jurisdiction | None:
        return None if index < 0 else self._by_flag[flag][index]
