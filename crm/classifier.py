"""Complaint text -> category and a confidence, from word lists that officials can edit.

Why a weighted lexicon and not a trained model: there is no labelled history to train on yet,
every decision must be explainable to the SKPD that receives the complaint ("it said *got
mampet*"), and officials must be able to fix a miss the same day by adding one row to a CSV,
as they do with the routing rules. It is also fast (a few dict look-ups per word) and needs
nothing beyond the standard library. A naive Bayes model can be trained later, when operators'
triage decisions have produced a few thousand labelled reports.

How a text is read:

1. Normalise: hashtags lose their '#' (``#JalanRusak`` -> ``Jalan Rusak``), URLs and @mentions
   go, money amounts ("5rb", "Rp50.000", "1 juta") become the word ``uang``, ``surut2`` becomes
   ``surut surut``, punctuation becomes space, ``bangeeet`` -> ``banget``.
2. Each word passes the slang table (``crm/data/classifier_slang.csv``: ``gk`` -> ``tidak``,
   ``jln`` -> ``jalan``), loses a trailing ``-nya``, and a word starting with a lexicon stem
   written ``stem*`` (``aspal*``) becomes that stem.
3. The lexicon (``crm/data/classifier_lexicon.csv``: phrase, category, weight) is matched
   greedily, longest phrase first, so ``lampu merah mati`` counts for traffic and not also as
   ``lampu`` for street lighting; ``bakar sampah`` counts for pollution, not rubbish. Each phrase
   counts once. A phrase may carry weight for several categories. Weight 0 makes a place name
   harmless (``kanal banjir``); rows for ``lainnya`` are evidence that the text is no complaint
   ("terima kasih"): they only lower the confidence of the others. A phrase right after a word
   of place (``depan``, ``dekat``, ...) counts half: "sampah depan puskesmas" is about rubbish.
4. Confidence is the best category's share of its own evidence, the runner-up's (``lainnya``
   included) and a prior ``PRIOR`` that stands for "none of these": best / (best + runner-up +
   PRIOR). One decisive phrase (weight 3) alone gives 0.67, a weak hint (weight 1) 0.40, two
   categories with equal evidence 3 give 0.40; no evidence at all gives ``lainnya`` at 0. Only
   the runner-up competes, so a long letter is not doubted for every landmark it names.
   Below the threshold the complaint goes to the operators' triage queue.

Both CSV files are checked when loaded and a bad row stops start-up with its file and line.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from crm.categories import CATEGORIES, FALLBACK
from crm.sheets import DataFileError, read_text, sheet_rows

PRIOR = 1.5  # evidence for "no category"; with weights 1 (hint) to 4 (decisive) one hint stays < 0.5
LEXICON_COLUMNS = ("phrase", "category", "weight", "catatan")
SLANG_COLUMNS = ("slang", "standard")
PLACE_WORDS = frozenset({"depan", "dekat", "sebelah", "seberang", "samping", "sekitar", "belakang"})
LANDMARK_FACTOR = 0.5  # "depan sekolah" says where, seldom what
MIN_STEM = 4  # a shorter `stem*` would swallow unrelated words
_CACHE_LIMIT = 100_000  # distinct words remembered; real traffic repeats a few thousand

_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_MONEY = re.compile(r"\b(?:rp\.?\s*)?\d+(?:[.,]\d+)*\s*(?:rb|ribu|rebu|k|jt|juta)\b|\brp\.?\s*\d[\d.,]*")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2([a-z]*)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_STEM = re.compile(r"[a-z0-9]{%d,}\*" % MIN_STEM)

Weights = tuple[tuple[str, float], ...]  # (category, weight) pairs of one phrase


@dataclass(frozen=True, slots=True)
class Classification:
    """The category code a text most likely belongs to, and how sure (0..1) the classifier is."""

    category: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon row: `phrase` as an official writes it (slang, ``stem*`` allowed)."""

    phrase: str
    category: str
    weight: float
    line: int | None = None


class ClassifierDataError(DataFileError):
    """A lexicon or slang row that cannot be used, with the place to fix it: `source:line: message`."""


