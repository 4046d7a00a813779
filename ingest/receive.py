"""One door for every channel: parse the delivery with its adapter, then hand its reports to intake.

Pull channels (the mailbox poller) and push channels (webhooks, the Open311 POST, walk-in desk
forms) all end here, as Ushahidi's DataSourceStorage::receive does. A delivery no adapter can
read is kept in the dead-letter store and rejected with the adapter's status and message; so is
one that fails for a reason nobody foresaw (an adapter's slip, a report the store refuses), so no
delivery is ever answered a bare 500 and lost. A retried delivery finds its complaint by
(channel, external_id) and creates nothing new. A report that answers one of Pantau's notices (an
SMS from a number that was sent one, an email replying to one) is the reporter's verdict or comment
on that complaint (`replies`), answered as a retry is: 200, that complaint, nothing created.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm.channels import CHANNELS
from crm.complaint import Complaint
from crm.intake import Intake, Report
from ingest.channels import adapter
from ingest.channels.base import ChannelError, Inbound, Rejected
from store import dead_letters, outage
from web.metrics import count_dead_letter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class Unreadable(ChannelError):
    status = 400
    default_message = "Kiriman tidak dapat dibaca; disimpan sebagai surat mati untuk diperiksa operator."


class Unstorable(ChannelError):
    status = 422
    default_message = ("Laporan dari kiriman ini tidak dapat disimpan; kiriman disimpan sebagai surat mati "
                       "untuk diperiksa operator.")


class UnknownChannel(ChannelError):
    status = 404

    def __init__(self, channel: str) -> None:
        super().__init__(f"Kanal tidak dikenal: {channel!r}; gunakan salah satu dari: {', '.join(CHANNELS)}.")


KeepDeadLetter = Callable[[Inbound, ChannelError], int]


@dataclass(frozen=True, slots=True)
class Receipt:
    complaint: Complaint
    created: bool


# A reporter's answer to a notice (followup/verdict.py Verdicts.take_reply): the complaint it was
# taken into, or None for a report that answers nothing.
TakeReply = Callable[[Report], "Complaint | None"]


@dataclass(frozen=True)
class Receiver:
    intake: Intake
    keep_dead_letter: KeepDeadLetter
    replies: TakeReply | None = None

    def __call__(self, inbound: Inbound) -> list[Receipt]:
        """Parse a delivery and take in all its reports in one transaction (a Facebook webhook
        batches entries); Rejected if the delivery is unreadable. A delivery with nothing for us
        (a webhook about something else) writes nothing."""
        try:
            if inbound.channel not in CHANNELS:
                raise UnknownChannel(inbound.channel)
            reports = adapter(inbound.channel).parse(inbound)
        except ChannelError as error:
            raise self._rejected(inbound, error) from error
        except Exception as error:  # an adapter's slip on input nobody foresaw
            log.exception("the %s adapter failed on a delivery; kept as a dead letter", inbound.channel)
            raise self._rejected(inbound, Unreadable()) from error
        if not reports:
            return []
        try:
            answered = [self.replies(report) if self.replies else None for report in reports]
            fresh = [report for report, reply in zip(reports, answered) if reply is None]
            taken = iter(self.intake.many(fresh) if fresh else [])
            return [Receipt(reply, False) if reply is not None else Receipt(*next(taken)) for reply in answered]
        except Exception as error:
            if outage.is_outage(error):  # nothing can be kept now: 503, and the gateway retries
                raise
            log.exception("a %s delivery could not be stored; kept as a dead letter", inbound.channel)
            raise self._rejected(inbound, Unstorable()) from error

    def _rejected(self, inbound: Inbound, error: ChannelError) -> Rejected:
        return Rejected(error, self.keep_dead_letter(inbound, error))


def dead_letter_keeper(sessions: sessionmaker[Session]) -> KeepDeadLetter:
    """Keep a refused delivery in its own transaction: nothing else of it was written."""
    def keep(inbound: Inbound, error: ChannelError) -> int:
        with sessions.begin() as session:
            letter_id = dead_letters.keep(
                session, channel=inbound.channel, content_type=inbound.content_type, headers=inbound.headers,
                query=inbound.query, body=inbound.body if error.keep_body else None, status=error.status, error=error.message,
                errors=error.errors, received_at=inbound.received_at)
        count_dead_letter(inbound.channel)  # after the commit: a letter that was kept
        return letter_id
    return keep
