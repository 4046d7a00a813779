"""`pantau users` as an administrator runs it: create people, issue their tokens, all audited."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from crm.roles import Person, Role
from store import api_keys, users
from store.db import make_engine, make_sessionmaker
from store.models import AuditRow


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/pantau.db"


@pytest.fixture
def runner(url: str) -> CliRunner:
    return CliRunner(env={"PANTAU_DATABASE_URL": url})


def create(runner: CliRunner, *args: str, password: str = "kata-sandi-panjang\n"):
    return runner.invoke(main, ["users", "create", *args, "--password-stdin"], input=password)


def audit_actions(url: str) -> list[tuple[str, str, str]]:
    with make_sessionmaker(make_engine(url))() as session:
        return [(r.actor, r.action, r.target) for r in session.scalars(select(AuditRow).order_by(AuditRow.id))]


def test_create_from_stdin_then_a_token_printed_once_that_works(runner: CliRunner, url: str) -> None:
    made = create(runner, "budi", "--role", "skpd_head", "--skpd", "BINAMARGA-JU")
    assert made.exit_code == 0, made.output
    issued = runner.invoke(main, ["users", "token", "budi"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert token.startswith("pantau_u_") and issued.stdout.count("pantau_u_") == 1
    assert "tidak dapat ditampilkan lagi" in issued.stderr
    with make_sessionmaker(make_engine(url))() as session:
        assert users.by_token(session, token=token) == Person("budi", Role.SKPD_HEAD, "BINAMARGA-JU", None)
    assert audit_actions(url) == [("cli", "users.create", "budi"), ("cli", "users.token", "budi")]


def test_a_bad_role_is_a_usage_error(runner: CliRunner) -> None:
    result = create(runner, "budi", "--role", "gubernur")
    assert result.exit_code == 2 and "gubernur" in result.output


def test_an_skpd_head_without_skpd_is_refused_before_the_password(runner: CliRunner, url: str) -> None:
    result = runner.invoke(main, ["users", "create", "budi", "--role", "skpd_head"])
    assert result.exit_code == 1 and "memerlukan --skpd" in result.output
    assert "Kata sandi" not in result.output


def test_a_short_password_or_a_taken_name_fails_and_is_not_audited(runner: CliRunner, url: str) -> None:
    short = create(runner, "budi", "--role", "operator", password="pendek\n")
    assert short.exit_code == 1 and "paling sedikit 12" in short.output
    assert create(runner, "budi", "--role", "operator").exit_code == 0
    again = create(runner, "budi", "--role", "validator")
    assert again.exit_code == 1 and "sudah ada" in again.output
    assert audit_actions(url) == [("cli", "users.create", "budi")]


def test_an_interactive_password_is_asked_twice(runner: CliRunner, url: str) -> None:
    result = runner.invoke(main, ["users", "create", "siti", "--role", "lurah", "--area", "31.72.05.1001"],
                           input="kata-sandi-panjang\nkata-sandi-panjang\n")
    assert result.exit_code == 0, result.output
    assert "kata-sandi-panjang" not in result.output
    with make_sessionmaker(make_engine(url))() as session:
        assert users.authenticate(session, name="siti", password="kata-sandi-panjang").area == "31.72.05.1001"


def test_a_token_for_nobody_fails(runner: CliRunner) -> None:
    result = runner.invoke(main, ["users", "token", "siapa"])
    assert result.exit_code == 1 and "siapa" in result.output and "pantau_u_" not in result.output


def test_list_disable_and_enable_people_all_audited(runner: CliRunner, url: str) -> None:
    assert create(runner, "budi", "--role", "skpd_head", "--skpd", "BINAMARGA-JU").exit_code == 0
    token = runner.invoke(main, ["users", "token", "budi"]).stdout.strip()
    listed = runner.invoke(main, ["users", "list"])
    assert listed.exit_code == 0
    assert listed.stdout.split("\t")[:4] == ["budi", "skpd_head", "BINAMARGA-JU", "aktif"]
    assert "scrypt" not in listed.stdout and token not in listed.stdout
    disabled = runner.invoke(main, ["users", "disable", "budi"])
    assert disabled.exit_code == 0 and "dinonaktifkan" in disabled.stdout
    assert "nonaktif sejak" in runner.invoke(main, ["users", "list"]).stdout
    with make_sessionmaker(make_engine(url))() as session:
        assert users.by_token(session, token=token) is None
    again = runner.invoke(main, ["users", "disable", "budi"])
    assert again.exit_code == 1 and "sudah dinonaktifkan" in again.output
    assert runner.invoke(main, ["users", "enable", "budi"]).exit_code == 0
    with make_sessionmaker(make_engine(url))() as session:
        assert users.by_token(session, token=token).name == "budi"
    assert runner.invoke(main, ["users", "disable", "siapa"]).exit_code == 1
    assert [a[1] for a in audit_actions(url)] == ["users.create", "users.token", "users.disable", "users.enable"]


def test_list_and_revoke_keys_audited_and_never_shown(runner: CliRunner, url: str) -> None:
    assert runner.invoke(main, ["keys", "list"]).stderr.strip() == "belum ada kunci"
    made = runner.invoke(main, ["keys", "create", "qlue-gateway", "--scope", "channel:qlue", "--scope", "exports"])
    key = made.stdout.splitlines()[0]
    with make_sessionmaker(make_engine(url))() as session:
        assert api_keys.verify(session, key=key).name == "qlue-gateway"
    listed = runner.invoke(main, ["keys", "list"]).stdout
    assert listed.startswith("qlue-gateway\tdibuat ") and listed.rstrip().endswith("aktif") and key not in listed
    assert "\tcakupan channel:qlue,exports\taktif" in listed
    revoked = runner.invoke(main, ["keys", "revoke", "qlue-gateway"])
    assert revoked.exit_code == 0 and "dicabut" in revoked.stdout
    assert "\tdicabut " in runner.invoke(main, ["keys", "list"]).stdout
    with make_sessionmaker(make_engine(url))() as session:
        assert api_keys.verify(session, key=key) is None
    twice = runner.invoke(main, ["keys", "revoke", "qlue-gateway"])
    assert twice.exit_code == 1 and "tidak ada kunci aktif" in twice.output
    assert audit_actions(url) == [("cli", "keys.create", "qlue-gateway"), ("cli", "keys.revoke", "qlue-gateway")]
    with make_sessionmaker(make_engine(url))() as session:
        created = session.scalars(select(AuditRow).where(AuditRow.action == "keys.create")).one()
    assert created.detail == {"scopes": ["channel:qlue", "exports"]}


@pytest.mark.parametrize(("args", "says"), [
    (["--scope", "channel:qlue", "--scope", "channel:telegram"], "cakupan tidak dikenal: channel:telegram"),
    (["--scope", "dead-letters"], "cakupan tidak dikenal: dead-letters"),
    ([], "beri minimal satu cakupan"),
])
def test_a_key_with_an_unknown_scope_or_none_is_refused_with_the_valid_ones(runner: CliRunner, url: str,
                                                                           args: list[str], says: str) -> None:
    refused = runner.invoke(main, ["keys", "create", "gateway", *args])
    assert refused.exit_code == 2 and says in refused.stderr
    assert "channel:<kanal>, dead_letters, dead_letters:<kanal>, exports" in refused.stderr
    assert "qlue, twitter" in refused.stderr and "pantau_" not in refused.stdout
    assert runner.invoke(main, ["keys", "list"]).stderr.strip() == "belum ada kunci"
