"""Email notices over SMTP: the only code that knows how Pantau sends mail.

`PANTAU_SMTP_URL` names the server: `smtp://host:587` (STARTTLS whenever the server offers it),
`smtps://host:465` (TLS from the first byte), with `user:password@` when it wants a login. A
notice about a complaint that came by email is a reply in the citizen's own thread: In-Reply-To
and References carry their message's Message-ID (ingest/channels/email.py stores it as the
complaint's external_id), so their mail program shows it under what they wrote.

The Message-ID is made from the notice's idempotency key, so an attempt repeated after a crash
between sending and marking (store/notices.py) is the same message, which many mailboxes drop as
a duplicate; SMTP itself has no idempotency key, so that window stays: at most one lease.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from functools import cached_property
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import unquote, urlsplit

from crm.complaint import WIB
from crm.notices import EMAIL
from notify.senders import DELIVERED, Result

if TYPE_CHECKING:
    from store.notices import StoredNotice

PORTS = {"smtp": 587, "smtps": 465}
FOOTER = ("\n\n--\nPesan otomatis dari Pantau, pusat pengaduan warga Jakarta. "
          "Balasan ke surel ini belum dibaca petugas; lacak pengaduan Anda di tautan di atas.")


class BadSmtpUrl(ValueError):
    """PANTAU_SMTP_URL is not smtp://host[:port] or smtps://host[:port]."""


@dataclass(frozen=True)
class SmtpSender:
    url: str
    mail_from: str
    timeout: float = 10.0
    channel: ClassVar[str] = EMAIL

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in PORTS or not parts.hostname:
            raise BadSmtpUrl(f"PANTAU_SMTP_URL harus smtp://host:587 atau smtps://host:465, bukan {self.url!r}")

    def message(self, notice: StoredNotice) -> EmailMessage:
        """The email of `notice`: plain text, threaded under the citizen's message when there is one."""
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = notice.recipient
        message["Subject"] = notice.subject
        message["Date"] = format_datetime(notice.created_at.astimezone(WIB))
        message["Message-ID"] = f"<{notice.key}@{_domain(self.mail_from)}>"
        message["Auto-Submitted"] = "auto-replied" if notice.in_reply_to else "auto-generated"  # RFC 3834: no loops
        if notice.in_reply_to:
            message["In-Reply-To"] = notice.in_reply_to
            message["References"] = notice.in_reply_to
        message.set_content(notice.text + FOOTER)
        return message

    def send(self, notice: StoredNotice) -> Result:
        """One attempt; a 5xx answer (no such mailbox, refused) is permanent, the rest are retried."""
        try:
            with self._connect() as smtp:
                smtp.send_message(self.message(notice))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            return Result(False, f"SMTP menolak penerima: {error.recipients}", permanent=all(c >= 500 for c in codes))
        except smtplib.SMTPResponseException as error:
            return Result(False, f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=error.smtp_code >= 500)
        except (smtplib.SMTPException, OSError) as error:
            return Result(False, f"SMTP tidak terjangkau: {error!r}")
        return DELIVERED

    @cached_property
    def tls(self) -> ssl.SSLContext:
        """The TLS settings, verifying the server against the system's CAs: made once, as loading
        the CA bundle for every message cost about 190 ms of each (benchmarks/notices.py)."""
        return ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        port = parts.port or PORTS[parts.scheme]
        if parts.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, port, timeout=self.timeout, context=self.tls)
        else:
            smtp = smtplib.SMTP(parts.hostname, port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if parts.scheme == "smtp" and smtp.has_extn("starttls"):
                smtp.starttls(context=self.tls)
                smtp.ehlo()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except BaseException:
            smtp.close()
            raise
        return smtp


def _domain(mail_from: str) -> str:
    """The domain of the From address (as the stdlib parses `Name <a@b>`), for Pantau's Message-IDs."""
    header = EmailMessage()
    header["From"] = mail_from
    found = header["From"].addresses
    return found[0].domain if found and found[0].domain else "pantau.invalid"
