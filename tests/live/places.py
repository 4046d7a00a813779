"""Where test reports come from: (lon, lat, category), one place per kota that the tests tell apart."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Place = tuple[float, float, str]
Post = Callable[[Place], dict[str, Any]]  # the `post` fixture: report from a place, get the complaint

ANCOL: Place = (106.8466, -6.1247, "sampah")  # Kelurahan Ancol, Jakarta Utara (31.72)
MELAWAI: Place = (106.7996, -6.2443, "lampu_jalan")  # Kelurahan Melawai, Jakarta Selatan (31.74)
