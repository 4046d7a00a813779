"""The Maildir poller, on a real Maildir in tmp_path, with a receiver that parses and records.

The receiver here does what ingest.receive.Receiver does at its door: the email adapter parses
the delivery, an unreadable one is kept as a dead letter and raised as Rejected.
"""
from __future__ import annotations

import mailbox
import os
from pathlib import Path

import pytest

from crm.intake import Report
from ingest.channels import email as email_channel
from ingest.channels.base import ChannelError, Inbound
from ingest.mailbox import MailboxResult, poll_maildir
from ingest.channels.base import Rejected
from tests.ingest.channels.deliveries import DATA

NO_SENDER = b"To: pengaduan@jakarta.go.id\r\nSubject: Jalan rusak\r\n\r\nJalan rusak di depan rumah saya.\r\n"


class RecordingReceiver:
    """Parses each delivery with the email adapter; keeps what it took and what it rejected."""

    def __init__(self) -> None:
        self.inbounds: list[Inbound] = []
        self.reports: list[Report] = []
        self.dead_letters: list[tuple[Inbound, ChannelError]] = []

    def __call__(self, inbound: Inbound) -> list[Report]:
        self.inbounds.append(inbound)
        try:
            reports = email_channel.parse(inbound)
        except ChannelError as error:
            self.dead_letters.append((inbound, error))
            raise Rejected(error, len(self.dead_letters)) from error
        self.reports.extend(reports)
        return reports


class StoreDown:
    """A receiver whose database is unreachable."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, inbound: Inbound) -> None:
        self.calls += 1
        raise ConnectionError("database tidak dapat dihubungi")


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    path = tmp_path / "pengaduan"
    mailbox.Maildir(path, create=True)
    return path


def deliver(maildir: Path, *raws: bytes) -> list[str]:
    """Deliver as a mail server does: into new/, one file per message."""
    box = mailbox.Maildir(maildir, create=False)
    return [box.add(raw) for raw in raws]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_each_new_message_is_received_once_and_moved_to_cur_seen(maildir):
    complaint = (DATA / "email_encoded_subject.eml").read_bytes()
    keys = deliver(maildir, complaint, (DATA / "email_auto_reply.eml").read_bytes(), NO_SENDER)
    receiver = RecordingReceiver()

    assert poll_maildir(maildir, receiver) == MailboxResult(taken=2, rejected=1, left=0)
    assert [r.external_id for r in receiver.reports] == ["<CAH7x1pPp0w3k8Z=K2qL5nX@mail.example.co.id>"]
    assert len(receiver.dead_letters) == 1
    assert names(maildir / "new") == []
    assert names(maildir / "cur") == sorted(f"{key}:2,S" for key in keys)

    assert poll_maildir(maildir, receiver) == MailboxResult(taken=0, rejected=0, left=0)
    assert len(receiver.inbounds) == 3


def test_the_delivery_is_the_raw_message_and_stays_byte_for_byte(maildir):
    raw = (DATA / "email_photo_attachment.eml").read_bytes()
    [key] = deliver(maildir, raw)
    receiver = RecordingReceiver()
    poll_maildir(maildir, receiver)
    [inbound] = receiver.inbounds
    assert (inbound.channel, inbound.content_type, inbound.body) == ("email", "message/rfc822", raw)
    assert inbound.received_at.tzinfo is not None
    assert (maildir / "cur" / f"{key}:2,S").read_bytes() == raw


def test_a_failure_other_than_a_rejection_leaves_the_message_for_the_next_poll(maildir):
    deliver(maildir, (DATA / "email_html_only.eml").read_bytes())
    down = StoreDown()
    assert poll_maildir(maildir, down) == MailboxResult(taken=0, rejected=0, left=1)
    assert poll_maildir(maildir, down) == MailboxResult(taken=0, rejected=0, left=1)
    assert down.calls == 2
    assert len(names(maildir / "new")) == 1

    receiver = RecordingReceiver()
    assert poll_maildir(maildir, receiver) == MailboxResult(taken=1, rejected=0, left=0)
    assert names(maildir / "new") == []


def test_messages_already_read_are_not_received(maildir):
    box = mailbox.Maildir(maildir, create=False)
    read = mailbox.MaildirMessage((DATA / "email_encoded_subject.eml").read_bytes())
    read.set_subdir("cur")
    read.add_flag("S")
    box.add(read)
    receiver = RecordingReceiver()
    assert poll_maildir(maildir, receiver) == MailboxResult()
    assert receiver.inbounds == []


def test_the_oldest_delivery_goes_first(maildir):
    older, newer = (DATA / "email_encoded_subject.eml").read_bytes(), (DATA / "email_html_only.eml").read_bytes()
    for raw, written in ((newer, 1_795_700_000), (older, 1_795_600_000)):
        [key] = deliver(maildir, raw)
        os.utime(maildir / "new" / key, (written, written))
    receiver = RecordingReceiver()
    poll_maildir(maildir, receiver)
    assert [i.body for i in receiver.inbounds] == [older, newer]


def test_a_missing_maildir_is_an_error(tmp_path):
    with pytest.raises(mailbox.NoSuchMailboxError):
        poll_maildir(tmp_path / "tidak-ada", RecordingReceiver())
