"""Which staff pages each role may use and where each lands after signing in (crm/roles.py `work_of`,
`users_of`, `landing`): the header's links and the pages' guards read the same table."""
from __future__ import annotations

from crm import scopes
from crm.roles import COMMAND_CENTRE, Role, Work, landing, scopes_of, users_of, work_of


def test_each_role_lands_on_its_work():
    assert {role: landing(role) for role in Role} == {
        Role.GOVERNOR: COMMAND_CENTRE, Role.OPERATOR: "/triase", Role.VALIDATOR: "/validasi",
        Role.SKPD_HEAD: "/antrian", Role.SKPD_STAFF: "/antrian", Role.WALI_KOTA: "/antrian",
        Role.CAMAT: "/antrian", Role.LURAH: "/antrian",
    }


def test_the_dead_letters_page_is_for_exactly_those_whose_scopes_read_dead_letters():
    for role in Role:
        assert (Work.DEAD_LETTERS in work_of(role)) == scopes.grants(scopes_of(role), scopes.DEAD_LETTERS), role
    assert users_of(Work.DEAD_LETTERS) == (Role.GOVERNOR, Role.OPERATOR)


def test_the_pages_guards_admit_the_roles_the_header_links_for():
    assert users_of(Work.VALIDATION) == (Role.GOVERNOR, Role.VALIDATOR)
    assert users_of(Work.DESK) == users_of(Work.TRIAGE) == (Role.GOVERNOR, Role.OPERATOR)
    assert Role.OPERATOR not in users_of(Work.QUEUE) and Role.VALIDATOR not in users_of(Work.QUEUE)
    assert all(work_of(role) for role in Role)  # everyone signed in has somewhere to work
