"""Failed sign-ins are throttled (Flask-Limiter), per account and per address, on both databases:
a 429 with Retry-After that is audited and checks no password; successes do not count; with
Redis configured two web processes count together."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import Engine, select

from app import Pantau, create_app
from followup.auth import FAILED_PER_ACCOUNT, FAILED_PER_ADDRESS
from settings import Settings
from store import users
from store.models import AuditRow
from tests.followup.helpers import PASSWORD, audited, sign_in

PER_ACCOUNT = int(FAILED_PER_ACCOUNT.split()[0])
PER_ADDRESS = int(FAILED_PER_ADDRESS.split()[0])
REDIS_URL = os.environ.get("PANTAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def add_staf(pantau: Pantau) -> None:
    with pantau.sessions.begin() as session:
        users.create(session, name="staf", role="skpd_staff", skpd="BINAMARGA-JP", area=None, password=PASSWORD)


@pytest.fixture
def pantau(pantau: Pantau) -> Pantau:
    add_staf(pantau)
    return pantau


def test_one_account_is_locked_after_its_failures_even_for_the_right_password(pantau: Pantau) -> None:
    client = pantau.dash.server.test_client()
    for _ in range(PER_ACCOUNT):
        assert sign_in(client, password="salah-kata-sandi").status_code == 401
    locked = sign_in(client)  # the right password: a guesser must learn nothing while throttled
    assert locked.status_code == 429 and 1 <= int(locked.headers["Retry-After"]) <= 15 * 60
    assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
    [throttled] = audited(pantau, "login.throttled")
    assert throttled.target == "staf" and throttled.detail["ip"] == "127.0.0.1"
    assert len(audited(pantau, "login.failed")) == PER_ACCOUNT and audited(pantau, "login") == []
    assert sign_in(client, name="lain", password="salah-kata-sandi").status_code == 401  # others still may try


def test_one_address_is_stopped_after_failures_across_many_accounts(pantau: Pantau) -> None:
    client = pantau.dash.server.test_client()
    for n in range(PER_ADDRESS):
        assert sign_in(client, name=f"tebakan-{n}", password="salah-kata-sandi").status_code == 401
    assert sign_in(client).status_code == 429
    elsewhere = pantau.dash.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(elsewhere).status_code == 302  # another address signs in


def test_successful_sign_ins_are_not_counted(pantau: Pantau) -> None:
    client = pantau.dash.server.test_client()
    for _ in range(PER_ACCOUNT + 2):
        assert sign_in(client).status_code == 302


@pytest.mark.slow
def test_with_redis_two_web_processes_count_the_same_failures(engine: Engine, locator) -> None:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), redis_url=REDIS_URL,
                        redis_channel=f"pantau-test-{uuid.uuid4().hex}")
    first, second = (create_app(settings, locator=locator) for _ in range(2))
    add_staf(first)
    for n in range(PER_ACCOUNT):
        app = (first, second)[n % 2]
        assert sign_in(app.dash.server.test_client(), password="salah-kata-sandi").status_code == 401
    assert sign_in(first.dash.server.test_client()).status_code == 429
    assert sign_in(second.dash.server.test_client()).status_code == 429
    with first.sessions() as session:
        assert session.scalar(select(AuditRow.action).where(AuditRow.action == "login.throttled")) is not None
