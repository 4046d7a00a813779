"""Open311 GeoReport v2 shapes: what each resource says, as plain values, and how it is written
in JSON or XML. No web framework here: api.py routes, this module shapes.

JSON follows the spec's Spark convention: a list resource is a bare array. XML is the same
value with the spec's element names: a list becomes its wrapper element (`services`,
`service_requests`, ...) holding one item element each (`service`, `request`, ...); null is an
empty element. Reporter contact and name are never read here: a request is built from the
fields a public screen may see.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from crm.categories import CATEGORIES
from crm.complaint import WIB, Complaint, Status
from crm.public_view import public_complaint
from crm.routing import KELURAHAN, RoutingRules
from crm.skpd import KELURAHAN_PREFIX, SKPDS, kelurahan_office

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MEDIA_TYPES: Mapping[str, str] = MappingProxyType({
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
})
ITEM_TAGS: Mapping[str, str] = MappingProxyType({
    "services": "service", "service_requests": "request", "attributes": "attribute",
    "endpoints": "endpoint", "formats": "format", "errors": "error",
})

# The one home of the status mapping: our chain ends at Selesai; every other step (TL Ditolak
# included: the cycle repeats) is still open for the reporter.
CLOSED: frozenset[Status] = frozenset({Status.SELESAI})
OPEN311_STATUSES = ("open", "closed")


def open311_status(status: Status) -> str:
    return "closed" if status in CLOSED else "open"


def statuses_of(open311: str) -> frozenset[Status]:
    """Our statuses behind an Open311 `open` or `closed`."""
    return CLOSED if open311 == "closed" else frozenset(Status) - CLOSED


def discovery(url: str, changeset: datetime) -> dict[str, Any]:
    """The discovery document. `changeset` is when this process loaded the catalogue and the
    routing rules, the data services.json is made of: a later one tells clients to refresh."""
    stamp = w3(changeset)
    return {
        "changeset": stamp,
        "contact": "Pengelola Pantau, pusat komando pengaduan warga Provinsi DKI Jakarta.",
        "key_service": "Kunci API dibuat pengelola Pantau ('pantau keys create NAMA_MITRA --scope channel:open311'); "
                       "kirim sebagai api_key di formulir POST requests.",
        "endpoints": [{
            "specification": SPECIFICATION, "url": url, "changeset": stamp, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }


def services(rules: RoutingRules) -> list[dict[str, Any]]:
    """Every category is a service; its group is the agency that holds it province-wide."""
    return [{
        "service_code": c.code,
        "service_name": c.name,
        "description": c.description,
        "metadata": False,
        "type": "realtime",
        "keywords": f"{c.name_en}, {c.code.replace('_', ' ')}",
        "group": unit_name(rules.rule_for(c.code, None).skpd),
    } for c in CATEGORIES.values()]


def service_definition(code: str) -> dict[str, Any]:
    """Our services ask for nothing beyond the standard fields: no attributes."""
    return {"service_code": code, "attributes": []}


def service_request(complaint: Complaint) -> dict[str, Any]:
    """A stored complaint as a GeoReport service request, in the spec's field order, built from the
    one public view (crm/public_view.py): masked text and notes, only http(s) media."""
    shown = public_complaint(complaint)
    last = complaint.history[-1] if complaint.history else None
    where = complaint.jurisdiction
    category = CATEGORIES.get(complaint.category)
    return {
        "service_request_id": str(complaint.id),
        "status": open311_status(complaint.status),
        "status_notes": (shown["history"][-1]["note"] or None) if last else None,
        "service_name": category.name if category else complaint.category,
        "service_code": complaint.category,
        "description": shown["text"],
        "agency_responsible": agency(complaint),
        "service_notice": notice(complaint),
        "requested_datetime": w3(complaint.received_at),
        "updated_datetime": w3(last.at if last else complaint.received_at),
        "expected_datetime": None,  # until the SLA clock sets a deadline
        "address": f"Kelurahan {where.kelurahan}, Kecamatan {where.kecamatan}, {where.kota}" if where else None,
        "address_id": None,
        "zipcode": None,
        "lat": complaint.lat,
        "long": complaint.lon,
        "media_url": shown["media"][0] if shown["media"] else None,
    }


def agency(complaint: Complaint) -> str:
    """The name of the SKPD holding the complaint (a kelurahan office is named from its place)."""
    if complaint.skpd.startswith(KELURAHAN_PREFIX) and complaint.jurisdiction is not None:
        return kelurahan_office(complaint.jurisdiction).name
    return unit_name(complaint.skpd)


def unit_name(code: str) -> str:
    if code == KELURAHAN:
        return "Kantor kelurahan setempat"
    unit = SKPDS.get(code)
    return unit.name if unit else code


def notice(complaint: Complaint) -> str:
    return f"Tiket {complaint.ticket}: ditangani {agency(complaint)}."


def errors(code: int, *descriptions: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": d} for d in descriptions]


def w3(at: datetime) -> str:
    """A W3C datetime with its offset, in WIB: 2026-11-27T15:10:42+07:00."""
    return at.astimezone(WIB).isoformat(timespec="seconds")


def render(fmt: str, root: str, value: Any) -> bytes:
    """`value` written as `fmt` (a key of MEDIA_TYPES); `root` names the XML document element."""
    if fmt == "json":
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    return ET.tostring(_element(root, value), encoding="utf-8", xml_declaration=True)


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        element.extend(_element(name, item) for name, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEM_TAGS[tag], item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element
