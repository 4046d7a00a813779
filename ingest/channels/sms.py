"""SMS Center: the SMS gateway posts each incoming SMS as a form (`application/x-www-form-urlencoded`).

    message_id=SMSC-20261127-000417&sender=6281234567890&timestamp=2026-11-27+08%3A15%3A02
    &message=Lampu+PJU+mati+di+Jl.+Kramat+Raya+depan+RS+St.+Carolus%2C+udh+3+malam+gelap+bgt

Fields read (all required; any other field the gateway adds is ignored):

- `message_id`: the gateway's id of the SMS, the same on every retry -> external_id.
- `sender`: the MSISDN, e.g. `6281234567890` -> reporter_contact (a `+` the gateway forgot to
  encode as `%2B` arrives as a space and is stripped).
- `message`: the text, multipart SMS already joined by the gateway -> text.
- `timestamp`: when the SMS Center received it -> reported_at. Either the gateway's wall clock in
  WIB, `2026-11-27 08:15:02`, or ISO 8601 with an offset, `2026-11-27T01:15:02Z`, or Unix
  epoch seconds, `1795742102`.

An SMS carries no coordinates and no place field: place_text stays empty and the intake looks
for places in the text itself. No category either: the classifier decides.
"""
from __future__ import annotations

from datetime import datetime, timezone

from crm.complaint import WIB
from crm.intake import Report
from ingest.channels.base import Inbound, MalformedPayload, make_report
from ingest.channels.forms import read_form, required

CHANNEL = "sms"


def parse(inbound: Inbound) -> list[Report]:
    """One report per SMS."""
    form = read_form(inbound)
    return [make_report(
        channel=CHANNEL,
        external_id=required(form, "message_id"),
        text=required(form, "message"),
        reporter_contact=required(form, "sender"),
        reported_at=received_at(required(form, "timestamp")),
    )]


def received_at(value: str) -> datetime:
    """The gateway's timestamp as an aware UTC time; a time without an offset is WIB."""
    try:
        at = datetime.fromtimestamp(int(value), timezone.utc) if value.isdigit() else datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise MalformedPayload(
            f"Kolom 'timestamp' tidak dapat dibaca: {value!r}; gunakan '2026-11-27 08:15:02' (WIB), "
            "ISO 8601 dengan zona waktu, atau detik epoch Unix.",
            errors=[{"field": "timestamp", "message": "format waktu tidak dikenal"}],
        ) from None
    return (at if at.tzinfo else at.replace(tzinfo=WIB)).astimezone(timezone.utc)
