"""Starting the production roles: `pantau db upgrade` twice at once on a fresh PostGIS (the
migration lock), and `pantau serve` / `pantau worker` refusing to start without Redis."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from store.db import MIGRATION_LOCK, MIGRATIONS
from tests.production.conftest import PANTAU, ROOT, deployment_env, fresh_postgis, mig_waiters, until

pytestmark = pytest.mark.slow


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.mark.postgis
def test_two_db_upgrades_at_once_on_a_fresh_database_both_succeed(tmp_path: Path):
    """Both upgrades are started while the test holds the migration lock and are released only once
    both wait on it, so they really do run into each other (without the lock they raced to create
    the same types: UniqueViolation on pg_type, exit 1)."""
    with fresh_postgis() as url:
        env = deployment_env(url)
        store = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with store.connect() as gate:
                gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                upgrades = [subprocess.Popen([*PANTAU, "db", "upgrade"], cwd=ROOT, env=env, text=True,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
                try:
                    def both_waiting() -> bool:
                        for upgrade in upgrades:
                            if upgrade.poll() is not None:
                                pytest.fail(f"an upgrade finished while the lock was held: {upgrade.communicate()}")
                        return mig_waiters(gate) == 2
                    until(60, both_waiting, "both upgrades to wait on the migration lock")
                finally:
                    gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                results = [upgrade.communicate(timeout=120) for upgrade in upgrades]
            assert [upgrade.returncode for upgrade in upgrades] == [0, 0], results
            assert all("database is at the latest schema" in out for out, _ in results)
            with store.connect() as connection:
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() \
                    == [head_revision()]
                tables = set(connection.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            assert {"complaints", "complaint_events", "audit_log", "api_keys", "users"} <= tables
        finally:
            store.dispose()


@pytest.mark.parametrize("role", [["serve", "--workers", "1"], ["worker"]], ids=["serve", "worker"])
def test_a_production_role_without_redis_stops_with_one_indonesian_sentence(tmp_path: Path, role: list[str]):
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_REDIS_URL"}
    env["PANTAU_DATABASE_URL"] = f"sqlite:///{tmp_path}/pantau.db"
    result = subprocess.run([*PANTAU, *role], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"pantau {role[0]} membutuhkan PANTAU_REDIS_URL" in result.stderr
    assert "jalankan python app.py" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "pantau.db").exists(), "it touched the database before refusing"
