"""The intake pipeline: one small named step each, the same for every channel.

classify -> locate -> check the desk's hours -> route -> set the SLA deadlines -> save and announce. The complaint and
its live event commit in one transaction before anything is emitted or acknowledged, so a
complaint is published only once it is durable, and never stored unannounced. The store with
its publisher, the classifier and the gazetteer come in as plain callables: crm/ knows no
database and no web framework.

A complaint intake cannot place or classify with confidence is still stored and routed (to the
kelurahan, or the Biro Pemerintahan when it has no place), and marked for the operators'
triage queue with the reasons, instead of guessing.

The first history note says why, so an operator sees what intake read in the text: the
classifier's words ("Kategori jalan (keyakinan 0.99; kata: «jalan berlubang», «berlubang»)"),
the gazetteer's ("Lokasi dari teks (ketelitian: halte; kata: «halte cawang» → Cawang)"), and a
name that places far apart share with the candidates ("Lokasi ambigu: «pasar embrio» bisa
Pasar Embrio (Semper Barat), Pasar Embrio (...); perlu triase operator"). The words are the
text's own, which is published with the complaint anyway; no reporter's name or contact enters a note.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from crm.categories import FALLBACK, get_category
from crm.classifier import Classification
from crm.complaint import (
    PRECISE,
    TRIAGE_CATEGORY,
    TRIAGE_LOCATION,
    Complaint,
    Jurisdiction,
    code_hash,
    new_ticket,
    new_tracking_code,
    received_event,
    utc_now,
)
from crm.desks import is_open
from crm.routing import RoutingRules
from crm.sla import SlaClock

if TYPE_CHECKING:
    from geo.gazetteer import Ambiguous, Place


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
    replying_to: tuple[str, ...] = ()  # email: the Message-IDs it answers (In-Reply-To, References)


Locate = Callable[[float, float], Jurisdiction | None]
Classify = Callable[[str], Classification]
# Gazetteer.search: a place, a name that places far apart share (Ambiguous), or None.
FindPlace = Callable[[str], "Place | Ambiguous | None"]
# Stores and announces, atomically: (stored complaint, newly created?) for each, in order.
Save = Callable[[Sequence[Complaint]], list[tuple[Complaint, bool]]]


SHOWN_WORDS = 5  # classifier words in the category note, strongest first
SHOWN_CANDIDATES = 5  # places in an ambiguity note; the rest are counted


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a report is: its point, jurisdiction, how precisely it is known, and the note saying why."""

    lon: float | None
    lat: float | None
    jurisdiction: Jurisdiction | None
    precision: str | None
    note: str | None = None


