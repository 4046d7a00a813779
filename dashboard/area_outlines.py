"""Kota, kecamatan and kelurahan outlines and names for the drill-down map, keyed on codes.

The pages hold only the simplified kelurahan outlines (dashboard/context.py), so kecamatan and
kota are dissolved from those, once per app and kept on it (page modules are shared by every app
a process builds, so a module-level cache would mix them up). Simplifying neighbours one by one
leaves hairline gaps between them, which a dissolve turns into holes and slits; gaps narrower than
twice the simplification's tolerance are closed (grown and shrunk back by it), which leaves real
holes and coasts alone. Display only: never used to place a complaint.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from flask import current_app

from dashboard.area_figures import Bounds
from dashboard.context import page_context
from dashboard.figures import DISPLAY_TOLERANCE_DEG
from store.areas import KECAMATAN, KELURAHAN, KOTA, parent_of

EXTENSION = "pantau.dashboard.area_outlines"
_building = threading.Lock()


@dataclass(frozen=True, slots=True)
class Area:
    """A kota, kecamatan or kelurahan as the page names and frames it."""

    kode: str
    name: str
    level: str
    parent: str | None  # None: the kota's parent is Jakarta
    bounds: Bounds


@dataclass(frozen=True)
class AreaOutlines:
    """Every area by code, its GeoJSON feature (id = code), and the children of each parent."""

    areas: Mapping[str, Area]
    features: Mapping[str, dict[str, Any]]
    child_codes: Mapping[str | None, tuple[str, ...]]

    def children(self, kode: str | None) -> list[Area]:
        """The areas one level down (Jakarta's kota for None), by code."""
        return [self.areas[code] for code in self.child_codes.get(kode, ())]

    def collection(self, codes: Iterable[str]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [self.features[code] for code in codes]}


def bounds_of(shown: Iterable[Area]) -> Bounds:
    """The box around all of `shown`: what the map frames."""
    boxes = [area.bounds for area in shown]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def area_outlines() -> AreaOutlines:
    """The outlines of the app serving this request, built at its first use."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        with _building:
            if EXTENSION not in extensions:
                extensions[EXTENSION] = build_outlines(page_context().outlines)
    return extensions[EXTENSION]


def build_outlines(kelurahan: dict[str, Any]) -> AreaOutlines:
    """All three levels from the kelurahan outlines (features with id = kode_kelurahan and the
    properties kelurahan, kecamatan, kota)."""
    frame = gpd.GeoDataFrame.from_features(kelurahan["features"])
    frame["kode_kelurahan"] = [feature["id"] for feature in kelurahan["features"]]
    frame["kode_kecamatan"] = frame["kode_kelurahan"].map(parent_of)
    frame["kode_kota"] = frame["kode_kecamatan"].map(parent_of)
    areas: dict[str, Area] = {}
    features: dict[str, dict[str, Any]] = {}
    for level in (KOTA, KECAMATAN, KELURAHAN):
        table = frame.dissolve(by=f"kode_{level}", aggfunc="first", as_index=False) if level != KELURAHAN else frame
        for row in table.itertuples(index=False):
            kode = getattr(row, f"kode_{level}")
            geometry = row.geometry if level == KELURAHAN else _close_gaps(row.geometry)
            areas[kode] = Area(kode, getattr(row, level), level, parent_of(kode), tuple(geometry.bounds))
            features[kode] = {"type": "Feature", "id": kode, "properties": {"name": getattr(row, level)},
                              "geometry": shapely.geometry.mapping(geometry)}
    child_codes: dict[str | None, list[str]] = {}
    for area in sorted(areas.values(), key=lambda a: a.kode):
        child_codes.setdefault(area.parent, []).append(area.kode)
    return AreaOutlines(areas, features, {parent: tuple(codes) for parent, codes in child_codes.items()})


def _close_gaps(geometry: shapely.Geometry) -> shapely.Geometry:
    """The dissolved outline without the gaps simplifying left (a morphological closing; mitred
    joins keep corners square)."""
    grown = shapely.buffer(geometry, DISPLAY_TOLERANCE_DEG, join_style="mitre")
    return shapely.buffer(grown, -DISPLAY_TOLERANCE_DEG, join_style="mitre")
