"""Who may see and do what: the roles of Pantau's people and the one home of the access rules.

Every server-side check (API, dashboard, CLI) asks these functions, so a rule changes here only.

Scope (`covers`): whose complaints a person looks after.

| role | covers |
|---|---|
| governor, operator, validator | every complaint |
| skpd_head | complaints held by their SKPD; a Dinas (or Satpol PP) head also those held by its units in the kotas (Suku Dinas) |
| skpd_staff | complaints held by their own SKPD only |
| wali_kota, camat, lurah | complaints located in their area (kota / kecamatan / kelurahan code), and complaints held by a kelurahan office inside it |

Transitions (`may_transition`), on complaints the person covers; the follow-up steps are
Koordinasi, Disposisi, Proses, Estimasi Waktu Selesai and Menunggu Validasi.

| role | Menunggu | follow-up steps | Selesai | TL Ditolak |
|---|---|---|---|---|
| governor | yes | yes | yes | yes |
| operator | - | - | - | - |
| validator | - | - | yes | yes |
| skpd_head, skpd_staff | - | yes | - | - |
| lurah | - | yes, only while their own kelurahan office (KEL-...) holds it | - | - |
| wali_kota, camat | - | - | - | - |

Operators triage and register walk-in reports; they do not do an SKPD's work. The unit that did
the work never validates it: that is the validator's, so no unit closes its own report. Wali
kota and camat oversee their area and act through their units. Whether a step may follow the
current status is crm/transitions.py's question, not this module's.

Moderation (`may_moderate`: hide a complaint from public views, show it again, edit its public
text; crm/moderation.py) is the command centre's: operators, who read every report as it arrives,
and the governor. A unit never moderates the reports about its own work, and a validator checks
work, not what the public reads.

Corrections (`may_correct`: a triaged complaint's category, place and holder, "bukan pengaduan" and
merging, crm/corrections.py) are intake's decisions redone, so they are for those who repair
intake: operators and the governor, on every complaint.

Private data (`may_read_private`: the reporter's name and contact) is read only by those who
must reply to the reporter or check the work: governor, operator, validator, the SKPD roles on
complaints they cover, and a lurah while their office holds the complaint. Wali kota and camat
see their area's complaints without the reporter's personal data.

API scopes of a person (`scopes_of`, crm/scopes.py): what their sign-in or personal token may do
at the doors that also take API keys. Dead letters are refused deliveries kept verbatim, with the
sender's personal data, so only those who repair intake read, replay and dismiss them.

| role | scopes |
|---|---|
| governor, operator | `dead_letters`, `exports` |
| every other role | `exports` (only public fields leave) |

Work (`work_of`): the staff pages a role may use, which the header links to; a person lands on the
first after signing in (`landing`), the governor on the command centre, whose work is the whole city.
A page's path is its `Work` value (a promise: bookmarks and links keep it). /surat-mati is for the
roles holding `dead_letters`, so the page and the API it shares its doors with cannot disagree.

| role | work |
|---|---|
| governor | /antrian, /validasi, /triase, /meja, /surat-mati (lands on /) |
| operator | /triase, /meja, /surat-mati |
| validator | /validasi |
| skpd_head, skpd_staff, lurah | /antrian (their follow-up steps) |
| wali_kota, camat | /antrian (their area's open complaints; they act through their units) |
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from crm import scopes
from crm.complaint import Complaint, Status
from crm.skpd import KELURAHAN_PREFIX, SKPDS, WILAYAH


class Role(StrEnum):
    GOVERNOR = "governor"
    OPERATOR = "operator"
    VALIDATOR = "validator"
    SKPD_HEAD = "skpd_head"
    SKPD_STAFF = "skpd_staff"
    WALI_KOTA = "wali_kota"
    CAMAT = "camat"
    LURAH = "lurah"


class Work(StrEnum):
    """The staff pages, by the work done there; each value is the page's path."""

    QUEUE = "/antrian"
    VALIDATION = "/validasi"
    TRIAGE = "/triase"
    DESK = "/meja"
    DEAD_LETTERS = "/surat-mati"


