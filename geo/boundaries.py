"""Jakarta's administrative boundaries: 267 kelurahan, rolled up into 44 kecamatan and 6 kota.

Everything is keyed on Kemendagri codes, never on names: 23 kelurahan share their kecamatan's name,
and Kelurahan Jatinegara lies in Kecamatan Cakung. Kecamatan and kota outlines are dissolved from
the kelurahan, because the published kecamatan/kota files are simplified and overlap.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import shapely

from geo.jurisdiction import Jurisdiction

KELURAHAN_FIELDS = ["kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan", "kode_kota", "kota"]
KECAMATAN_FIELDS = ["kode_kecamatan", "kecamatan", "kode_kota", "kota"]
KOTA_FIELDS = ["kode_kota", "kota"]
KEPULAUAN_SERIBU = "31.01"


class BoundaryError(RuntimeError):
    """The boundary file cannot be used; the message says what to set or fix."""


@dataclass(frozen=True)
class Boundaries:
    """The kelurahan table (one row per Kemendagri code) and the levels dissolved from it."""

    kelurahan: gpd.GeoDataFrame
    source: Path

    @cached_property
    def kecamatan(self) -> gpd.GeoDataFrame:
        return self.kelurahan.dissolve(by="kode_kecamatan", as_index=False)[KECAMATAN_FIELDS + ["geometry"]]

    @cached_property
    def kota(self) -> gpd.GeoDataFrame:
        return self.kelurahan.dissolve(by="kode_kota", as_index=False)[KOTA_FIELDS + ["geometry"]]

    @cached_property
    def jurisdictions(self) -> list[Jurisdiction]:
        """One Jurisdiction per kelurahan row, in table order, built once for fast lookups."""
        rows = self.kelurahan[KELURAHAN_FIELDS].itertuples(index=False)
        return [Jurisdiction(*row) for row in rows]


def load_boundaries(path: str | Path) -> Boundaries:
    """Read a kelurahan GeoJSON (or any file pyogrio reads) and dissolve it to one row per code.

    The BPS file holds 270 polygons: 267 kelurahan plus 3 lakes and special areas that carry the
    code of the kelurahan that covers them, so codes repeat until dissolved.
    """
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(
            f"Boundary file {path} was not found: set PANTAU_BOUNDARIES to a kelurahan GeoJSON "
            "(for example ../shared/data/jakarta_kelurahan.geojson)."
        )
    try:
        raw = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise BoundaryError(
            f"Boundary file {path} could not be read ({exc}): set PANTAU_BOUNDARIES to a readable "
            "kelurahan GeoJSON."
        ) from exc
    missing = [f for f in KELURAHAN_FIELDS if f not in raw.columns]
    if missing or raw.empty:
        raise BoundaryError(
            f"Boundary file {path} lacks the fields {', '.join(missing) or 'and features'} that Pantau "
            f"needs ({', '.join(KELURAHAN_FIELDS)}): set PANTAU_BOUNDARIES to a kelurahan file with "
            "Kemendagri codes."
        )
    if raw.crs is not None and raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)
    raw["geometry"] = shapely.make_valid(raw.geometry.values)
    kelurahan = (
        raw.dissolve(by="kode_kelurahan", as_index=False, aggfunc="first")[KELURAHAN_FIELDS + ["geometry"]]
        .sort_values("kode_kelurahan", ignore_index=True)
    )
    return Boundaries(kelurahan=kelurahan, source=path)
