"""Personal data that citizens write into a complaint's text, found and masked for public views.

UU 27/2022 (PDP) lets the city publish a complaint but not the phone number, email address or NIK
a citizen typed into it ("hubungi saya di 0812-...") nor the signature under an emailed letter.
Phone numbers are found by `phonenumbers` (Google's libphonenumber rules for region ID), the rest
by small regexes. Ordinary complaint numbers stay: RT/RW, house and tiang numbers, dates, times,
money, tickets, kilometre posts, plates and counts.

Out of scope, so left in the text: numbers spelled out in words ("nol delapan satu dua ..."), a
letter O written for the zero, obfuscated addresses ("budi [at] gmail"), local numbers written
without their area code, and names outside the lines after a closing ("Terima kasih, Budi").
Placeholders hold no digits, so masking a masked text changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

PHONE = "telepon"
EMAIL = "email"
NIK = "nik"
SIGNATURE = "tanda_tangan"

PHONE_PLACEHOLDER = "[nomor telepon disembunyikan]"
EMAIL_PLACEHOLDER = "[email disembunyikan]"
NIK_PLACEHOLDER = "[NIK disembunyikan]"
SIGNATURE_PLACEHOLDER = "[tanda tangan disembunyikan]"
PLACEHOLDERS = {PHONE: PHONE_PLACEHOLDER, EMAIL: EMAIL_PLACEHOLDER, NIK: NIK_PLACEHOLDER,
                SIGNATURE: SIGNATURE_PLACEHOLDER}

# A written phone number begins with the trunk 0 or the country code; a match that does not
# ("Rp 1.500.000", "1500-888" call centres) is an amount or a public service number.
_DIALLED = re.compile(r"\(?(?:\+|0|62)")
SHORTEST_NATIONAL_NUMBER = 9  # digits after the 0: 21 5551234, 812 345 678; "kode 0313 0062" is shorter
# The matcher sees the text with these blanked (same length, so offsets hold): a letter touching a
# digit ("hp081234567890" would not match), dates and times ("03-11-2024" and "jam 06.10-07.50" are
# valid numbers too, and "07.30 0812 3456 7890" hides the number behind the time).
_BLANKED = re.compile(
    r"[^\W\d_](?=\d)|(?<=\d)[^\W\d_]"
    r"|(?<![\d.])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2} \d{1,2} (?:19|20)\d{2})(?![\d.])"
    r"|(?<![\d.])(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d.])"
)
# "(021) 5551234/5551235": the second line of the same office, written without its area code.
_ALTERNATE = re.compile(r"[ \t]*/[ \t]*\d[\d.-]{3,}\d(?!\d)")

_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# 16 digits, whole or in the groups people write them in: 4-4-4-4, 6-6-4 and 2-2-2-6-4.
_NIK = re.compile(
    r"(?<!\d)(?:\d{16}"
    r"|\d{4}(?P<a>[ .-])\d{4}(?P=a)\d{4}(?P=a)\d{4}"
    r"|\d{6}(?P<b>[ .-])\d{6}(?P=b)\d{4}"
    r"|\d{2}(?P<c>[ .-])\d{2}(?P=c)\d{2}(?P=c)\d{6}(?P=c)\d{4})(?!\d)"
)
# A closing alone on its line, perhaps with its usual words and a smiley ("Terima kasih atas
# perhatiannya.", "Wassalamualaikum Wr. Wb.", "Terima kasih 🙏"), but not "Terima kasih sudah
# diperbaiki, tapi ..." that goes on.
_CLOSING = re.compile(
    r"^[ \t]*(?:terima[ \t]*kasih|makasih|hormat[ \t]+(?:saya|kami)|salam(?:[ \t]+hormat)?|wassalam\w*|"
    r"(?:best[ \t]+|kind[ \t]+)?regards)"
    r"(?:[ \t]+(?:atas|banyak|sebelumnya|bapak|ibu|pak|bu|admin|min|kak|wr|warahmatullahi|dan)\b[^\n]{0,40})?"
    r"[^\w\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
SIGNATURE_MAX_LINES = 8  # a name, a title, an address, numbers; more is complaint text
SIGNATURE_MAX_CHARS = 400


@dataclass(frozen=True, slots=True)
class Span:
    """Where personal data sits in a text: text[start:end] is of `kind` (PHONE, EMAIL, NIK, SIGNATURE)."""

    start: int
    end: int
    kind: str


def find(text: str) -> list[Span]:
    """The personal data in `text`, in order and never overlapping: a signature block takes the
    numbers inside it, an email the digits inside it, a NIK the phone-like groups inside it."""
    kept: list[Span] = []
    for span in [*_signature(text), *_emails(text), *_niks(text), *_phones(text)]:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def mask(text: str) -> str:
    """`text` with each piece of personal data replaced by its Indonesian placeholder."""
    parts: list[str] = []
    last = 0
    for span in find(text):
        parts += [text[last:span.start], PLACEHOLDERS[span.kind]]
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def _phones(text: str) -> list[Span]:
    blanked = _BLANKED.sub(lambda found: " " * len(found[0]), text)
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(blanked, "ID", leniency=phonenumbers.Leniency.VALID):
        if (not _DIALLED.match(match.raw_string)
                or len(str(match.number.national_number)) < SHORTEST_NATIONAL_NUMBER):
            continue
        end = match.end
        if alternate := _ALTERNATE.match(text, end):
            end = alternate.end()
        spans.append(Span(match.start, end, PHONE))
    return spans


def _emails(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]


def _niks(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), NIK) for m in _NIK.finditer(text)]


def _signature(text: str) -> list[Span]:
    """The lines after the first closing that ends a letter, up to the end: a short block follows
    it, and the letter before it is at least half as long as that block; otherwise the "closing"
    greets (a first line "Salam min,", or "Salam hormat," under "Yth. Admin,") and the complaint
    follows."""
    for closing in _CLOSING.finditer(text):
        tail = text[closing.end():]
        start = closing.end() + len(tail) - len(tail.lstrip())
        tail = tail.strip()
        lines = [line for line in tail.splitlines() if line.strip()]
        if (lines and len(lines) <= SIGNATURE_MAX_LINES and len(tail) <= SIGNATURE_MAX_CHARS
                and 2 * len(text[:closing.start()].strip()) >= len(tail)):
            return [Span(start, start + len(tail), SIGNATURE)]
    return []


def masked_contact(recipient: str) -> str:
    """A reporter's address as staff lists show it without reading private data: an email's domain
    ("…@example.co.id"), else the last 3 characters of a number or account ("•••890"), enough to
    tell two notices apart and to check a typo the reporter mentions, not to reach them."""
    if "@" in recipient:
        return "…@" + recipient.rsplit("@", 1)[1]
    tail = "".join(recipient.split())[-3:] if len("".join(recipient.split())) > 3 else ""
    return "•••" + tail
