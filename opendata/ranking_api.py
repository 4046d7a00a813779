"""`GET /api/v1/ranking?window=` and `GET /api/v1/ranking.csv`: the live ranking, public by design.

Every level from an SKPD head to the governor watches the same table, and so may anyone: the rows
hold counts and shares only, never a complaint. `level` picks units (`skpd`, the default) or
areas (`kota`, `kecamatan`, `kelurahan`); `kind` narrows units to one kind (dinas, suku_dinas,
kelurahan, ...); `kota` narrows to the units or areas of one kota. The formula's constants travel
with the table, so a reader can recompute any score from its components.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, get_args

from flask import Blueprint, Response, jsonify, request

from crm.complaint import WIB, utc_now
from crm.ranking import DEFAULT_WINDOW, LEVELS, MIN_VOLUME, PRIOR_WEIGHT, WEIGHTS, Level, Standing
from crm.skpd import KELURAHAN_PREFIX, SKPDS, WILAYAH, SkpdKind
from crm.windows import LABELS, WINDOWS
from geo.boundaries import Boundaries
from live.ranking import RankingBoard
from web.errors import BadRequest

CSV_COLUMNS = ["peringkat", "kode", "nama", "skor", "volume", *WEIGHTS, "rata_jam_respons", "rata_jam_selesai",
               "tunggakan", "terlambat", "perubahan_sejak_kemarin", "tanda"]


class BadQuery(BadRequest):
    """A parameter the ranking does not know: answered 400 with the valid values."""


class Names:
    """Display names and kota of units and areas, keyed on codes (names repeat; codes do not)."""

    def __init__(self, boundaries: Boundaries) -> None:
        table = boundaries.kelurahan
        self.areas: dict[Level, dict[str, str]] = {
            "kota": dict(zip(table.kode_kota, table.kota)),
            "kecamatan": dict(zip(table.kode_kecamatan, table.kecamatan)),
            "kelurahan": dict(zip(table.kode_kelurahan, table.kelurahan)),
        }
        self.units = {code: unit.name for code, unit in SKPDS.items()}
        self.unit_kota = {code: unit.kode_kota for code, unit in SKPDS.items()}
        for code, name, kota in zip(table.kode_kelurahan, table.kelurahan, table.kode_kota):
            office = KELURAHAN_PREFIX + code.replace(".", "")
            self.units[office], self.unit_kota[office] = f"Kelurahan {name}", kota

    def name(self, level: Level, code: str) -> str:
        return (self.units if level == "skpd" else self.areas[level]).get(code, code)

    def kota_of(self, level: Level, code: str) -> str | None:
        return self.unit_kota.get(code) if level == "skpd" else code[:5]

    def kind_of(self, code: str) -> str:
        unit = SKPDS.get(code)
        return unit.kind if unit else "kelurahan" if code.startswith(KELURAHAN_PREFIX) else "lain"


def make_ranking_api(board: RankingBoard, names: Names) -> Blueprint:
    api = Blueprint("ranking_v1", __name__, url_prefix="/api/v1")

    @api.get("/ranking")
    def ranking() -> Any:
        level, window, rows = _read(board, names, request.args)
        return jsonify({
            "window": window, "window_label": LABELS[window][0], "level": level,
            "generated_at": utc_now().astimezone(WIB).isoformat(), "version": board.version,
            "formula": {"weights": WEIGHTS, "prior_weight": PRIOR_WEIGHT, "min_volume": MIN_VOLUME,
                        "documented_in": "crm/ranking.py"},
            "rows": [row_json(level, row, names) for row in rows],
        })

    @api.get("/ranking.csv")
    def ranking_csv() -> Any:
        level, window, rows = _read(board, names, request.args)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([row.rank or "", row.code, names.name(level, row.code), row.score, row.volume,
                             *(round(row.components[c].shrunk, 4) for c in WEIGHTS), _blank(row.response_hours),
                             _blank(row.completion_hours), row.backlog, row.overdue, _blank(row.movement),
                             ";".join(f"{flag}={count}" for flag, count in row.flags.items())])
        filename = f"peringkat-{level}-{window}-{utc_now().astimezone(WIB):%Y%m%d-%H%M}.csv"
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return api


def row_json(level: Level, row: Standing, names: Names) -> dict[str, Any]:
    return {
        "rank": row.rank, "code": row.code, "name": names.name(level, row.code), "kode_kota": names.kota_of(level, row.code),
        "kind": names.kind_of(row.code) if level == "skpd" else level, "score": row.score, "volume": row.volume,
        "eligible": row.rank is not None,
        "components": {name: {"rate": c.rate, "shrunk": round(c.shrunk, 4), "n": c.n, "weight": WEIGHTS[name]}
                       for name, c in row.components.items()},
        "response_hours_mean": row.response_hours, "completion_hours_mean": row.completion_hours,
        "backlog": row.backlog, "overdue": row.overdue, "movement": row.movement, "trend": row.trend,
        "flags": row.flags,
    }


def _read(board: RankingBoard, names: Names, args: Mapping[str, str]) -> tuple[Level, str, list[Standing]]:
    window = args.get("window", DEFAULT_WINDOW)
    if window not in WINDOWS:
        raise BadQuery(f"window tidak dikenal: {window!r}; gunakan {', '.join(WINDOWS)}")
    level = args.get("level", "skpd")
    if level not in LEVELS:
        raise BadQuery(f"level tidak dikenal: {level!r}; gunakan {', '.join(LEVELS)}")
    kind, kota = args.get("kind"), args.get("kota")
    kinds = get_args(SkpdKind)
    if kind is not None and kind not in kinds:
        raise BadQuery(f"kind tidak dikenal: {kind!r}; gunakan {', '.join(kinds)}")
    if kota is not None and kota not in WILAYAH:
        raise BadQuery(f"kota tidak dikenal: {kota!r}; gunakan {', '.join(WILAYAH)}")
    rows = board.standings(level, window)  # type: ignore[arg-type]
    if kind is not None:
        rows = [r for r in rows if names.kind_of(r.code) == kind]
    if kota is not None:
        rows = [r for r in rows if names.kota_of(level, r.code) == kota]  # type: ignore[arg-type]
    return level, window, rows  # type: ignore[return-value]


def _blank(value: object) -> object:
    return "" if value is None else value
