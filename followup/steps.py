"""One follow-up step by a signed-in official, shared by the transitions API and the work-queue pages.

`take_step` reads the fields, checks the person's role and scope against the complaint as stored
(under its row lock), applies the status chain, and stores the evidence, the audit row and the
live `status_changed` event in one unit of work (services/unit_of_work.py). The API (followup/api.py), the SKPD work queue
(/antrian) and the validator queue (/validasi) all call it, so a page hiding a button is never
the only guard and the three cannot drift apart. Errors carry an HTTP status and no page
wording: each caller words them for its audience.
"""
from __future__ import annotations

import hashlib
from datetime import date

from typing import TYPE_CHECKING

from crm.complaint import CONTROL_CHARACTERS, Complaint, Status, is_clean_text, utc_now
from crm.events import status_changed
from crm.lifecycle import advance
from crm.roles import Person, covers, may_transition, public_label
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from followup.evidence import BadEvidence, decode
from services.unit_of_work import Work, change_complaint
from store import evidence as evidence_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher

MAX_NOTE = 2000


class StepError(Exception):
    """A step that was not taken; the complaint is unchanged. `status` is the HTTP status to answer."""

    status = 400


class NotFound(StepError):
    """No complaint has this id."""

    status = 404


class Forbidden(StepError):
    """The person's role or scope does not cover this complaint or this step."""

    status = 403

    def __init__(self, person: Person, complaint_id: int, to: Status) -> None:
        self.person = person
        self.to = to
        super().__init__(f"{person.name} ({person.role}) tidak berwenang mengubah pengaduan {complaint_id} "
                         f"menjadi {to}.")


class BadField(StepError):
    """A field that cannot be read (status, note, date, SKPD code, photo); `field` names it."""

    status = 422

    def __init__(self, message: str) -> None:
        self.field = message.partition(": ")[0]
        super().__init__(message)


def take_step(sessions: sessionmaker[Session], publisher: Publisher, sla: SlaClock, person: Person,
              complaint_id: int, *, to: object, note: object = "", evidence: object = (), ews: object = None,
              to_skpd: object = None) -> Complaint:
    """The complaint after `person` moved it to `to`. Fields come as a JSON body or a form sends them
    (evidence: base64 JPEG/PNG); raises BadField, NotFound, Forbidden or crm's TransitionError."""
    step, photos = read_step(person, to=to, note=note, evidence=evidence, ews=ews, to_skpd=to_skpd)

    def checked(current: Complaint) -> Complaint:
        if not (covers(person, current) and may_transition(person, current, step.to)):
            raise Forbidden(person, complaint_id, step.to)
        return advance(current, step, sla)

    def record(work: Work, before: Complaint, after: Complaint) -> None:
        digests = evidence_store.add(work.session, complaint_id=complaint_id, photos=photos, by=person.name,
                                     at=step.at)
        work.audit(actor=person.name, action="complaint.transition", target=str(complaint_id), at=step.at,
                   detail={"from": str(before.status), "to": str(after.status), "skpd": after.skpd,
                           "evidence": digests})
        work.announce(status_changed(after))

    after = change_complaint(sessions, publisher, complaint_id=complaint_id, step=checked, record=record)
    if after is None:
        raise NotFound(complaint_id)
    return after


def read_step(person: Person, *, to: object, note: object, evidence: object, ews: object,
              to_skpd: object) -> tuple[TransitionRequest, list[tuple[bytes, str]]]:
    """The request the fields ask for, timed now, and its decoded photos; BadField if unreadable."""
    try:
        status = Status(to)
    except ValueError:
        raise BadField(f"to: status tidak dikenal; gunakan: {', '.join(s.value for s in Status)}") from None
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise BadField(f"note: teks paling panjang {MAX_NOTE} huruf")
    if not is_clean_text(note):
        raise BadField(f"note: {CONTROL_CHARACTERS}")
    try:
        ews_date = None if ews is None else date.fromisoformat(ews)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadField("ews: tanggal YYYY-MM-DD, misalnya 2026-12-15") from None
    if to_skpd is not None and not isinstance(to_skpd, str):
        raise BadField("to_skpd: kode SKPD (lihat GET /api/v1/skpd)")
    try:
        photos = decode(evidence)
    except BadEvidence as exc:
        raise BadField(str(exc)) from None
    digests = tuple(hashlib.sha256(content).hexdigest() for content, _ in photos)
    return TransitionRequest(to=status, actor=person.name, unit=public_label(person), at=utc_now(),
                             note=note.strip(), evidence=digests, ews=ews_date, to_skpd=to_skpd), photos
