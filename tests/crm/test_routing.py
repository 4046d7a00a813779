"""Routing rules from a spreadsheet CSV: specificity, kelurahan targets, fallbacks, validation."""
from pathlib import Path

import pytest

from crm.categories import CATEGORIES, UnknownCategory
from crm.routing import KELURAHAN, UNLOCATED_FALLBACK, RoutingRules, RoutingRulesError
from crm.skpd import SKPDS
from geo.jurisdiction import Jurisdiction

HEADER = "category,kode_kota,kode_kelurahan,skpd,catatan"
PADEMANGAN_TIMUR = Jurisdiction("31.72.05.1001", "Pademangan Timur", "31.72.05", "Pademangan", "31.72", "Jakarta Utara")
ANCOL = Jurisdiction("31.72.05.1003", "Ancol", "31.72.05", "Pademangan", "31.72", "Jakarta Utara")
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")


def province_rows(**targets: str) -> list[str]:
    """A province-wide row for every category: KELURAHAN unless `targets` says otherwise."""
    return [f"{code},,,{targets.get(code, KELURAHAN)}," for code in CATEGORIES]


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "routing_rules.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --- the packaged rules -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def default_rules() -> RoutingRules:
    return RoutingRules.default()


def test_default_rules_load_and_cover_every_category(default_rules):
    assert {r.category for r in default_rules.rules if r.scope == ""} == set(CATEGORIES)


def test_every_skpd_in_the_default_rules_exists(default_rules):
    targets = {r.skpd for r in default_rules.rules}
    assert targets - set(SKPDS) == {KELURAHAN}
    assert UNLOCATED_FALLBACK in SKPDS


def test_default_rules_send_city_matters_to_the_kota_sudin(default_rules):
    assert default_rules.route("jalan", PADEMANGAN_TIMUR) == "BINAMARGA-JU"
    assert default_rules.route("kebakaran", GAMBIR) == "GULKARMAT-JP"
    assert default_rules.route("lampu_jalan", GAMBIR) == "BINAMARGA-JP"
    assert default_rules.route("parkir_liar", PADEMANGAN_TIMUR) == "DISHUB-JU"


def test_default_rules_send_local_matters_to_the_kelurahan(default_rules):
    for category in ("sampah", "saluran_air", "fasilitas_umum", "lainnya"):
        assert default_rules.route(category, PADEMANGAN_TIMUR) == "KEL-3172051001"


def test_default_rules_in_kepulauan_seribu(default_rules):
    pulau_panggang = Jurisdiction(
        "31.01.01.1001", "Pulau Panggang", "31.01.01", "Kepulauan Seribu Utara", "31.01", "Kepulauan Seribu"
    )
    assert default_rules.route("banjir", pulau_panggang) == "DSDA-KS"
    assert default_rules.route("pohon", pulau_panggang) == "DISTAMHUT"  # no Sudin there: the Dinas


def test_default_rules_without_jurisdiction(default_rules):
    assert default_rules.route("jalan", None) == "BINAMARGA"
    assert default_rules.route("sampah", None) == UNLOCATED_FALLBACK


# --- specificity --------------------------------------------------------------------------------

@pytest.fixture
def layered(tmp_path) -> RoutingRules:
    path = write(
        tmp_path,
        *province_rows(jalan="BINAMARGA"),
        "jalan,31.72,,BINAMARGA-JU,kota",
        "jalan,,31.72.05.1003,KELURAHAN,kawasan Ancol ditangani kelurahan",
    )
    return RoutingRules.from_csv(path)


def test_kelurahan_rule_beats_kota_rule(layered):
    assert layered.route("jalan", ANCOL) == "KEL-3172051003"
    assert layered.rule_for("jalan", ANCOL).catatan == "kawasan Ancol ditangani kelurahan"


def test_kota_rule_beats_province_rule(layered):
    assert layered.route("jalan", PADEMANGAN_TIMUR) == "BINAMARGA-JU"


def test_province_rule_applies_elsewhere(layered):
    assert layered.route("jalan", GAMBIR) == "BINAMARGA"


def test_kelurahan_target_resolves_to_the_complaints_own_kelurahan(layered):
    assert layered.route("sampah", PADEMANGAN_TIMUR) == "KEL-3172051001"
    assert layered.route("sampah", GAMBIR) == "KEL-3171011001"


def test_no_jurisdiction_takes_province_rule_then_the_catch_all(layered):
    assert layered.route("jalan", None) == "BINAMARGA"
    assert layered.route("sampah", None) == UNLOCATED_FALLBACK


def test_kelurahan_rule_fills_in_its_kota(layered):
    rule = layered.rule_for("jalan", ANCOL)
    assert (rule.kode_kota, rule.kode_kelurahan, rule.line) == ("31.72", "31.72.05.1003", len(CATEGORIES) + 3)


