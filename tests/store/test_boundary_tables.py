"""The kelurahan, kecamatan and kota tables filled from the real boundary file, on SQLite and PostGIS:
every area with its parents' codes, replaced whole and never half, and on PostGIS valid outlines
that a GIS user joins `public_complaints` to, by code and by ST_Contains."""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import shapely
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint
from geo.boundaries import Boundaries
from store import boundary_tables, complaints
from store.boundary_tables import AreaCounts, UnusableBoundaries
from store.db import upgrade, writing
from store.models import KecamatanRow, KelurahanRow, KotaRow
from tests.store.test_migrations import migrate

JAKARTA = AreaCounts(kelurahan=267, kecamatan=44, kota=6)
JAKARTA_PUSAT = "31.71"
MONAS = (106.8272, -6.1754)
GAMBIR = "31.71.01.1001"
# Where the complaints of the join test are, and how many in each; the rest of the 267 have none.
PLACED = {GAMBIR: 3, "31.75.06.1001": 2, "31.01.01.1001": 1}  # Gambir; Jatinegara (in Cakung); Pulau Panggang
postgis_only = pytest.mark.parametrize("engine", [pytest.param("postgis", marks=pytest.mark.postgis)], indirect=True)


def stored(session: Session) -> dict[str, list[tuple[str, ...]]]:
    tables = (row.__table__ for row in (KotaRow, KecamatanRow, KelurahanRow))
    return {table.name: [tuple(r) for r in session.execute(select(*table.columns).order_by(*table.primary_key))]
            for table in tables}


def load(sessions: sessionmaker[Session], boundaries: Boundaries) -> AreaCounts:
    with writing(sessions) as session:
        return boundary_tables.replace(session, boundaries=boundaries)


def only_kota(boundaries: Boundaries, kode_kota: str) -> Boundaries:
    kelurahan = boundaries.kelurahan
    return Boundaries(kelurahan=kelurahan[kelurahan.kode_kota == kode_kota].reset_index(drop=True),
                      source=boundaries.source)


