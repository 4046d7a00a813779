"""The complaint text classifier: accuracy on held-out reports, slang, vague text, determinism,
the model's explanations, and the lexicon mechanics (longest phrase, stems, place names,
landmarks) on small lexicons.

`tests/data/labelled_reports.csv` (341 reports by the lexicon's author) is now also part of the
model's examples (crm/data/classifier_examples.csv), so its floors (85% overall, 70% coverage, 92%
of the kept right) only catch a broken lexicon, slang table or example file. The held-out floors
are on `tests/data/citizen_reports_heldout.csv` (359 reports written before the model, never
trained or tuned on): the issue's targets, 75% answered and 85% of those right; measured 95.3%
and 90.1% (the lexicon alone: 77.7% and 91.4%).
"""
from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pytest

from crm.categories import CATEGORIES, FALLBACK
from crm.classifier import (
    Classification,
    Classifier,
    ClassifierDataError,
    Term,
    _read_examples,
    _read_lexicon,
    _read_slang,
)

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled_reports.csv"
HELD_OUT = Path(__file__).resolve().parents[1] / "data" / "citizen_reports_heldout.csv"
THRESHOLD = 0.5  # the default PANTAU_CLASSIFIER_THRESHOLD


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.default()


@pytest.fixture(scope="module")
def labelled() -> list[tuple[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["category"]) for row in csv.DictReader(f)]


def small(*rows: tuple[str, str, float], slang: dict[str, str] | None = None) -> Classifier:
    return Classifier([Term(p, c, w, line) for line, (p, c, w) in enumerate(rows, start=2)], slang or {})


# --- the held-out set ---------------------------------------------------------------------------

def test_labelled_set_covers_every_category(labelled):
    counts = {code: sum(y == code for _, y in labelled) for code in CATEGORIES}
    assert len(labelled) >= 320
    assert min(counts.values()) >= 5
    assert counts[FALLBACK] >= 20


def test_accuracy_on_the_labelled_set(classifier, labelled):
    right = sum(classifier.classify(text).category == y for text, y in labelled)
    assert right / len(labelled) >= 0.85


def test_confident_answers_are_mostly_right_and_most_answers_are_confident(classifier, labelled):
    results = [(classifier.classify(text), y) for text, y in labelled]
    kept = [(r, y) for r, y in results if r.confidence >= THRESHOLD]
    assert len(kept) / len(results) >= 0.70
    assert sum(r.category == y for r, y in kept) / len(kept) >= 0.92


def test_every_category_is_recognised(classifier, labelled):
    """No category's words are missing: at least half of each category's reports are found."""
    for code in CATEGORIES:
        texts = [text for text, y in labelled if y == code]
        right = sum(classifier.classify(text).category == code for text in texts)
        assert right / len(texts) >= 0.5, code


def test_answers_are_catalogue_codes_with_confidence_in_range(classifier, labelled):
    odd = ["🙏🙏🙏", "1234567890", "!!!???", "a" * 5000, "sampah " * 2000, "#", "@DKIJakarta https://t.co/x"]
    for text in [t for t, _ in labelled] + odd:
        result = classifier.classify(text)
        assert result.category in CATEGORIES
        assert 0.0 <= result.confidence <= 1.0


# --- slang, normalising ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, category", [
    ("jln rusak parah bgt, byk lobang", "jalan"),
    ("smpah numpuk dpn gg udh 3 hr gk diangkut", "sampah"),
    ("lmp PJU mati", "lampu_jalan"),
    ("got mampet tiap ujan", "saluran_air"),
    ("banjir sepaha", "banjir"),
    ("parkir sembarangan di bahu jln", "parkir_liar"),
    ("ojol ngetem makan jalan", "parkir_liar"),
    ("pohon tumbang nutup jln", "pohon"),
    ("kabel semrawut yg menjuntai", "kabel_utilitas"),
    ("PKL di trotoar", "pkl"),
    ("ada pungli", "pungutan_liar"),
    ("KTP blm jadi", "administrasi_kependudukan"),
    ("air PAM gk ngalir dr pagi", "air_bersih"),
    ("sopir mikrotrans ugal2an", "transportasi_umum"),
    ("brisik bgt knalpot racing", "ketenteraman_ketertiban"),
])
def test_slang_and_abbreviations(classifier, text, category):
    result = classifier.classify(text)
    assert result.category == category
    assert result.confidence >= THRESHOLD


