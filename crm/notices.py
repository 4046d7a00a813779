"""What a reporter hears back, and where: the one rule of the citizen loop's notices.

A citizen who complained at 22:00 about a flooded street wants to know at once that the report
arrived (with its ticket and their private tracking link), then when someone is working on it
(Proses), when it should be fixed (Estimasi Waktu Selesai), when it is declared done (Selesai,
so they can rate it 1-5, or answer "belum" if it is not: crm/verdict.py), and if it was merged
into someone else's report of the same problem. Internal steps stay internal: Koordinasi and
Disposisi (units passing it between them), Menunggu Validasi, TL Ditolak (a validator rejecting
the follow-up) and the holder's return to Proses after it, the SLA watch's escalations, moderation. A complaint an operator closed as
"no complaint" (spam, a greeting) gets no answer either.

The unit of work (services/unit_of_work.py) asks `NoticeRule.notices(before, after)` on every
change and on every new complaint, and stores what it returns in the same transaction; the
dispatcher (notify/dispatch.py) sends it later. The texts are data officials can edit
(crm/data/notices.toml, or the file PANTAU_NOTICE_TEMPLATES names), filled only with the
complaint's own ticket, links, date and the ticket it was merged into: never a name, never
anyone else's contact. A reply others can read (a tweet, a Facebook comment, LAPOR!'s and Qlue's
report pages) is not private (`is_private`): its receipt is `diterima_publik`, which may not carry the
tracking code, since whoever holds the code may reopen the complaint and see its private page; and
the verdict link `/lacak/<secret>` travels only where it is private, the public tracking link standing in elsewhere.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from types import MappingProxyType
from urllib.parse import quote, urlencode

from crm.complaint import WIB, Complaint, Status
from crm.corrections import MERGED as MERGED_KIND
from crm.corrections import set_aside
from crm.verdict import secret_of

RECEIPT = "diterima"
PROSES = "proses"
ESTIMASI = "estimasi"
SELESAI = "selesai"
MERGED = "digabung"
KINDS = (RECEIPT, PROSES, ESTIMASI, SELESAI, MERGED)
# The texts of a reply others can read: the receipt without the tracking code, and the closing
# without asking for an answer, which only an SMS or an email reply can carry (crm/verdict.py):
# a Messenger reporter, who reads alone, gets the closing without the question too.
PUBLIC_TEXTS = {RECEIPT: "diterima_publik", SELESAI: "selesai_publik"}
TEXTS = (*KINDS, *PUBLIC_TEXTS.values())
SUBJECT = "subjek"
SECRET_PLACEHOLDERS = frozenset({"kode", "tautan_pribadi"})

EMAIL = "email"
SMS = "sms"
# Channels answered through their own outbound API (a reply to the tweet, the Facebook comment, the
# partner app's callback): the recipient is the reporter's handle there, the thread the report's id.
OWN_REPLY = frozenset({"twitter", "facebook", "qlue", "lapor"})

SMS_LENGTH = 160
DEFAULT_TEMPLATES = Path(__file__).parent / "data" / "notices.toml"
PLACEHOLDERS = frozenset({"tiket", "tautan", "tautan_pribadi", "tautan_nilai", "kode", "tanggal", "tiket_induk",
                          "tautan_induk"})

_EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,<>]+")
_PHONE = re.compile(r"^\+?[\d\s\-().]{8,20}$")
_FIRST_STEPS = frozenset({Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI})


class BadTemplates(ValueError):
    """A templates file without a kind's text, or with a placeholder nothing fills."""


