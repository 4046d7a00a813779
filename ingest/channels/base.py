"""What every channel adapter receives and how it says no.

An adapter is one module in ingest/channels/ that knows one channel's native format and nothing
else. It exposes `parse(inbound: Inbound) -> list[Report]`; a delivery may carry several reports
(a Facebook webhook batches entries), or none (a webhook about something that is not a report).
A delivery it cannot read raises a ChannelError: the receiver answers with its status and
message and keeps the raw body in the dead-letter store for operators to see and replay.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from crm.intake import Report
from ingest.schemas import ReportIn, degrees_from_text, field_errors

MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Inbound:
    """One delivery as it arrived over HTTP (or from a poller), before anything reads it.

    `headers` keys are lower-case. `secrets` holds what a channel needs to check a delivery
    (for example the Facebook app secret); it never comes from the request.
    """

    channel: str
    body: bytes
    content_type: str
    received_at: datetime
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)

    @property
    def media_type(self) -> str:
        """`application/json` of `application/json; charset=utf-8`, lower-case."""
        return self.content_type.split(";", 1)[0].strip().lower()


class ChannelError(ValueError):
    """A delivery a channel adapter cannot turn into reports; `status` is the HTTP answer."""

    status = 400
    default_message = "Kiriman tidak dapat dibaca."
    # False: the delivery is counted on its channel's one letter of unproven deliveries, its body not
    # kept; on a signed door an unsigned body could be anyone's, and anyone could fill the disk with them
    keep_body = True

    def __init__(self, message: str | None = None, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.errors = errors or []


class MalformedPayload(ChannelError):
    status = 400
    default_message = "Isi kiriman rusak atau tidak sesuai format kanal ini."


class BadSignature(ChannelError):
    status = 403
    default_message = "Tanda tangan kiriman tidak sah."
    keep_body = False


class WrongContentType(ChannelError):
    status = 415
    default_message = "Content-Type tidak diterima kanal ini."


class PayloadTooLarge(ChannelError):
    status = 413
    default_message = f"Kiriman lebih dari {MAX_BODY_BYTES:,} bita.".replace(",", ".")


class TooLargeToVerify(PayloadTooLarge):
    """Too large for a signed door to check its signature: as unproven as an unsigned one."""

    keep_body = False


class InvalidReport(ChannelError):
    status = 422
    default_message = "Laporan tidak sah."


def require_media_type(inbound: Inbound, *allowed: str) -> None:
    """Raise WrongContentType unless the delivery's media type is one of `allowed`."""
    if inbound.media_type not in allowed:
        raise WrongContentType(
            f"Content-Type {inbound.media_type or '(kosong)'!r} tidak diterima; gunakan {' atau '.join(allowed)}."
        )


def text_degrees(value: str | None, field: str) -> float | None:
    """A coordinate the channel sends as text, read strictly (ingest/schemas.py degrees_from_text);
    None when absent or blank, InvalidReport naming the field when it is no decimal number."""
    if value is None or not value.strip():
        return None
    degrees = degrees_from_text(value.strip())
    if degrees is None:
        raise InvalidReport(errors=[{"field": field, "message": f"harus angka desimal, mis. -6.1754; bukan {value!r}"}])
    return degrees


def make_report(**fields: Any) -> Report:
    """A Report checked by the same rules as `POST /api/v1/reports`; InvalidReport (422) if not."""
    try:
        return ReportIn.model_validate(fields).to_report()
    except ValidationError as exc:
        raise InvalidReport(errors=field_errors(exc)) from None


class Rejected(Exception):
    """A delivery refused; its raw body is kept as dead letter `dead_letter_id`."""

    def __init__(self, error: ChannelError, dead_letter_id: int) -> None:
        super().__init__(error.message)
        self.error = error
        self.dead_letter_id = dead_letter_id
