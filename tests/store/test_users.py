"""People, passwords, tokens and the audit log on both databases."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from crm.roles import Person, Role
from store import users
from store.models import AuditRow, UserRow

PASSWORD = "kata-sandi-panjang"


def add(sessions: sessionmaker[Session], name: str = "budi", **scope: str | None) -> None:
    values = {"role": "skpd_head", "skpd": "BINAMARGA-JU", "area": None} | scope
    with sessions.begin() as session:
        users.create(session, name=name, password=PASSWORD, **values)


def test_create_then_authenticate_with_the_right_password_only(sessions: sessionmaker[Session]) -> None:
    add(sessions)
    with sessions() as session:
        assert users.authenticate(session, name="budi", password=PASSWORD) == Person(
            "budi", Role.SKPD_HEAD, "BINAMARGA-JU", None)
        assert users.authenticate(session, name="budi", password=PASSWORD + "x") is None
        assert users.authenticate(session, name="siapa", password=PASSWORD) is None


def test_only_a_scrypt_hash_of_the_password_is_stored(sessions: sessionmaker[Session]) -> None:
    add(sessions)
    with sessions() as session:
        stored = session.scalars(select(UserRow.password_hash)).one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_a_duplicate_name_raises_and_keeps_the_first(sessions: sessionmaker[Session]) -> None:
    add(sessions)
    with sessions.begin() as session, pytest.raises(users.DuplicateUser, match="sudah ada"):
        users.create(session, name="budi", role="operator", skpd=None, area=None, password="lain-lagi-panjang")
    with sessions() as session:
        assert users.authenticate(session, name="budi", password=PASSWORD).role == Role.SKPD_HEAD


@pytest.mark.parametrize(("scope", "password", "message"), [
    ({"role": "skpd_head", "skpd": None}, PASSWORD, "memerlukan --skpd"),
    ({"role": "lurah", "skpd": None, "area": "31.72"}, PASSWORD, "kode kelurahan"),
    ({}, "pendek", "paling sedikit 12"),
])
def test_bad_input_stores_nobody(sessions: sessionmaker[Session], scope: dict, password: str, message: str) -> None:
    values = {"role": "skpd_head", "skpd": "BINAMARGA-JU", "area": None} | scope
    with sessions.begin() as session, pytest.raises(ValueError, match=message):
        users.create(session, name="budi", password=password, **values)
    with sessions() as session:
        assert session.scalars(select(UserRow)).all() == []


def test_a_disabled_person_neither_signs_in_nor_uses_a_token_nor_gets_a_new_one(
        sessions: sessionmaker[Session]) -> None:
    add(sessions)
    with sessions.begin() as session:
        token = users.issue_token(session, name="budi")
        session.execute(update(UserRow).values(disabled_at=datetime.now(UTC)))
    with sessions() as session:
        assert users.authenticate(session, name="budi", password=PASSWORD) is None
        assert users.by_token(session, token=token) is None
        with pytest.raises(users.UnknownUser):
            users.issue_token(session, name="budi")


def test_a_token_finds_its_person_and_a_new_one_replaces_it(sessions: sessionmaker[Session]) -> None:
    add(sessions, "siti", role="lurah", skpd=None, area="31.72.05.1001")
    with sessions.begin() as session:
        first = users.issue_token(session, name="siti")
    with sessions.begin() as session:
        second = users.issue_token(session, name="siti")
    assert first.startswith("pantau_u_") and second != first
    with sessions() as session:
        assert users.by_token(session, token=second) == Person("siti", Role.LURAH, None, "31.72.05.1001")
        assert users.by_token(session, token=first) is None
        assert users.by_token(session, token="pantau_u_bukan-token") is None
        assert session.scalars(select(UserRow.token_hash)).one() == hashlib.sha256(second.encode()).hexdigest()


def test_a_token_for_nobody_raises(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(users.UnknownUser, match="siapa"):
        users.issue_token(session, name="siapa")


def test_audit_rows_are_kept_with_the_callers_write_or_not_at_all(sessions: sessionmaker[Session]) -> None:
    at = datetime(2024, 11, 5, 2, 30, tzinfo=UTC)
    with sessions.begin() as session:
        users.audit(session, actor="cli", action="users.create", target="budi", detail={"role": "operator"}, at=at)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        users.audit(session, actor="cli", action="users.token", target="budi", detail={}, at=at)
        raise RuntimeError("the write failed")
    with sessions() as session:
        rows = session.scalars(select(AuditRow)).all()
    assert [(r.at, r.actor, r.action, r.target, r.detail) for r in rows] == [
        (at, "cli", "users.create", "budi", {"role": "operator"})]


def test_a_session_version_holds_until_sessions_end_or_the_person_is_disabled(
        sessions: sessionmaker[Session]) -> None:
    add(sessions)
    with sessions() as session:
        version = users.session_version(session, name="budi")
        assert users.by_session(session, name="budi", version=version).name == "budi"
    with sessions.begin() as session:
        users.end_sessions(session, name="budi")
    with sessions() as session:
        assert users.by_session(session, name="budi", version=version) is None
        newer = users.session_version(session, name="budi")
        assert newer == version + 1 and users.by_session(session, name="budi", version=newer) is not None
    with sessions.begin() as session:
        assert users.set_disabled(session, name="budi", disabled=True, at=datetime.now(UTC)) is True
        assert users.set_disabled(session, name="budi", disabled=True, at=datetime.now(UTC)) is False
    with sessions() as session:
        assert users.by_session(session, name="budi", version=newer) is None
        assert users.by_session(session, name="budi", version=newer + 1) is None  # disabled: no version works
        assert users.authenticate(session, name="budi", password=PASSWORD) is None
    with sessions.begin() as session:
        assert users.set_disabled(session, name="budi", disabled=False, at=datetime.now(UTC)) is True
        assert users.set_disabled(session, name="nobody", disabled=False, at=datetime.now(UTC)) is False
    with sessions() as session:
        assert users.by_session(session, name="budi", version=newer) is None  # enabling revives no old session
        assert users.authenticate(session, name="budi", password=PASSWORD) is not None
        [account] = users.accounts(session)
        assert (account.name, account.disabled_at, account.has_token) == ("budi", None, False)
