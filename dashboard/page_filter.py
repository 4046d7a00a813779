"""The filter of the command centre's URL (`/?kota=31.71&kategori=banjir&status=Menunggu&kanal=sms&sejak=today&q=...`),
as the server reads it and as the browser is given it.

The URL is read by the one complaint-list reader (web/complaint_query.py, PAGE_NAMES), so the page
narrows exactly as the API and the exports do. The browser gets the same filter as plain data
(`client_filter`) and applies it to live events with assets/live.js `shows`, which mirrors
store/filters.py; a screen subscribes only to the room that holds what it shows (`room_of`).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crm.complaint_filter import ComplaintFilter
from crm.rooms import CITY
from web.complaint_query import PAGE_NAMES, read_filter

PAGE_ONLY = ("layar",)  # the command centre's own parameters beside the filter (wall mode)


def read_page_filter(query: Mapping[str, str], now: datetime) -> tuple[ComplaintFilter, list[dict[str, str]]]:
    """The filter the page's URL asks for and every problem with it; with a problem, no filter."""
    return read_filter(query, now, PAGE_NAMES, also=PAGE_ONLY)


def is_filtered(where: ComplaintFilter) -> bool:
    return where != ComplaintFilter()


def room_of(where: ComplaintFilter) -> str:
    """The narrowest room (crm/rooms.py) holding every event the filter may show."""
    if where.skpd:
        return f"skpd:{where.skpd}"
    kode = where.kode_kelurahan or where.kode_kecamatan or where.kode_kota
    return f"kota:{kode[:5]}" if kode else CITY  # a Kemendagri code starts with its kota's: 31.71.01 is in 31.71


def client_filter(where: ComplaintFilter) -> dict[str, Any]:
    """The filter as assets/live.js reads it: codes, lists, the start in epoch ms and lower-case words."""
    return {
        "kota": where.kode_kota, "kecamatan": where.kode_kecamatan, "kelurahan": where.kode_kelurahan,
        "skpd": where.skpd, "categories": list(where.categories), "statuses": [str(s) for s in where.statuses],
        "channels": list(where.channels), "since_ms": int(where.since.timestamp() * 1000) if where.since else None,
        "words": [w.lower() for w in where.words],
    }
