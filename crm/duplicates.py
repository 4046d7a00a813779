"""When a new report repeats an open complaint: the one home of that rule.

Same category, within DUPLICATE_RADIUS_M and DUPLICATE_WINDOW of an open complaint, from any
channel. Only points a channel sent count: two reports placed at a kelurahan's centre by the
gazetteer are not known to be 250 m apart. A duplicate links to the first complaint of its
cluster, so a cluster is a star, never a chain.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.complaint import PRECISE, Complaint, Status

DUPLICATE_RADIUS_M = 250.0
DUPLICATE_WINDOW = timedelta(hours=48)
CLOSED = frozenset({Status.SELESAI})
EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def can_link(complaint: Complaint) -> bool:
    """Whether a complaint has a point precise enough to be matched by distance."""
    return complaint.lon is not None and complaint.lat is not None and complaint.location_precision == PRECISE


def search_box(lon: float, lat: float) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) holding every point within the radius: a cheap prefilter."""
    dlat = DUPLICATE_RADIUS_M / METRES_PER_DEGREE_LAT
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres; exact enough at 250 m anywhere in Jakarta."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class Sighting:
    """What the rule needs of a stored complaint; `root` is the complaint its cluster links to."""

    id: int
    root: int
    category: str
    status: Status
    received_at: datetime
    lon: float
    lat: float
    precise: bool


def original_of(new: Complaint, stored: Iterable[Sighting]) -> int | None:
    """The id `new` should link to: the root of the nearest open complaint it repeats, or None."""
    if new.lon is None or new.lat is None or not can_link(new):
        return None
    best: tuple[float, int] | None = None
    for old in stored:
        if not old.precise or old.status in CLOSED or old.category != new.category:
            continue
        if abs(new.received_at - old.received_at) > DUPLICATE_WINDOW:
            continue
        distance = distance_m(new.lon, new.lat, old.lon, old.lat)
        if distance <= DUPLICATE_RADIUS_M and (best is None or distance < best[0]):
            best = (distance, old.root)
    return None if best is None else best[1]


class Sightings:
    """Sightings bucketed by category and a grid of cells one radius wide, so a batch of a
    thousand reports checks each against its neighbours, not against every stored complaint."""

    CELL_DEG = DUPLICATE_RADIUS_M / METRES_PER_DEGREE_LAT

    def __init__(self, sightings: Iterable[Sighting] = ()) -> None:
        self._cells: dict[tuple[str, int, int], list[Sighting]] = defaultdict(list)
        for sighting in sightings:
            self.add(sighting)

    def add(self, sighting: Sighting) -> None:
        self._cells[(sighting.category, *self._cell(sighting.lon, sighting.lat))].append(sighting)

    def original_of(self, new: Complaint) -> int | None:
        """As `original_of`, among the sightings in the cells that new's search box touches."""
        if new.lon is None or new.lat is None or not can_link(new):
            return None
        west, south, east, north = search_box(new.lon, new.lat)
        (x0, y0), (x1, y1) = self._cell(west, south), self._cell(east, north)
        near = (s for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)
                for s in self._cells.get((new.category, x, y), ()))
        return original_of(new, near)

    def _cell(self, lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / self.CELL_DEG), math.floor(lat / self.CELL_DEG)
