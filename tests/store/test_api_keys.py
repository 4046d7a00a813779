"""API keys on both databases."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import api_keys
from store.models import ApiKeyRow


def test_a_created_key_verifies_to_its_name_and_only_its_hash_is_stored(session: Session) -> None:
    key = api_keys.create(session, name="sms-gateway")
    session.commit()
    assert key.startswith("pantau_") and len(key) > 40
    assert api_keys.verify(session, key=key) == "sms-gateway"
    stored = session.scalars(select(ApiKeyRow.key_hash)).one()
    assert stored == hashlib.sha256(key.encode()).hexdigest()


def test_unknown_and_revoked_keys_do_not_verify(session: Session) -> None:
    key = api_keys.create(session, name="open311")
    assert api_keys.verify(session, key="pantau_not-a-key") is None
    assert api_keys.revoke(session, name="open311") is True
    session.commit()
    assert api_keys.verify(session, key=key) is None
    assert api_keys.revoke(session, name="open311") is False
    assert api_keys.revoke(session, name="nobody") is False


def test_a_duplicate_name_raises_and_keeps_the_first_key(session: Session) -> None:
    key = api_keys.create(session, name="mailbox")
    with pytest.raises(api_keys.DuplicateKeyName, match="mailbox"):
        api_keys.create(session, name="mailbox")
    session.commit()
    assert api_keys.verify(session, key=key) == "mailbox"