@dataclass(frozen=True, slots=True)
class Address:
    """Where a complaint's notices go: a channel, the reporter there, and the message to reply under
    (an email's Message-ID, a tweet's id) or None."""

    channel: str
    recipient: str
    in_reply_to: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one reporter, rendered. `key` is unique and stable: a retry sends the same
    key, so a gateway that honours idempotency keys delivers it once. `secret` is the tracking code
    the text carries (a receipt's), which the outbox blanks out once the notice is sent: the store
    otherwise keeps only the code's hash (crm/complaint.py)."""

    complaint_id: int
    kind: str
    address: Address
    subject: str
    text: str
    key: str
    secret: str | None = None


@dataclass(frozen=True)
class Templates:
    """The texts, by kind, and the email subject; `load` checks every placeholder before use."""

    texts: Mapping[str, str]
    subject: str

    @classmethod
    def load(cls, path: Path = DEFAULT_TEMPLATES) -> Templates:
        """Read a TOML file of KINDS and `subjek`; BadTemplates names what is wrong."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        missing = [kind for kind in (*TEXTS, SUBJECT) if not isinstance(data.get(kind), str) or not data[kind].strip()]
        if missing:
            raise BadTemplates(f"{path}: tidak ada teks untuk {', '.join(missing)}")
        for kind in (*TEXTS, SUBJECT):
            used = {name for _, name, _, _ in Formatter().parse(data[kind]) if name is not None}
            if used - PLACEHOLDERS:
                raise BadTemplates(f"{path}: {kind} memakai {{{', '.join(sorted(used - PLACEHOLDERS))}}}, yang tidak "
                                   f"dikenal; yang ada: {', '.join(sorted(PLACEHOLDERS))}")
            if kind in PUBLIC_TEXTS.values() and used & SECRET_PLACEHOLDERS:
                raise BadTemplates(f"{path}: {kind} dibaca publik, jadi tidak boleh memuat "
                                   f"{{{', '.join(sorted(used & SECRET_PLACEHOLDERS))}}}")
        return cls(MappingProxyType({kind: data[kind].strip() for kind in TEXTS}), data[SUBJECT].strip())


@dataclass(frozen=True)
class NoticeRule:
    """The templates and the public address of the tracking page (`public_url`, no trailing /)."""

    templates: Templates
    public_url: str

    @classmethod
    def default(cls, public_url: str = "http://127.0.0.1:8050") -> NoticeRule:
        return cls(Templates.load(), public_url.rstrip("/"))

    def notices(self, before: Complaint | None, after: Complaint, *,
                ticket_of: Callable[[int], str | None] = lambda _id: None) -> list[Notice]:
        """What the reporter of `after` should hear of the change from `before` (None: it was just
        received); [] when nothing, or when the reporter left no way to reach them.
        `ticket_of` finds the ticket of the complaint it was merged into."""
        kind = kind_of(before, after)
        to = address(after)
        if kind is None or to is None or after.id is None:
            return []
        merged_into = ticket_of(after.duplicate_of) if kind == MERGED and after.duplicate_of else None
        private = is_private(to)
        fields = self._fields(after, merged_into, private=private)
        asks = to.channel in (EMAIL, SMS) if kind == SELESAI else private
        template = kind if asks else PUBLIC_TEXTS.get(kind, kind)
        text = self.templates.texts[template].format_map(fields)
        secrets = (after.tracking_code, secret_of(after))
        return [Notice(
            complaint_id=after.id, kind=kind, address=to,
            subject=self.templates.subject.format_map(fields), text=text,
            key=f"pantau-{after.id}-{len(after.history)}-{kind}",
            secret=next((secret for secret in secrets if secret and secret in text), None),
        )]

    def link(self, ticket: str, code: str | None = None) -> str:
        """The tracking page of `ticket`; with `code`, the reporter's own link, which fills it in."""
        query = {"tiket": ticket} | ({"kode": code} if code else {})
        return f"{self.public_url}/lacak?{urlencode(query)}"

    def verdict_link(self, complaint: Complaint) -> str | None:
        """The reporter's verdict page `/lacak/<secret>` (crm/verdict.py), or None without a secret."""
        secret = secret_of(complaint)
        return None if secret is None else f"{self.public_url}/lacak/{quote(secret)}"

    def _fields(self, complaint: Complaint, merged_into: str | None, *, private: bool) -> dict[str, str]:
        due = complaint.completion_due.astimezone(WIB).strftime("%d-%m-%Y") if complaint.completion_due else "-"
        public = self.link(complaint.ticket)
        return {
            "tiket": complaint.ticket, "tautan": public, "kode": complaint.tracking_code or "-",
            "tautan_pribadi": self.link(complaint.ticket, complaint.tracking_code),
            "tautan_nilai": (self.verdict_link(complaint) if private else None) or public, "tanggal": due,
            "tiket_induk": merged_into or "-", "tautan_induk": self.link(merged_into) if merged_into else public,
        }


def kind_of(before: Complaint | None, after: Complaint) -> str | None:
    """Which notice a change calls for, if any: the module's docstring says why each is or is not."""
    if before is None:
        return RECEIPT
    if after.status == before.status:
        return None
    if after.status is Status.SELESAI:
        if after.history and after.history[-1].kind == MERGED_KIND:
            return MERGED
        return None if set_aside(after) else SELESAI
    if after.status is Status.PROSES and before.status in _FIRST_STEPS:
        return PROSES
    if after.status is Status.ESTIMASI_WAKTU_SELESAI:
        return ESTIMASI
    return None


def address(complaint: Complaint) -> Address | None:
    """Where the reporter hears back: on the channel they used, or, from a door with no way back
    (a walk-in desk, the website, a partner app over Open311), by the email or phone they left."""
    contact = (complaint.reporter_contact or "").strip()
    if complaint.channel == EMAIL:
        thread = complaint.external_id if complaint.external_id.startswith("<") else None
        return Address(EMAIL, contact, thread) if contact else None
    if complaint.channel == SMS:
        return Address(SMS, contact) if contact else None
    if complaint.channel in OWN_REPLY:
        return Address(complaint.channel, contact or complaint.external_id, complaint.external_id)
    for piece in re.split(r"[;,/]", contact):
        piece = piece.strip()
        if _EMAIL.fullmatch(piece):
            return Address(EMAIL, piece)
        if _PHONE.match(piece) and sum(c.isdigit() for c in piece) >= 9:
            return Address(SMS, msisdn(piece))
    return None


def is_messenger(thread: str | None) -> bool:
    """Whether a Facebook complaint's id is a Messenger message's (`m_...`), answered in private, rather
    than a post's or a comment's (`<id>_<id>`), answered under it for everyone to read."""
    return bool(thread) and thread.startswith("m_")


def is_private(to: Address) -> bool:
    """Whether only the reporter reads what is sent there: an email, an SMS, a Messenger message."""
    return to.channel in (EMAIL, SMS) or (to.channel == "facebook" and is_messenger(to.in_reply_to))


def msisdn(phone: str) -> str:
    """An Indonesian number as gateways want it: digits with the country code, 0812... -> 62812..."""
    digits = "".join(c for c in phone if c.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def sms_parts(text: str, limit: int = SMS_LENGTH) -> list[str]:
    """`text` as SMS of at most `limit` characters: itself when it fits, else parts numbered
    "(1/2) ", split between words (a word longer than a part is cut). 160 holds for the GSM 7-bit
    alphabet the shipped texts keep to; a template with emoji or curly quotes makes the gateway send
    UCS-2, 70 characters a part, so keep them out of the texts."""
    if len(text) <= limit:
        return [text]
    room = limit - len("(9/9) ")
    parts: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > room:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:room])
            word = word[room:]
        joined = f"{current} {word}" if current else word
        if len(joined) > room:
            parts.append(current)
            current = word
        else:
            current = joined
    if current:
        parts.append(current)
    return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]
