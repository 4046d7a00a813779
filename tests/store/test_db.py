"""Engines and migrations on both databases."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from store.db import make_engine, upgrade
from store.models import Base
from store.postgis import include_object

TABLES = {"complaints", "complaint_events", "api_keys", "live_events", "dead_letters", "users", "audit_log", "evidence",
          "kelurahan", "kecamatan", "kota", "alembic_version"}


def test_upgrade_creates_tables_and_a_second_run_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalars(text("SELECT version_num FROM alembic_version")).all() == ["0017"]


def test_indexes_from_the_brief_exist(engine: Engine) -> None:
    upgrade(engine)
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("complaints")}
    assert {("kode_kelurahan",), ("skpd",), ("status",), ("received_at",)} <= indexed


def test_models_match_the_migrations(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_engine_makes_its_folder_and_sets_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/new/folder/pantau.db")
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert (pragma("journal_mode"), pragma("foreign_keys")) == ("wal", 1)
        assert pragma("busy_timeout") > 0
    assert (tmp_path / "new" / "folder" / "pantau.db").exists()
    engine.dispose()


def test_plain_postgresql_url_uses_psycopg3() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1/pantau_test")
    assert engine.dialect.driver == "psycopg"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        make_engine("mysql://user@localhost/pantau")


def test_the_ranking_migration_fills_stints_for_complaints_already_stored(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    from store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(text(
            "INSERT INTO complaints (id, ticket, channel, external_id, received_at, text, category, skpd, status,"
            " kode_kelurahan, kode_kecamatan, kode_kota, location_flag, media, outside_desk_hours, reopened)"
            " VALUES (7, 'JKT-261101-AAAAA', 'sms', 'x1', '2026-11-01 01:00:00', 'Jalan rusak', 'jalan', 'BINAMARGA-JP',"
            " 'Menunggu', '31.71.01.1001', '31.71.01', '31.71', NULL, '[]', false, 0)"))
        connection.execute(text("INSERT INTO complaint_events (complaint_id, kind, at, status, actor, note)"
                                " VALUES (7, 'diterima', '2026-11-01 01:00:00', 'Menunggu', 'sistem', '')"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT complaint_id, seq, skpd, kode_kota FROM ranking_stints")).all() == [
            (7, 0, "BINAMARGA-JP", "31.71")]
