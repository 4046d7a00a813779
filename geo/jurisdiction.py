"""Where a point falls, as plain data: the one geo type the domain (crm/) uses."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Where a point falls: kelurahan, kecamatan and kota keyed on Kemendagri codes.

    `flag` is None for a point inside a kelurahan, "offshore" for Jakarta Bay water taken by the
    nearest coastal kelurahan, "border_uncertain" for a point just across the land border.
    """

    kode_kelurahan: str
    kelurahan: str
    kode_kecamatan: str
    kecamatan: str
    kode_kota: str
    kota: str
    flag: str | None = None
