"""What an operator does with a dead letter, for the API (ingest/channel_api.py) and the /surat-mati page
alike: read it, replay it through its adapter after a fix, or dismiss it when there is nothing to repair.

Each step checks the caller's scopes against the letter's channel (crm/scopes.py), so a page hiding a
button is never the only guard and the two doors cannot drift apart. A replay runs the kept delivery
through the Receiver (its complaints commit in the intake's own unit of work), then marks the letter
replayed with its audit row in one unit of work; a dismissal is the letter's change and its audit row
in one unit of work (services/unit_of_work.py), so neither stands without the other. Errors carry an
HTTP status and a message in Bahasa Indonesia; each caller words them for its audience.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from crm import scopes
from crm.complaint import utc_now
from ingest.auth import Caller
from ingest.channels.base import Inbound
from ingest.receive import Receipt, Receiver
from services.unit_of_work import Publishing, unit_of_work
from store import dead_letters
from store.dead_letters import DeadLetter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class LetterError(Exception):
    """A step on a dead letter that was not taken; nothing changed. `status` is the HTTP status to answer."""

    status = 400


class NoSuchLetter(LetterError):
    status = 404

    def __init__(self, letter_id: int) -> None:
        super().__init__(f"Surat mati {letter_id} tidak ditemukan.")


class NotAllowed(LetterError):
    """The caller's scopes do not reach this letter's channel; the message names the missing scope."""

    status = 403


class Settled(LetterError):
    """The letter was already replayed or dismissed: nothing is left to dismiss."""

    status = 409


class BodyNotKept(LetterError):
    status = 409

    def __init__(self) -> None:
        super().__init__("Isi kiriman ini tidak disimpan utuh (terlalu besar, atau tanpa tanda tangan yang sah); "
                         "tidak dapat diputar ulang.")


@dataclass(frozen=True)
class DeadLetterSteps:
    """The store, the publisher of the unit of work, the channels' Receiver and the channel secrets a
    replay verifies signatures with (a kept Facebook delivery is checked again), built once by app.py."""

    sessions: sessionmaker[Session]
    publisher: Publishing
    receiver: Receiver
    secrets: dict[str, str]

    def readable(self, caller: Caller, letter_id: int) -> DeadLetter:
        """The letter with its body, if the caller may read its channel's dead letters."""
        with self.sessions() as session:
            letter = dead_letters.get(session, dead_letter_id=letter_id)
        if letter is None:
            raise NoSuchLetter(letter_id)
        refusal = caller.refusal(scopes.dead_letters(letter.channel))
        if refusal is not None:
            raise NotAllowed(refusal)
        return letter

    def replay(self, caller: Caller, letter_id: int) -> list[Receipt]:
        """Run the kept delivery through its adapter again, as first received; audited with the caller.
        Rejected (ingest.channels.base) when the adapter still refuses it: that counts one more attempt."""
        letter = self.readable(caller, letter_id)
        if letter.body_truncated:
            raise BodyNotKept
        inbound = Inbound(channel=letter.channel, body=letter.body, content_type=letter.content_type,
                          received_at=letter.first_received_at, headers=letter.headers, query=letter.query,
                          secrets=self.secrets)
        receipts = self.receiver(inbound)
        at, ids = utc_now(), [r.complaint.id for r in receipts if r.complaint.id]
        with unit_of_work(self.sessions, self.publisher) as work:
            dead_letters.mark_replayed(work.session, dead_letter_id=letter_id, at=at, complaint_ids=ids)
            work.audit(actor=caller.actor, action="dead_letter.replay", target=str(letter_id),
                       detail={"channel": letter.channel, "complaint_ids": ids}, at=at)
        return receipts

    def dismiss(self, caller: Caller, letter_id: int) -> DeadLetter:
        """Set a pending letter aside, kept, with who and when (in its row and its audit row); the letter
        as it is now."""
        letter = self.readable(caller, letter_id)
        at = utc_now()
        with unit_of_work(self.sessions, self.publisher) as work:
            if not dead_letters.dismiss(work.session, dead_letter_id=letter_id, by=caller.actor, at=at):
                raise Settled(f"Surat mati {letter_id} sudah diputar ulang atau diabaikan.")
            work.audit(actor=caller.actor, action=dead_letters.DISMISSAL, target=str(letter_id),
                       detail={"channel": letter.channel, "status": letter.status, "attempts": letter.attempts},
                       at=at)
        return replace(letter, dismissed=True, dismissed_by=caller.actor, dismissed_at=at)