COMMAND_CENTRE = "/"


@dataclass(frozen=True, slots=True)
class Person:
    """A signed-in person or the owner of an API token. `skpd` or `area` scopes some roles."""

    name: str
    role: Role
    skpd: str | None = None
    area: str | None = None


PUBLIC_TITLES = {
    Role.GOVERNOR: "Gubernur", Role.OPERATOR: "Operator CRM", Role.VALIDATOR: "Validator CRM",
    Role.SKPD_HEAD: "Kepala", Role.SKPD_STAFF: "Petugas", Role.WALI_KOTA: "Wali Kota", Role.CAMAT: "Camat",
    Role.LURAH: "Lurah",
}


def public_label(person: Person) -> str:
    """How the public history names a person: their role and unit or area ("Petugas BINAMARGA-JP"),
    never their name, which the audit log keeps."""
    return " ".join(filter(None, (PUBLIC_TITLES[person.role], person.skpd or person.area)))


FOLLOW_UP = frozenset({
    Status.KOORDINASI, Status.DISPOSISI, Status.PROSES, Status.ESTIMASI_WAKTU_SELESAI, Status.MENUNGGU_VALIDASI,
})
VALIDATION = frozenset({Status.SELESAI, Status.TL_DITOLAK})

_EVERYTHING = frozenset({Role.GOVERNOR, Role.OPERATOR, Role.VALIDATOR})
_SKPD_ROLES = frozenset({Role.SKPD_HEAD, Role.SKPD_STAFF})
_INTAKE_REPAIRERS = frozenset({Role.GOVERNOR, Role.OPERATOR})
_STAFF_SCOPES = frozenset({scopes.EXPORTS})
_INTAKE_SCOPES = _STAFF_SCOPES | {scopes.DEAD_LETTERS}
_MODERATORS = frozenset({Role.GOVERNOR, Role.OPERATOR})
_AREA_SHAPES = {
    Role.WALI_KOTA: (re.compile(r"\d{2}\.\d{2}"), "kota", "31.71"),
    Role.CAMAT: (re.compile(r"\d{2}\.\d{2}\.\d{2}"), "kecamatan", "31.71.01"),
    Role.LURAH: (re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"), "kelurahan", "31.71.01.1001"),
}


def covers(person: Person, complaint: Complaint) -> bool:
    """Whether the complaint lies within the person's scope (see the module's table)."""
    if person.role in _EVERYTHING:
        return True
    if person.role in _SKPD_ROLES:
        if complaint.skpd == person.skpd:
            return True
        unit = SKPDS.get(complaint.skpd)
        return person.role == Role.SKPD_HEAD and unit is not None and unit.parent == person.skpd
    if person.area is None:
        return False
    if complaint.skpd.startswith(KELURAHAN_PREFIX + person.area.replace(".", "")):
        return True
    place = complaint.jurisdiction
    if place is None:
        return False
    code = {Role.WALI_KOTA: place.kode_kota, Role.CAMAT: place.kode_kecamatan, Role.LURAH: place.kode_kelurahan}
    return code[person.role] == person.area


def may_transition(person: Person, complaint: Complaint, to: Status) -> bool:
    """Whether the person may move the complaint to status `to` (see the module's table)."""
    if not covers(person, complaint):
        return False
    match person.role:
        case Role.GOVERNOR:
            return True
        case Role.VALIDATOR:
            return to in VALIDATION
        case Role.SKPD_HEAD | Role.SKPD_STAFF:
            return to in FOLLOW_UP
        case Role.LURAH:
            return to in FOLLOW_UP and complaint.skpd == _own_office(person)
    return False


def may_moderate(person: Person) -> bool:
    """Whether the person may hide, show again or edit what the public sees of any complaint."""
    return person.role in _MODERATORS


def may_correct(person: Person, complaint: Complaint) -> bool:
    """Whether the person may redo intake's decisions on the complaint (see the module's text)."""
    return person.role in _INTAKE_REPAIRERS and covers(person, complaint)


def may_read_private(person: Person, complaint: Complaint) -> bool:
    """Whether the person may read the reporter's name and contact: only those who reply or check."""
    if person.role in _EVERYTHING:
        return True
    if person.role in _SKPD_ROLES:
        return covers(person, complaint)
    return person.role == Role.LURAH and complaint.skpd == _own_office(person)


def scopes_of(role: Role) -> frozenset[str]:
    """The API scopes a sign-in or token of someone with `role` carries (see the module's table)."""
    return _INTAKE_SCOPES if role in _INTAKE_REPAIRERS else _STAFF_SCOPES


_WORK: dict[Role, tuple[Work, ...]] = {
    Role.GOVERNOR: (Work.QUEUE, Work.VALIDATION, Work.TRIAGE, Work.DESK),
    Role.OPERATOR: (Work.TRIAGE, Work.DESK),
    Role.VALIDATOR: (Work.VALIDATION,),
    Role.SKPD_HEAD: (Work.QUEUE,),
    Role.SKPD_STAFF: (Work.QUEUE,),
    Role.WALI_KOTA: (Work.QUEUE,),
    Role.CAMAT: (Work.QUEUE,),
    Role.LURAH: (Work.QUEUE,),
}


def work_of(role: Role) -> tuple[Work, ...]:
    """The staff pages `role` may use, in the header's order (see the module's table); dead letters
    follow the role's scopes, so whoever may read them through the API has the page."""
    repairs = scopes.DEAD_LETTERS in scopes_of(role)
    return _WORK[role] + ((Work.DEAD_LETTERS,) if repairs else ())


def users_of(work: Work) -> tuple[Role, ...]:
    """The roles that may use `work`: what its page's guard admits."""
    return tuple(role for role in Role if work in work_of(role))


def landing(role: Role) -> str:
    """Where someone with `role` starts after signing in: their first work, the governor the command centre."""
    return COMMAND_CENTRE if role is Role.GOVERNOR else work_of(role)[0]


def check_scope(role: str, skpd: str | None, area: str | None) -> None:
    """Refuse a role with a missing, malformed or superfluous scope before anyone is stored with it."""
    try:
        checked = Role(role)
    except ValueError:
        raise ValueError(f"peran tidak dikenal: {role!r} (pilih salah satu: {', '.join(Role)})") from None
    if checked in _SKPD_ROLES:
        if area is not None:
            raise ValueError(f"peran {checked} tidak memakai --area, hanya --skpd")
        if skpd is None:
            raise ValueError(f"peran {checked} memerlukan --skpd (kode SKPD, mis. BINAMARGA-JU)")
        if skpd not in SKPDS:
            hint = "; pimpinan kantor kelurahan memakai peran lurah" if skpd.startswith(KELURAHAN_PREFIX) else ""
            raise ValueError(f"kode SKPD tidak ada di katalog: {skpd!r}{hint}")
        return
    if checked in _AREA_SHAPES:
        shape, level, example = _AREA_SHAPES[checked]
        if skpd is not None:
            raise ValueError(f"peran {checked} tidak memakai --skpd, hanya --area")
        if area is None:
            raise ValueError(f"peran {checked} memerlukan --area (kode {level}, mis. {example})")
        if not shape.fullmatch(area) or area[:5] not in WILAYAH:
            raise ValueError(f"--area untuk {checked} harus kode {level} di DKI Jakarta, mis. {example}; bukan {area!r}")
        return
    if skpd is not None or area is not None:
        raise ValueError(f"peran {checked} berlaku untuk semua pengaduan: jangan beri --skpd atau --area")


def _own_office(person: Person) -> str | None:
    return None if person.area is None else KELURAHAN_PREFIX + person.area.replace(".", "")
