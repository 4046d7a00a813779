"""What a point just outside every kelurahan means: Jakarta Bay, or a neighbouring province.

The BPS coastline is the 2019 one: harbour basins, fishing ports and the reclaimed islands lie
outside every polygon, tens to hundreds of metres off the coast, yet reports from there are
Jakarta's. Land beyond the border (Tangerang, Depok, Bekasi) is not, except within GPS error.

How sea is told from land, from the boundary data alone. Jakarta touches the sea only to the
north; its land neighbours lie west, south and east, and its land borders run roughly north-south.
1. The coast's two ends are where those borders reach the sea: the westmost and eastmost points
   of the main landmass within COAST_BAND_M of its northern tip. Between them lies the bay.
2. Sea is the water connected to the open bay (north of the tip) without crossing Jakarta's land
   and without leaving the span between the coast's ends: a flood fill over the grid cells that
   no kelurahan touches. Harbour basins behind a pier connect through their mouth; a notch in
   the land border connects only across a coast end, onto the neighbour's side. The boundary
   cells along the shore, up to three cells from the flooded water, are sea too.
3. Around the islands of Kepulauan Seribu everything is sea.
Everything else outside is land of another province.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import Transformer
from scipy import ndimage

from geo.cover_grid import MIXED, OUTSIDE, CoverGrid

COAST_BAND_M = 1000.0  # the coast's ends lie this close to the landmass's northern tip
OFFSHORE_MAX_M = 1000.0  # bay water up to this far from the coast belongs to the nearest kelurahan
BORDER_TOLERANCE_M = 50.0  # land this close to the border is GPS error, not another province
METRIC_CRS = "EPSG:32748"  # UTM 48S, the projection the boundary data was validated in
SETTLE_FACTOR = 4  # coast answers are settled on blocks of 4 x 4 grid cells, about 110 m

FLAG_NONE, FLAG_OFFSHORE, FLAG_BORDER = 0, 1, 2
FLAG_NAMES: tuple[str | None, ...] = (None, "offshore", "border_uncertain")

_PIECE_SEGMENTS = 16
_METRES_PER_DEG_BOUND = 111_700.0  # a little above any metres-per-degree in UTM 48S near Jakarta
_METRES_PER_DEG_LOW = 110_500.0  # a little below: for margins that must not shrink


class CoastRules:
    """Assign points that no kelurahan covers: offshore, border-uncertain or outside (-1)."""

    def __init__(self, grid: CoverGrid, island: np.ndarray, mainland: np.ndarray) -> None:
        """`island[i]` is True for Kepulauan Seribu kelurahan; `mainland` are the others' polygons."""
        self.grid = grid
        self.island = np.asarray(island, dtype=bool)
        self._to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
        self.sea = _sea_cells(grid, mainland).ravel()
        metric = shapely.transform(grid.polygons, lambda xy: np.column_stack(self._to_metric.transform(*xy.T)))
        self.segments, self.segment_owner = _outline_pieces(metric)
        self.tree = shapely.STRtree(self.segments)
        self.near = self._near_cells().ravel()
        self.settled_index, self.settled_flag, self.settled = self._settle()

    # -- the rule, point by point ------------------------------------------------------------
    def resolve(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For points outside every kelurahan: (kelurahan index or -1, flag code)."""
        nearest, distance = self._nearest(lons, lats, OFFSHORE_MAX_M)
        sea = np.where(nearest >= 0, self.island[nearest], False) | self.sea.take(self.grid.cells(lons, lats))
        offshore = (nearest >= 0) & sea & (distance <= OFFSHORE_MAX_M)
        border = (nearest >= 0) & ~sea & (distance <= BORDER_TOLERANCE_M)
        return _answer(nearest, offshore, border)

    def _nearest(self, lons: np.ndarray, lats: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
        """Nearest kelurahan (lowest index among equidistant ones) and its distance in metres."""
        nearest = np.full(len(lons), -1, dtype=np.int32)
        distance = np.full(len(lons), np.inf)
        if not len(lons):
            return nearest, distance
        mx, my = self._to_metric.transform(lons, lats)
        (pt, segment), dist = self.tree.query_nearest(
            shapely.points(mx, my), max_distance=max_distance, return_distance=True, all_matches=True
        )
        owner = self.segment_owner[segment]
        order = np.lexsort((-owner, pt))  # last write wins: the lowest index is written last
        nearest[pt[order]] = owner[order]
        distance[pt[order]] = dist[order]
        return nearest, distance

    # -- precomputed answers per cell --------------------------------------------------------
    def _near_cells(self) -> np.ndarray:
        """Cells where a point that no kelurahan covers may lie within OFFSHORE_MAX_M of one.

        Boundary (mixed) cells always are. The others are measured on blocks of SETTLE_FACTOR
        cells, centre to centre, with two blocks of slack: beyond the mask a miss is outside.
        """
        labels = self.grid.labels
        province = _blocks(labels != OUTSIDE, SETTLE_FACTOR).any(axis=(1, 3))
        block_m = SETTLE_FACTOR * self.grid.cell * _METRES_PER_DEG_LOW
        near_blocks = ndimage.distance_transform_edt(~province) * block_m <= OFFSHORE_MAX_M + 2 * block_m
        return (labels == MIXED) | ((labels == OUTSIDE) & _unblock(near_blocks, SETTLE_FACTOR, labels.shape))

    def _settle(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per near cell, the answer shared by its whole block of SETTLE_FACTOR cells, if any.

        Distance to a polygon changes no faster than the point moves, so the answer at a block's
        centre holds for the whole block when it stays clear of every threshold by the centre-to-
        corner distance and no other kelurahan could come nearer within the block.
        """
        f, grid, shape = SETTLE_FACTOR, self.grid, self.grid.labels.shape
        near_blocks = _blocks(self.near.reshape(shape), f).any(axis=(1, 3))
        by, bx = np.nonzero(near_blocks)
        half = f * grid.cell / 2
        lons, lats = grid.x0 + bx * f * grid.cell + half, grid.y0 + by * f * grid.cell + half
        reach = half * math.sqrt(2) * _METRES_PER_DEG_BOUND

        nearest, d1 = self._nearest(lons, lats, OFFSHORE_MAX_M + reach)
        found = nearest >= 0
        centres = shapely.points(*self._to_metric.transform(lons[found], lats[found]))
        pt, segment = self.tree.query(centres, predicate="dwithin", distance=d1[found] + 2 * reach + 1)
        rival = self.segment_owner[segment] != nearest[found][pt]
        d2 = np.full(found.sum(), np.inf)
        np.minimum.at(d2, pt[rival], shapely.distance(centres[pt[rival]], self.segments[segment[rival]]))
        sole = np.zeros(len(lons), dtype=bool)
        sole[found] = d2 - d1[found] > 2 * reach

        sea_blocks = _blocks(self.sea.reshape(shape), f)
        island = np.where(found, self.island[nearest], False)
        all_sea = (sole & island) | sea_blocks.all(axis=(1, 3))[by, bx]
        all_land = sole & ~island & ~sea_blocks.any(axis=(1, 3))[by, bx]
        offshore = all_sea & sole & (d1 + reach <= OFFSHORE_MAX_M)
        border = all_land & (d1 + reach <= BORDER_TOLERANCE_M)
        outside = ~found | (d1 - reach > OFFSHORE_MAX_M) | (all_land & (d1 - reach > BORDER_TOLERANCE_M))
        index, flag = _answer(nearest, offshore, border)

        def spread(values: np.ndarray, fill: int | bool) -> np.ndarray:
            blocks = np.full(near_blocks.shape, fill, dtype=values.dtype)
            blocks[by, bx] = values
            return _unblock(blocks, f, shape).ravel()

        settled = offshore | border | outside
        return spread(index.astype(np.int16), -1), spread(flag, FLAG_NONE), spread(settled, False)


def _answer(nearest: np.ndarray, offshore: np.ndarray, border: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = np.where(offshore | border, nearest, -1).astype(np.int32)
    flag = np.full(len(nearest), FLAG_NONE, dtype=np.int8)
    flag[offshore] = FLAG_OFFSHORE
    flag[border] = FLAG_BORDER
    return index, flag


def _blocks(cells: np.ndarray, f: int) -> np.ndarray:
    """View a 2-D cell array as (rows, f, columns, f) blocks, padding with False at the far edges."""
    ny, nx = -(-cells.shape[0] // f) * f, -(-cells.shape[1] // f) * f
    padded = np.zeros((ny, nx), dtype=cells.dtype)
    padded[: cells.shape[0], : cells.shape[1]] = cells
    return padded.reshape(ny // f, f, nx // f, f)


def _unblock(blocks: np.ndarray, f: int, shape: tuple[int, int]) -> np.ndarray:
    """Spread one value per block back over its cells."""
    return np.repeat(np.repeat(blocks, f, axis=0), f, axis=1)[: shape[0], : shape[1]]


def _sea_cells(grid: CoverGrid, mainland: np.ndarray) -> np.ndarray:
    """Grid cells that are sea (see the module docstring): the flooded water and its shore."""
    landmass = max(shapely.get_parts(shapely.coverage_union_all(mainland)), key=shapely.area)
    tip = landmass.bounds[3]
    ring = shapely.get_coordinates(landmass.exterior)
    coast_end = ring[ring[:, 1] >= tip - COAST_BAND_M / _METRES_PER_DEG_LOW, 0]
    first_col = math.ceil((coast_end.min() - grid.x0) / grid.cell)
    last_col = math.floor((coast_end.max() - grid.x0) / grid.cell)  # columns wholly between the ends
    open_row = math.ceil((tip - grid.y0) / grid.cell)  # rows wholly north of the tip

    water = np.zeros(grid.labels.shape, dtype=bool)
    span = slice(first_col, last_col + 1)
    water[:, span] = grid.labels[:, span] == OUTSIDE
    regions, _ = ndimage.label(water)
    open_regions = np.unique(regions[open_row:, span])
    flooded = np.isin(regions, open_regions[open_regions > 0])
    # the boundary band along the shore is up to three cells wide: reach across it to the coastline
    reach = ndimage.binary_dilation(flooded, structure=np.ones((3, 3), dtype=bool), iterations=3)
    return flooded | ((grid.labels == MIXED) & reach)


def _outline_pieces(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The province outline in short linestrings, each tagged with its kelurahan's index.

    A point outside the province is nearest to it on the outline, so the segments two kelurahan
    share (inside the province) can never be nearest and are left out: they are found as the
    segments that occur twice, since the kelurahan tile the land edge to edge. Runs of outline
    segments are cut into pieces of _PIECE_SEGMENTS: fewer, longer items make nearest-neighbour
    queries faster than single segments do.
    """
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_index = shapely.get_coordinates(rings, return_index=True)
    same_ring = ring_index[1:] == ring_index[:-1]
    a, b = coords[:-1][same_ring], coords[1:][same_ring]
    segment_ring = ring_index[:-1][same_ring]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = np.where(swap[:, None], np.hstack([b, a]), np.hstack([a, b]))
    _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    outline = counts[inverse] == 1
    # a new piece starts where the run of outline segments breaks, the ring changes, or it is full
    starts = outline & ~np.r_[False, outline[:-1] & (segment_ring[1:] == segment_ring[:-1])]
    run_id = np.cumsum(starts)
    position = np.arange(len(outline)) - np.maximum.accumulate(np.where(starts, np.arange(len(outline)), 0))
    piece = np.where(outline, run_id * len(outline) + position // _PIECE_SEGMENTS, -1)[outline]
    first = np.r_[True, piece[1:] != piece[:-1]]
    owners = part_owner[ring_part][segment_ring[outline][first]].astype(np.int32)
    pieces = [shapely.linestrings(np.vstack([sa, sb[-1:]]))
              for sa, sb in zip(np.split(a[outline], np.flatnonzero(first)[1:]),
                                np.split(b[outline], np.flatnonzero(first)[1:]))]
    return np.asarray(pieces, dtype=object), owners
