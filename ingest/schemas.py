"""What the doors accept, checked field by field before anything is written: `POST /api/v1/reports`
(and every channel adapter, through `make_report`) and `pantau import`'s past complaints. Both
build on the same field types, so a rule (a text's length, a known channel, no time in the future)
is one rule at every door."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import CONTROL_CHARACTERS, Status, is_clean_text, utc_now
from crm.intake import Report

MAX_TEXT = 5000
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # before Jakarta's CRM existed: a typo (year 1, 9999 is the future)


def degrees_from_text(text: str) -> float | None:
    """Degrees written as text (a form field, a CSV cell, Qlue's strings): ASCII decimal and nothing
    else, so "1e2", "nan", "0x1", "1_0" or "١٢" are no coordinate; None for those."""
    return float(text) if DEGREES_TEXT.fullmatch(text) else None


def _known_channel(value: str) -> str:
    if value not in CHANNELS:
        raise ValueError(f"kanal tidak dikenal {value!r}; gunakan salah satu dari: {', '.join(CHANNELS)}")
    return value


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"kategori tidak dikenal {value!r}; gunakan salah satu dari: {', '.join(CATEGORIES)}")
    return value


def _not_in_future(value: datetime) -> datetime:
    if value > utc_now() + CLOCK_SKEW:
        raise ValueError("waktu laporan ada di masa depan")
    return value


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _after_earliest(value: datetime) -> datetime:
    if value < EARLIEST:
        raise ValueError(f"waktu laporan sebelum {EARLIEST.year}: periksa tahunnya")
    return value


def _printable(value: str) -> str:
    if not is_clean_text(value):
        raise ValueError(CONTROL_CHARACTERS)
    return value


Channel = Annotated[str, AfterValidator(_known_channel)]
Category = Annotated[str, AfterValidator(_known_category)]
Printable = AfterValidator(_printable)
ExternalId = Annotated[str, Field(min_length=1, max_length=200), Printable]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), Printable]
Name = Annotated[str, Field(max_length=200), Printable]  # a person, a contact, a desk, an SKPD code
Remark = Annotated[str, Field(max_length=2000), Printable]  # an official's note, a citizen's reason
# JSON numbers only: "106.8" and true are not degrees (channels that write degrees as text read them
# with degrees_from_text first)
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180, allow_inf_nan=False)]
DEGREES_TEXT = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,20})?")
Moment = Annotated[AwareDatetime, AfterValidator(_not_in_future), AfterValidator(_after_earliest)]  # naive: UTC or WIB?
PastMoment = Annotated[Moment, AfterValidator(_in_utc)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    external_id: ExternalId
    text: Text
    category: Category | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    reported_at: Moment | None = None
    reporter_contact: Name | None = None
    reporter_name: Name | None = None
    place_text: Annotated[str, Field(max_length=500), Printable] | None = None
    media: tuple[Annotated[str, Field(max_length=2000), Printable], ...] = Field(default=(), max_length=20)
    desk: Name | None = None
    officer: Name | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> ReportIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat dan lon harus diisi keduanya atau tidak sama sekali")
        return self

    def to_report(self) -> Report:
        return Report(**self.model_dump())


class _PastRecord(BaseModel):
    """A line of a history file: a blank field is an absent one, as an empty spreadsheet cell is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blanks_absent(cls, fields: Any) -> Any:
        if not isinstance(fields, dict):
            return fields
        return {name: value for name, value in fields.items() if not (isinstance(value, str) and not value.strip())}


class PastStepIn(_PastRecord):
    """A status change by an official (`status`), or a reopening by the citizen (`reopened`: why)."""

    at: PastMoment
    status: Status | None = None
    actor: Name = ""
    note: Remark = ""
    to_skpd: Name | None = None
    ews: date | None = None
    evidence: tuple[Sha256, ...] = ()  # the photos' digests: they satisfy the chain, the photos stay out
    reopened: Remark | None = None

    @model_validator(mode="after")
    def _a_change_or_a_reopening(self) -> PastStepIn:
        if (self.status is None) == (self.reopened is None):
            raise ValueError("isi status atau reopened, satu saja / status or reopened, exactly one")
        return self


class PastComplaintIn(_PastRecord):
    """A past complaint: a report with its own category, point, first holder (`skpd`: absent, routed
    like the intake) and the steps of its history in time order."""

    channel: Channel
    external_id: ExternalId
    received_at: PastMoment
    text: Text
    category: Category
    lon: Longitude
    lat: Latitude
    skpd: Name | None = None
    reporter_name: Name | None = None
    history: list[PastStepIn] = []

    def to_report(self) -> Report:
        return Report(channel=self.channel, external_id=self.external_id, text=self.text, category=self.category,
                      lon=self.lon, lat=self.lat, reported_at=self.received_at, reporter_name=self.reporter_name)


FieldError = dict[Literal["field", "message"], str]


def field_errors(error: ValidationError) -> list[FieldError]:
    """One message per field, in the shape the API returns with a 422."""
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"].removeprefix("Value error, ")}
        for e in error.errors()
    ]
