"""The email channel's pull side: hand each new message of a Maildir to the receiver.

The mail server (or fetchmail/getmail) delivers the complaint address's mail into a Maildir. Each
poll reads every message waiting in `new/`, oldest first, with the standard library's `mailbox`,
and passes its raw bytes to `receive` as an `email` delivery. A message the receiver took, or
rejected (it then keeps the message as a dead letter), is moved to `cur/` with the Seen flag, so
the next poll skips it; after any other failure (the store is down, say) it stays in `new/` and
the next poll tries again, which is safe because a retried message finds its complaint by its
Message-ID.
"""
from __future__ import annotations

import json
import logging
import mailbox
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from crm.complaint import utc_now
from ingest.channels.base import ChannelError, Inbound, Rejected
from ingest.channels.email import CHANNEL, RFC822

log = logging.getLogger(__name__)

Outcome = Literal["taken", "rejected", "left"]


@dataclass(frozen=True, slots=True)
class MailboxResult:
    """What one poll did: messages taken in, rejected as dead letters, and left in new/ for the next poll."""

    taken: int = 0
    rejected: int = 0
    left: int = 0


def poll_maildir(path: Path, receive: Callable[[Inbound], object]) -> MailboxResult:
    """Deliver every message in the Maildir's new/ to `receive`; NoSuchMailboxError if `path` is none."""
    box = mailbox.Maildir(path, factory=None, create=False)
    outcomes = [_deliver(box, path, name, receive) for name in _waiting(path)]
    return MailboxResult(*(outcomes.count(outcome) for outcome in ("taken", "rejected", "left")))


def _waiting(path: Path) -> list[str]:
    """File names in new/, oldest delivery first (by the time the server wrote them, then by name)."""
    with os.scandir(path / "new") as scan:
        entries = [entry for entry in scan if not entry.name.startswith(".")]
    return [entry.name for entry in sorted(entries, key=lambda entry: (entry.stat().st_mtime_ns, entry.name))]


def _deliver(box: mailbox.Maildir, path: Path, name: str, receive: Callable[[Inbound], object]) -> Outcome:
    key = name.split(box.colon)[0]
    outcome: Outcome
    try:
        receive(Inbound(channel=CHANNEL, body=box.get_bytes(key), content_type=RFC822, received_at=utc_now()))
        outcome = "taken"
    except Rejected:
        outcome = "rejected"
    except Exception:
        log.exception("Surel %s gagal diterima; dibiarkan di new/ untuk poll berikutnya.", name)
        return "left"
    _mark_seen(path, name, key, box.colon)
    return outcome


def _mark_seen(path: Path, name: str, key: str, colon: str) -> None:
    """Move new/<name> to cur/ with the Seen flag by one rename, as a mail reader does.

    The mailbox module of Python 3.11 can only do this by rewriting the message (Maildir.__setitem__);
    a rename keeps the bytes exactly as received and cannot leave half a file.
    """
    os.replace(path / "new" / name, path / "cur" / f"{key}{colon}2,S")


def post_to(url: str, key: str, *, timeout: float = 30.0) -> Callable[[Inbound], object]:
    """A `receive` that posts each message to a running Pantau's email channel, as a gateway would.

    The poller then needs no database and no Redis: the web process stores, classifies and
    announces it live. A 4xx with a dead letter is Rejected; anything else unexpected raises, so
    the message stays in new/ for the next poll.
    """
    endpoint = f"{url.rstrip('/')}/api/v1/channels/{CHANNEL}"

    def receive(inbound: Inbound) -> object:
        request = urllib.request.Request(endpoint, data=inbound.body, method="POST", headers={
            "Content-Type": inbound.content_type, "Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as refused:
            body = json.loads(refused.read() or b"{}")
            if "dead_letter_id" not in body:
                raise
            error = ChannelError(body.get("error"), errors=body.get("errors"))
            error.status = refused.code
            raise Rejected(error, body["dead_letter_id"]) from None

    return receive
