"""How people read dates and numbers, in Bahasa Indonesia and in English: one format for each.

Indonesian: "3 Des 2026 02.21 WIB" and "1.815" (PUEBI: a point groups thousands, a comma marks
decimals, a point separates hours from minutes). English: "3 Dec 2026 02:21 WIB" and "1,815".
Every page renders through here (dashboard/i18n.py `when` and `count` put both languages side by
side) and the browser's live boxes are handed the same tables (`client_formats`, read by
assets/dom.js), so a number or a date looks the same on every screen. Times are always shown in
WIB. The standard library is enough: these are fixed tables, not a locale database.

Machine-facing text (the API's and exports' `*_wib` fields, the CLI) keeps crm.complaint.wib_text.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from crm.complaint import WIB

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")
MONTHS: dict[Lang, tuple[str, ...]] = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
THOUSANDS: dict[Lang, str] = {"id": ".", "en": ","}
DECIMAL: dict[Lang, str] = {"id": ",", "en": "."}
CLOCK: dict[Lang, str] = {"id": ".", "en": ":"}  # between hours and minutes


def day(at: datetime, lang: Lang = "id") -> str:
    """The WIB date: "3 Des 2026" / "3 Dec 2026"."""
    local = at.astimezone(WIB)
    return f"{local.day} {MONTHS[lang][local.month - 1]} {local.year}"


def clock(at: datetime, lang: Lang = "id") -> str:
    """The WIB time of day, 24-hour: "02.21" / "02:21"."""
    local = at.astimezone(WIB)
    return f"{local.hour:02d}{CLOCK[lang]}{local.minute:02d}"


def date_time(at: datetime, lang: Lang = "id") -> str:
    """A moment: "3 Des 2026 02.21 WIB" / "3 Dec 2026 02:21 WIB"."""
    return f"{day(at, lang)} {clock(at, lang)} WIB"


def number(value: float, lang: Lang = "id", decimals: int = 0) -> str:
    """A count or a measure: "1.815" / "1,815"; with `decimals`, "2,5" / "2.5"."""
    whole, _, fraction = f"{value:,.{decimals}f}".partition(".")
    grouped = whole.replace(",", THOUSANDS[lang])
    return f"{grouped}{DECIMAL[lang]}{fraction}" if fraction else grouped


def client_formats() -> dict[str, Any]:
    """The same tables for the browser (assets/dom.js), which formats live values itself."""
    return {"months": MONTHS, "thousands": THOUSANDS, "decimal": DECIMAL, "clock": CLOCK}
