"""Reading an HTML-style form post (`application/x-www-form-urlencoded`), for the form channels.

Shared by the SMS Center gateway and the jakarta.go.id form, so both read bodies and say no
the same way. Read from the raw body with the standard library: an adapter sees only the
Inbound, never a web framework's request. A form has no null: an input left empty arrives as
`name=`, so a blank value counts as missing.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from ingest.channels.base import Inbound, MalformedPayload, require_media_type

FORM = "application/x-www-form-urlencoded"

Form = dict[str, str]


def read_form(inbound: Inbound) -> Form:
    """Each field of the form once, values stripped; 415 for another media type, 400 if unreadable."""
    require_media_type(inbound, FORM)
    try:
        fields = parse_qs(inbound.body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise MalformedPayload("Isi formulir bukan teks UTF-8 yang sah; kirim dengan pengodean UTF-8.") from None
    repeated = sorted(name for name, values in fields.items() if len(values) > 1)
    if repeated:
        raise MalformedPayload(f"Kolom dikirim lebih dari sekali: {', '.join(repeated)}.",
                               errors=[{"field": name, "message": "dikirim lebih dari sekali"} for name in repeated])
    return {name: values[0].strip() for name, values in fields.items()}


def required(form: Form, name: str) -> str:
    """The value of a field the channel always sends; MalformedPayload naming it if absent or blank."""
    value = form.get(name)
    if not value:
        raise MalformedPayload(f"Kolom {name!r} wajib diisi.", errors=[{"field": name, "message": "wajib diisi"}])
    return value


def optional(form: Form, name: str) -> str | None:
    """The value of a field, or None when it is absent or left blank."""
    return form.get(name) or None
