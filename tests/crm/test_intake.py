"""Intake's first history note says why: the classifier's words, the gazetteer's words and kind of
place, or the candidates of a name that places far apart share. Real gazetteer, classifier,
locator, routing rules and SLA clock; `build` stores nothing, so no database is needed here
(tests/ingest/test_intake_notes.py follows the notes through the app and the store)."""
from __future__ import annotations

import re

import pytest

from crm.classifier import Classifier
from crm.complaint import PRECISE, TRIAGE_CATEGORY, TRIAGE_LOCATION, Complaint
from crm.intake import SHOWN_CANDIDATES, SHOWN_WORDS, Intake, Report
from crm.routing import RoutingRules
from crm.sla import SlaClock
from geo.gazetteer import Ambiguous, Gazetteer


@pytest.fixture(scope="module")
def gazetteer(boundaries) -> Gazetteer:
    return Gazetteer.from_boundaries(boundaries)


@pytest.fixture(scope="module")
def shared(boundaries) -> None:
    from geo import kodepos, landmarks
    if not (landmarks.default_path(boundaries.source).is_file() and kodepos.default_path(boundaries.source).is_file()):
        pytest.skip("../shared/data/gazetteer is not present")


def intake_of(locator, gazetteer: Gazetteer) -> Intake:
    return Intake(locate=locator.locate, rules=RoutingRules.default(), save=lambda batch: [(c, True) for c in batch],
                  classify=Classifier.default().classify, find_place=gazetteer.search, sla=SlaClock.default())


@pytest.fixture(scope="module")
def intake(locator, gazetteer) -> Intake:
    return intake_of(locator, gazetteer)


def sms(intake: Intake, text: str, **fields) -> Complaint:
    return intake.build(Report(channel="sms", external_id="SMS-1", text=text, **fields))


def note(complaint: Complaint) -> str:
    """The received note: channel, then category and place sentences joined by ". "."""
    (event,) = complaint.history
    return event.note


def place_note(complaint: Complaint) -> str:
    """The note's last sentence, which is about the place when the channel sent no point."""
    found = re.search(r"\. (Lokasi .*)$", note(complaint))
    assert found, note(complaint)
    return found.group(1)


def test_an_ambiguous_name_goes_to_location_triage_with_its_candidates(intake, gazetteer, shared):
    text = "pkl pasar embrio jualan di jalan"
    assert isinstance(gazetteer.search(text), Ambiguous)
    complaint = sms(intake, text)
    assert (complaint.lon, complaint.lat, complaint.jurisdiction, complaint.location_precision) == (None,) * 4
    assert complaint.triage == TRIAGE_LOCATION and complaint.skpd == RoutingRules.default().route("pkl", None)
    place = place_note(complaint)
    found = re.fullmatch(r"Lokasi ambigu: «pasar embrio» bisa (.+); perlu triase operator", place)
    assert found, place
    assert sorted(found.group(1).split(", ")) == ["Pasar Embrio (Makasar)", "Pasar Embrio (Semper Barat)"]
    # the same name with its kelurahan is placed, and the note says which words did it
    semper = sms(intake, "pkl pasar embrio semper barat jualan di jalan")
    assert (semper.location_precision, semper.jurisdiction.kelurahan, semper.triage) == ("pasar", "Semper Barat", None)
    assert place_note(semper) == "Lokasi dari teks (ketelitian: pasar; kata: «pasar embrio» → Pasar Embrio)"


def test_an_ambiguity_of_many_places_lists_a_few_and_counts_the_rest(intake, gazetteer, shared):
    text = "parkir liar depan superindo"
    ambiguous = gazetteer.search(text)
    assert isinstance(ambiguous, Ambiguous) and len(ambiguous.candidates) > SHOWN_CANDIDATES
    place = place_note(sms(intake, text))
    found = re.fullmatch(r"Lokasi ambigu: «superindo» bisa (.+) dan (\d+) lainnya; perlu triase operator", place)
    assert found, place
    shown = found.group(1).split(", ")
    assert len(shown) == SHOWN_CANDIDATES and int(found.group(2)) == len(ambiguous.candidates) - SHOWN_CANDIDATES
    assert all(re.fullmatch(r"Super ?[Ii]ndo \([A-Z][\w .'-]+\)", s) for s in shown), shown


