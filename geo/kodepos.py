"""Postal codes of Jakarta's kelurahan from ../shared/data/gazetteer/kodepos_jakarta.csv, read at start.

The file is GPL-3.0 data: it is read from ../shared at run time and never copied in, and without
it the gazetteer simply knows no postal codes. Pos Indonesia gives each kelurahan one code, but
30 of the 233 codes are shared by two or three kelurahan of one kecamatan; such a code narrows a
report to those kelurahan only (precision ``kodepos_ganda``), unless the text names one of them.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

CODE = re.compile(r"1[0-4]\d{3}")  # Jakarta's codes: 10xxx Pusat ... 14xxx Utara and Kepulauan Seribu


def default_path(boundaries_source: Path) -> Path:
    """Where the shared postal-code file lies beside the boundary file."""
    return boundaries_source.parent / "gazetteer" / "kodepos_jakarta.csv"


def read_kodepos(path: Path, known: set[str]) -> dict[str, tuple[str, ...]]:
    """Postal code -> the kelurahan codes it covers (only codes in `known`); {} without the file."""
    if not path.is_file():
        return {}
    codes: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if CODE.fullmatch(row["kode_pos"]) and row["kode_kelurahan"] in known:
                codes.setdefault(row["kode_pos"], []).append(row["kode_kelurahan"])
    return {code: tuple(sorted(kelurahan)) for code, kelurahan in codes.items()}
