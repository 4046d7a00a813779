"""Settings from the environment: an empty value is no value (a `.env` line `NAME=` left blank)."""
from __future__ import annotations

import pytest

from settings import Settings


def test_an_empty_secret_is_unset_so_the_facebook_door_stays_shut(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PANTAU_FACEBOOK_APP_SECRET", "")
    monkeypatch.setenv("PANTAU_REDIS_URL", "")
    monkeypatch.setenv("PANTAU_SECRET_KEY", "")
    settings = Settings()
    assert (settings.facebook_app_secret, settings.redis_url, settings.secret_key) == (None, None, None)
    monkeypatch.setenv("PANTAU_FACEBOOK_APP_SECRET", "rahasia")
    assert Settings().facebook_app_secret == "rahasia"