@pytest.mark.parametrize("text, category", [
    ("sampaaaah numpuuuuk", "sampah"),  # letters stretched for emphasis
    ("#BanjirJakarta lagi", "banjir"),  # hashtag split at capitals
    ("@DKIJakarta https://t.co/abc123 got mampet", "saluran_air"),  # mention and link dropped
    ("lampunya mati, jalannya gelap", "lampu_jalan"),  # -nya dropped
    ("genangan gk surut2", "banjir"),  # surut2 = surut surut
    ("urus surat dimintain 150rb", "pungutan_liar"),  # an amount reads as uang
    ("petugas minta Rp50.000 tanpa kwitansi", "pungutan_liar"),
])
def test_normalising(classifier, text, category):
    assert classifier.classify(text).category == category


# --- vague, empty, deterministic ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "halo min", "terima kasih", "tes", "tes tes", "selamat pagi", "asdf qwerty zxcv", "ok",
    "min mau tanya dong", "semoga sehat selalu", "?", "terima kasih, jalannya sudah diperbaiki",
])
def test_vague_text_is_not_confident(classifier, text):
    assert classifier.classify(text).confidence < THRESHOLD


@pytest.mark.parametrize("text", ["", " ", "\n\t  ", "   \u00a0  "])
def test_empty_text_is_lainnya_with_no_confidence(classifier, text):
    assert classifier.classify(text) == Classification(FALLBACK, 0.0)


def test_mixed_text_is_less_confident_than_a_clear_one(classifier):
    clear = classifier.classify("got mampet, air got meluber")
    assert classifier.classify("got mampet, sampah numpuk, banjir juga").confidence < clear.confidence
    assert classifier.classify("ada sampah, banjir, got juga").confidence < THRESHOLD


def test_deterministic(classifier, labelled):
    data = files("crm") / "data"
    fresh = Classifier(_read_lexicon(data / "classifier_lexicon.csv", "lexicon"),
                       _read_slang(data / "classifier_slang.csv", "slang"), "lexicon",
                       _read_examples(data / "classifier_examples.csv", "examples"))
    for text, _ in labelled:
        first = classifier.classify(text)
        assert classifier.classify(text) == first
        assert fresh.classify(text) == first


def test_default_is_loaded_once():
    assert Classifier.default() is Classifier.default()


# --- mechanics on small lexicons ------------------------------------------------------------------

def test_longest_phrase_wins_and_consumes_its_words():
    c = small(("lampu", "lampu_jalan", 2), ("lampu merah mati", "lalu_lintas", 3))
    assert c.classify("lampu merah mati lagi").category == "lalu_lintas"
    assert c.classify("lampu merah mati lagi").confidence == pytest.approx(3 / (3 + 1.5))
    assert c.classify("lampu di gang mati").category == "lampu_jalan"


def test_a_phrase_counts_once():
    c = small(("sampah", "sampah", 3))
    assert c.classify("sampah sampah sampah") == c.classify("sampah")


def test_stem_matches_words_that_start_with_it():
    c = small(("aspal*", "jalan", 3))
    for text in ("aspal", "aspalnya", "aspalan"):
        assert c.classify(text).category == "jalan"
    assert c.classify("asal").category == FALLBACK


def test_slang_is_expanded_before_matching():
    c = small(("tidak diangkut", "sampah", 3), slang={"gk": "tidak"})
    assert c.classify("gk diangkut").category == "sampah"


def test_weight_zero_makes_a_place_name_harmless():
    c = small(("banjir", "banjir", 3), ("kanal banjir", FALLBACK, 0), ("lampu", "lampu_jalan", 2))
    assert c.classify("lampu mati di kanal banjir timur").category == "lampu_jalan"


def test_lainnya_evidence_lowers_confidence_but_never_wins():
    c = small(("jalan rusak", "jalan", 2), ("terima kasih", FALLBACK, 2))
    assert c.classify("terima kasih").category == FALLBACK
    assert c.classify("terima kasih").confidence == 0.0
    assert c.classify("terima kasih, jalan rusak").confidence < c.classify("jalan rusak").confidence


def test_a_landmark_counts_half():
    c = small(("puskesmas", "kesehatan", 2), ("anjing", "hewan", 2))
    assert c.classify("anjing liar depan puskesmas").category == "hewan"
    assert c.classify("puskesmas anjing").category == "kesehatan"  # tie: catalogue order


