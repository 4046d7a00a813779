"""Email: one raw RFC 822 message as the mail server received it, posted as `message/rfc822`
(by the mailbox poller, ingest/mailbox.py, or by a mail gateway's HTTP hook).

    From: =?UTF-8?Q?Sri_Wahyuni?= <sri.wahyuni@example.co.id>
    To: pengaduan@jakarta.go.id
    Subject: =?UTF-8?Q?Pengaduan_saluran_air_tersumbat_di_Jl._Cempaka_Putih_?=
     =?UTF-8?Q?Tengah_=E2=80=93_mohon_tindak_lanjut?=
    Date: Thu, 26 Nov 2026 09:12:44 +0700
    Message-ID: <CAH7x1pPp0w3k8Z=K2@mail.example.co.id>
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="b1"

    --b1
    Content-Type: text/plain; charset="UTF-8"
    Content-Transfer-Encoding: quoted-printable

    Yth. Bapak/Ibu, saluran air di depan rumah no. 27 tersumbat sejak seminggu =
    lalu ...
    --b1
    Content-Type: image/jpeg; name="saluran.jpg"
    Content-Disposition: attachment; filename="saluran.jpg"
    Content-Transfer-Encoding: base64

    /9j/4AAQSkZJRgABAQ...
    --b1--

Only `message/rfc822` is accepted (415 otherwise): both senders know they are posting a whole
message, and a `text/plain` body could as well be a bare complaint text without headers.
The message is read with the standard library's `email` package (`policy.default`), which
decodes MIME, quoted-printable, base64, charsets and RFC 2047 headers. What is read:

- `Message-ID` -> external_id, the same on every retry of the message; a message without one
  gets `sha256:<hex digest of the raw bytes>`, equally stable for the same bytes.
- `Subject`, then the body -> text, the subject on its own paragraph. The body is the text/plain
  part, or, when the message has only HTML, the visible text of the text/html part.
- `From` -> reporter_contact (the address) and reporter_name (its display name). A message with
  no usable From address is refused (400).
- `Date` -> reported_at; missing or unreadable, the time the delivery arrived; in the future,
  refused by make_report (422).
- `In-Reply-To` and `References` -> replying_to: a reply to one of Pantau's notices (their
  Message-ID is made from the notice's key, notify/smtp.py) from the address it went to is that
  reporter's comment or verdict on the same complaint (followup/verdict.py), not a new complaint.
- every attached file -> media as `lampiran:<filename>` (or `lampiran:<content type>` when it has
  no name): only the name is recorded, since Pantau does not store binaries yet; the files stay
  in the message, which the mailbox poller leaves in the Maildir's cur/.

Auto-replies and bounces are not complaints: `Auto-Submitted` other than `no` (RFC 3834: vacation
replies, ticket systems), a `mailer-daemon` or `postmaster` sender, or a `multipart/report`
delivery report give [] and store nothing. No category, no place: the classifier and the gazetteer
read the text.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from crm.intake import Report
from ingest.channels.base import (
    Inbound,
    MalformedPayload,
    make_report,
    require_media_type,
)

CHANNEL = "email"
RFC822 = "message/rfc822"
DAEMONS = frozenset({"mailer-daemon", "postmaster"})


def parse(inbound: Inbound) -> list[Report]:
    """One report per message; [] for an auto-reply or a bounce."""
    require_media_type(inbound, RFC822)
    if not inbound.body.strip():
        raise MalformedPayload("Isi kiriman kosong: kirim satu surel utuh (RFC 822).")
    message = BytesParser(policy=policy.default).parsebytes(inbound.body)
    sender = _sender(message)
    if _automatic(message, sender):
        return []
    if sender is None:
        raise MalformedPayload("Surel tanpa alamat pengirim: header From tidak ada atau tidak berisi alamat surel.",
                               errors=[{"field": "From", "message": "tidak ada alamat surel"}])
    body = message.get_body(preferencelist=("plain", "html"))
    return [replace(make_report(
        channel=CHANNEL,
        external_id=_message_id(message, inbound.body),
        text=_text(message, body),
        reporter_contact=sender.addr_spec,
        reporter_name=sender.display_name or None,
        reported_at=_date(message) or inbound.received_at,
        media=tuple(_attachment_names(message, body)),
    ), replying_to=_replying_to(message))]


def _replying_to(message: EmailMessage) -> tuple[str, ...]:
    """The Message-IDs a reply names, In-Reply-To first: a reply to a notice is the reporter's
    comment or verdict on that complaint (followup/verdict.py), never a new complaint."""
    return tuple(str(message[name]).strip() for name in ("In-Reply-To", "References") if message.get(name))


def _sender(message: EmailMessage) -> Address | None:
    header = message.get("From")
    addresses = header.addresses if header is not None else ()
    return addresses[0] if addresses and addresses[0].username and addresses[0].domain else None


def _automatic(message: EmailMessage, sender: Address | None) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).split(";")[0].strip().lower()
    return (
        auto != "no"
        or (sender is not None and sender.username.lower() in DAEMONS)
        or message.get_content_type() == "multipart/report"
    )


def _message_id(message: EmailMessage, raw: bytes) -> str:
    header = message.get("Message-ID")
    message_id = str(header).strip() if header is not None else ""
    return message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _date(message: EmailMessage) -> datetime | None:
    """The Date header, aware; `-0000` (zone unknown) is read as UTC, as RFC 5322 says."""
    header = message.get("Date")
    at = getattr(header, "datetime", None)
    return at.replace(tzinfo=timezone.utc) if at is not None and at.tzinfo is None else at


def _text(message: EmailMessage, body: EmailMessage | None) -> str:
    """The subject on its own paragraph, then the body: citizens often say what and where in the subject."""
    parts = (str(message.get("Subject", "")).strip(), _body_text(body))
    return "\n\n".join(part for part in parts if part)


def _body_text(body: EmailMessage | None) -> str:
    if body is None:
        return ""
    try:
        content = body.get_content()
    except LookupError:  # a charset Python does not know: keep what UTF-8 can read
        content = body.get_payload(decode=True).decode("utf-8", errors="replace")
    text = html_to_text(content) if body.get_content_type() == "text/html" else content
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _attachment_names(message: EmailMessage, body: EmailMessage | None) -> list[str]:
    return [
        f"lampiran:{part.get_filename() or part.get_content_type()}"
        for part in message.walk()
        if part is not body and not part.is_multipart() and (part.is_attachment() or part.get_filename())
    ]


def html_to_text(markup: str) -> str:
    """The visible text of an HTML body: paragraphs apart, a line per `<br>`, `<div>` or list item."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _VisibleText(HTMLParser):
    LINES = frozenset({"br", "div", "li", "tr"})  # each starts a new line
    PARAGRAPHS = frozenset({"p", "ul", "ol", "table", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6"})
    HIDDEN = frozenset({"head", "script", "style", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in self.LINES:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))
