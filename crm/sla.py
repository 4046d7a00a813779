"""The SLA clock: when a complaint's first action and its completion are due, and how close they are.

The rules in force in Jakarta's CRM: coordinate within 6 hours, complete within 7 days, later
with an Estimasi Waktu Selesai (EWS) for heavy works; walk-in desks answer within 3 days. The
defaults are the constants below; a category may set its own figures in `crm/data/sla.csv`.

Two units, on purpose:
- First action counts clock hours, day and night, weekends and holidays included. It is triage
  and coordination, done by the CRM operators and the 24-hour duty posts (PPSU, Damkar, pompa
  SDA); a flood reported on Saturday night cannot wait for Monday. Counting office hours instead
  would stretch "6 hours" to three days over a weekend and to twelve over Idul Fitri 2026.
- Completion counts working days, because the work is done by SKPD offices that close on
  weekends, public holidays and cuti bersama. The deadline is the end (23:59:59 WIB) of the Nth
  working day after the WIB day of receipt, so it is a date an official can promise; an EWS is
  such a date too and replaces the computed one.
A walk-in desk's 3 days are working days and cap the completion (a category cannot lengthen a
promise made face to face, but a faster category still applies).

Working days follow FixMyStreet's WorkingDays.pm: Saturday, Sunday and the dates listed in
`crm/data/hari_libur.csv` are not working days, all in WIB. Cuti bersama is set each year by an
SKB of three ministers, so the calendar is data officials edit; for a year the file does not
list, only weekends are skipped, so each new SKB must be added when it is signed.

The clock never reads the system time: callers pass `now`, so tests and replays control it.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

from crm.categories import CATEGORIES, get_category
from crm.channels import CHANNELS
from crm.complaint import WIB
from crm.desks import DESK_WINDOWS
from crm.sheets import DataFileError, read_text, sheet_rows

FIRST_ACTION_HOURS = 6  # clock hours
COMPLETION_WORKING_DAYS = 7
DESK_COMPLETION_WORKING_DAYS = 3  # walk-in desk channels: the keys of DESK_WINDOWS

# How close a deadline is (crm/sla_state.py decides which): green, amber, red.
AMAN = "aman"
PERINGATAN = "peringatan"  # in the last quarter of the time allowed
TERLAMBAT = "terlambat"  # the deadline has passed

LIBUR_NASIONAL = "libur_nasional"
CUTI_BERSAMA = "cuti_bersama"
WEEKEND = frozenset({5, 6})  # datetime.weekday(): Saturday and Sunday

HOLIDAY_COLUMNS = ("tanggal", "nama", "jenis")
OVERRIDE_COLUMNS = ("category", "first_action_hours", "completion_days", "catatan")

_END_OF_DAY = time(23, 59, 59)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class SlaDataError(DataFileError):
    """A calendar or SLA file that cannot be used, with the place to fix it: `source:line: message`."""


@dataclass(frozen=True, slots=True)
class Holiday:
    """One non-working date: a national public holiday or a day of collective leave."""

    tanggal: date
    nama: str
    jenis: str  # LIBUR_NASIONAL or CUTI_BERSAMA
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SlaOverride:
    """A category's own figures; None keeps the default."""

    category: str
    first_action_hours: int | None
    completion_days: int | None
    catatan: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Deadlines:
    """When the first action and the completion are due, as aware UTC datetimes."""

    first_action: datetime
    completion: datetime


