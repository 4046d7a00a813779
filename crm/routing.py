"""Routing rules as data: which SKPD first holds a complaint of a category in a place.

Officials keep the rules in a spreadsheet saved as CSV (`crm/data/routing_rules.csv`), one row
per rule: `category,kode_kota,kode_kelurahan,skpd,catatan`. A row with neither code is the
province-wide rule; the most specific rule wins: kelurahan, then kota, then province-wide.
The target `KELURAHAN` means the kelurahan office of the complaint's own place.

A complaint without a jurisdiction (outside Jakarta, or no location given) takes the
province-wide rule. If that rule says KELURAHAN there is no office to send it to, so it goes to
the Biro Pemerintahan (`UNLOCATED_FALLBACK`), which supervises the kelurahan and verifies CRM
follow-ups: it finds out where the problem is and passes the complaint on.

Loading checks every row and stops at the first problem with the file and line number, so a
typo in the spreadsheet fails at start-up instead of misrouting complaints for days.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from crm.categories import CATEGORIES, get_category
from crm.sheets import DataFileError, read_text, sheet_rows
from crm.skpd import SKPDS, WILAYAH, kelurahan_office
from geo.jurisdiction import Jurisdiction

KELURAHAN = "KELURAHAN"
UNLOCATED_FALLBACK = "BIROPEM"
COLUMNS = ("category", "kode_kota", "kode_kelurahan", "skpd", "catatan")

_KODE_KOTA = re.compile(r"\d{2}\.\d{2}")
_KODE_KELURAHAN = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


class RoutingRulesError(DataFileError):
    """A rules file that cannot be used, with the place to fix it: `source:line: message`."""


@dataclass(frozen=True, slots=True)
class RoutingRule:
    """One row. `kode_kota` is filled in from `kode_kelurahan` when only the kelurahan is given."""

    category: str
    kode_kota: str | None
    kode_kelurahan: str | None
    skpd: str
    catatan: str = ""
    line: int | None = None

    @property
    def scope(self) -> str:
        """The place the rule covers: a kelurahan code, a kota code, or "" for the whole province."""
        return self.kode_kelurahan or self.kode_kota or ""


class RoutingRules:
    """A validated, complete set of rules: every catalogue category has a province-wide rule."""

    def __init__(self, rules: Iterable[RoutingRule], source: str = "<rules>") -> None:
        self.source = source
        self.rules = tuple(rules)
        self._by_key: dict[tuple[str, str], RoutingRule] = {}
        for rule in self.rules:
            self._check_row(rule)
            first = self._by_key.setdefault((rule.category, rule.scope), rule)
            if first is not rule:
                where = rule.scope or "seluruh provinsi"
                raise RoutingRulesError(
                    source, rule.line,
                    f"aturan ganda untuk kategori {rule.category!r} di {where}; "
                    f"sudah ada di baris {first.line}",
                )
        for category in CATEGORIES:
            if (category, "") not in self._by_key:
                line = next((r.line for r in self.rules if r.category == category), None)
                raise RoutingRulesError(
                    source, line,
                    f"kategori {category!r} tidak punya aturan tingkat provinsi "
                    "(baris dengan kode_kota dan kode_kelurahan kosong)",
                )

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> RoutingRules:
        """Load and validate a rules file written by a spreadsheet (UTF-8, comma or semicolon)."""
        return cls._load(Path(path), str(path))

    @classmethod
    def default(cls) -> RoutingRules:
        """The rules shipped with the package. Load once at start-up and keep the instance."""
        resource = files("crm") / "data" / "routing_rules.csv"
        return cls._load(resource, "crm/data/routing_rules.csv")

    def rule_for(self, category: str, jurisdiction: Jurisdiction | None) -> RoutingRule:
        """The most specific rule for a category at a place (province-wide when there is no place)."""
        get_category(category)
        scopes = ("",) if jurisdiction is None else (jurisdiction.kode_kelurahan, jurisdiction.kode_kota, "")
        return next(self._by_key[key] for s in scopes if (key := (category, s)) in self._by_key)

    def route(self, category: str, jurisdiction: Jurisdiction | None) -> str:
        """The SKPD code that first holds the complaint; a `KEL-` code for a kelurahan office."""
        target = self.rule_for(category, jurisdiction).skpd
        if target != KELURAHAN:
            return target
        return UNLOCATED_FALLBACK if jurisdiction is None else kelurahan_office(jurisdiction).code

    @classmethod
    def _load(cls, source: Path | Traversable, label: str) -> RoutingRules:
        return cls(_parse(read_text(source), label), label)

    def _check_row(self, rule: RoutingRule) -> None:
        """Checks that need the catalogues: category, SKPD, and that a Sudin serves the rule's place."""
        def fail(message: str) -> RoutingRulesError:
            return RoutingRulesError(self.source, rule.line, message)

        if rule.category not in CATEGORIES:
            raise fail(f"kategori tidak dikenal: {rule.category!r}")
        if rule.skpd == KELURAHAN:
            return
        skpd = SKPDS.get(rule.skpd)
        if skpd is None:
            raise fail(f"SKPD tidak dikenal: {rule.skpd!r} (pakai kode katalog atau {KELURAHAN})")
        if skpd.kode_kota is not None and skpd.kode_kota != rule.kode_kota:
            where = f"kota {rule.kode_kota}" if rule.kode_kota else "seluruh provinsi"
            raise fail(f"{skpd.code} ({skpd.name}) bertugas di kota {skpd.kode_kota}, bukan {where}")


def _parse(text: str, source: str) -> list[RoutingRule]:
    """Rows as rules, checking the header and the shape of each code."""
    return [_row(cells, source, line) for line, cells in sheet_rows(text, source, COLUMNS, RoutingRulesError)]


def _row(cells: list[str], source: str, line: int) -> RoutingRule:
    category, kode_kota, kode_kelurahan, skpd, catatan = cells

    def fail(message: str) -> RoutingRulesError:
        return RoutingRulesError(source, line, message)

    if kode_kota and not _KODE_KOTA.fullmatch(kode_kota):
        raise fail(f"kode_kota salah format: {kode_kota!r} (contoh: 31.72)")
    if kode_kota and kode_kota not in WILAYAH:
        raise fail(f"kode_kota {kode_kota!r} bukan kota/kabupaten di DKI Jakarta")
    if kode_kelurahan:
        if not _KODE_KELURAHAN.fullmatch(kode_kelurahan):
            raise fail(f"kode_kelurahan salah format: {kode_kelurahan!r} (contoh: 31.72.05.1001)")
        if kode_kelurahan[:5] not in WILAYAH:
            raise fail(f"kode_kelurahan {kode_kelurahan!r} bukan kelurahan di DKI Jakarta")
        if kode_kota and kode_kota != kode_kelurahan[:5]:
            raise fail(f"kode_kelurahan {kode_kelurahan} tidak berada di kode_kota {kode_kota}")
        kode_kota = kode_kelurahan[:5]
    if not skpd:
        raise fail("kolom skpd kosong")
    return RoutingRule(category.lower(), kode_kota or None, kode_kelurahan or None, skpd.upper(), catatan, line)
