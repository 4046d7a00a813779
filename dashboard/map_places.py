"""The command centre map's places: kota outlines and the names of kota and kelurahan.

The kota outlines are the ones dissolved for the drill-down map (dashboard/area_outlines.py),
simplified again to KOTA_TOLERANCE_DEG and rounded to 4 decimals (11 m), as lines: about 35 KB for
the five on the mainland instead of 99 KB for all six as dissolved polygons. Kepulauan Seribu's
outline is only its islands' coasts, which the kelurahan outlines draw already; its name is kept. Built once per app and
kept on it, like the drill-down outlines. A name stands at a point inside its area (shapely's
`representative_point`: never outside a crescent-shaped kelurahan, as a centroid can be).
"""
from __future__ import annotations

import threading
from typing import Any

import shapely
from flask import current_app

from dashboard.area_outlines import AreaOutlines, area_outlines
from dashboard.context import page_context
from dashboard.figures import Places

EXTENSION = "pantau.dashboard.map_places"
KELURAHAN_ZOOM = 12.3  # from here kelurahan are big enough on screen for their names; below it, the kota's
KOTA_TOLERANCE_DEG = 0.0002  # about 22 m: a pixel or two at the zooms a kota is looked at whole
DIGITS = 4  # about 11 m, the kelurahan outlines' own simplification
ISLANDS = "31.01"  # Kabupaten Kepulauan Seribu
_building = threading.Lock()


def map_places() -> Places:
    """The places of the app serving this request, built at its first use."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        with _building:
            if EXTENSION not in extensions:
                extensions[EXTENSION] = places_of(area_outlines(), page_context().outlines)
    return extensions[EXTENSION]


def places_of(areas: AreaOutlines, kelurahan: dict[str, Any]) -> Places:
    """Kota outlines and names from `areas`; kelurahan names from the kelurahan outlines (features
    with id = kode_kelurahan and a `kelurahan` property)."""
    kota = [areas.features[area.kode] for area in areas.children(None)]
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in kota:
        if feature["id"] == ISLANDS:
            continue
        simplified = shapely.geometry.shape(feature["geometry"]).simplify(KOTA_TOLERANCE_DEG)
        for ring in shapely.get_rings(shapely.get_parts(simplified)):
            for x, y in shapely.get_coordinates(ring):
                lon.append(round(float(x), DIGITS))
                lat.append(round(float(y), DIGITS))
            lon.append(None)  # a gap: the next ring is drawn apart
            lat.append(None)
    return Places(
        kota_lines=(lon, lat),
        kota_labels=[_label(f["geometry"], f["properties"]["name"]) for f in kota],
        kelurahan_labels=[_label(f["geometry"], f["properties"]["kelurahan"]) for f in kelurahan["features"]],
        kelurahan_zoom=KELURAHAN_ZOOM,
    )


def _label(geometry: dict[str, Any], name: str) -> list[Any]:
    point = shapely.geometry.shape(geometry).representative_point()
    return [round(point.x, DIGITS), round(point.y, DIGITS), name]
