"""Migration 0013 on both databases: a key made before scopes keeps posting for every channel and
exporting, as it could, but no longer reads dead letters; it downgrades cleanly."""
from __future__ import annotations

import hashlib

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from crm.channels import CHANNELS
from store import api_keys
from store.db import MIGRATIONS, make_sessionmaker, upgrade
from tests.store.test_migrations import columns, migrate

OLD_KEY = "pantau_kunci-lama-dari-sebelum-cakupan"


def before_scopes() -> str:
    """The revision 0013 follows, whatever it is once the migrations are chained."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_revision("0013").down_revision


def test_a_key_from_before_scopes_keeps_its_channels_and_exports_but_not_dead_letters(engine: Engine) -> None:
    migrate(engine, before_scopes())
    digest = hashlib.sha256(OLD_KEY.encode()).hexdigest()  # as keys were always stored
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO api_keys (name, key_hash) VALUES ('qlue-lama', :digest)"),
                           {"digest": digest})
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        grant = api_keys.verify(session, key=OLD_KEY)
    assert grant.name == "qlue-lama"
    assert grant.scopes == {f"channel:{code}" for code in CHANNELS} | {"exports"}
    assert not any(scope.startswith("dead_letters") for scope in grant.scopes)
    with sessions.begin() as session:
        api_keys.create(session, name="baru", scopes=["dead_letters"])
        assert [k.scopes for k in api_keys.listing(session)] == [("dead_letters",), tuple(sorted(grant.scopes))]
    migrate(engine, before_scopes(), down=True)
    assert "scopes" not in columns(engine, "api_keys")
    upgrade(engine)
    assert "scopes" in columns(engine, "api_keys")
