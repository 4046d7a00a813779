"""Reading a JSON delivery field by field, for the JSON channels (Qlue, Twitter, Facebook, LAPOR!).

Each reader says which field is wrong and how, in the messages the dead-letter store keeps, so
an operator can tell a channel's vendor exactly what to fix.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from crm.complaint import WIB
from ingest.channels.base import Inbound, MalformedPayload, require_media_type

JSON = "application/json"
_KIND_NAMES = {dict: "objek", list: "daftar", str: "teks", int: "bilangan bulat", float: "bilangan desimal", bool: "true/false"}

Kind = type | tuple[type, ...]


def read_json(inbound: Inbound) -> dict[str, Any]:
    """The JSON object of a delivery: 415 for another media type, 400 naming what is unreadable."""
    require_media_type(inbound, JSON)
    try:
        payload = json.loads(inbound.body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MalformedPayload("Isi kiriman bukan teks UTF-8 yang sah; JSON harus dikirim dalam UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise MalformedPayload(
            f"Isi kiriman bukan JSON yang sah: {exc.msg} (baris {exc.lineno}, kolom {exc.colno})."
        ) from None
    except RecursionError:  # [[[[... a hundred thousand deep: no channel sends that
        raise MalformedPayload("Isi kiriman bukan JSON yang sah: bersarang terlalu dalam.") from None
    if not isinstance(payload, dict):
        raise MalformedPayload(f"Isi kiriman harus satu objek JSON {{...}}, bukan {_kind_name(type(payload))}.")
    return payload


def required(obj: Mapping[str, Any], name: str, kind: Kind, where: str = "") -> Any:
    """obj[name], of `kind`; MalformedPayload naming `where + name` if it is absent, null or another type."""
    value = optional(obj, name, kind, where)
    if value is None:
        raise _field_error(where + name, "wajib ada")
    return value


def optional(obj: Mapping[str, Any], name: str, kind: Kind, where: str = "") -> Any:
    """obj[name], of `kind`, or None when absent or null; MalformedPayload naming it if another type."""
    value = obj.get(name)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if value is None or (isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))):
        return value
    raise _field_error(where + name, f"harus berupa {' atau '.join(_KIND_NAMES[k] for k in kinds)}")


def objects(obj: Mapping[str, Any], name: str, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The objects in the list obj[name] (absent or null: none), each with its path for messages."""
    found = []
    for index, item in enumerate(optional(obj, name, list, where) or []):
        path = f"{where}{name}[{index}]"
        if not isinstance(item, dict):
            raise _field_error(path, "harus berupa objek")
        found.append((path + ".", item))
    return found


def timestamp(value: str | float | None, name: str) -> datetime | None:
    """A channel's time, aware: Unix seconds, or ISO 8601 read as WIB when it carries no offset."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            at = datetime.fromisoformat(value.strip())
            return at if at.tzinfo else at.replace(tzinfo=WIB)
        return datetime.fromtimestamp(value, timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _field_error(
            name, f"bukan waktu yang dapat dibaca: {value!r}; gunakan ISO 8601, misalnya '2026-11-26 08:15:30' (WIB)"
        ) from None


def _field_error(path: str, problem: str) -> MalformedPayload:
    return MalformedPayload(f"Kolom {path!r} {problem}.", errors=[{"field": path, "message": problem}])


def _kind_name(kind: type) -> str:
    return _KIND_NAMES.get(kind, "null" if kind is type(None) else kind.__name__)
