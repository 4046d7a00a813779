"""Moderation, as FixMyStreet does it: an operator hides a complaint from every public view, shows it
again, or rewrites the text the public reads, always with a reason.

The citizen's own `text` is never changed: an edit is kept beside it (`public_edit`) and is masked
on the way out like any text (crm/public_view.py), so an operator cannot publish a number either.
Hiding removes the complaint from public views only; the follow-up, the SLA clock and the ranking
go on as before, so hiding cannot make a unit's record look better. Who may moderate is
crm/roles.py's `may_moderate`; what the public then sees is crm/public_view.py's `is_public`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from crm.complaint import CONTROL_CHARACTERS, Complaint, is_clean_text

HIDE, UNHIDE, EDIT = "hide", "unhide", "edit"
ACTIONS = (HIDE, UNHIDE, EDIT)
MAX_REASON = 2000
MAX_TEXT = 5000  # as long as a report's own text may be


class ModerationError(ValueError):
    """A moderation that was not done; the complaint is unchanged. `status` is the HTTP status."""

    status = 400


class BadModeration(ModerationError):
    """A field that cannot be read; `field` names it and the message starts with it."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class PointlessModeration(ModerationError):
    """The action would change nothing: showing a complaint that is shown, hiding a hidden one."""

    status = 409


@dataclass(frozen=True, slots=True)
class Moderation:
    """One operator's decision about what the public sees of a complaint; `text` only for EDIT."""

    action: str
    reason: str
    text: str | None = None


def read_moderation(*, action: object, text: object, reason: object) -> Moderation:
    """The moderation the fields ask for, or BadModeration naming the first field that is wrong."""
    if action not in ACTIONS:
        raise BadModeration("action", f"gunakan salah satu: {', '.join(ACTIONS)}")
    if not isinstance(reason, str) or not 1 <= len(reason.strip()) <= MAX_REASON:
        raise BadModeration("reason", f"tulis alasannya (1-{MAX_REASON} huruf)")
    if not is_clean_text(reason):
        raise BadModeration("reason", CONTROL_CHARACTERS)
    if action != EDIT:
        return Moderation(str(action), reason.strip())
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= MAX_TEXT:
        raise BadModeration("text", f"teks publik yang baru (1-{MAX_TEXT} huruf); untuk menghapusnya, "
                                    "sembunyikan pengaduannya")
    if not is_clean_text(text):
        raise BadModeration("text", CONTROL_CHARACTERS)
    return Moderation(EDIT, reason.strip(), text.strip())


def moderate(complaint: Complaint, moderation: Moderation) -> Complaint:
    """The complaint after the moderation; PointlessModeration if it would change nothing. An edit
    back to the citizen's own words drops the edit, so the public reads the original again."""
    if moderation.action == HIDE:
        if complaint.public_hidden:
            raise PointlessModeration("Pengaduan ini sudah disembunyikan dari publik.")
        return replace(complaint, public_hidden=True)
    if moderation.action == UNHIDE:
        if not complaint.public_hidden:
            raise PointlessModeration("Pengaduan ini tidak disembunyikan; tidak ada yang ditampilkan kembali.")
        return replace(complaint, public_hidden=False)
    edit = None if moderation.text == complaint.text.strip() else moderation.text
    if edit == complaint.public_edit:
        raise PointlessModeration("Teks publik pengaduan ini sudah seperti itu.")
    return replace(complaint, public_edit=edit)