class Calendar:
    """WIB working days: not Saturday, not Sunday, not a listed holiday."""

    def __init__(self, holidays: Iterable[Holiday] = (), source: str = "<kalender>") -> None:
        by_date: dict[date, Holiday] = {}
        for holiday in holidays:
            first = by_date.setdefault(holiday.tanggal, holiday)
            if first is not holiday:
                raise SlaDataError(
                    source, holiday.line,
                    f"tanggal {holiday.tanggal.isoformat()} ganda; sudah ada di baris {first.line}",
                )
        self.source = source
        self.holidays: Mapping[date, Holiday] = MappingProxyType(by_date)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> Calendar:
        """Load and validate a holiday file written by a spreadsheet (UTF-8, comma or semicolon)."""
        return cls._load(Path(path), str(path))

    @classmethod
    def default(cls) -> Calendar:
        """The holidays shipped with the package (2025-2027)."""
        return cls._load(files("crm") / "data" / "hari_libur.csv", "crm/data/hari_libur.csv")

    def is_working_day(self, d: date) -> bool:
        return d.weekday() not in WEEKEND and d not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`th working day after `start` (`start` itself does not count; n=0 gives `start`)."""
        if n < 0:
            raise ValueError(f"jumlah hari kerja tidak boleh negatif: {n}")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    @classmethod
    def _load(cls, source: Path | Traversable, label: str) -> Calendar:
        return cls((_holiday(cells, label, line) for line, cells in _rows(source, label, HOLIDAY_COLUMNS)), label)


class SlaClock:
    """Deadlines of a complaint and how close they are, over a `Calendar` and per-category figures."""

    def __init__(self, calendar: Calendar, overrides: Iterable[SlaOverride] = (), source: str = "<sla>") -> None:
        by_category: dict[str, SlaOverride] = {}
        for override in overrides:
            if override.category not in CATEGORIES:
                raise SlaDataError(source, override.line, f"kategori tidak dikenal: {override.category!r}")
            first = by_category.setdefault(override.category, override)
            if first is not override:
                raise SlaDataError(
                    source, override.line,
                    f"kategori {override.category!r} ganda; sudah ada di baris {first.line}",
                )
        self.calendar = calendar
        self.overrides: Mapping[str, SlaOverride] = MappingProxyType(by_category)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], calendar: Calendar) -> SlaClock:
        """Per-category figures from a spreadsheet CSV, over `calendar`."""
        return cls._load(Path(path), str(path), calendar)

    @classmethod
    def default(cls) -> SlaClock:
        """The packaged calendar and category figures. Load once at start-up and keep the instance."""
        return cls._load(files("crm") / "data" / "sla.csv", "crm/data/sla.csv", Calendar.default())

    def deadlines(
        self, *, channel: str, category: str, received_at: datetime, ews: date | None = None
    ) -> Deadlines:
        """First action in clock hours after receipt; completion at the end of a WIB working day or the EWS."""
        _require_aware(received_at, "received_at")
        if channel not in CHANNELS:
            raise ValueError(f"kanal tidak dikenal: {channel!r}")
        get_category(category)
        override = self.overrides.get(category)
        hours = FIRST_ACTION_HOURS
        days = COMPLETION_WORKING_DAYS
        if override is not None:
            hours = override.first_action_hours or hours
            days = override.completion_days or days
        if channel in DESK_WINDOWS:
            days = min(days, DESK_COMPLETION_WORKING_DAYS)
        received_day = received_at.astimezone(WIB).date()
        if ews is not None and ews < received_day:
            raise ValueError(
                f"Estimasi Waktu Selesai {ews.isoformat()} sebelum tanggal laporan diterima "
                f"{received_day.isoformat()}"
            )
        last_day = ews if ews is not None else self.calendar.add_working_days(received_day, days)
        return Deadlines(
            first_action=received_at.astimezone(timezone.utc) + timedelta(hours=hours),
            completion=datetime.combine(last_day, _END_OF_DAY, tzinfo=WIB).astimezone(timezone.utc),
        )

    def time_left(self, deadline: datetime, now: datetime) -> timedelta:
        """Wall-clock time until `deadline`; negative once it has passed (how late)."""
        _require_aware(deadline, "deadline")
        _require_aware(now, "now")
        return deadline - now

    @classmethod
    def _load(cls, source: Path | Traversable, label: str, calendar: Calendar) -> SlaClock:
        rows = _rows(source, label, OVERRIDE_COLUMNS)
        return cls(calendar, (_override(cells, label, line) for line, cells in rows), label)


def _require_aware(at: datetime, name: str) -> None:
    if at.tzinfo is None:
        raise ValueError(f"{name} harus datetime dengan zona waktu: yang naif bisa UTC atau WIB")


def _rows(source: Path | Traversable, label: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    return sheet_rows(read_text(source), label, columns, SlaDataError)


def _holiday(cells: list[str], source: str, line: int) -> Holiday:
    tanggal, nama, jenis = cells
    if not _ISO_DATE.fullmatch(tanggal):
        raise SlaDataError(source, line, f"tanggal harus berformat TTTT-BB-HH (contoh 2026-03-21): {tanggal!r}")
    try:
        day = date.fromisoformat(tanggal)
    except ValueError:
        raise SlaDataError(source, line, f"tanggal tidak ada di kalender: {tanggal!r}") from None
    if not nama:
        raise SlaDataError(source, line, "kolom nama kosong")
    if jenis not in (LIBUR_NASIONAL, CUTI_BERSAMA):
        raise SlaDataError(source, line, f"jenis harus {LIBUR_NASIONAL} atau {CUTI_BERSAMA}: {jenis!r}")
    return Holiday(day, nama, jenis, line)


def _override(cells: list[str], source: str, line: int) -> SlaOverride:
    category, hours, days, catatan = cells

    def count(value: str, column: str) -> int | None:
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) == 0:
            raise SlaDataError(source, line, f"{column} harus bilangan bulat positif: {value!r}")
        return int(value)

    override = SlaOverride(
        category.lower(), count(hours, "first_action_hours"), count(days, "completion_days"), catatan, line
    )
    if override.first_action_hours is None and override.completion_days is None:
        raise SlaDataError(source, line, "isi first_action_hours atau completion_days (atau hapus barisnya)")
    return override
