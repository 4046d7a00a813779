"""What a caller of the API may do: the scopes an API key holds (`pantau keys create --scope`), and
the one rule for whether held scopes allow what a door needs.

| scope | allows |
|---|---|
| `channel:<kanal>` | posting reports for that channel (crm/channels.py), by every door that takes them: `POST /api/v1/channels/<kanal>`, each report of `POST /api/v1/reports` and `/reports/batch` whose `channel` it is, and for `channel:open311` the Open311 POST |
| `dead_letters` | reading, replaying and dismissing every dead letter (raw bodies with personal data) |
| `dead_letters:<kanal>` | the same for one channel's dead letters only |
| `exports` | the complaint exports (`/api/v1/export/...`) |

A key names what it may do; nothing is implied, so a gateway's key cannot post as another
channel, and reading raw bodies is always granted on purpose. People do not hold keys: what their
sign-in or token may do here is crm/roles.py's `scopes_of`.
"""
from __future__ import annotations

from collections.abc import Iterable

from crm.channels import CHANNELS

CHANNEL = "channel"
DEAD_LETTERS = "dead_letters"
EXPORTS = "exports"
ANY_DEAD_LETTERS = f"{DEAD_LETTERS}:*"  # a need, never held: `dead_letters` or one channel's


def channel(code: str) -> str:
    """The scope that allows posting for channel `code`."""
    return f"{CHANNEL}:{code}"


def dead_letters(code: str) -> str:
    """The scope that allows reading and replaying channel `code`'s dead letters."""
    return f"{DEAD_LETTERS}:{code}"


SCOPES: tuple[str, ...] = (*map(channel, CHANNELS), DEAD_LETTERS, *map(dead_letters, CHANNELS), EXPORTS)
VALID = (f"{CHANNEL}:<kanal>, {DEAD_LETTERS}, {DEAD_LETTERS}:<kanal>, {EXPORTS} "
         f"(kanal: {', '.join(CHANNELS)})")


def check(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes as a set; ValueError naming the unknown ones (and the valid ones), or none given."""
    given = frozenset(scopes)
    unknown = sorted(given - set(SCOPES))
    if unknown:
        raise ValueError(f"cakupan tidak dikenal: {', '.join(unknown)}; pilih dari {VALID}")
    if not given:
        raise ValueError(f"beri minimal satu cakupan: {VALID}")
    return given


def grants(held: frozenset[str], need: str) -> bool:
    """Whether scopes `held` allow `need`: the scope itself, `dead_letters` for one channel's, and
    for ANY_DEAD_LETTERS any dead-letter scope at all (the list then shows only what is held)."""
    if need in held:
        return True
    if need == ANY_DEAD_LETTERS:
        return any(s == DEAD_LETTERS or s.startswith(DEAD_LETTERS + ":") for s in held)
    return need.startswith(DEAD_LETTERS + ":") and DEAD_LETTERS in held


def dead_letter_channels(held: frozenset[str]) -> frozenset[str] | None:
    """The channels whose dead letters `held` may read; None for all of them, even unknown channels'."""
    if DEAD_LETTERS in held:
        return None
    return frozenset(s.removeprefix(DEAD_LETTERS + ":") for s in held if s.startswith(DEAD_LETTERS + ":"))


def described(need: str) -> str:
    """A need as a message names it."""
    return f"{DEAD_LETTERS} (atau {DEAD_LETTERS}:<kanal>)" if need == ANY_DEAD_LETTERS else need
