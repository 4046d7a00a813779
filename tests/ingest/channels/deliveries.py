"""Deliveries for the channel adapters' tests: the recorded payloads in tests/data/channels, and
Inbound objects as the HTTP door builds them, so a test file says only where its channel differs."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from crm.intake import Report
from ingest.channels import adapter
from ingest.channels.base import Inbound

DATA = Path(__file__).resolve().parents[2] / "data" / "channels"
ARRIVED = datetime(2026, 11, 27, 3, 42, 10, tzinfo=UTC)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

Body = bytes | dict[str, Any] | list[Any]


def recorded_json(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded JSON payload, top-level fields replaced by `changes`."""
    return json.loads((DATA / name).read_text(encoding="utf-8")) | changes


def recorded_form(name: str, **changes: str) -> dict[str, str]:
    """A recorded form post's fields, blank ones kept, replaced by `changes`."""
    return dict(parse_qsl((DATA / name).read_text(encoding="utf-8"), keep_blank_values=True)) | changes


@dataclass(frozen=True)
class Deliveries:
    """Deliveries to one channel's adapter. A dict or list body is encoded as the content type
    says (a form or JSON); bytes are sent as they are, for what no client library would write."""

    channel: str
    content_type: str = JSON
    received_at: datetime = ARRIVED

    def inbound(self, body: Body, *, channel: str | None = None, content_type: str | None = None,
                received_at: datetime | None = None, headers: Mapping[str, str] | None = None,
                secrets: Mapping[str, str] | None = None) -> Inbound:
        content_type = self.content_type if content_type is None else content_type
        if isinstance(body, bytes):
            raw = body
        else:
            as_form = content_type.split(";", 1)[0] == FORM
            raw = (urlencode(body) if as_form else json.dumps(body)).encode()
        return Inbound(channel=channel or self.channel, body=raw, content_type=content_type,
                       received_at=received_at or self.received_at, headers=headers or {}, secrets=secrets or {})

    def parse_one(self, body: Body) -> Report:
        """The delivery's only report."""
        [report] = adapter(self.channel).parse(self.inbound(body))
        return report