@dataclass(frozen=True)
class Intake:
    locate: Locate
    rules: RoutingRules
    save: Save
    classify: Classify
    find_place: FindPlace
    sla: SlaClock
    threshold: float = 0.5

    def __call__(self, report: Report) -> tuple[Complaint, bool]:
        """Turn a report into a stored complaint; a repeated delivery returns the first one."""
        return self.many([report])[0]

    def many(self, reports: Sequence[Report]) -> list[tuple[Complaint, bool]]:
        """Reports in, (complaint, created) out in the same order: one transaction, one announcement."""
        return self.save([self.build(report) for report in reports])

    def build(self, report: Report) -> Complaint:
        """Every step but saving and announcing: pure, so a batch can store many at once."""
        category, confidence, category_note, unsure = self.categorise(report)
        placed = self.place(report)
        triage = [reason for reason, needed in ((TRIAGE_CATEGORY, unsure),
                                                (TRIAGE_LOCATION, placed.precision is None)) if needed]
        return build_complaint(report, category=category, placed=placed, rules=self.rules, sla=self.sla,
                               confidence=confidence, triage=triage, notes=(category_note, placed.note))

    def categorise(self, report: Report) -> tuple[str, float | None, str | None, bool]:
        """(category, classifier confidence or None if the channel named it, the note saying why or
        None if the channel named it, whether the operators must decide)."""
        if report.category:
            return get_category(report.category).code, None, None, False
        guess = self.classify(report.text)
        said = _words_said(guess.words[:SHOWN_WORDS])
        if guess.confidence >= self.threshold:
            note = f"Kategori {guess.category} (keyakinan {guess.confidence:.2f}{said})"
            return guess.category, guess.confidence, note, False
        note = f"Kategori ragu (saran: {guess.category}, keyakinan {guess.confidence:.2f}{said}); perlu triase operator"
        return FALLBACK, guess.confidence, note, True

    def place(self, report: Report) -> Placed:
        """The channel's point if it sent one; else a place named in the text, at its own precision.
        A name that places far apart share, with nothing in the text to choose, is not guessed."""
        if report.lon is not None and report.lat is not None:
            return Placed(report.lon, report.lat, self.locate(report.lon, report.lat), PRECISE)
        found = self.find_place(" ".join(t for t in (report.place_text, report.text) if t))
        if found is None:
            return Placed(None, None, None, None, "Lokasi tidak ditemukan; perlu triase operator")
        if hasattr(found, "candidates"):  # Ambiguous: geo.gazetteer is not imported at run time here
            return Placed(None, None, None, None, f"Lokasi ambigu: «{found.matched}» bisa "
                                                  f"{self._candidates(found.candidates)}; perlu triase operator")
        said = f"; kata: «{found.matched}» → {found.name}" if found.matched else f"; {found.name}"
        return Placed(found.lon, found.lat, self.locate(found.lon, found.lat), found.kind,
                      f"Lokasi dari teks (ketelitian: {found.kind}{said})")

    def _candidates(self, places: Sequence[Place]) -> str:
        """The first SHOWN_CANDIDATES places, each with the unit around it, the rest counted."""
        shown = [_where(place, self.locate(place.lon, place.lat)) for place in places[:SHOWN_CANDIDATES]]
        rest = len(places) - len(shown)
        return ", ".join(shown) + (f" dan {rest} lainnya" if rest > 0 else "")


def build_complaint(report: Report, *, category: str, placed: Placed, rules: RoutingRules, sla: SlaClock,
                    skpd: str | None = None, confidence: float | None = None, triage: Sequence[str] = (),
                    notes: Sequence[str | None] = ()) -> Complaint:
    """A classified and placed report as a complaint: its ticket, first holder (`skpd`, else routed),
    SLA deadlines, desk hours and the "received" note, followed by `notes`. The one home of these
    rules: the intake and `pantau import` (which brings its own category, point and holder) build here."""
    received_at = report.reported_at or utc_now()
    due = sla.deadlines(channel=report.channel, category=category, received_at=received_at)
    note = ". ".join(n for n in (f"Diterima melalui kanal {report.channel}", *notes) if n)
    code = new_tracking_code()
    return Complaint(
        ticket=new_ticket(received_at),
        channel=report.channel,
        external_id=report.external_id,
        received_at=received_at,
        text=report.text,
        category=category,
        lon=placed.lon,
        lat=placed.lat,
        jurisdiction=placed.jurisdiction,
        skpd=skpd or rules.route(category, placed.jurisdiction),
        reporter_contact=report.reporter_contact,
        reporter_name=report.reporter_name,
        category_confidence=confidence,
        triage=",".join(triage) or None,
        location_precision=placed.precision,
        media=report.media,
        desk=report.desk,
        officer=report.officer,
        outside_desk_hours=not is_open(report.channel, received_at),
        first_action_due=due.first_action,
        completion_due=due.completion,
        history=[received_event(received_at, note)],
        tracking_hash=code_hash(code),
        tracking_code=code,
    )


def _where(place: Place, where: Jurisdiction | None) -> str:
    """A landmark with its kelurahan, a kelurahan with its kecamatan, a kecamatan with its kota."""
    if where is None or place.kind == "kota":
        return place.name
    around = {"kelurahan": f"Kec. {where.kecamatan}", "kecamatan": where.kota}.get(place.kind, where.kelurahan)
    return f"{place.name} ({around})"


def _words_said(words: Sequence[str]) -> str:
    return "; kata: " + ", ".join(f"«{w}»" for w in words) if words else ""
