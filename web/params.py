"""Query and path values read the same strict way at every door: a count is ASCII digits within its
bounds (never "²" or 4,300 digits), an id fits the database's BIGINT, a time is ISO 8601 with a zone
in years a city's records can hold. Each returns None for anything else, so a door can name the field
in its own error shape instead of failing on it."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.routing import IntegerConverter

if TYPE_CHECKING:
    from flask import Flask

MAX_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite: a larger id cannot even be asked for
FIRST_YEAR, LAST_YEAR = 1900, 2999
MAX_DIGITS = 20


def count(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number in [low, high], or None."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def record_id(text: str) -> int | None:
    """`text` as a stored row's id (1 to MAX_ID), or None."""
    return count(text, 1, MAX_ID)


def aware_time(text: str) -> datetime | None:
    """`text` as an ISO 8601 time with a zone, in UTC, or None (no zone, a year out of range)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    if at.utcoffset() is None or not FIRST_YEAR <= at.year <= LAST_YEAR:
        return None
    return at.astimezone(UTC)


class BoundedInt(IntegerConverter):
    """`<int:...>` in every route of the app: a number past the database's BIGINT is no such
    address (404) rather than a query the database cannot run (500)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def install_converters(server: Flask) -> None:
    """Before any route is added: routes are compiled with the converters the map has then."""
    server.url_map.converters["int"] = BoundedInt
