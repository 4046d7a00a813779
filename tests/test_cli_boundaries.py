"""`pantau boundaries load` and `pantau db upgrade` as an administrator runs them, on SQLite and
PostGIS, with the real boundary file and files changed from it: counts printed, loading twice
changes nothing, a changed file replaces the areas, a bad one leaves them as they were."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text

from cli import main
from tests.conftest import BOUNDARIES

JAKARTA = "267 kelurahan, 44 kecamatan, 6 kota"
JAKARTA_PUSAT = "44 kelurahan, 8 kecamatan, 1 kota"


def run(engine: Engine, *args: str, boundaries: Path = BOUNDARIES) -> Result:
    env = {"PANTAU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "PANTAU_BOUNDARIES": str(boundaries)}
    return CliRunner(env=env).invoke(main, list(args))


def areas(engine: Engine) -> list[tuple[str, ...]]:
    """Every stored area with its parents, and on PostGIS a digest of its outline."""
    outline = "md5(ST_AsBinary(geom))" if engine.dialect.name == "postgresql" else "''"
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            f"SELECT kode_kelurahan, kelurahan, kode_kecamatan, kode_kota, {outline} FROM kelurahan"
            f" UNION ALL SELECT kode_kecamatan, kecamatan, kode_kota, '', {outline} FROM kecamatan"
            f" UNION ALL SELECT kode_kota, kota, '', '', {outline} FROM kota ORDER BY 1"))]


@pytest.fixture(scope="module")
def jakarta_pusat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real file cut down to Jakarta Pusat's features: a boundary file that changed."""
    path = tmp_path_factory.mktemp("boundaries") / "jakarta_pusat.geojson"
    raw = gpd.read_file(BOUNDARIES)
    raw[raw.kode_kota == "31.71"].to_file(path, driver="GeoJSON")
    return path


def test_load_prints_the_counts_and_loading_twice_leaves_the_same_areas(engine: Engine) -> None:
    first = run(engine, "boundaries", "load")
    assert first.exit_code == 0, first.output
    assert f"{JAKARTA} dimuat dari {BOUNDARIES}" in first.output
    loaded = areas(engine)
    assert len(loaded) == 267 + 44 + 6
    again = run(engine, "boundaries", "load")
    assert again.exit_code == 0 and JAKARTA in again.output
    assert areas(engine) == loaded


def test_a_changed_file_replaces_the_areas(engine: Engine, jakarta_pusat: Path) -> None:
    assert run(engine, "boundaries", "load").exit_code == 0
    everything = areas(engine)
    cut = run(engine, "boundaries", "load", boundaries=jakarta_pusat)
    assert cut.exit_code == 0 and JAKARTA_PUSAT in cut.output
    assert [area for area in everything if area[0].startswith("31.71")] == areas(engine)
    assert run(engine, "boundaries", "load").exit_code == 0
    assert areas(engine) == everything


def test_db_upgrade_fills_empty_tables_and_never_reloads_filled_ones(engine: Engine, jakarta_pusat: Path) -> None:
    fresh = run(engine, "db", "upgrade")
    assert fresh.exit_code == 0, fresh.output
    assert "database is at the latest schema" in fresh.output and f"batas wilayah dimuat: {JAKARTA}" in fresh.output
    assert run(engine, "boundaries", "load", boundaries=jakarta_pusat).exit_code == 0
    cut = areas(engine)
    again = run(engine, "db", "upgrade", boundaries=Path("/nonexistent/kelurahan.geojson"))  # never read now
    assert again.exit_code == 0 and "dimuat" not in again.output
    assert areas(engine) == cut


def test_db_upgrade_without_a_boundary_file_migrates_and_says_what_to_set(engine: Engine) -> None:
    missing = run(engine, "db", "upgrade", boundaries=Path("/nonexistent/kelurahan.geojson"))
    assert missing.exit_code == 1
    assert "database is at the latest schema" in missing.output and "PANTAU_BOUNDARIES" in missing.output
    assert "Traceback" not in missing.output and areas(engine) == []
    assert run(engine, "db", "upgrade").exit_code == 0 and len(areas(engine)) == 267 + 44 + 6


def test_a_missing_or_unusable_file_leaves_the_areas_as_they_were(engine: Engine, tmp_path: Path) -> None:
    assert run(engine, "boundaries", "load").exit_code == 0
    before = areas(engine)
    missing = run(engine, "boundaries", "load", boundaries=tmp_path / "hilang.geojson")
    assert missing.exit_code == 1 and "was not found: set PANTAU_BOUNDARIES" in missing.output
    nameless = tmp_path / "tanpa_nama.geojson"
    raw = gpd.read_file(BOUNDARIES)
    raw.loc[raw.kode_kelurahan == "31.71.01.1001", "kelurahan"] = ""
    raw.to_file(nameless, driver="GeoJSON")
    refused = run(engine, "boundaries", "load", boundaries=nameless)
    assert refused.exit_code == 1, refused.output
    assert "kelurahan 31.71.01.1001 tanpa isian kelurahan" in refused.output and "Traceback" not in refused.output
    assert areas(engine) == before
