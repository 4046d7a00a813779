"""The one reader of a complaint-list query string, for every door that lists complaints.

Each door names the fields in its own words (the API `category`, the pages `kategori`, Open311
`service_code`), given as a table from its parameter names to the filter's fields; values are read
and checked the same way everywhere, and every problem is reported at once as {field, message},
named as the door named it. A parameter the door does not know is a problem too: a misspelt
filter silently ignored would answer a question nobody asked.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import TRIAGE_CATEGORY, TRIAGE_LOCATION, Status
from crm.complaint_filter import ANY_TRIAGE, ComplaintFilter
from crm.skpd import KELURAHAN_PREFIX, SKPDS
from crm.windows import WINDOWS, window_start
from store import areas
from web import params

FIELDS = ("kota", "kecamatan", "kelurahan", "skpd", "category", "status", "channel", "window", "since", "until",
          "triage", "q")
API_NAMES = {name: name for name in FIELDS}  # /api/v1/complaints and the exports name the fields themselves
# The command centre's and /wilayah's URL (`/?kota=31.71&kategori=banjir&status=Menunggu&kanal=sms&sejak=today&q=...`).
PAGE_NAMES = {"kota": "kota", "kecamatan": "kecamatan", "kelurahan": "kelurahan", "skpd": "skpd",
              "kategori": "category", "status": "status", "kanal": "channel", "sejak": "since", "q": "q"}
# /wilayah's: its path names the area and `window` the period.
AREA_NAMES = {name: PAGE_NAMES[name] for name in ("kategori", "status", "kanal", "q")}
TRIAGE = {"semua": ANY_TRIAGE, TRIAGE_CATEGORY: TRIAGE_CATEGORY, TRIAGE_LOCATION: TRIAGE_LOCATION}
AREA_LEVELS = {"kota": areas.KOTA, "kecamatan": areas.KECAMATAN, "kelurahan": areas.KELURAHAN}
EXAMPLE_CODES = {"kota": "31.71", "kecamatan": "31.71.01", "kelurahan": "31.71.01.1001"}
KELURAHAN_OFFICE = re.compile(re.escape(KELURAHAN_PREFIX) + r"\d{10}")
MAX_WORDS, MAX_QUERY = 8, 200
TIME_EXAMPLE = "waktu ISO 8601 dengan zona, misalnya 2026-11-27T08:00:00+07:00"
SINCE_EXAMPLE = f"{TIME_EXAMPLE}, atau jangka waktu: {', '.join(WINDOWS)}"


@dataclass
class _Reading:
    args: Mapping[str, str]
    names: Mapping[str, str]  # the door's parameter -> the filter's field
    problems: list[dict[str, str]] = field(default_factory=list)

    def value(self, wanted: str) -> tuple[str, str] | None:
        """(the door's parameter name, its value) for a field the query gives, else None."""
        for name, meant in self.names.items():
            if meant == wanted and (self.args.get(name) or "").strip():
                return name, self.args[name].strip()
        return None

    def listed(self, wanted: str, known: Any, hint: str) -> tuple[str, ...]:
        """A comma-separated field's values, each one of `known`."""
        given = self.value(wanted)
        if given is None:
            return ()
        name, text = given
        values = tuple(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))
        if unknown := [v for v in values if v not in known]:
            self.refuse(name, f"tidak dikenal: {', '.join(unknown)}; gunakan: {hint}")
        return values

    def refuse(self, name: str, message: str) -> None:
        self.problems.append({"field": name, "message": message})


def read_filter(args: Mapping[str, str], now: datetime, names: Mapping[str, str] = API_NAMES, *,
                also: tuple[str, ...] = ()) -> tuple[ComplaintFilter, list[dict[str, str]]]:
    """The filter a query string asks for, and every problem with it (empty when none). `also`: the
    door's own parameters beside the filter (a page size), read by the door itself."""
    reading = _Reading(args, names)
    for name in args:
        if name not in names and name not in also:
            reading.refuse(name, f"parameter tidak dikenal; gunakan: {', '.join((*names, *also))}")
    values: dict[str, Any] = {}
    for level in AREA_LEVELS:
        if given := reading.value(level):
            values[f"kode_{level}"] = given[1]
            if not _is_level(given[1], AREA_LEVELS[level]):
                reading.refuse(given[0], f"kode {level} Kemendagri, misalnya {EXAMPLE_CODES[level]}")
    if given := reading.value("skpd"):
        values["skpd"] = given[1]
        if given[1] not in SKPDS and not KELURAHAN_OFFICE.fullmatch(given[1]):
            reading.refuse(given[0], "kode SKPD tidak dikenal; lihat GET /api/v1/skpd")
    values["categories"] = reading.listed("category", CATEGORIES, ", ".join(CATEGORIES))
    statuses = reading.listed("status", {s.value for s in Status}, ", ".join(s.value for s in Status))
    values["channels"] = reading.listed("channel", CHANNELS, ", ".join(CHANNELS))
    if given := reading.value("triage"):
        values["triage"] = TRIAGE.get(given[1])
        if values["triage"] is None:
            reading.refuse(given[0], f"gunakan: {', '.join(TRIAGE)}")
    _read_times(reading, values, now)
    if given := reading.value("q"):
        words = tuple(given[1][:MAX_QUERY].split())[:MAX_WORDS]
        values["words"] = words
    if reading.problems:
        return ComplaintFilter(), reading.problems
    return ComplaintFilter(statuses=tuple(Status(s) for s in statuses), **values), []


def _read_times(reading: _Reading, values: dict[str, Any], now: datetime) -> None:
    window, since, until = reading.value("window"), reading.value("since"), reading.value("until")
    if window is not None:
        if since or until:
            reading.refuse(window[0], "pakai jangka waktu atau since/until, tidak keduanya")
        elif window[1] in WINDOWS:
            values["since"] = window_start(window[1], now)
        else:
            reading.refuse(window[0], f"jangka waktu tidak dikenal; gunakan: {', '.join(WINDOWS)}")
    for given, key in ((since, "since"), (until, "until")):
        if key == "since" and given is not None and given[1] in WINDOWS:
            values[key] = window_start(given[1], now)  # `since=7d`: the start of a window, as officials count it
        elif given is not None:
            at = params.aware_time(given[1].replace(" ", "+"))  # an unencoded "+07:00" arrives as " 07:00"
            if at is None:
                reading.refuse(given[0], SINCE_EXAMPLE if key == "since" else TIME_EXAMPLE)
            values[key] = at
    if values.get("since") and values.get("until") and values["since"] > values["until"]:
        reading.refuse(until[0] if until else "until", "harus sesudah awal jangka waktu")


def _is_level(kode: str, level: str) -> bool:
    try:
        return areas.level_of(kode) == level
    except ValueError:
        return False