@pytest.mark.parametrize("text, kind, kelurahan, said", [
    ("Jalan berlubang besar dkt Halte Cawang", "halte", "Cawang", "«Halte Cawang» → Cawang"),
    ("sampah menumpuk di depan Psr Senen", "pasar", "Senen", "«Psr Senen» → Pasar Senen"),
    ("lampu pju mati sebelah RSUD Tarakan", "rumah_sakit", "Cideng", "«RSUD Tarakan» → RSUD Tarakan"),
    ("got mampet di kodepos 10110", "kodepos", "Gambir", "«10110» → Kode pos 10110 (Gambir)"),
])
def test_a_named_place_is_placed_at_its_kind_and_the_note_shows_the_words(intake, shared, text, kind, kelurahan, said):
    complaint = sms(intake, text)
    assert (complaint.location_precision, complaint.jurisdiction.kelurahan) == (kind, kelurahan)
    assert complaint.triage is None and complaint.lon is not None
    assert place_note(complaint) == f"Lokasi dari teks (ketelitian: {kind}; kata: {said})"


def test_without_the_shared_files_a_curated_landmark_still_shows_its_words(locator, boundaries, tmp_path):
    gone = tmp_path / "gone.csv"
    bare = Gazetteer.from_boundaries(boundaries, landmark_file=gone, kodepos_file=gone)
    complaint = sms(intake_of(locator, bare), "parkir liar dekat Monas")
    assert (complaint.location_precision, complaint.jurisdiction.kelurahan) == ("landmark", "Gambir")
    assert place_note(complaint) == "Lokasi dari teks (ketelitian: landmark; kata: «Monas» → Monumen Nasional)"
    kelurahan = sms(intake_of(locator, bare), "banjir di Kel. Gambir")
    assert place_note(kelurahan) == "Lokasi dari teks (ketelitian: kelurahan; kata: «Gambir» → Gambir)"


def test_the_category_note_shows_the_classifiers_words(intake):
    text = "Jalan berlubang besar, motor saya hampir jatuh"
    guess = Classifier.default().classify(text)
    assert guess.category == "jalan" and "jalan berlubang" in guess.words
    complaint = sms(intake, text, lon=106.8272, lat=-6.1754)
    said = ", ".join(f"«{w}»" for w in guess.words[:SHOWN_WORDS])
    assert note(complaint) == (f"Diterima melalui kanal sms. "
                               f"Kategori jalan (keyakinan {guess.confidence:.2f}; kata: {said})")
    assert (complaint.category, complaint.triage, complaint.location_precision) == ("jalan", None, PRECISE)


def test_an_unsure_category_goes_to_triage_with_the_suggestion_and_its_words(intake):
    complaint = sms(intake, "halo min", lon=106.8272, lat=-6.1754)
    guess = Classifier.default().classify("halo min")
    assert guess.confidence < intake.threshold and guess.words
    said = ", ".join(f"«{w}»" for w in guess.words[:SHOWN_WORDS])
    assert note(complaint) == (f"Diterima melalui kanal sms. Kategori ragu (saran: {guess.category}, "
                               f"keyakinan {guess.confidence:.2f}; kata: {said}); perlu triase operator")
    assert (complaint.category, complaint.triage) == ("lainnya", TRIAGE_CATEGORY)


def test_a_category_the_channel_named_and_a_point_it_sent_need_no_note(intake):
    complaint = sms(intake, "Jalan berlubang dekat Monas", category="jalan", lon=106.8272, lat=-6.1754)
    assert note(complaint) == "Diterima melalui kanal sms"
    assert (complaint.category_confidence, complaint.triage, complaint.location_precision) == (None, None, PRECISE)


def test_no_place_and_no_category_give_both_reasons(intake):
    complaint = sms(intake, "halo min")
    assert complaint.triage == f"{TRIAGE_CATEGORY},{TRIAGE_LOCATION}"
    assert place_note(complaint) == "Lokasi tidak ditemukan; perlu triase operator"
