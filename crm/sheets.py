"""Reading the CSV files officials keep in a spreadsheet (routing rules, SLA figures, holidays,
classifier words): the one home of header, delimiter and column checks, and of the error that
says where to fix a file.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path


class DataFileError(ValueError):
    """A data file that cannot be used, with the place to fix it: `source:line: message`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


def read_text(source: Path | Traversable) -> str:
    """The file's text; a spreadsheet's byte-order mark is dropped."""
    with source.open("r", encoding="utf-8-sig", newline="") as f:
        return f.read()


def sheet_rows(text: str, label: str, columns: tuple[str, ...],
               error: type[DataFileError] = DataFileError) -> Iterator[tuple[int, list[str]]]:
    """(line, stripped cells) of each non-blank row, after checking the header and each row's width.

    Indonesian-locale Excel saves CSV with semicolons, so the header line picks the delimiter.
    """
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = tuple(c.strip().lower() for c in next(reader, []))
    if header != columns:
        raise error(label, 1, f"baris judul harus {','.join(columns)}; tertulis {','.join(header)}")
    for row in reader:
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != len(columns):
            raise error(label, reader.line_num, f"harus {len(columns)} kolom, ada {len(cells)}")
        yield reader.line_num, cells
