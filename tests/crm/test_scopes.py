"""The scopes' one rule (crm/scopes.py) and what each role's sign-in carries (crm/roles.py)."""
from __future__ import annotations

import pytest

from crm import scopes
from crm.channels import CHANNELS
from crm.roles import Role, scopes_of


@pytest.mark.parametrize(("held", "need", "allowed"), [
    ({"channel:qlue"}, "channel:qlue", True),
    ({"channel:qlue"}, "channel:twitter", False),
    ({"dead_letters"}, "dead_letters:sms", True),
    ({"dead_letters:qlue"}, "dead_letters:sms", False),
    ({"dead_letters:qlue"}, "dead_letters", False),
    ({"dead_letters:qlue"}, scopes.ANY_DEAD_LETTERS, True),
    ({"channel:qlue", "exports"}, scopes.ANY_DEAD_LETTERS, False),
    ({"dead_letters"}, "exports", False),
    ({"exports"}, "channel:qlue", False),
])
def test_a_scope_allows_itself_and_dead_letters_allows_each_channels(held, need, allowed):
    assert scopes.grants(frozenset(held), need) is allowed


def test_the_dead_letters_a_scope_set_may_read():
    assert scopes.dead_letter_channels(frozenset({"dead_letters", "dead_letters:sms"})) is None
    assert scopes.dead_letter_channels(frozenset({"dead_letters:sms", "channel:qlue"})) == {"sms"}
    assert scopes.dead_letter_channels(frozenset({"exports"})) == frozenset()


def test_every_channel_has_its_scopes_and_nothing_else_is_known():
    assert {scopes.channel(c) for c in CHANNELS} | {scopes.dead_letters(c) for c in CHANNELS} | {
        "dead_letters", "exports"} == set(scopes.SCOPES)
    with pytest.raises(ValueError, match="cakupan tidak dikenal: channel:\\*, dead_letters:\\*"):
        scopes.check(["channel:*", scopes.ANY_DEAD_LETTERS, "exports"])  # a need is never a grant


def test_only_operators_and_the_governor_read_dead_letters_everyone_exports():
    readers = {role for role in Role if scopes.grants(scopes_of(role), scopes.ANY_DEAD_LETTERS)}
    assert readers == {Role.GOVERNOR, Role.OPERATOR}
    assert all(scopes.grants(scopes_of(role), scopes.EXPORTS) for role in Role)
    assert not any(s.startswith("channel:") for role in Role for s in scopes_of(role))
