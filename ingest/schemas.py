"""What `POST /api/v1/reports` accepts, checked field by field before anything is written."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import utc_now
from crm.intake import Report

MAX_TEXT = 5000
CLOCK_SKEW = timedelta(minutes=10)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: str
    external_id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    category: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    reported_at: AwareDatetime | None = None
    reporter_contact: str | None = Field(default=None, max_length=200)
    reporter_name: str | None = Field(default=None, max_length=200)
    place_text: str | None = Field(default=None, max_length=500)
    media: tuple[Annotated[str, Field(max_length=2000)], ...] = Field(default=(), max_length=20)
    desk: str | None = Field(default=None, max_length=200)
    officer: str | None = Field(default=None, max_length=200)

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        if value not in CHANNELS:
            raise ValueError(f"kanal tidak dikenal; gunakan salah satu dari: {', '.join(CHANNELS)}")
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        if value is not None and value not in CATEGORIES:
            raise ValueError(f"kategori tidak dikenal; gunakan salah satu dari: {', '.join(CATEGORIES)}")
        return value

    @field_validator("reported_at")
    @classmethod
    def _not_in_future(cls, value: AwareDatetime | None) -> AwareDatetime | None:
        if value is not None and value > utc_now() + CLOCK_SKEW:
            raise ValueError("waktu laporan ada di masa depan")
        return value

    @model_validator(mode="after")
    def _both_or_neither(self) -> "ReportIn":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat dan lon harus diisi keduanya atau tidak sama sekali")
        return self

    def to_report(self) -> Report:
        return Report(**self.model_dump())


FieldError = dict[Literal["field", "message"], str]


def field_errors(error: ValidationError) -> list[FieldError]:
    """One message per field, in the shape the API returns with a 422."""
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"].removeprefix("Value error, ")}
        for e in error.errors()
    ]
