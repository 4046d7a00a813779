"""One door for every channel: parse the delivery with its adapter, then hand each report to intake.

Pull channels (the mailbox poller) and push channels (webhooks, the Open311 POST, walk-in desk
forms) all end here, as Ushahidi's DataSourceStorage::receive does. A delivery no adapter can
read is kept in the dead-letter store and rejected with the adapter's status and message; a
retried delivery finds its complaint by (channel, external_id) and creates nothing new.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from crm.complaint import Complaint
from crm.intake import Intake
from ingest.channels import ADAPTERS
from ingest.channels.base import ChannelError, Inbound


class UnknownChannel(ChannelError):
    status = 404

    def __init__(self, channel: str) -> None:
        super().__init__(f"Kanal tidak dikenal: {channel!r}; gunakan salah satu dari: {', '.join(ADAPTERS)}.")


class Rejected(Exception):
    """A delivery refused; its raw body is kept as dead letter `dead_letter_id`."""

    def __init__(self, error: ChannelError, dead_letter_id: int) -> None:
        super().__init__(error.message)
        self.error = error
        self.dead_letter_id = dead_letter_id


KeepDeadLetter = Callable[[Inbound, ChannelError], int]


@dataclass(frozen=True, slots=True)
class Receipt:
    complaint: Complaint
    created: bool


@dataclass(frozen=True)
class Receiver:
    intake: Intake
    keep_dead_letter: KeepDeadLetter

    def adapter(self, channel: str) -> ModuleType:
        if channel not in ADAPTERS:
            raise UnknownChannel(channel)
        return ADAPTERS[channel]

    def __call__(self, inbound: Inbound) -> list[Receipt]:
        """Parse and take in every report of a delivery; Rejected if the delivery is unreadable."""
        try:
            reports = self.adapter(inbound.channel).parse(inbound)
        except ChannelError as error:
            raise Rejected(error, self.keep_dead_letter(inbound, error)) from error
        return [Receipt(*self.intake(report)) for report in reports]
