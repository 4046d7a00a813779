"""The category and SKPD catalogues: complete, unique, and named as Jakarta names them."""
import pytest

from crm.categories import CATEGORIES, FALLBACK, Category, UnknownCategory, get_category
from crm.skpd import SKPDS, WILAYAH, UnknownSkpd, get_skpd, kelurahan_office, sudin_for
from geo.jurisdiction import Jurisdiction

CRM_NAMES = [
    "Jalan", "Pohon", "Parkir Liar", "Sampah", "Banjir", "Saluran Air",
    "Gangguan Ketenteraman dan Ketertiban", "Pedagang Kaki Lima", "Lampu Penerangan Jalan",
    "Fasilitas Umum", "Kebakaran", "Lalu Lintas", "Kawasan Dilarang Merokok",
    "Bangunan dan Perizinan", "Air Bersih", "Kesehatan", "Pendidikan", "Kesejahteraan Sosial",
    "Transportasi Umum", "Administrasi Kependudukan", "Lainnya",
]

PADEMANGAN_TIMUR = Jurisdiction("31.72.05.1001", "Pademangan Timur", "31.72.05", "Pademangan", "31.72", "Jakarta Utara")


def test_catalogue_is_large_with_unique_codes_and_names():
    assert len(CATEGORIES) >= 24
    names = [c.name for c in CATEGORIES.values()]
    assert len(set(names)) == len(names)
    assert all(code == c.code for code, c in CATEGORIES.items())


def test_crm_category_names_are_present():
    names = {c.name for c in CATEGORIES.values()}
    assert [n for n in CRM_NAMES if n not in names] == []


def test_codes_are_short_ascii_slugs_and_every_category_is_described():
    for c in CATEGORIES.values():
        assert c.code.isascii() and c.code == c.code.lower() and " " not in c.code and len(c.code) <= 32
        assert c.name_en and c.description


def test_catalogue_is_read_only():
    with pytest.raises(TypeError):
        CATEGORIES["baru"] = Category("baru", "Baru", "New", "")  # type: ignore[index]


def test_get_category_and_fallback():
    assert get_category("parkir_liar").name == "Parkir Liar"
    assert get_category(FALLBACK).name == "Lainnya"


def test_unknown_category_says_so_in_both_languages():
    with pytest.raises(UnknownCategory, match="Kategori tidak dikenal.*unknown category") as err:
        get_category("jalan_rusak")
    assert isinstance(err.value, ValueError)
    assert err.value.code == "jalan_rusak"


def test_sudin_is_named_and_linked_to_its_dinas_and_kota():
    sudin = get_skpd("BINAMARGA-JU")
    assert sudin.name == "Suku Dinas Bina Marga Kota Administrasi Jakarta Utara"
    assert (sudin.kind, sudin.parent, sudin.kode_kota) == ("suku_dinas", "BINAMARGA", "31.72")
    assert get_skpd("DSDA-KS").name == "Suku Dinas Sumber Daya Air Kabupaten Administrasi Kepulauan Seribu"
    assert get_skpd("SATPOLPP-JT").name == "Satuan Polisi Pamong Praja Kota Administrasi Jakarta Timur"


def test_every_regional_unit_has_a_province_parent_and_a_dki_kota():
    for s in SKPDS.values():
        if s.parent is None:
            assert s.kode_kota is None
        else:
            assert SKPDS[s.parent].parent is None
            assert s.kode_kota in WILAYAH
            assert s.code == f"{s.parent}-{WILAYAH[s.kode_kota][0]}"


def test_sudin_for():
    assert sudin_for("GULKARMAT", "31.75") == "GULKARMAT-JT"
    assert sudin_for("BINAMARGA", "31.01") is None  # no Sudin Bina Marga in Kepulauan Seribu
    assert sudin_for("PAMJAYA", "31.72") is None
    assert sudin_for("DISHUB", "32.73") is None  # Bandung is not in DKI
    with pytest.raises(UnknownSkpd):
        sudin_for("DINAS_FIKTIF", "31.72")


def test_kelurahan_office_is_built_from_the_jurisdiction():
    office = kelurahan_office(PADEMANGAN_TIMUR)
    assert office.code == "KEL-3172051001"
    assert office.name == "Kelurahan Pademangan Timur"
    assert (office.kind, office.kode_kota) == ("kelurahan", "31.72")


def test_get_skpd_rejects_unknown_codes_and_points_kelurahan_codes_elsewhere():
    with pytest.raises(UnknownSkpd, match="unknown SKPD"):
        get_skpd("BINAMARGA-XX")
    with pytest.raises(UnknownSkpd, match="kelurahan_office"):
        get_skpd("KEL-3172051001")