class Classifier:
    """Greedy longest-phrase matching of a weighted lexicon over normalised words."""

    def __init__(self, lexicon: Iterable[Term], slang: Mapping[str, str], source: str = "<lexicon>") -> None:
        terms = tuple(lexicon)
        self._slang = {_collapse(k.strip().lower()): tuple(_words(v)) for k, v in slang.items()}
        self._stems = frozenset(t[:-1] for term in terms for t in term.phrase.lower().split() if t.endswith("*"))
        self._cache: dict[str, tuple[str, ...]] = {}
        self._order = {code: i for i, code in enumerate(CATEGORIES)}
        self._by_first = _index(self._weights(terms, source))

    @classmethod
    @cache
    def default(cls) -> Classifier:
        """The classifier built from the packaged CSV files, loaded once per process."""
        data = files("crm") / "data"
        return cls(
            _read_lexicon(data / "classifier_lexicon.csv", "crm/data/classifier_lexicon.csv"),
            _read_slang(data / "classifier_slang.csv", "crm/data/classifier_slang.csv"),
            "crm/data/classifier_lexicon.csv",
        )

    def classify(self, text: str) -> Classification:
        """The best category with its confidence; ``lainnya`` at 0.0 when nothing is recognised."""
        return self._decide(self._scores(text))

    def _scores(self, text: str) -> dict[str, float]:
        scores: dict[str, float] = {}
        for factor, weights in self._matches(self._tokens(text)):
            for category, weight in weights:
                scores[category] = scores.get(category, 0.0) + factor * weight
        return scores

    def _tokens(self, text: str) -> list[str]:
        tokens: list[str] = []
        for word in _words(text):
            canonical = self._cache.get(word)
            if canonical is None:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                canonical = self._cache[word] = self._canonical(word)
            tokens.extend(canonical)
        return tokens

    def _canonical(self, word: str) -> tuple[str, ...]:
        """Slang expanded, ``-nya`` dropped, and a word under a ``stem*`` replaced by the stem."""
        word = _collapse(word)
        if word not in self._slang and len(word) > 5 and word.endswith("nya"):
            word = word[:-3]
        return tuple(self._stemmed(w) for w in self._slang.get(word, (word,)))

    def _stemmed(self, word: str) -> str:
        for end in range(len(word), MIN_STEM - 1, -1):
            if word[:end] in self._stems:
                return word[:end] + "*"
        return word

    def _matches(self, tokens: list[str]) -> Iterable[tuple[float, Weights]]:
        """(factor, weights) of each distinct phrase found, scanning left to right, longest first.

        A phrase right after a word of place ("depan puskesmas", "dekat TPS") names where the
        problem is, not what it is, so it counts LANDMARK_FACTOR; its first sighting decides.
        """
        found: dict[tuple[str, ...], tuple[float, Weights]] = {}
        i, n = 0, len(tokens)
        while i < n:
            step = 1
            for phrase, weights in self._by_first.get(tokens[i], ()):
                if tuple(tokens[i:i + len(phrase)]) == phrase:
                    factor = LANDMARK_FACTOR if i and tokens[i - 1] in PLACE_WORDS else 1.0
                    found.setdefault(phrase, (factor, weights))
                    step = len(phrase)
                    break
            i += step
        return found.values()

    def _decide(self, scores: dict[str, float]) -> Classification:
        candidates = [c for c, s in scores.items() if c != FALLBACK and s > 0]
        if not candidates:
            return Classification(FALLBACK, 0.0)
        best = max(candidates, key=lambda c: (scores[c], -self._order[c]))
        runner_up = max((s for c, s in scores.items() if c != best), default=0.0)
        return Classification(best, scores[best] / (scores[best] + runner_up + PRIOR))

    def _weights(self, terms: tuple[Term, ...], source: str) -> dict[tuple[str, ...], dict[str, float]]:
        """Phrase (as matching tokens) -> category -> weight, checking every row."""
        table: dict[tuple[str, ...], dict[str, float]] = {}
        for term in terms:
            try:
                weights = table.setdefault(self._phrase(term), {})
                if term.category in weights:
                    raise ValueError(f"frasa {term.phrase!r} untuk {term.category!r} ganda (sama setelah dinormalkan)")
            except ValueError as exc:
                raise ClassifierDataError(source, term.line, str(exc)) from None
            weights[term.category] = term.weight
        return table

    def _phrase(self, term: Term) -> tuple[str, ...]:
        """The row's phrase as the tokens a text must show; ValueError says what is wrong with the row."""
        if term.category not in CATEGORIES:
            raise ValueError(f"kategori tidak dikenal: {term.category!r}")
        if not term.weight >= 0:
            raise ValueError(f"bobot harus angka >= 0, tertulis {term.weight!r}")
        tokens: list[str] = []
        for part in term.phrase.lower().split():
            if not part.endswith("*"):
                tokens.extend(self._tokens(part))
            elif _STEM.fullmatch(part):
                tokens.append(part)
            else:
                raise ValueError(f"akar {part!r} harus huruf/angka, minimal {MIN_STEM}, diikuti '*'")
        if not tokens:
            raise ValueError(f"frasa kosong setelah dinormalkan: {term.phrase!r}")
        return tuple(tokens)


def _words(text: str) -> list[str]:
    """Lower-case words without URLs, mentions, punctuation; hashtags split; money as ``uang``."""
    if "#" in text:
        text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    text = _NOISE.sub(" ", text).lower()
    text = _MONEY.sub(" uang ", text)
    text = _REDUPLICATION.sub(r"\1 \1\2", text)
    return _NON_WORD.sub(" ", text).split()


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


def _index(table: dict[tuple[str, ...], dict[str, float]]) -> dict[str, list[tuple[tuple[str, ...], Weights]]]:
    """First token -> [(phrase, weights)], longest phrases first so the greedy scan tries them first."""
    by_first: dict[str, list[tuple[tuple[str, ...], Weights]]] = {}
    for phrase, weights in table.items():
        by_first.setdefault(phrase[0], []).append((phrase, tuple(weights.items())))
    for entries in by_first.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return by_first


def _read_lexicon(source: Traversable, label: str) -> list[Term]:
    terms = []
    for line, cells in _rows(source, label, LEXICON_COLUMNS):
        phrase, category, weight = cells[:3]
        try:
            value = float(weight.replace(",", "."))
        except ValueError:
            raise ClassifierDataError(label, line, f"bobot bukan angka: {weight!r}") from None
        terms.append(Term(phrase, category.lower(), value, line))
    return terms


def _read_slang(source: Traversable, label: str) -> dict[str, str]:
    slang = {}
    for line, (word, standard) in _rows(source, label, SLANG_COLUMNS):
        if not word or not standard:
            raise ClassifierDataError(label, line, "kolom slang dan standard harus terisi")
        slang[word.lower()] = standard
    return slang


def _rows(source: Traversable, label: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    return sheet_rows(read_text(source), label, columns, ClassifierDataError)
