"""The files `pantau import` reads (ingest/history_import.py imports them): one `Raw` per
complaint, its first line's number and its text verbatim, in the file's order, read as the import
goes so a file of any size takes little memory. A file that cannot be read at all (missing,
another format, a bad CSV header, a first line that is not a JSON object) is refused at once.

Formats (chosen by the file's suffix; UTF-8):

JSON lines (`.jsonl`, `.ndjson`), one complaint per line:

    {"channel": "qlue", "external_id": "Q-123", "received_at": "2026-03-01T08:15:00+07:00",
     "text": "...", "category": "jalan", "lon": 106.8, "lat": -6.2,
     "skpd": "BINAMARGA-JP", "reporter_name": "...",                  <- both optional
     "history": [{"at": "2026-03-01T09:00:00+07:00", "status": "Proses", "actor": "budi.binamarga",
                  "note": "...", "to_skpd": ..., "ews": "2026-03-20", "evidence": ["<sha256 hex>"]},
                 {"at": "...", "reopened": "alasan pelapor"}]}

  `channel` is a code of crm/channels.py, `category` of crm/categories.py; `lon`/`lat` are
  numbers (WGS84); `skpd` is the first holder (a catalogue code or the place's `KEL-` office;
  absent: routed like the intake). A step is either a status change (`status`, `actor`, and
  `note`, `to_skpd`, `ews`, `evidence` where crm/transitions.py needs them) or a reopening by
  the citizen (`reopened`: the reason). Evidence is the photos' sha256 digests: they satisfy the
  chain's need for evidence, the photos themselves are not imported. Every time carries a zone
  (a naive one could be UTC or WIB, so it is refused); steps are in time order, none before
  `received_at` and none in the future.

CSV (`.csv`, comma or semicolon as Indonesian Excel saves it), one row per history step, as
officials' spreadsheets export it. The header names these columns, in any order:

    channel, external_id, received_at, text, category, lon, lat, skpd, reporter_name,
    at, status, actor, note, to_skpd, ews, evidence, reopened

  The first nine describe the complaint and repeat on each of its rows, the rows of one
  complaint consecutive; the rest are one step with the JSON meanings (`evidence`: digests
  separated by spaces, `reopened`: the reason, on a row without `status`). Empty cells are
  absent fields; a complaint with no step yet has one row with the step cells empty. `skpd`,
  `reporter_name` and the step columns but `at` and `status` may be left out of the header.
"""
from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Self

from ingest.schemas import PastComplaintIn, PastStepIn, degrees_from_text

JSON_LINES = (".jsonl", ".ndjson")
COMPLAINT_FIELDS = tuple(name for name in PastComplaintIn.model_fields if name != "history")
STEP_FIELDS = tuple(PastStepIn.model_fields)
CSV_REQUIRED = (*(name for name, f in PastComplaintIn.model_fields.items() if f.is_required()), "at", "status")


class UnreadableFile(Exception):
    """The whole file cannot be imported; nothing was written."""


class RecordError(ValueError):
    """One complaint of the file cannot be imported; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Raw:
    """One complaint as the file holds it: its first line, its text verbatim, and its fields or
    why they cannot be read."""

    line: int
    text: str
    fields: dict[str, Any] | None
    error: str | None = None


class HistoryFile:
    """An opened, readable history file: its complaints in order, and how many bytes are read."""

    def __init__(self, path: Path, file: IO[bytes], records: Iterator[Raw]) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._file = file
        self._records = records

    def __iter__(self) -> Iterator[Raw]:
        return self._records

    @property
    def bytes_read(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_history(path: Path) -> HistoryFile:
    """The file, checked as far as it can be before importing: exists, a known format, a usable
    header (CSV) or a JSON object on its first line (JSON lines); UnreadableFile if not."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: berkas tidak ditemukan / file not found")
    suffix = path.suffix.lower()
    if suffix not in (*JSON_LINES, ".csv"):
        raise UnreadableFile(f"{path}: bukan berkas .jsonl, .ndjson atau .csv / not a JSON lines or CSV file")
    file = path.open("rb")
    records = _json_lines(file, path) if suffix in JSON_LINES else _csv_complaints(file, path)
    try:
        first = next(records, None)  # each reader checks the file's start before its first record
    except UnreadableFile:
        file.close()
        raise
    return HistoryFile(path, file, itertools.chain([first] if first else [], records))


