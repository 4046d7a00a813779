"""An operator's correction as a pure step (crm/corrections.py) on complaints intake really built:
the real locator, routing rules and SLA clock; nothing stored. Then what the ranking's stints
(crm/stints.py) and a citizen's reopening (crm/lifecycle.py) make of a corrected complaint."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from crm.classifier import Classifier
from crm.complaint import TRIAGE_CATEGORY, TRIAGE_LOCATION, Complaint, Status, utc_now
from crm.corrections import (
    KELURAHAN,
    MERGED,
    NOT_A_COMPLAINT,
    OPERATOR_POINT,
    BadCorrection,
    BadMerge,
    Correction,
    NotCorrectable,
    correct,
    set_aside,
)
from crm.intake import Intake, Report
from crm.lifecycle import reopen
from crm.routing import RoutingRules
from crm.sla import SlaClock
from crm.stints import stints_of
from crm.transitions import InvalidTransition, TransitionRequest, apply
from geo.gazetteer import Gazetteer

MONAS = (106.8272, -6.1754)  # Gambir, Jakarta Pusat
GAMBIR = "31.71.01.1001"
TANJUNG_PRIOK = (106.8806, -6.1090)  # Jakarta Utara


@pytest.fixture(scope="module")
def gazetteer(boundaries) -> Gazetteer:
    return Gazetteer.from_boundaries(boundaries)


@pytest.fixture(scope="module")
def intake(locator, gazetteer) -> Intake:
    return Intake(locate=locator.locate, rules=RoutingRules.default(), save=lambda batch: [(c, True) for c in batch],
                  classify=Classifier.default().classify, find_place=gazetteer.search, sla=SlaClock.default())


def kelurahan_point(gazetteer: Gazetteer):
    def point(code: str) -> tuple[float, float] | None:
        place = gazetteer.unit(code)
        return None if place is None or place.kind != "kelurahan" else (place.lon, place.lat)
    return point


def triaged(intake: Intake, **fields) -> Complaint:
    """A vague SMS without a place, stored an hour ago: both triage reasons, parked at the Biro Pemerintahan."""
    report = Report(channel="sms", external_id="SMS-1", text="tolong segera ditangani pak, sudah seminggu",
                    reported_at=utc_now() - timedelta(hours=1), **fields)
    return replace(intake.build(report), id=7)


def fix(intake: Intake, gazetteer: Gazetteer, complaint: Complaint, target: Complaint | None = None,
        **fields) -> Complaint:
    request = Correction(actor="opa", unit="Operator CRM", at=utc_now(), note=fields.pop("note", "ditelepon"),
                         **fields)
    return correct(complaint, request, intake=intake, kelurahan_point=kelurahan_point(gazetteer), target=target)


def test_category_and_point_reroute_and_retime_as_intake_would(intake, gazetteer):
    before = triaged(intake)
    assert before.triage == f"{TRIAGE_CATEGORY},{TRIAGE_LOCATION}" and before.skpd == "BIROPEM"
    after = fix(intake, gazetteer, before, category="jalan", point=MONAS)
    assert (after.category, after.skpd, after.triage, after.status) == ("jalan", "BINAMARGA-JP", None, Status.MENUNGGU)
    assert after.jurisdiction.kode_kelurahan == GAMBIR and after.location_precision == OPERATOR_POINT
    assert (after.lon, after.lat) == MONAS and after.category_confidence is None
    routed = intake.build(Report(channel="sms", external_id="SMS-2", text="x", category="jalan",
                                 lon=MONAS[0], lat=MONAS[1], reported_at=before.received_at))
    assert (after.skpd, after.first_action_due, after.completion_due) == (
        routed.skpd, routed.first_action_due, routed.completion_due)  # the same rules and clock as intake
    event = after.history[-1]
    assert event.kind == "koreksi:BIROPEM:BINAMARGA-JP" and event.actor == "opa" and event.unit == "Operator CRM"
    assert "kategori lainnya menjadi jalan" in event.note and "Gambir" in event.note and "ditelepon" in event.note
    assert before.triage and before.skpd == "BIROPEM"  # the input is untouched


def test_a_kelurahan_code_places_it_at_the_kelurahan(intake, gazetteer):
    after = fix(intake, gazetteer, triaged(intake, category="sampah"), kode_kelurahan=GAMBIR)
    assert after.jurisdiction.kode_kelurahan == GAMBIR and after.location_precision == KELURAHAN
    assert after.skpd == intake.rules.route("sampah", after.jurisdiction)


def test_an_explicit_skpd_wins_over_the_rules_and_a_category_alone_keeps_the_place(intake, gazetteer):
    placed = fix(intake, gazetteer, triaged(intake), category="jalan", point=MONAS)
    after = fix(intake, gazetteer, placed, category="saluran_air")
    assert after.jurisdiction == placed.jurisdiction and after.skpd == intake.rules.route("saluran_air", placed.jurisdiction)
    held = fix(intake, gazetteer, placed, skpd="DSDA-JP")
    assert held.skpd == "DSDA-JP" and held.category == "jalan"
    office = fix(intake, gazetteer, placed, skpd="KEL-3171011001")  # the place's own kelurahan office
    assert office.skpd == "KEL-3171011001"


@pytest.mark.parametrize(("fields", "field"), [
    ({"note": " "}, "note"),
    ({"category": "jalanan"}, "category"),
    ({"point": (106.60, -6.10)}, "lat"),  # Tangerang: outside DKI Jakarta
    ({"point": (float("nan"), -6.17)}, "lat"),
    ({"kode_kelurahan": "31.71.01.9999"}, "kode_kelurahan"),
    ({"kode_kelurahan": "31.71.01"}, "kode_kelurahan"),  # a kecamatan, not a kelurahan
    ({"point": MONAS, "kode_kelurahan": GAMBIR}, "kode_kelurahan"),
    ({"skpd": "DINAS-FIKTIF"}, "skpd"),
    ({"skpd": "KEL-3172011001", "point": MONAS}, "skpd"),  # another place's kelurahan office
    ({"not_a_complaint": "iklan"}, "not_a_complaint"),
    ({"not_a_complaint": "spam", "category": "jalan"}, "not_a_complaint"),
    ({"duplicate_of": 3, "point": MONAS}, "duplicate_of"),
])
def test_bad_fields_are_refused_naming_them(intake, gazetteer, fields, field):
    with pytest.raises(BadCorrection) as refused:
        fix(intake, gazetteer, triaged(intake), **fields)
    assert refused.value.field == field and refused.value.status == 422


def test_only_a_complaint_no_unit_owns_yet_is_correctable(intake, gazetteer):
    placed = fix(intake, gazetteer, triaged(intake), category="jalan", point=MONAS)
    passed = apply(placed, TransitionRequest(to=Status.KOORDINASI, actor="staf", at=utc_now(), note="bukan kami",
                                             to_skpd="DSDA-JP"))
    recategorised = fix(intake, gazetteer, passed, category="saluran_air")  # still correctable: re-routed
    assert recategorised.skpd == intake.rules.route("saluran_air", passed.jurisdiction) != "DSDA-JP"
    taken = apply(placed, TransitionRequest(to=Status.PROSES, actor="staf", at=utc_now()))
    with pytest.raises(NotCorrectable) as refused:
        fix(intake, gazetteer, taken, category="pohon")
    assert refused.value.status == 409


def test_not_a_complaint_closes_it_with_no_unit_charged(intake, gazetteer):
    after = fix(intake, gazetteer, triaged(intake), not_a_complaint="salam", note="hanya ucapan selamat pagi")
    assert (after.status, after.triage, after.history[-1].kind) == (Status.SELESAI, None, NOT_A_COMPLAINT)
    assert after.closed_at == after.history[-1].at and "salam" in after.history[-1].note
    assert set_aside(after) and stints_of(after) == []
    with pytest.raises(InvalidTransition):  # no unit closed it: the sender cannot reopen it onto one
        reopen(after, at=utc_now(), reason="belum", sla=intake.sla)
    with pytest.raises(NotCorrectable):
        fix(intake, gazetteer, after, category="jalan")


def test_merging_links_to_the_original_of_an_open_complaint(intake, gazetteer):
    original = replace(fix(intake, gazetteer, triaged(intake), category="jalan", point=MONAS), id=3, ticket="JKT-A")
    repeat = replace(original, id=4, ticket="JKT-B", duplicate_of=3)
    merged = fix(intake, gazetteer, triaged(intake), target=repeat, duplicate_of="JKT-B")
    assert (merged.status, merged.duplicate_of, merged.history[-1].kind) == (Status.SELESAI, 3, MERGED)
    assert "JKT-B" in merged.history[-1].note and stints_of(merged) == []


@pytest.mark.parametrize("case", ["missing", "itself", "closed", "repeats_this"])
def test_a_merge_into_no_open_other_complaint_is_409(intake, gazetteer, case):
    complaint = triaged(intake)
    other = replace(complaint, id=9, ticket="JKT-C")
    target = {"missing": None, "itself": complaint, "closed": replace(other, status=Status.SELESAI),
              "repeats_this": replace(other, duplicate_of=complaint.id)}[case]
    with pytest.raises(BadMerge) as refused:
        fix(intake, gazetteer, complaint, target=target, duplicate_of=9)
    assert refused.value.status == 409 and refused.value.field == "duplicate_of"


def test_a_rerouted_complaint_is_the_new_holders_from_the_correction_on(intake, gazetteer):
    before = triaged(intake)
    after = fix(intake, gazetteer, before, category="jalan", point=MONAS)
    (stint,) = stints_of(after)  # the Biro Pemerintahan's hour of triage is no turn of its own
    corrected_at = after.history[-1].at
    assert (stint.skpd, stint.seq, stint.start, stint.category) == ("BINAMARGA-JP", 0, corrected_at, "jalan")
    assert stint.first_action_due == corrected_at + (after.first_action_due - after.received_at)
    assert stint.completion_due >= after.completion_due and stint.kode_kelurahan == GAMBIR
    passed = apply(after, TransitionRequest(to=Status.KOORDINASI, actor="staf", at=utc_now(), note="saluran",
                                            to_skpd="DSDA-JP"))
    assert [s.skpd for s in stints_of(passed)] == ["BINAMARGA-JP", "DSDA-JP"]
    again = fix(intake, gazetteer, passed, category="pohon")
    assert [(s.skpd, s.handed_over) for s in stints_of(again)] == [
        ("BINAMARGA-JP", True), (intake.rules.route("pohon", again.jurisdiction), False)]


def test_a_confirmation_alone_clears_triage_and_keeps_everything(intake, gazetteer):
    placed = replace(triaged(intake), triage=TRIAGE_CATEGORY)
    after = fix(intake, gazetteer, placed, note="kategori memang lainnya")
    assert after.triage is None and (after.category, after.skpd) == (placed.category, placed.skpd)
    assert after.history[-1].kind == "koreksi:BIROPEM:BIROPEM" and len(stints_of(after)) == 1
