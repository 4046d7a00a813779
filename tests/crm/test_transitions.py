"""The status machine on its own: the graph, each step's fields, hand-overs and who held what when."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.complaint import WIB, Complaint, Status, received_event
from crm.transitions import (
    ALLOWED,
    REQUIRED,
    TRANSITION,
    IncompleteTransition,
    InvalidTransition,
    TransitionError,
    TransitionRequest,
    apply,
    holders,
    move_kind,
)
from geo.jurisdiction import Jurisdiction

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 WIB
PADEMANGAN_TIMUR = Jurisdiction("31.72.05.1001", "Pademangan Timur", "31.72.05", "Pademangan",
                                "31.72", "Kota Administrasi Jakarta Utara")
PULAU_PANGGANG = Jurisdiction("31.01.01.1002", "Pulau Panggang", "31.01.01", "Kepulauan Seribu Utara",
                              "31.01", "Kabupaten Administrasi Kepulauan Seribu")
PHOTO = "aGVsbG8="
OFFICER = "petugas.binamarga"
VALIDATOR = "validator.provinsi"


def new(**fields) -> Complaint:
    values = dict(ticket="JKT-261127-AAAAA", channel="sms", external_id="1", received_at=AT, text="Jalan berlubang",
                  category="jalan", lon=106.84, lat=-6.13, jurisdiction=PADEMANGAN_TIMUR, skpd="BINAMARGA",
                  history=[received_event(AT)])
    return Complaint(**(values | fields))


def ask(to: Status, hours: float = 1, **fields) -> TransitionRequest:
    values = dict(actor=OFFICER, at=AT + timedelta(hours=hours))
    return TransitionRequest(to, **(values | fields))


def valid_request(complaint: Complaint, to: Status) -> TransitionRequest:
    """A request with every field `to` needs, valid for a complaint held by BINAMARGA in Jakarta Utara."""
    fields: dict = {
        Status.KOORDINASI: dict(to_skpd="DSDA" if complaint.skpd != "DSDA" else "DLH", note="bukan wewenang"),
        Status.DISPOSISI: dict(to_skpd="BINAMARGA-JU"),
        Status.ESTIMASI_WAKTU_SELESAI: dict(ews=date(2026, 12, 20)),
        Status.MENUNGGU_VALIDASI: dict(note="Lubang sudah ditambal", evidence=(PHOTO,)),
        Status.TL_DITOLAK: dict(note="Foto lama"),
    }.get(to, {})
    return ask(to, **fields)


FORBIDDEN = [(current, to) for current in Status for to in Status if to not in ALLOWED[current]]
PERMITTED = [(current, to) for current in Status for to in sorted(ALLOWED[current])]


def test_the_whole_chain_from_menunggu_to_selesai() -> None:
    complaint = new()
    steps = [
        ask(Status.DISPOSISI, 1, to_skpd="BINAMARGA-JU", note="Mohon ditangani"),
        ask(Status.PROSES, 2),
        ask(Status.ESTIMASI_WAKTU_SELESAI, 3, ews=date(2026, 12, 10), note="Perlu pengaspalan ulang"),
        ask(Status.MENUNGGU_VALIDASI, 4, note="Sudah diaspal", evidence=(PHOTO, PHOTO)),
        ask(Status.SELESAI, 5, actor=VALIDATOR),
    ]
    for step in steps:
        complaint = apply(complaint, step)
        assert complaint.status is step.to
    assert complaint.skpd == "BINAMARGA-JU"
    assert [e.status for e in complaint.history] == [Status.MENUNGGU] + [s.to for s in steps]
    assert [e.kind for e in complaint.history[1:]] == [move_kind("BINAMARGA", "BINAMARGA-JU")] + [TRANSITION] * 4
    assert complaint.history[-1].actor == VALIDATOR
    disposisi, _, ews, validasi, _ = complaint.history[1:]
    assert "dari BINAMARGA ke BINAMARGA-JU" in disposisi.note and "Mohon ditangani" in disposisi.note
    assert "2026-12-10" in ews.note
    assert "2 foto bukti" in validasi.note


@pytest.mark.parametrize(("current", "to"), FORBIDDEN)
def test_a_forbidden_transition_is_refused_and_changes_nothing(current: Status, to: Status) -> None:
    complaint = new(status=current)
    before = copy.deepcopy(complaint)
    with pytest.raises(InvalidTransition) as refused:
        apply(complaint, valid_request(complaint, to))
    assert refused.value.status == 409
    assert complaint == before
    message = str(refused.value)
    assert str(current) in message and str(to) in message
    assert all(str(allowed) in message for allowed in ALLOWED[current])


@pytest.mark.parametrize(("current", "to"), PERMITTED)
def test_every_permitted_transition_goes_through(current: Status, to: Status) -> None:
    complaint = new(status=current)
    before = copy.deepcopy(complaint)
    after = apply(complaint, valid_request(complaint, to))
    assert after.status is to
    assert after.history == [*before.history, after.history[-1]]
    assert complaint == before


def test_selesai_is_final() -> None:
    with pytest.raises(InvalidTransition, match="status akhir"):
        apply(new(status=Status.SELESAI), ask(Status.PROSES))


@pytest.mark.parametrize(("current", "request_", "field"), [
    (Status.MENUNGGU, ask(Status.KOORDINASI, note="bukan wewenang"), "to_skpd"),
    (Status.MENUNGGU, ask(Status.KOORDINASI, to_skpd="DSDA"), "note"),
    (Status.MENUNGGU, ask(Status.KOORDINASI, to_skpd="DSDA", note="   "), "note"),
    (Status.MENUNGGU, ask(Status.DISPOSISI), "to_skpd"),
    (Status.PROSES, ask(Status.ESTIMASI_WAKTU_SELESAI), "ews"),
    (Status.PROSES, ask(Status.MENUNGGU_VALIDASI, evidence=(PHOTO,)), "note"),
    (Status.PROSES, ask(Status.MENUNGGU_VALIDASI, note="Sudah"), "evidence"),
    (Status.PROSES, ask(Status.MENUNGGU_VALIDASI, note="Sudah", evidence=("",)), "evidence"),
    (Status.MENUNGGU_VALIDASI, ask(Status.TL_DITOLAK, actor=VALIDATOR), "note"),
    (Status.MENUNGGU, ask(Status.PROSES, actor=" "), "actor"),
    (Status.MENUNGGU, ask(Status.PROSES, at=datetime(2026, 11, 27, 11, 0)), "at"),
    (Status.MENUNGGU, ask(Status.PROSES, hours=-1), "at"),
    (Status.MENUNGGU, ask(Status.PROSES, to_skpd="DSDA"), "to_skpd"),
    (Status.MENUNGGU, ask(Status.PROSES, ews=date(2026, 12, 1)), "ews"),
    (Status.MENUNGGU_VALIDASI, ask(Status.SELESAI, evidence=(PHOTO,)), "evidence"),
])
def test_a_missing_or_unused_field_is_named(current: Status, request_: TransitionRequest, field: str) -> None:
    complaint = new(status=current)
    before = copy.deepcopy(complaint)
    with pytest.raises(IncompleteTransition) as refused:
        apply(complaint, request_)
    assert refused.value.status == 422
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")
    assert complaint == before


@pytest.mark.parametrize(("ews", "ok"), [
    (date(2026, 11, 26), False),
    (date(2026, 11, 27), False),  # today in WIB
    (date(2026, 11, 28), True),
])
def test_the_estimated_date_lies_after_the_day_of_the_transition(ews: date, ok: bool) -> None:
    complaint = new(status=Status.PROSES)
    request = ask(Status.ESTIMASI_WAKTU_SELESAI, ews=ews)
    if ok:
        assert apply(complaint, request).status is Status.ESTIMASI_WAKTU_SELESAI
    else:
        with pytest.raises(IncompleteTransition, match="^ews: "):
            apply(complaint, request)


def test_the_estimated_date_is_a_wib_day() -> None:
    # 18:00 UTC on the 27th is 01:00 WIB on the 28th: the 28th is already today.
    evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert evening.astimezone(WIB).date() == date(2026, 11, 28)
    complaint = new(status=Status.PROSES)
    with pytest.raises(IncompleteTransition, match="^ews: "):
        apply(complaint, ask(Status.ESTIMASI_WAKTU_SELESAI, at=evening, ews=date(2026, 11, 28)))
    with pytest.raises(IncompleteTransition, match="^ews: "):
        apply(complaint, ask(Status.ESTIMASI_WAKTU_SELESAI, ews=datetime(2026, 12, 1, tzinfo=UTC)))


def test_koordinasi_to_the_unit_already_holding_it_is_refused() -> None:
    complaint = new(skpd="DSDA-JU")
    with pytest.raises(IncompleteTransition, match="^to_skpd: DSDA-JU sudah memegang"):
        apply(complaint, ask(Status.KOORDINASI, to_skpd="DSDA-JU", note="bukan wewenang"))


@pytest.mark.parametrize(("target", "ok"), [
    ("DLH-JU", True),
    ("PAMJAYA", True),
    ("KEL-3172051001", True),  # the complaint's own kelurahan office
    ("KEL-3171011001", False),  # another kelurahan
    ("DINAS-ENTAH", False),
])
def test_koordinasi_goes_to_a_known_unit(target: str, ok: bool) -> None:
    complaint = new(skpd="DSDA-JU")
    request = ask(Status.KOORDINASI, to_skpd=target, note="bukan wewenang, saluran milik Sudin lain")
    if ok:
        after = apply(complaint, request)
        assert (after.status, after.skpd) == (Status.KOORDINASI, target)
        assert after.history[-1].kind == move_kind("DSDA-JU", target)
        assert f"dari DSDA-JU ke {target}" in after.history[-1].note
    else:
        with pytest.raises(IncompleteTransition, match="^to_skpd: SKPD tidak dikenal"):
            apply(complaint, request)


@pytest.mark.parametrize(("holder", "jurisdiction", "target", "ok"), [
    ("BINAMARGA", PADEMANGAN_TIMUR, "BINAMARGA-JU", True),
    ("SATPOLPP", PADEMANGAN_TIMUR, "SATPOLPP-JU", True),
    ("BINAMARGA", PADEMANGAN_TIMUR, "BINAMARGA-JS", False),  # its Sudin, but in another kota
    ("BINAMARGA", PADEMANGAN_TIMUR, "DSDA-JU", False),  # another Dinas's Sudin
    ("BINAMARGA", PADEMANGAN_TIMUR, "DSDA", False),
    ("BINAMARGA-JU", PADEMANGAN_TIMUR, "BINAMARGA-JU", False),  # a Sudin has no Sudin
    ("INSPEKTORAT", PADEMANGAN_TIMUR, "INSPEKTORAT-JU", False),
    ("BINAMARGA", PULAU_PANGGANG, "BINAMARGA-JU", False),  # no Sudin Bina Marga in Kepulauan Seribu
    ("DSDA", PULAU_PANGGANG, "DSDA-KS", True),
    ("BINAMARGA", None, "BINAMARGA-JS", True),  # no known kota: the Dinas chooses
    ("BINAMARGA", None, "DSDA-JS", False),
])
def test_disposisi_goes_only_to_the_dinas_own_sudin(holder: str, jurisdiction: Jurisdiction | None, target: str,
                                                    ok: bool) -> None:
    complaint = new(skpd=holder, jurisdiction=jurisdiction)
    request = ask(Status.DISPOSISI, to_skpd=target)
    if ok:
        after = apply(complaint, request)
        assert (after.status, after.skpd) == (Status.DISPOSISI, target)
    else:
        with pytest.raises(IncompleteTransition, match="^to_skpd: "):
            apply(complaint, request)


def test_after_a_hand_over_the_new_holder_passes_it_on_or_starts() -> None:
    passed = apply(new(skpd="DSDA-JU"), ask(Status.KOORDINASI, 1, to_skpd="BINAMARGA", note="bukan wewenang"))
    again = apply(passed, ask(Status.KOORDINASI, 2, to_skpd="DLH-JU", note="bukan wewenang juga"))
    assert (again.status, again.skpd) == (Status.KOORDINASI, "DLH-JU")
    disposed = apply(passed, ask(Status.DISPOSISI, 2, to_skpd="BINAMARGA-JU"))
    assert apply(disposed, ask(Status.PROSES, 3)).skpd == "BINAMARGA-JU"
    with pytest.raises(InvalidTransition):
        apply(apply(disposed, ask(Status.PROSES, 3)), valid_request(disposed, Status.KOORDINASI))


def test_a_rejected_follow_up_goes_round_again() -> None:
    complaint = new(skpd="BINAMARGA-JU")
    for hours, step in enumerate([
        ask(Status.PROSES),
        ask(Status.MENUNGGU_VALIDASI, note="Sudah ditambal", evidence=(PHOTO,)),
        ask(Status.TL_DITOLAK, actor=VALIDATOR, note="Foto bukti foto lama"),
    ], start=1):
        complaint = apply(complaint, replace(step, at=AT + timedelta(hours=hours)))
    assert complaint.status is Status.TL_DITOLAK
    assert ALLOWED[Status.TL_DITOLAK] == {Status.PROSES}
    assert "Foto bukti foto lama" in complaint.history[-1].note
    with pytest.raises(InvalidTransition):
        apply(complaint, valid_request(complaint, Status.MENUNGGU_VALIDASI))
    complaint = apply(complaint, ask(Status.PROSES, 4))
    complaint = apply(complaint, ask(Status.MENUNGGU_VALIDASI, 5, note="Ditambal ulang", evidence=(PHOTO,)))
    complaint = apply(complaint, ask(Status.SELESAI, 6, actor=VALIDATOR))
    assert [e.status for e in complaint.history] == [
        Status.MENUNGGU, Status.PROSES, Status.MENUNGGU_VALIDASI, Status.TL_DITOLAK,
        Status.PROSES, Status.MENUNGGU_VALIDASI, Status.SELESAI,
    ]


def test_holders_charge_time_to_each_unit_that_held_the_complaint() -> None:
    complaint = new(skpd="DSDA-JU")
    assert holders(complaint) == [("DSDA-JU", AT, None)]
    for step in [
        ask(Status.KOORDINASI, 2, to_skpd="BINAMARGA", note="bukan wewenang: jalan"),
        ask(Status.DISPOSISI, 3, to_skpd="BINAMARGA-JU"),
        ask(Status.PROSES, 5),
        ask(Status.MENUNGGU_VALIDASI, 30, note="Sudah ditambal", evidence=(PHOTO,)),
    ]:
        complaint = apply(complaint, step)
    hour = timedelta(hours=1)
    assert holders(complaint) == [
        ("DSDA-JU", AT, AT + 2 * hour),
        ("BINAMARGA", AT + 2 * hour, AT + 3 * hour),
        ("BINAMARGA-JU", AT + 3 * hour, None),
    ]
    done = apply(complaint, ask(Status.SELESAI, 40, actor=VALIDATOR))
    assert holders(done)[-1] == ("BINAMARGA-JU", AT + 3 * hour, AT + 40 * hour)


def test_refusals_are_one_family_with_an_http_status() -> None:
    assert issubclass(InvalidTransition, TransitionError) and issubclass(IncompleteTransition, TransitionError)
    assert issubclass(TransitionError, ValueError)


TARGETS = ["DSDA", "DLH-JU", "BINAMARGA", "BINAMARGA-JU", "BINAMARGA-JS", "KEL-3172051001", "ENTAH"]


@st.composite
def requests(draw: st.DrawFn, complaint: Complaint) -> TransitionRequest:
    """Mostly tidy steps (a permitted target, only the fields it needs), sometimes anything at all."""
    permitted = sorted(ALLOWED[complaint.status])
    anything = st.sampled_from(list(Status))
    to = draw(st.sampled_from(permitted) | anything) if permitted else draw(anything)
    tidy = draw(st.booleans())
    at = complaint.history[-1].at + timedelta(minutes=draw(st.integers(-5, 3 * 24 * 60)))
    today = at.astimezone(WIB).date()

    def field(name: str, blank: object, choices: list) -> object:
        return draw(st.sampled_from(choices)) if name in REQUIRED.get(to, ()) or not tidy else blank

    return TransitionRequest(
        to, actor=draw(st.sampled_from([OFFICER, VALIDATOR, ""])), at=at,
        note=draw(st.sampled_from(["", "bukan wewenang", "Sudah ditangani"])),
        evidence=field("evidence", (), [(), (PHOTO,), (PHOTO, "")]),
        ews=field("ews", None, [None, today, today + timedelta(days=7)]),
        to_skpd=field("to_skpd", None, [None, *TARGETS]),
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_requests_stay_in_the_graph_and_keep_the_history(data: st.DataObject) -> None:
    complaint = new(skpd=data.draw(st.sampled_from(["BINAMARGA", "DSDA-JU"])))
    applied = 0
    for _ in range(data.draw(st.integers(1, 25))):
        before = copy.deepcopy(complaint)
        request = data.draw(requests(complaint))
        try:
            after = apply(complaint, request)
        except TransitionError:
            assert complaint == before
            continue
        assert complaint == before
        assert after.status in ALLOWED[before.status]
        assert after.history[:-1] == before.history and after.history[-1].status is after.status
        complaint, applied = after, applied + 1
    assert len(complaint.history) == 1 + applied
    statuses = [e.status for e in complaint.history]
    assert all(nxt in ALLOWED[prev] for prev, nxt in zip(statuses, statuses[1:]))
    spans = holders(complaint)
    assert spans[-1][0] == complaint.skpd
    assert all(a[2] == b[1] for a, b in zip(spans, spans[1:]))
    assert all(start <= end for _, start, end in spans if end is not None)
