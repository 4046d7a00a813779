"""An operator's moderation of what the public sees of a complaint, shared by the moderation API and
the command centre's detail card (both through `POST /api/v1/complaints/<id>/moderation`).

`moderate_complaint` checks the person (crm/roles.py may_moderate) and the fields, applies
crm/moderation.py to the complaint as stored (under its row lock), and stores the change, its
audit row (actor, reason, what the public saw before and after) and the live
`complaint_moderated` event in one unit of work (services/unit_of_work.py). Errors carry an HTTP
status, as followup/steps.py's do.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from crm.complaint import Complaint, utc_now
from crm.events import complaint_moderated
from crm.moderation import Moderation, moderate, read_moderation
from crm.public_view import is_public, shown_text
from crm.roles import Person, may_moderate
from followup.steps import NotFound, StepError
from services.unit_of_work import Work, change_complaint

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher


class NotAModerator(StepError):
    """The person's role does not moderate (crm/roles.py may_moderate)."""

    status = 403

    def __init__(self, person: Person) -> None:
        self.person = person
        super().__init__(f"{person.name} ({person.role}) tidak berwenang memoderasi pengaduan; moderasi adalah "
                         "tugas operator CRM.")


def moderate_complaint(sessions: sessionmaker[Session], publisher: Publisher, person: Person, complaint_id: int, *,
                       action: object, text: object = None, reason: object = None) -> Complaint:
    """The complaint after `person` hid it, showed it again or edited its public text. Raises
    NotAModerator, crm's BadModeration (422) or PointlessModeration (409), or NotFound."""
    if not may_moderate(person):
        raise NotAModerator(person)
    moderation = read_moderation(action=action, text=text, reason=reason)
    at = utc_now()

    def record(work: Work, before: Complaint, after: Complaint) -> None:
        work.audit(actor=person.name, action="complaint.moderate", target=str(complaint_id), at=at,
                   detail=audit_detail(moderation, before, after))
        work.announce(complaint_moderated(after, moderation.action))

    after = change_complaint(sessions, publisher, complaint_id=complaint_id, record=record,
                             step=lambda current: moderate(current, moderation))
    if after is None:
        raise NotFound(complaint_id)
    return after


def audit_detail(moderation: Moderation, before: Complaint, after: Complaint) -> dict[str, object]:
    """What the audit log keeps of one moderation: the reason, and what the public saw before and
    after (hidden or not, and the text as published); the citizen's own words stay in `text`."""
    def seen(complaint: Complaint) -> dict[str, object]:
        return {"hidden": not is_public(complaint), "text": shown_text(complaint)}

    return {"action": moderation.action, "reason": moderation.reason, "before": seen(before), "after": seen(after)}
