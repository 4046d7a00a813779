"""The access rules: every role x every target status x covered or not, and the scope checks."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.complaint import Complaint, Status
from crm.roles import (
    Person,
    Role,
    check_scope,
    covers,
    may_read_private,
    may_transition,
)
from geo.jurisdiction import Jurisdiction

PADEMANGAN_TIMUR = Jurisdiction("31.72.05.1001", "Pademangan Timur", "31.72.05", "Pademangan", "31.72", "Jakarta Utara")
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")

FOLLOW_UP = {Status.KOORDINASI, Status.DISPOSISI, Status.PROSES, Status.ESTIMASI_WAKTU_SELESAI,
             Status.MENUNGGU_VALIDASI}

# Written out by hand from the module's table, not derived from the code under test.
ALLOWED = {
    Role.GOVERNOR: set(Status),
    Role.OPERATOR: set(),
    Role.VALIDATOR: {Status.SELESAI, Status.TL_DITOLAK},
    Role.SKPD_HEAD: FOLLOW_UP,
    Role.SKPD_STAFF: FOLLOW_UP,
    Role.WALI_KOTA: set(),
    Role.CAMAT: set(),
    Role.LURAH: FOLLOW_UP,
}

PEOPLE = {
    Role.GOVERNOR: Person("gubernur", Role.GOVERNOR),
    Role.OPERATOR: Person("operator", Role.OPERATOR),
    Role.VALIDATOR: Person("validator", Role.VALIDATOR),
    Role.SKPD_HEAD: Person("kasudin", Role.SKPD_HEAD, skpd="BINAMARGA-JU"),
    Role.SKPD_STAFF: Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA-JU"),
    Role.WALI_KOTA: Person("walkot", Role.WALI_KOTA, area="31.72"),
    Role.CAMAT: Person("camat", Role.CAMAT, area="31.72.05"),
    Role.LURAH: Person("lurah", Role.LURAH, area="31.72.05.1001"),
}


def complaint(skpd: str = "BINAMARGA-JU", where: Jurisdiction | None = PADEMANGAN_TIMUR) -> Complaint:
    return Complaint(ticket="JKT-241105-ABCDE", channel="webhook", external_id="1",
                     received_at=datetime(2024, 11, 5, 2, 30, tzinfo=UTC), text="Jalan berlubang",
                     category="jalan", lon=None, lat=None, jurisdiction=where, skpd=skpd,
                     reporter_contact="+6281200000000")


# Per role: a complaint it covers (and, for the lurah, one its own office holds) and one it does not.
COVERED = {role: complaint() for role in Role} | {Role.LURAH: complaint(skpd="KEL-3172051001")}
NOT_COVERED = {
    Role.SKPD_HEAD: complaint(skpd="DSDA-JU"),
    Role.SKPD_STAFF: complaint(skpd="BINAMARGA-JP", where=GAMBIR),
    Role.WALI_KOTA: complaint(skpd="BINAMARGA-JP", where=GAMBIR),
    Role.CAMAT: complaint(skpd="BINAMARGA-JP", where=GAMBIR),
    Role.LURAH: complaint(skpd="KEL-3171011001", where=GAMBIR),
}


@pytest.mark.parametrize("to", list(Status))
@pytest.mark.parametrize(("role", "covered"), [(r, True) for r in Role] + [(r, False) for r in NOT_COVERED])
def test_transition_matrix(role: Role, to: Status, covered: bool) -> None:
    target = (COVERED if covered else NOT_COVERED)[role]
    assert covers(PEOPLE[role], target) is covered
    assert may_transition(PEOPLE[role], target, to) is (covered and to in ALLOWED[role])


def test_a_dinas_head_covers_its_sudin_but_staff_and_a_sudin_head_do_not_reach_up_or_across() -> None:
    head = Person("kadis", Role.SKPD_HEAD, skpd="BINAMARGA")
    assert covers(head, complaint(skpd="BINAMARGA-JU")) and covers(head, complaint(skpd="BINAMARGA"))
    assert not covers(head, complaint(skpd="DSDA-JU"))
    assert not covers(Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA"), complaint(skpd="BINAMARGA-JU"))
    assert not covers(PEOPLE[Role.SKPD_HEAD], complaint(skpd="BINAMARGA"))
    assert not covers(PEOPLE[Role.SKPD_HEAD], complaint(skpd="BINAMARGA-JP"))


def test_a_lurah_covers_their_kelurahan_but_acts_only_while_their_office_holds_it() -> None:
    lurah = PEOPLE[Role.LURAH]
    at_sudin = complaint(skpd="BINAMARGA-JU")
    assert covers(lurah, at_sudin) and not may_transition(lurah, at_sudin, Status.PROSES)
    moved_away = complaint(skpd="KEL-3172051001", where=GAMBIR)  # held by their office, lying elsewhere
    assert covers(lurah, moved_away) and may_transition(lurah, moved_away, Status.PROSES)


def test_area_roles_cover_kelurahan_offices_inside_their_area_even_without_a_place() -> None:
    held = complaint(skpd="KEL-3172051001", where=None)
    assert covers(PEOPLE[Role.WALI_KOTA], held) and covers(PEOPLE[Role.CAMAT], held)
    assert not covers(Person("camat", Role.CAMAT, area="31.72.01"), held)
    assert not covers(PEOPLE[Role.WALI_KOTA], complaint(where=None))


@pytest.mark.parametrize(("role", "covered", "expected"), [
    (Role.GOVERNOR, True, True), (Role.OPERATOR, True, True), (Role.VALIDATOR, True, True),
    (Role.SKPD_HEAD, True, True), (Role.SKPD_HEAD, False, False),
    (Role.SKPD_STAFF, True, True), (Role.SKPD_STAFF, False, False),
    (Role.WALI_KOTA, True, False), (Role.CAMAT, True, False),
    (Role.LURAH, True, True), (Role.LURAH, False, False),
])
def test_who_reads_the_reporters_personal_data(role: Role, covered: bool, expected: bool) -> None:
    target = (COVERED if covered else NOT_COVERED)[role]
    assert may_read_private(PEOPLE[role], target) is expected


def test_a_lurah_does_not_read_personal_data_of_a_complaint_a_sudin_holds_in_their_kelurahan() -> None:
    assert not may_read_private(PEOPLE[Role.LURAH], complaint(skpd="BINAMARGA-JU"))


@pytest.mark.parametrize(("role", "skpd", "area"), [
    ("governor", None, None), ("operator", None, None), ("validator", None, None),
    ("skpd_head", "BINAMARGA", None), ("skpd_staff", "SATPOLPP-KS", None),
    ("wali_kota", None, "31.01"), ("camat", None, "31.72.05"), ("lurah", None, "31.72.05.1001"),
])
def test_good_scopes_pass(role: str, skpd: str | None, area: str | None) -> None:
    check_scope(role, skpd, area)


@pytest.mark.parametrize(("role", "skpd", "area", "message"), [
    ("gubernur", None, None, "peran tidak dikenal"),
    ("skpd_head", None, None, "memerlukan --skpd"),
    ("skpd_staff", "BINAMARGA-KS", None, "tidak ada di katalog"),  # no Sudin Bina Marga on the islands
    ("skpd_staff", "KEL-3172051001", None, "peran lurah"),
    ("skpd_head", "DSDA", "31.72", "tidak memakai --area"),
    ("wali_kota", None, None, "memerlukan --area"),
    ("wali_kota", None, "31.72.05", "kode kota"),
    ("wali_kota", None, "32.01", "kode kota"),  # Bogor is not in DKI Jakarta
    ("camat", None, "31.72.05.1001", "kode kecamatan"),
    ("camat", None, "317205", "kode kecamatan"),
    ("lurah", None, "31.72.05", "kode kelurahan"),
    ("lurah", "DSDA", "31.72.05.1001", "tidak memakai --skpd"),
    ("operator", None, "31.72", "jangan beri"),
    ("governor", "DSDA", None, "jangan beri"),
])
def test_bad_scopes_are_refused_in_indonesian(role: str, skpd: str | None, area: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_scope(role, skpd, area)