def _json_lines(file: IO[bytes], path: Path) -> Iterator[Raw]:
    first = True
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8").rstrip("\r\n")
            fields = json.loads(text)
            error = None if isinstance(fields, dict) else "bukan objek JSON / not a JSON object"
        except UnicodeDecodeError:
            text, fields, error = line.decode("utf-8", "replace").rstrip("\r\n"), None, "bukan UTF-8 / not UTF-8"
        except ValueError as exc:
            fields, error = None, f"bukan JSON yang sah / not valid JSON: {exc}"
        if error is not None and first:
            raise UnreadableFile(f"{path}: baris {number} bukan objek JSON; berkas JSON lines berisi satu pengaduan "
                                 f"per baris / line {number} is not a JSON object")
        first = False
        yield Raw(number, text, fields if error is None else None, error)


class _Lines:
    """The file's lines as text for csv.reader, keeping the current row's lines verbatim."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.count = 0
        self.taken: list[str] = []
        self.undecodable = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._file)
        self.count += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            self.undecodable = True
        self.taken.append(text)
        return text

    def take(self) -> tuple[str, bool]:
        """The lines read since the last call, and whether one was not UTF-8."""
        text, undecodable = "".join(self.taken), self.undecodable
        self.taken, self.undecodable = [], False
        return text, undecodable


def _csv_complaints(file: IO[bytes], path: Path) -> Iterator[Raw]:
    """Consecutive rows with the same (channel, external_id), one Raw each."""
    lines = _Lines(file)
    header_line = next(lines, "").removeprefix("\ufeff")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter), [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in (*COMPLAINT_FIELDS, *STEP_FIELDS)]
    if missing or unknown or len(set(header)) != len(header):
        problem = (f"kolom wajib tidak ada: {', '.join(missing)}" if missing else
                   f"kolom tidak dikenal: {', '.join(unknown)}" if unknown else "ada kolom ganda")
        raise UnreadableFile(f"{path}: baris judul salah ({problem}); kolom yang dikenal: "
                             f"{','.join((*COMPLAINT_FIELDS, *STEP_FIELDS))} / bad header")
    lines.take()
    reader = csv.reader(lines, delimiter=delimiter)
    group: list[tuple[int, dict[str, str]]] = []
    texts: list[str] = []
    errors: list[str] = []
    start = lines.count + 1
    for row in reader:
        text, undecodable = lines.take()
        line, start = start, lines.count + 1
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row)))
        if group and _key(cells) != _key(group[0][1]):
            yield _csv_raw(group, texts, errors)
            group, texts, errors = [], [], []
        group.append((line, cells))
        texts.append(text)
        if undecodable:
            errors.append(f"baris {line}: bukan UTF-8 / not UTF-8")
        if len(row) != len(header):
            errors.append(f"baris {line}: harus {len(header)} kolom, ada {len(row)} / wrong number of columns")
    if group:
        yield _csv_raw(group, texts, errors)


def _key(cells: dict[str, str]) -> tuple[str, str]:
    return cells.get("channel", ""), cells.get("external_id", "")


def _csv_raw(group: list[tuple[int, dict[str, str]]], texts: list[str], errors: list[str]) -> Raw:
    """One complaint's rows as the JSON lines record they mean."""
    line, first = group[0]
    text = "".join(texts).rstrip("\r\n")
    try:
        if errors:
            raise RecordError("; ".join(errors))
        fields: dict[str, Any] = {name: first[name] for name in COMPLAINT_FIELDS if first.get(name)}
        for name in ("lon", "lat"):
            if name in fields:
                fields[name] = _csv_number(fields[name], name)
        history = []
        for row_line, cells in group:
            if any(cells.get(name) != first.get(name) for name in COMPLAINT_FIELDS):
                raise RecordError(f"baris {row_line}: kolom pengaduan berbeda dari baris {line} "
                                  f"/ complaint columns differ from the complaint's first row")
            step: dict[str, Any] = {name: cells[name] for name in STEP_FIELDS if cells.get(name)}
            if "evidence" in step:
                step["evidence"] = step["evidence"].split()
            if step:
                history.append(step)
        fields["history"] = history
    except RecordError as exc:
        return Raw(line, text, None, str(exc))
    return Raw(line, text, fields)


def _csv_number(cell: str, name: str) -> float:
    """Degrees as a spreadsheet writes them, with a decimal point or (Indonesian locale) comma."""
    degrees = degrees_from_text(cell.strip().replace(",", "."))
    if degrees is None:
        raise RecordError(f"{name}: bukan angka desimal / not a decimal number: {cell!r}")
    return degrees
