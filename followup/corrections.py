"""An operator's correction of a complaint, shared by the corrections API and the triage page (/triase).

`Corrector` reads the fields as JSON sends them, checks the person against the complaint as stored
(under its row lock), redoes intake's decisions with crm/corrections.py and stores the change, an
audit row with the actor, the before and the after, and the live `complaint_corrected` event in
one unit of work (services/unit_of_work.py). The API (followup/api.py) and the page both call it,
so the page is never the only guard. Errors carry an HTTP status and no page wording.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm.categories import FALLBACK
from crm.complaint import CONTROL_CHARACTERS, Complaint, is_clean_text, utc_now
from crm.corrections import NOT_A_COMPLAINT_KINDS, Correction, correct
from crm.events import complaint_corrected
from crm.roles import Person, may_correct, public_label
from followup.steps import MAX_NOTE, BadField, NotFound, StepError
from followup.tracking import normalise
from geo.gazetteer import Ambiguous, Gazetteer, Place
from services.unit_of_work import Work, change_complaint
from store import complaints
from store.corrections import AUDIT_ACTION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from crm.intake import Intake
    from live.publish import Publisher

FIELDS = ("note", "category", "lat", "lon", "kode_kelurahan", "skpd", "not_a_complaint", "duplicate_of")
UNSPECIFIED = "lainnya"  # `"not_a_complaint": true` without saying which kind
KELURAHAN = "kelurahan"  # the gazetteer's kind of a kelurahan


class NotAllowed(StepError):
    """The person's role may not correct complaints."""

    status = 403

    def __init__(self, person: Person, complaint_id: int) -> None:
        super().__init__(f"{person.name} ({person.role}) tidak berwenang mengoreksi pengaduan {complaint_id}; "
                         "koreksi untuk operator CRM.")


@dataclass(frozen=True)
class Corrector:
    """What a correction needs: the store and its publisher, the intake's rules, and the gazetteer."""

    sessions: sessionmaker[Session]
    publisher: Publisher
    intake: Intake
    gazetteer: Gazetteer

    def __call__(self, person: Person, complaint_id: int, fields: dict[str, Any]) -> Complaint:
        """The complaint after `person` corrected it with `fields` (FIELDS, as JSON sends them).
        Raises BadField, NotFound, NotAllowed or crm.corrections' CorrectionError."""
        request = read_correction(person, fields)
        target = None if request.duplicate_of is None else self._target(request.duplicate_of)

        def checked(current: Complaint) -> Complaint:
            if not may_correct(person, current):
                raise NotAllowed(person, complaint_id)
            return correct(current, request, intake=self.intake, kelurahan_point=self.kelurahan_point, target=target)

        def record(work: Work, before: Complaint, after: Complaint) -> None:
            label = request.category or (FALLBACK if request.not_a_complaint else None)
            work.audit(actor=person.name, action=AUDIT_ACTION, target=str(complaint_id), at=request.at,
                       detail={"before": _facts(before), "after": _facts(after), "note": request.note, "label": label})
            work.announce(complaint_corrected(after, before))

        after = change_complaint(self.sessions, self.publisher, complaint_id=complaint_id, step=checked, record=record)
        if after is None:
            raise NotFound(complaint_id)
        return after

    def kelurahan_point(self, code: str) -> tuple[float, float] | None:
        """A kelurahan's representative point by its Kemendagri code; None for any other code."""
        place = self.gazetteer.unit(code)
        return None if place is None or place.kind != KELURAHAN else (place.lon, place.lat)

    def search(self, text: str) -> list[Place]:
        """The places a search names: one, the candidates of a name several places share, or none."""
        found = self.gazetteer.search(text)
        if isinstance(found, Ambiguous):
            return list(found.candidates)
        return [] if found is None else [found]

    def _target(self, wanted: int | str) -> Complaint | None:
        """The complaint `duplicate_of` names, by id or ticket; crm.corrections judges whether it fits."""
        with self.sessions() as session:
            if isinstance(wanted, int):
                return complaints.get(session, complaint_id=wanted)
            return complaints.get_by_ticket(session, ticket=normalise(wanted))


def read_correction(person: Person, fields: dict[str, Any]) -> Correction:
    """The correction the fields ask for, timed now; BadField for a field that cannot be read."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise BadField(f"{unknown[0]}: kolom tidak dikenal; yang diterima: {', '.join(FIELDS)}")
    note = fields.get("note")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise BadField(f"note: wajib, teks paling panjang {MAX_NOTE} huruf")
    if not is_clean_text(note):
        raise BadField(f"note: {CONTROL_CHARACTERS}")
    texts = {name: fields.get(name) for name in ("category", "kode_kelurahan", "skpd")}
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise BadField(f"{name}: harus teks (kode)")
    return Correction(actor=person.name, unit=public_label(person), at=utc_now(), note=note.strip(),
                      category=texts["category"], point=_point(fields), kode_kelurahan=texts["kode_kelurahan"],
                      skpd=texts["skpd"], not_a_complaint=_not_a_complaint(fields.get("not_a_complaint")),
                      duplicate_of=_duplicate_of(fields.get("duplicate_of")))


def _point(fields: dict[str, Any]) -> tuple[float, float] | None:
    lat, lon = fields.get("lat"), fields.get("lon")
    if lat is None and lon is None:
        return None
    for name, value in (("lat", lat), ("lon", lon)):
        if value is None:
            raise BadField(f"{name}: kirim lat dan lon bersama")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadField(f"{name}: harus angka derajat, misalnya -6.1754 / 106.8272")
    return float(lon), float(lat)


def _not_a_complaint(value: object) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return UNSPECIFIED
    if isinstance(value, str) and value in NOT_A_COMPLAINT_KINDS:
        return value
    raise BadField(f"not_a_complaint: true atau salah satu dari {', '.join(NOT_A_COMPLAINT_KINDS)}")


def _duplicate_of(value: object) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and value.strip():
        return int(value) if value.strip().isdigit() else value.strip()
    raise BadField("duplicate_of: id (angka) atau tiket pengaduan yang diulang, misalnya JKT-261127-7K2QF")


def _facts(complaint: Complaint) -> dict[str, Any]:
    """What a correction may change, for the audit log's before and after."""
    where = complaint.jurisdiction
    return {"category": complaint.category, "category_confidence": complaint.category_confidence,
            "lon": complaint.lon, "lat": complaint.lat, "kode_kelurahan": where.kode_kelurahan if where else None,
            "location_precision": complaint.location_precision, "skpd": complaint.skpd, "status": str(complaint.status),
            "triage": complaint.triage, "duplicate_of": complaint.duplicate_of,
            "first_action_due": _iso(complaint.first_action_due), "completion_due": _iso(complaint.completion_due)}


def _iso(at: Any) -> str | None:
    return None if at is None else at.isoformat()
