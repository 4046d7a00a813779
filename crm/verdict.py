"""The citizen's verdict and replies: after Selesai the reporter says whether it was fixed.

The Selesai notice (crm/notices.py) carries the reporter's verdict link, `/lacak/<secret>`, and
asks for an SMS answer: "1".."5" rates the follow-up, "belum" (not yet) reopens the complaint
through the same step as the tracking page's reopening (crm/lifecycle.py reopen). Any other reply
to a notice is the reporter's comment on the same complaint, never a new complaint.

The secret is `<ticket>.<token>`: the token is an HMAC of the ticket keyed with the hash of the
reporter's tracking code (crm/complaint.py code_hash), so only the reporter's own notice carries
it and the public ticket alone never proves anything. The store keeps no more than it did (the
code's hash), so the link can be rendered for any notice; the price is that someone who can read
the database can make it too (as with every token derived from stored data).

One rating counts per closure: a later one replaces it (the history keeps both; the audit names
the one replaced), so a reporter who rated 2 and then saw the fix finished may say 5. A reopening
clears it: the closure it judged did not hold. A rating and a comment are history entries
(crm/complaint.py RATED_PREFIX, COMMENTED); crm/stints.py charges the rating to the unit that
closed the complaint, and crm/ranking.py scores it as `kepuasan_warga`.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import replace
from datetime import datetime, timedelta

from crm.complaint import COMMENTED, RATED_PREFIX, Complaint, ComplaintEvent, Status, is_clean_text
from crm.corrections import set_aside
from crm.lifecycle import CITIZEN, REOPENED
from crm.transitions import InvalidTransition

RATINGS = range(1, 6)
BELUM = "belum"
REPLY_WINDOW = timedelta(days=14)  # how long after a notice an SMS from its number answers it
MAX_COMMENT = 2000
TOKEN_LENGTH = 16  # base32 characters: 80 bits
SEPARATOR = "."
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ANSWER = re.compile(r"^\s*([1-5]|belum)\s*[.!]*\s*$", re.IGNORECASE)


def secret_of(complaint: Complaint) -> str | None:
    """The reporter's verdict secret, or None for a complaint whose reporter got no tracking code."""
    if complaint.tracking_hash is None:
        return None
    return f"{complaint.ticket}{SEPARATOR}{_token(complaint.ticket, complaint.tracking_hash)}"


def ticket_of_secret(secret: str) -> str | None:
    """The ticket a secret names (to find the complaint), or None when it cannot be a secret."""
    if not isinstance(secret, str):
        return None
    ticket, separator, token = secret.strip().rpartition(SEPARATOR)
    if not separator or len(token) != TOKEN_LENGTH or not 0 < len(ticket) <= 40 or not ticket.isprintable():
        return None
    return ticket.upper()


def proves_verdict(complaint: Complaint, secret: str) -> bool:
    """Whether `secret` is this complaint's reporter's verdict secret (compared in constant time)."""
    expected = secret_of(complaint)
    if expected is None or not isinstance(secret, str) or not secret.isascii():
        return False
    return hmac.compare_digest(expected.upper(), secret.strip().upper())


def answer_of(text: str) -> int | str | None:
    """An SMS answer to a Selesai notice: a rating 1..5, BELUM, or None for any other text."""
    found = _ANSWER.match(text)
    if found is None:
        return None
    word = found.group(1).lower()
    return BELUM if word == BELUM else int(word)


def can_rate(complaint: Complaint) -> bool:
    """A complaint in Selesai that a unit closed (not set aside by an operator) awaits a verdict."""
    return complaint.status is Status.SELESAI and not set_aside(complaint)


def rate(complaint: Complaint, *, rating: int, at: datetime) -> Complaint:
    """The reporter's rating of the follow-up; InvalidTransition unless it can be rated, ValueError
    for a rating outside 1..5."""
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r}: 1 sampai 5")
    if not can_rate(complaint):
        raise InvalidTransition(complaint.status, Status.SELESAI)
    event = ComplaintEvent(f"{RATED_PREFIX}{rating}", at, Status.SELESAI, CITIZEN,
                           f"Penilaian pelapor: {rating} dari 5")
    return replace(complaint, history=[*complaint.history, event])


def comment(complaint: Complaint, *, text: str, at: datetime) -> Complaint:
    """The reporter's reply to a notice, kept in the complaint's history (shown masked, like every
    note: crm/public_view.py); ValueError for an empty, overlong or unclean text."""
    text = text.strip()
    if not 1 <= len(text) <= MAX_COMMENT or not is_clean_text(text):
        raise ValueError("tanggapan kosong, terlalu panjang atau berisi karakter kendali")
    event = ComplaintEvent(COMMENTED, at, complaint.status, CITIZEN, f"Tanggapan pelapor: {text}")
    return replace(complaint, history=[*complaint.history, event])


def rating_of(complaint: Complaint) -> int | None:
    """The rating in force: the newest one since the last reopening (one closure's), or None."""
    for event in reversed(complaint.history):
        if event.kind.startswith(RATED_PREFIX):
            return rating_in(event.kind)
        if event.kind == REOPENED:  # every earlier rating judged a closure that did not hold
            return None
    return None


def rating_in(kind: str) -> int | None:
    """The rating a history entry's kind holds ("dinilai:4" -> 4), or None."""
    if not kind.startswith(RATED_PREFIX):
        return None
    value = kind.removeprefix(RATED_PREFIX)
    return int(value) if value.isdigit() and int(value) in RATINGS else None


def points(rating: int) -> float:
    """A rating as the ranking's share: 1 -> 0.0, 5 -> 1.0."""
    return (rating - 1) / (len(RATINGS) - 1)


def mean_rating(share: float) -> float:
    """A share back on the 1..5 scale citizens rated on (points' inverse): 0.75 -> 4.0."""
    return 1 + share * (len(RATINGS) - 1)


def _token(ticket: str, tracking_hash: str) -> str:
    digest = hmac.new(tracking_hash.encode(), f"lacak:{ticket}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:10], "big")
    return "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(TOKEN_LENGTH))
