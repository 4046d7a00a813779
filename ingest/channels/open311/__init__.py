"""Open311 GeoReport v2: a partner app's `POST /open311/v2/requests.<format>`, a form
(`application/x-www-form-urlencoded`) as the spec defines it.

The package is Open311's one home: this module is the channel adapter (what the registry in
ingest/channels/__init__.py loads), `api.py` the routes at `/open311/v2/`, `shapes.py` what each
resource says in JSON or XML.

    jurisdiction_id=jakarta.go.id&service_code=jalan&lat=-6.1754&long=106.8272
    &address_string=Jl.+Medan+Merdeka+Barat%2C+Gambir&description=Jalan+berlubang+di+depan+halte
    &media_url=https%3A%2F%2Fmitra.example%2Ffoto%2F1.jpg&email=budi%40example.id&first_name=Budi

Fields read (`service_code` and a location required, the rest optional; a blank field is absent):

- `service_code`: one of our category codes (GET services) -> category; unknown: 404, as the spec says.
- `lat`, `long`: WGS84 decimal degrees -> lat, lon (both or neither).
- `address_string`: the place in the reporter's words -> place_text.
- `address_id`: not supported (we keep no master address repository); a request located only by it
  is refused (400). Beside `lat`/`long` or `address_string` it is ignored.
- `description` -> text; the spec makes it optional, so without one the text names the service.
- `media_url`: an http(s) URL -> media.
- `first_name`, `last_name` -> reporter_name; `email`, `phone` -> reporter_contact (`email; phone`).
  Personal: stored for the officers' replies, never published.
- `device_id`, `account_id`, `jurisdiction_id` (we serve one jurisdiction) and `attribute[...]`
  (our services define none) have no place in a report; they count only in the external_id below.

The spec has no client request id, so external_id is `<client>:<sha256>`: the name of the API key
that sent it (the route puts it in the `x-pantau-client` header after checking `api_key`, which it
removes from the body) and a sha256 of the form's fields, sorted, blanks dropped. A partner's
byte-identical resubmission (fields in any order) is therefore a retry and answers with the same
complaint; the same words sent twice by one partner are one complaint unless another field (such
as `device_id` or `account_id`) differs.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType

from crm.categories import CATEGORIES
from crm.intake import Report
from ingest.channels.base import (
    ChannelError,
    Inbound,
    InvalidReport,
    MalformedPayload,
    make_report,
    text_degrees,
)
from ingest.channels.forms import Form, optional, read_form, required

CHANNEL = "open311"
CLIENT_HEADER = "x-pantau-client"

# Our Report's field names as a GeoReport client knows them, for error messages.
SPEC_FIELDS: Mapping[str, str] = MappingProxyType({
    "lat": "lat", "lon": "long", "text": "description", "category": "service_code",
    "place_text": "address_string", "media": "media_url", "reporter_name": "first_name/last_name",
    "reporter_contact": "email/phone", "body": "lat/long",
})


class UnknownService(ChannelError):
    status = 404
    default_message = "service_code tidak dikenal; lihat daftar di services.json."


def parse(inbound: Inbound) -> list[Report]:
    """One report per GeoReport form."""
    client = inbound.headers.get(CLIENT_HEADER)
    if not client:
        raise MalformedPayload("Laporan Open311 dikirim ke POST /open311/v2/requests.json dengan api_key di formulir.")
    form = read_form(inbound)
    code = required(form, "service_code")
    if code not in CATEGORIES:
        raise UnknownService(f"service_code {code!r} tidak dikenal; lihat daftar di services.json.")
    located = (optional(form, "lat"), optional(form, "long"), optional(form, "address_string"))
    if not any(located):
        unsupported = " (address_id tidak didukung)" if optional(form, "address_id") else ""
        raise MalformedPayload(f"Lokasi wajib: kirim lat dan long, atau address_string{unsupported}.",
                               errors=[{"field": "lat/long", "message": "wajib diisi, atau address_string"}])
    media = optional(form, "media_url")
    if media and not media.lower().startswith(("http://", "https://")):
        raise MalformedPayload("media_url harus URL http:// atau https://.",
                               errors=[{"field": "media_url", "message": "bukan URL http(s)"}])
    try:
        return [make_report(
            channel=CHANNEL,
            external_id=f"{client}:{form_digest(form)}",
            text=optional(form, "description") or f"Laporan {CATEGORIES[code].name} tanpa uraian.",
            category=code,
            lat=text_degrees(located[0], "lat"),
            lon=text_degrees(located[1], "lon"),
            place_text=located[2],
            media=(media,) if media else (),
            reported_at=inbound.received_at,
            reporter_name=" ".join(filter(None, (optional(form, "first_name"), optional(form, "last_name")))) or None,
            reporter_contact="; ".join(filter(None, (optional(form, "email"), optional(form, "phone")))) or None,
        )]
    except InvalidReport as invalid:
        errors = [{**e, "field": SPEC_FIELDS.get(e["field"].split(".")[0], e["field"])} for e in invalid.errors]
        raise InvalidReport(errors=errors) from None


def form_digest(form: Form) -> str:
    """sha256 of the filled fields sorted by name (api_key left out): any field order hashes the same."""
    filled = sorted((name, value) for name, value in form.items() if value and name != "api_key")
    return hashlib.sha256(json.dumps(filled, ensure_ascii=False).encode()).hexdigest()
