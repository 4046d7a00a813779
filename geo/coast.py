"""What a point just outside every kelurahan means: Jakarta Bay, or a neighbouring province.

The BPS coastline is the 2019 one: harbour basins, fishing ports and the reclaimed islands lie
outside every polygon, tens to hundreds of metres off the coast, yet reports from there are
Jakarta's. Land beyond the border (Tangerang, Depok, Bekasi) is not, except within GPS error.

How sea is told from land, from the boundary data alone: Jakarta touches the sea only to the
north; its land neighbours lie west, south and east. So a point outside the province is sea when
no part of the main landmass lies due north of it while the landmass spans its longitude (it
looks out over the bay, not over Jakarta); a point whose nearest kelurahan is an island of
Kepulauan Seribu is sea too. Everything else outside is land of another province. Small islands
and piers in the bay are not part of the main landmass, so the water around them stays sea.
"""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

OFFSHORE_MAX_M = 1000.0  # bay water up to this far from the coast belongs to the nearest kelurahan
BORDER_TOLERANCE_M = 50.0  # land this close to the border is GPS error, not another province
METRIC_CRS = "EPSG:32748"  # UTM 48S, the projection the boundary data was validated in

FLAG_NONE, FLAG_OFFSHORE, FLAG_BORDER = 0, 1, 2
FLAG_NAMES: tuple[str | None, ...] = (None, "offshore", "border_uncertain")

_METRES_PER_DEG_BOUND = 111_700.0  # a little above any metres-per-degree in UTM 48S near Jakarta
_CHUNK_VERTICES = 16  # short pieces of boundary keep nearest-neighbour queries cheap


class CoastRules:
    """Assign points that no kelurahan covers: offshore, border-uncertain or outside (-1)."""

    def __init__(self, polygons: np.ndarray, island: np.ndarray) -> None:
        """`polygons` are kelurahan in lon/lat; `island[i]` is True for Kepulauan Seribu."""
        self.island = np.asarray(island, dtype=bool)
        self._to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
        self.sea = _sea_polygon(polygons[~self.island])
        shapely.prepare(self.sea)
        metric = shapely.transform(polygons, lambda xy: np.column_stack(self._to_metric.transform(*xy.T)))
        self.chunks, self.chunk_owner = _boundary_chunks(metric)
        self.tree = shapely.STRtree(self.chunks)

    def resolve(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For points outside every kelurahan: (kelurahan index or -1, flag code)."""
        nearest, distance = self._nearest(lons, lats, OFFSHORE_MAX_M)
        found = nearest >= 0
        sea = np.zeros(len(lons), dtype=bool)
        sea[found] = self.island[nearest[found]] | shapely.intersects_xy(self.sea, lons[found], lats[found])
        offshore = found & sea & (distance <= OFFSHORE_MAX_M)
        border = found & ~sea & (distance <= BORDER_TOLERANCE_M)
        return _answer(nearest, offshore, border)

    def settle_cells(self, lons: np.ndarray, lats: np.ndarray, half_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For square cells centred on (lons, lats): (index, flag, settled), where `settled` says that
        every point of the cell, were it outside every kelurahan, would get that same answer.

        Distance to a polygon changes no faster than the point moves, so the answer at the centre
        holds for the whole cell when it stays clear of every threshold by the centre-to-corner
        distance, and no other kelurahan could come nearer within the cell.
        """
        reach = half_deg * np.sqrt(2) * _METRES_PER_DEG_BOUND
        nearest, d1 = self._nearest(lons, lats, OFFSHORE_MAX_M + reach)
        found = nearest >= 0
        mx, my = self._to_metric.transform(lons[found], lats[found])
        centres = shapely.points(mx, my)
        pt, chunk = self.tree.query(centres, predicate="dwithin", distance=d1[found] + 2 * reach + 1)
        rival = self.chunk_owner[chunk] != nearest[found][pt]
        d2 = np.full(found.sum(), np.inf)
        np.minimum.at(d2, pt[rival], shapely.distance(centres[pt[rival]], self.chunks[chunk[rival]]))
        sole = np.zeros(len(lons), dtype=bool)
        sole[found] = d2 - d1[found] > 2 * reach
        boxes = shapely.box(lons - half_deg, lats - half_deg, lons + half_deg, lats + half_deg)
        island = np.zeros(len(lons), dtype=bool)
        island[found] = self.island[nearest[found]]
        all_sea = (sole & island) | shapely.contains(self.sea, boxes)
        all_land = sole & ~island & ~shapely.intersects(self.sea, boxes)
        offshore = all_sea & sole & (d1 + reach <= OFFSHORE_MAX_M)
        border = all_land & (d1 + reach <= BORDER_TOLERANCE_M)
        outside = ~found | (d1 - reach > OFFSHORE_MAX_M) | (all_land & (d1 - reach > BORDER_TOLERANCE_M))
        index, flag = _answer(nearest, offshore, border)
        return index, flag, offshore | border | outside

    def _nearest(self, lons: np.ndarray, lats: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
        """Nearest kelurahan (lowest index among equidistant ones) and its distance in metres."""
        nearest = np.full(len(lons), -1, dtype=np.int32)
        distance = np.full(len(lons), np.inf)
        if not len(lons):
            return nearest, distance
        mx, my = self._to_metric.transform(lons, lats)
        (pt, chunk), dist = self.tree.query_nearest(
            shapely.points(mx, my), max_distance=max_distance, return_distance=True, all_matches=True
        )
        owner = self.chunk_owner[chunk]
        order = np.lexsort((-owner, pt))  # last write wins: the lowest index is written last
        nearest[pt[order]] = owner[order]
        distance[pt[order]] = dist[order]
        return nearest, distance


def _answer(nearest: np.ndarray, offshore: np.ndarray, border: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = np.where(offshore | border, nearest, -1).astype(np.int32)
    flag = np.full(len(nearest), FLAG_NONE, dtype=np.int8)
    flag[offshore] = FLAG_OFFSHORE
    flag[border] = FLAG_BORDER
    return index, flag


def _sea_polygon(mainland: np.ndarray) -> shapely.Geometry:
    """The water north of the main landmass: its longitude span, minus all that has land due north."""
    union = shapely.coverage_union_all(mainland)  # kelurahan tile the land: no overlaps
    landmass = max(shapely.get_parts(union), key=shapely.area)
    minx, miny, maxx, _ = landmass.bounds
    far_south, far_north = miny - 1.0, 0.0
    ring = np.asarray(landmass.exterior.coords)
    a, b = ring[:-1], ring[1:]
    # sweeping every outline edge due south covers everything with land due north of it
    swept = shapely.polygons(np.stack([a, b, np.c_[b[:, 0], np.full(len(b), far_south)],
                                       np.c_[a[:, 0], np.full(len(a), far_south)], a], axis=1))
    shadow = shapely.union_all(np.concatenate([swept[shapely.area(swept) > 0], [landmass]]))
    return shapely.box(minx, far_south, maxx, far_north).difference(shadow)


def _boundary_chunks(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ring cut into short linestrings, each tagged with its polygon's index."""
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    chunks, owners = [], []
    for ring, owner in zip(rings, part_owner[ring_part]):
        coords = shapely.get_coordinates(ring)
        for start in range(0, len(coords) - 1, _CHUNK_VERTICES):
            chunks.append(shapely.linestrings(coords[start:start + _CHUNK_VERTICES + 1]))
            owners.append(owner)
    return np.asarray(chunks, dtype=object), np.asarray(owners, dtype=np.int32)