def test_unknown_category_at_route_time(layered):
    with pytest.raises(UnknownCategory):
        layered.route("jalan_rusak", GAMBIR)


def test_spreadsheet_exports_load_semicolons_bom_and_blank_rows(tmp_path):
    rows = [r.replace(",", ";") for r in province_rows(jalan="binamarga")]
    path = tmp_path / "excel.csv"
    text = "\n".join([HEADER.replace(",", ";"), *rows, ";;;;", "jalan;31.74;;BINAMARGA-JS;Sudin, Jaksel"]) + "\n"
    path.write_text("\ufeff" + text, encoding="utf-8")
    rules = RoutingRules.from_csv(path)
    assert rules.route("jalan", None) == "BINAMARGA"
    assert rules.rule_for("jalan", Jurisdiction("31.74.01.1001", "Tebet Barat", "31.74.01", "Tebet", "31.74", "Jakarta Selatan")).catatan == "Sudin, Jaksel"


# --- validation ---------------------------------------------------------------------------------

def load_error(tmp_path: Path, *rows: str, header: str = HEADER) -> RoutingRulesError:
    path = write(tmp_path, *rows, header=header)
    with pytest.raises(RoutingRulesError) as err:
        RoutingRules.from_csv(path)
    assert str(err.value).startswith(f"{path}:")
    return err.value


BAD_ROW_LINE = len(CATEGORIES) + 2  # header, one row per category, then the row under test


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("jalan_rusak,31.72,,BINAMARGA-JU,", "kategori tidak dikenal: 'jalan_rusak'"),
        ("jalan,31.72,,BINAMARGA-XX,", "SKPD tidak dikenal: 'BINAMARGA-XX'"),
        ("jalan,3172,,BINAMARGA-JU,", "kode_kota salah format: '3172'"),
        ("jalan,32.73,,BINAMARGA,", "kode_kota '32.73' bukan kota/kabupaten di DKI Jakarta"),
        ("jalan,,31.72.5.1001,KELURAHAN,", "kode_kelurahan salah format: '31.72.5.1001'"),
        ("jalan,,32.73.01.1001,KELURAHAN,", "bukan kelurahan di DKI Jakarta"),
        ("jalan,31.71,31.72.05.1001,KELURAHAN,", "tidak berada di kode_kota 31.71"),
        ("jalan,31.72,,BINAMARGA-JS,", "BINAMARGA-JS (Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan) "
                                       "bertugas di kota 31.74, bukan kota 31.72"),
        ("jalan,31.72,,,", "kolom skpd kosong"),
        ("jalan,31.72,BINAMARGA-JU", "harus 5 kolom, ada 3"),
    ],
)
def test_bad_row_is_reported_with_its_line(tmp_path, row, message):
    err = load_error(tmp_path, *province_rows(), row)
    assert err.line == BAD_ROW_LINE
    assert message in err.message


def test_duplicate_rule_names_both_lines(tmp_path):
    err = load_error(tmp_path, *province_rows(), "jalan,31.72,,BINAMARGA-JU,", "jalan,31.72,,DSDA-JU,")
    assert err.line == BAD_ROW_LINE + 1
    assert err.message == f"aturan ganda untuk kategori 'jalan' di 31.72; sudah ada di baris {BAD_ROW_LINE}"


def test_duplicate_province_rule(tmp_path):
    err = load_error(tmp_path, *province_rows(), "sampah,,,DLH,")
    assert err.line == BAD_ROW_LINE
    assert "aturan ganda untuk kategori 'sampah' di seluruh provinsi" in err.message


def test_province_rule_cannot_target_a_sudin(tmp_path):
    rows = [r for r in province_rows() if not r.startswith("jalan,")]
    err = load_error(tmp_path, "jalan,,,BINAMARGA-JU,", *rows)
    assert err.line == 2
    assert "bertugas di kota 31.72, bukan seluruh provinsi" in err.message


def test_category_with_only_local_rules_is_reported_at_its_first_row(tmp_path):
    rows = [r for r in province_rows() if not r.startswith("jalan,")]
    err = load_error(tmp_path, *rows, "jalan,31.72,,BINAMARGA-JU,")
    assert err.line == len(CATEGORIES) + 1
    assert "kategori 'jalan' tidak punya aturan tingkat provinsi" in err.message


def test_category_missing_from_the_file(tmp_path):
    rows = [r for r in province_rows() if not r.startswith("pohon,")]
    err = load_error(tmp_path, *rows)
    assert err.line is None
    assert "kategori 'pohon' tidak punya aturan tingkat provinsi" in err.message


def test_wrong_header_is_reported_on_line_one(tmp_path):
    err = load_error(tmp_path, *province_rows(), header="kategori,kota,kelurahan,skpd,catatan")
    assert err.line == 1
    assert "baris judul harus category,kode_kota,kode_kelurahan,skpd,catatan" in err.message
