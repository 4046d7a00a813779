"""The `public_complaints` view that GIS users open instead of `complaints`, on SQLite and PostGIS:
no personal column, the text masked as every public door masks it, the point on PostGIS; texts
stored before the view are masked by the migration; a complaint hidden by an operator is left out
and an operator's edit is shown, masked (migration 0014)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint
from crm.personal_data import EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER
from store import complaints
from store.db import make_sessionmaker, upgrade, writing
from tests.store.test_migrations import migrate

SAID = "Genangan di depan Stasiun Gambir. Hubungi saya di 0812-3456-7890 atau sri.wahyuni@gmail.com"
PERSONAL = {"reporter_name", "reporter_contact", "officer", "desk", "external_id", "tracking_hash", "public_text"}


def test_the_view_has_no_personal_column_and_a_masked_text(sessions: sessionmaker[Session], engine: Engine,
                                                           make_complaint: Callable[..., Complaint]) -> None:
    with sessions.begin() as session:
        stored = complaints.add(session, complaint=make_complaint(
            text=SAID, reporter_name="Sri Wahyuni", reporter_contact="0812-3456-7890", officer="Pak Andi"))
    columns = {c["name"] for c in inspect(engine).get_columns("public_complaints")}
    assert not columns & PERSONAL and {"ticket", "text", "kode_kelurahan", "skpd", "status"} <= columns
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM public_complaints WHERE id = :id"), {"id": stored.id}).mappings().one()
    assert "0812" not in row["text"] and "sri.wahyuni" not in row["text"]
    assert PHONE_PLACEHOLDER in row["text"] and EMAIL_PLACEHOLDER in row["text"]
    assert row["text"].startswith("Genangan di depan Stasiun Gambir")
    assert "Sri Wahyuni" not in str(dict(row)) and "Pak Andi" not in str(dict(row))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            point = connection.scalar(text("SELECT ST_AsText(geom) FROM public_complaints WHERE id = :id"),
                                      {"id": stored.id})
        assert point == f"POINT({stored.lon} {stored.lat})"


def test_texts_stored_before_the_view_are_masked_by_the_migration(engine: Engine) -> None:
    migrate(engine, "0010")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO complaints (id, ticket, channel, external_id, received_at, text, category, skpd, status,"
            " media, outside_desk_hours, reopened) VALUES (9, 'JKT-261101-BBBBB', 'email', 'm1',"
            " '2026-11-01 01:00:00', :said, 'banjir', 'DSDA', 'Menunggu', '[]', false, 0)"), {"said": SAID})
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        masked = session.scalar(text("SELECT text FROM public_complaints WHERE id = 9"))
        original = session.scalar(text("SELECT text FROM complaints WHERE id = 9"))
    assert "0812" not in masked and PHONE_PLACEHOLDER in masked and original == SAID  # staff keep the original


def test_the_view_leaves_hidden_complaints_out_and_shows_an_edit_masked(sessions: sessionmaker[Session],
                                                                        engine: Engine,
                                                                        make_complaint: Callable[..., Complaint]) -> None:
    with sessions.begin() as session:
        hidden, edited, kept = (complaints.add(session, complaint=make_complaint(text=SAID)) for _ in range(3))
    with writing(sessions) as session:
        complaints.change(session, complaint_id=hidden.id, step=lambda c: replace(c, public_hidden=True))
        complaints.change(session, complaint_id=edited.id,
                          step=lambda c: replace(c, public_edit="Genangan di Gambir; operator 0813-9999-8888"))
    with engine.connect() as connection:
        shown = dict(connection.execute(text("SELECT id, text FROM public_complaints")).all())
        originals = connection.scalars(text("SELECT text FROM complaints ORDER BY id")).all()
    assert set(shown) == {edited.id, kept.id} and originals == [SAID] * 3
    assert shown[edited.id] == f"Genangan di Gambir; operator {PHONE_PLACEHOLDER}"
    assert "0812" not in shown[kept.id] and shown[kept.id].startswith("Genangan di depan Stasiun Gambir")


def test_moderation_downgrades_to_the_view_before_it(sessions: sessionmaker[Session], engine: Engine,
                                                     make_complaint: Callable[..., Complaint]) -> None:
    with sessions.begin() as session:
        stored = complaints.add(session, complaint=make_complaint(text=SAID))
    with writing(sessions) as session:
        complaints.change(session, complaint_id=stored.id, step=lambda c: replace(c, public_hidden=True))
    migrate(engine, "0013", down=True)
    assert not {"public_hidden", "public_edit"} & {c["name"] for c in inspect(engine).get_columns("complaints")}
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM public_complaints")) == 1
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM public_complaints")) == 1  # shown: the mark went with the downgrade
