"""API keys on both databases."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import api_keys
from store.models import ApiKeyRow


def test_a_created_key_verifies_to_its_name_and_scopes_and_only_its_hash_is_stored(session: Session) -> None:
    key = api_keys.create(session, name="sms-gateway", scopes=["channel:sms", "dead_letters:sms"])
    session.commit()
    assert key.startswith("pantau_") and len(key) > 40
    granted = frozenset({"channel:sms", "dead_letters:sms"})
    assert api_keys.verify(session, key=key) == api_keys.Grant("sms-gateway", granted)
    stored = session.scalars(select(ApiKeyRow.key_hash)).one()
    assert stored == hashlib.sha256(key.encode()).hexdigest()


def test_unknown_and_revoked_keys_do_not_verify(session: Session) -> None:
    key = api_keys.create(session, name="open311", scopes=["channel:open311"])
    assert api_keys.verify(session, key="pantau_not-a-key") is None
    assert api_keys.revoke(session, name="open311") is True
    session.commit()
    assert api_keys.verify(session, key=key) is None
    assert api_keys.revoke(session, name="open311") is False
    assert api_keys.revoke(session, name="nobody") is False


def test_a_duplicate_name_raises_and_keeps_the_first_key(session: Session) -> None:
    key = api_keys.create(session, name="mailbox", scopes=["channel:email"])
    with pytest.raises(api_keys.DuplicateKeyName, match="mailbox"):
        api_keys.create(session, name="mailbox", scopes=["exports"])
    session.commit()
    assert api_keys.verify(session, key=key) == api_keys.Grant("mailbox", frozenset({"channel:email"}))


@pytest.mark.parametrize(("scopes", "says"), [
    (["channel:telegram"], "cakupan tidak dikenal: channel:telegram"),
    (["exports", "semua"], "cakupan tidak dikenal: semua"),
    ([], "minimal satu cakupan"),
])
def test_a_key_needs_known_scopes_and_at_least_one(session: Session, scopes: list[str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        api_keys.create(session, name="gateway", scopes=scopes)
    assert api_keys.listing(session) == []


def test_the_list_shows_scopes_sorted(session: Session) -> None:
    api_keys.create(session, name="qlue", scopes=["exports", "channel:qlue", "exports"])
    [listed] = api_keys.listing(session)
    assert (listed.name, listed.scopes, listed.revoked_at) == ("qlue", ("channel:qlue", "exports"), None)