def test_bad_rows_name_their_line():
    with pytest.raises(ClassifierDataError, match=r":3: kategori tidak dikenal: 'jalanan'"):
        small(("jalan rusak", "jalan", 2), ("lubang", "jalanan", 2))
    with pytest.raises(ClassifierDataError, match=r":3: .*ganda"):
        small(("jln rusak", "jalan", 2), ("jalan rusak", "jalan", 2), slang={"jln": "jalan"})
    with pytest.raises(ClassifierDataError, match=r":2: akar"):
        small(("ab*", "jalan", 2))
    with pytest.raises(ClassifierDataError, match=r":2: bobot"):
        small(("lubang", "jalan", -1))


def test_lexicon_file_from_indonesian_excel(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text("phrase;category;weight;catatan\ngot mampet;saluran_air;2,5;\n\n", encoding="utf-8")
    assert _read_lexicon(path, "lexicon.csv") == [Term("got mampet", "saluran_air", 2.5, 2)]
    path.write_text("phrase,category,weight\n", encoding="utf-8")
    with pytest.raises(ClassifierDataError, match=r"lexicon.csv:1: baris judul"):
        _read_lexicon(path, "lexicon.csv")


# --- the held-out citizen reports and the model ---------------------------------------------------

def test_held_out_citizen_reports_meet_the_targets(classifier):
    with HELD_OUT.open(encoding="utf-8", newline="") as f:
        rows = [(row["text"], row["category"]) for row in csv.DictReader(f)]
    examples = {text for text, _ in _read_examples(files("crm") / "data" / "classifier_examples.csv", "examples")}
    assert len(rows) >= 300 and not examples & {text for text, _ in rows}  # never trained on
    results = [(classifier.classify(text), y) for text, y in rows]
    answered = [(r, y) for r, y in results if r.confidence >= THRESHOLD]
    assert len(answered) / len(rows) >= 0.75
    assert sum(r.category == y for r, y in answered) / len(answered) >= 0.85


@pytest.mark.parametrize("text, category, word", [
    ("jalan angin mamiri semper barat rusak", "jalan", "rusak"),  # words apart: no lexicon phrase
    ("rs bhakti mulia slipi antri lama", "kesehatan", "rs"),
    ("got mampet depan rumah", "saluran_air", "got mampet"),  # the lexicon phrase comes first
])
def test_answers_say_why(classifier, text, category, word):
    result = classifier.classify(text)
    assert (result.category, result.confidence >= THRESHOLD) == (category, True)
    assert word in result.words


def test_the_words_given_as_why_carry_no_place_or_glue_words(classifier):
    result = classifier.classify("Saluran mampet di depan rumah sudah seminggu, dekat halte")
    assert result.category == "saluran_air" and "mampet" in result.words
    assert not {"di", "depan", "sudah", "dekat"} & {token for word in result.words for token in word.split()}


def test_questions_and_thanks_are_not_answered(classifier):
    for text in ("Selamat pagi admin, saya mau tanya syarat bikin surat keterangan usaha apa saja ya?",
                 "terima kasih petugas sudah cepat menanggapi, mantap"):
        assert classifier.classify(text).confidence < THRESHOLD, text


def test_an_example_with_an_unknown_category_stops_start_up(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text("text,category,catatan\nsampah numpuk,sampah,\nbanjir,kebanjiran,\n", encoding="utf-8")
    with pytest.raises(ClassifierDataError, match="examples.csv:3: kategori tidak dikenal"):
        _read_examples(path, "examples.csv")


def test_suggestions_start_with_the_answer_and_rank_the_rest_by_their_own_confidence():
    classifier = Classifier.default()
    text = "tolong pak banjir sama sampah numpuk di got"
    suggested = classifier.suggest(text)
    assert suggested[0] == classifier.classify(text) and len(suggested) == 3
    assert [s.category for s in suggested[1:]] == sorted(
        [s.category for s in suggested[1:]], key=lambda c: -next(s.confidence for s in suggested if s.category == c))
    assert {"banjir", "saluran_air"} <= {s.category for s in suggested}
    assert len({s.category for s in suggested}) == 3 and all(0 <= s.confidence <= 1 for s in suggested)