def test_every_area_is_stored_with_its_parents_codes(sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    assert load(sessions, boundaries) == JAKARTA
    with sessions() as session:
        rows = stored(session)
        assert boundary_tables.counts(session) == JAKARTA
    file = boundaries.kelurahan
    assert rows["kelurahan"] == sorted(file[["kode_kelurahan", "kelurahan", "kode_kecamatan", "kode_kota"]]
                                        .itertuples(index=False, name=None))
    assert rows["kecamatan"] == sorted(set(file[["kode_kecamatan", "kecamatan", "kode_kota"]]
                                            .itertuples(index=False, name=None)))
    assert (JAKARTA_PUSAT, "Jakarta Pusat") in rows["kota"] and ("31.01", "Kepulauan Seribu") in rows["kota"]
    # keyed on codes: Kelurahan Jatinegara lies in Kecamatan Cakung, not in Kecamatan Jatinegara
    assert ("31.75.06.1001", "Jatinegara", "31.75.06", "31.75") in rows["kelurahan"]
    assert ("31.75.06", "Cakung", "31.75") in rows["kecamatan"]


def test_loading_twice_leaves_the_same_rows_and_another_file_replaces_them(
        sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    load(sessions, boundaries)
    with sessions() as session:
        first = stored(session)
    assert load(sessions, boundaries) == JAKARTA
    with sessions() as session:
        assert stored(session) == first
    assert load(sessions, only_kota(boundaries, JAKARTA_PUSAT)) == AreaCounts(kelurahan=44, kecamatan=8, kota=1)
    with sessions() as session:
        now = stored(session)
    assert {kode_kota for *_, kode_kota in now["kelurahan"]} == {JAKARTA_PUSAT}
    assert now["kota"] == [(JAKARTA_PUSAT, "Jakarta Pusat")]
    load(sessions, boundaries)
    with sessions() as session:
        assert stored(session) == first


def test_fill_writes_only_into_empty_tables(sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    with writing(sessions) as session:
        assert boundary_tables.fill(session, boundaries=only_kota(boundaries, JAKARTA_PUSAT)).kota == 1
    with writing(sessions) as session:
        assert boundary_tables.fill(session, boundaries=boundaries) is None
    with sessions() as session:
        assert boundary_tables.counts(session) == AreaCounts(kelurahan=44, kecamatan=8, kota=1)


def test_an_area_without_a_name_is_refused_before_anything_is_deleted(
        sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    load(sessions, boundaries)
    nameless = boundaries.kelurahan.copy()
    nameless.loc[nameless.kode_kelurahan == GAMBIR, "kelurahan"] = ""
    with pytest.raises(UnusableBoundaries, match=f"kelurahan {GAMBIR} tanpa isian kelurahan"):
        load(sessions, Boundaries(kelurahan=nameless, source=boundaries.source))
    with sessions() as session:
        assert boundary_tables.counts(session) == JAKARTA
        assert session.get(KelurahanRow, GAMBIR).kelurahan == "Gambir"


def test_the_tables_downgrade_and_come_back(engine: Engine) -> None:
    upgrade(engine)
    migrate(engine, "0011", down=True)
    assert not {"kelurahan", "kecamatan", "kota"} & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert {"kelurahan", "kecamatan", "kota"} <= set(inspect(engine).get_table_names())


def test_public_complaints_join_kelurahan_on_its_code(sessions: sessionmaker[Session], engine: Engine,
                                                      boundaries: Boundaries,
                                                      make_complaint: Callable[..., Complaint]) -> None:
    """The README's query: complaints per kelurahan, every kelurahan listed, 0 where none were made."""
    load(sessions, boundaries)
    by_code = dict(zip(boundaries.kelurahan.kode_kelurahan, boundaries.jurisdictions))
    inside = dict(zip(boundaries.kelurahan.kode_kelurahan, boundaries.kelurahan.geometry.representative_point()))
    with sessions.begin() as session:
        for kode, n in PLACED.items():
            for _ in range(n):
                complaints.add(session, complaint=make_complaint(jurisdiction=by_code[kode], lon=inside[kode].x,
                                                                 lat=inside[kode].y))
        complaints.add(session, complaint=make_complaint(jurisdiction=None, lon=None, lat=None))  # located nowhere
    postgis = engine.dialect.name == "postgresql"
    with sessions() as session:
        per_kelurahan = session.execute(text(
            f"SELECT k.kode_kelurahan, k.kelurahan, count(p.id){', k.geom' if postgis else ''} FROM kelurahan k"
            " LEFT JOIN public_complaints p USING (kode_kelurahan) GROUP BY k.kode_kelurahan")).all()
        assert len(per_kelurahan) == 267
        assert {kode: n for kode, _, n, *_ in per_kelurahan if n} == PLACED
        assert (GAMBIR, "Gambir", 3) in [tuple(row[:3]) for row in per_kelurahan]
        if postgis:  # the same counts by the outlines alone
            by_outline = session.execute(text(
                "SELECT k.kode_kelurahan, count(*) FROM kelurahan k"
                " JOIN public_complaints p ON ST_Contains(k.geom, p.geom) GROUP BY k.kode_kelurahan")).all()
            assert dict(by_outline) == PLACED
            per_kota = session.execute(text(
                "SELECT t.kota, count(p.id) FROM kota t JOIN public_complaints p ON ST_Contains(t.geom, p.geom)"
                " GROUP BY t.kota")).all()
            assert dict(per_kota) == {"Jakarta Pusat": 3, "Jakarta Timur": 2, "Kepulauan Seribu": 1}


@postgis_only
def test_outlines_are_valid_multipolygons_in_4326_and_cover_the_file(sessions: sessionmaker[Session],
                                                                     boundaries: Boundaries) -> None:
    load(sessions, boundaries)
    frames = {"kelurahan": boundaries.kelurahan, "kecamatan": boundaries.kecamatan, "kota": boundaries.kota}
    with sessions() as session:
        for table, frame in frames.items():
            kinds, invalid, srids, area = session.execute(text(
                f"SELECT array_agg(DISTINCT GeometryType(geom)), count(*) FILTER (WHERE NOT ST_IsValid(geom)),"
                f" array_agg(DISTINCT ST_SRID(geom)), sum(ST_Area(geom)) FROM {table}")).one()
            assert (kinds, invalid, srids) == (["MULTIPOLYGON"], 0, [4326]), table
            assert area == pytest.approx(shapely.area(frame.geometry.to_numpy()).sum(), rel=1e-9), table  # no part lost
        layers = session.execute(text(
            "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = current_schema()"
            " AND f_table_name IN ('kelurahan', 'kecamatan', 'kota')")).all()
        assert sorted(layers) == [("kecamatan", "MULTIPOLYGON", 4326), ("kelurahan", "MULTIPOLYGON", 4326),
                                  ("kota", "MULTIPOLYGON", 4326)]
        gist = session.scalars(text(
            "SELECT tablename FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexdef LIKE '%USING gist (geom)%'")).all()
        assert {"kelurahan", "kecamatan", "kota"} <= set(gist)


@postgis_only
def test_monas_lies_in_gambir(sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    load(sessions, boundaries)
    with sessions() as session:
        found = session.execute(text(
            "SELECT l.kode_kelurahan, l.kelurahan, c.kecamatan, t.kota FROM kelurahan l"
            " JOIN kecamatan c USING (kode_kecamatan) JOIN kota t ON t.kode_kota = l.kode_kota"
            " WHERE ST_Contains(l.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"),
            {"lon": MONAS[0], "lat": MONAS[1]}).all()
    assert found == [(GAMBIR, "Gambir", "Gambir", "Jakarta Pusat")]




@postgis_only
def test_readers_see_the_old_areas_until_the_replacement_commits(sessions: sessionmaker[Session],
                                                                 boundaries: Boundaries) -> None:
    load(sessions, boundaries)
    with writing(sessions) as loading:
        boundary_tables.replace(loading, boundaries=only_kota(boundaries, JAKARTA_PUSAT))
        with sessions() as reader:  # QGIS reading meanwhile: neither blocked nor shown empty tables
            assert boundary_tables.counts(reader) == JAKARTA
    with sessions() as session:
        assert boundary_tables.counts(session) == AreaCounts(kelurahan=44, kecamatan=8, kota=1)


@postgis_only
def test_two_fills_at_once_store_the_areas_once(sessions: sessionmaker[Session], boundaries: Boundaries) -> None:
    """Two `pantau db upgrade` on a fresh database: the second waits for the first, then finds the
    tables filled (without the table lock both saw them empty and the second failed on the keys)."""
    def second_fill() -> AreaCounts | None:
        with writing(sessions) as session:
            return boundary_tables.fill(session, boundaries=boundaries)

    def someone_waits_for_a_lock() -> bool:
        with sessions() as watcher:  # a new transaction each time: pg_stat_activity is read once per transaction
            return bool(watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                            " AND datname = current_database()")))

    with ThreadPoolExecutor(max_workers=1) as pool:
        with writing(sessions) as first:
            assert boundary_tables.fill(first, boundaries=boundaries) == JAKARTA
            second = pool.submit(second_fill)
            while not second.done() and not someone_waits_for_a_lock():
                time.sleep(0.01)
        assert second.result() is None
    with sessions() as session:
        assert boundary_tables.counts(session) == JAKARTA
