"""The intake pipeline: one small named step each, the same for every channel.

classify -> locate -> route -> save -> announce. Saving commits before anything is announced,
so a complaint is acknowledged or published only once it is durable. The store and the
publisher come in as plain callables: crm/ knows no database and no web framework.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.categories import FALLBACK, get_category
from crm.complaint import Complaint, Jurisdiction, new_ticket, received_event, utc_now
from crm.routing import RoutingRules


@dataclass(frozen=True, slots=True)
class Report:
    """A validated report from any channel, before it becomes a complaint."""

    channel: str
    external_id: str
    text: str
    category: str | None = None
    lon: float | None = None
    lat: float | None = None
    reported_at: datetime | None = None
    reporter_contact: str | None = None  # personal: never published
    reporter_name: str | None = None  # personal: never published
    place_text: str | None = None  # where the reporter says it is, when there are no coordinates
    media: tuple[str, ...] = ()  # photo or attachment URLs
    desk: str | None = None  # walk-in desks: which desk took it
    officer: str | None = None  # walk-in desks: who entered it


Locate = Callable[[float, float], Jurisdiction | None]
Save = Callable[[Complaint], tuple[Complaint, bool]]  # (stored complaint, newly created?)
Announce = Callable[[Complaint], None]


@dataclass(frozen=True)
class Intake:
    locate: Locate
    rules: RoutingRules
    save: Save
    announce: Announce

    def __call__(self, report: Report) -> tuple[Complaint, bool]:
        """Turn a report into a stored complaint; a repeated delivery returns the first one."""
        received_at = report.reported_at or utc_now()
        category = classify(report)
        jurisdiction = locate(report, self.locate)
        complaint = Complaint(
            ticket=new_ticket(received_at),
            channel=report.channel,
            external_id=report.external_id,
            received_at=received_at,
            text=report.text,
            category=category,
            lon=report.lon,
            lat=report.lat,
            jurisdiction=jurisdiction,
            skpd=self.rules.route(category, jurisdiction),
            reporter_contact=report.reporter_contact,
            history=[received_event(received_at, f"Diterima melalui kanal {report.channel}")],
        )
        stored, created = self.save(complaint)
        if created:
            self.announce(stored)
        return stored, created


def classify(report: Report) -> str:
    """Keep the category the channel gave; without one, Lainnya until a classifier exists."""
    return get_category(report.category).code if report.category else FALLBACK


def locate(report: Report, lookup: Locate) -> Jurisdiction | None:
    if report.lon is None or report.lat is None:
        return None
    return lookup(report.lon, report.lat)
