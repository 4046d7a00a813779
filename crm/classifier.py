"""Complaint text -> category and a confidence, from word lists that officials can edit and a
statistical model trained on labelled examples at start.

Two readings, each explainable to the SKPD that receives the complaint: a weighted lexicon
("it said *got mampet*"), which officials fix the same day by adding one row to a CSV, as they do
with the routing rules; and a TF-IDF linear model (crm/text_model.py) trained when the process
starts on crm/data/classifier_examples.csv and on the lexicon's own rows, which reads what the
lexicon has no phrase for ("jalan angin mamiri ... rusak", "rs ... antri lama"). How they combine
is at the end; `Classification.words` says why (the lexicon phrases, then the model's words).

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
5. The model's guess, when the examples are loaded: its confidence c (0.5 at a zero margin) is
   rescaled so that MODEL_TRUST reads as 0.5, the default threshold (below it as c / MODEL_TRUST
   / 2). Same category as the lexicon: 1 - (1 - lexicon)(1 - model). The lexicon unsure and the
   model sure: the model's category. The lexicon sure and the model unsure: the lexicon's. Both
   sure of different categories: the lexicon's category, but at half the weaker confidence, so
   an operator decides. A model sure the text is no complaint (``lainnya``) caps the confidence
   at 1 - its own. Five-fold cross-validation on the examples chose MODEL_TRUST: lexicon alone
   answered 79% (96% right), the two together 91% (94% right) at the 0.5 threshold.

All three CSV files are checked when loaded and a bad row stops start-up with its file and line.
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
from crm.text_model import Guess, TextModel

PRIOR = 1.5  # evidence for "no category"; with weights 1 (hint) to 4 (decisive) one hint stays < 0.5
LEXICON_COLUMNS = ("phrase", "category", "weight", "catatan")
SLANG_COLUMNS = ("slang", "standard")
EXAMPLE_COLUMNS = ("text", "category", "catatan")
SUGGESTIONS = 3  # categories shown to an operator deciding a triaged complaint
MODEL_TRUST = 0.7  # the model's confidence that counts as sure (reads as 0.5); see point 5 above
ANSWER = 0.5  # the default PANTAU_CLASSIFIER_THRESHOLD, where "sure" starts for either reading
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
    words: tuple[str, ...] = ()  # why: the lexicon phrases, then the model's words, for this category


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

    def __init__(self, lexicon: Iterable[Term], slang: Mapping[str, str], source: str = "<lexicon>",
                 examples: Iterable[tuple[str, str]] = ()) -> None:
        terms = tuple(lexicon)
        self._slang = {_collapse(k.strip().lower()): tuple(_words(v)) for k, v in slang.items()}
        self._stems = frozenset(t[:-1] for term in terms for t in term.phrase.lower().split() if t.endswith("*"))
        self._cache: dict[str, tuple[str, ...]] = {}
        self._order = {code: i for i, code in enumerate(CATEGORIES)}
        self._by_first = _index(self._weights(terms, source))
        self._model = self._train(tuple(examples), terms)

    def _train(self, examples: tuple[tuple[str, str], ...], terms: tuple[Term, ...]) -> TextModel | None:
        """The model over the examples and the lexicon rows (weight capped at 3); None without examples."""
        if not examples:
            return None
        rows = [(text, category, 1.0) for text, category in examples]
        rows += [(t.phrase.replace("*", ""), t.category, min(3.0, t.weight)) for t in terms if t.weight > 0]
        return TextModel(lambda text: [w.rstrip("*") for w in self._tokens(text)],
                         [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    @classmethod
    @cache
    def default(cls) -> Classifier:
        """The classifier built from the packaged CSV files, loaded once per process."""
        data = files("crm") / "data"
        return cls(
            _read_lexicon(data / "classifier_lexicon.csv", "crm/data/classifier_lexicon.csv"),
            _read_slang(data / "classifier_slang.csv", "crm/data/classifier_slang.csv"),
            "crm/data/classifier_lexicon.csv",
            _read_examples(data / "classifier_examples.csv", "crm/data/classifier_examples.csv"),
        )

    def classify(self, text: str) -> Classification:
        """The best category with its confidence and why; ``lainnya`` at 0.0 when nothing is recognised."""
        scores, phrases = self._scores(text)
        lexicon = self._decide(scores)
        lexicon = Classification(lexicon.category, lexicon.confidence, tuple(phrases.get(lexicon.category, ())))
        if self._model is None or not text.strip():
            return lexicon
        guess = self._model.guess(text)
        return lexicon if guess is None else _combine(lexicon, guess)

    def suggest(self, text: str, n: int = SUGGESTIONS) -> list[Classification]:
        """What an operator picks from: `classify`'s answer first, then the other categories by their
        own confidence, each reading's as if that category were the guess, joined as when the two
        readings agree (point 5). A category no reading sees at all is not suggested."""
        best = self.classify(text)
        scores, phrases = self._scores(text)
        model = self._model.confidences(text) if self._model is not None and text.strip() else {}
        others = []
        for category in CATEGORIES:
            if category in (best.category, FALLBACK) or (scores.get(category, 0.0) <= 0 and category not in model):
                continue
            runner_up = max((s for c, s in scores.items() if c != category), default=0.0)
            lexicon = max(scores.get(category, 0.0), 0.0)
            lexicon /= lexicon + runner_up + PRIOR
            joined = 1.0 - (1.0 - lexicon) * (1.0 - _rescaled(model.get(category, 0.0)))
            others.append(Classification(category, joined, tuple(phrases.get(category, ()))))
        others.sort(key=lambda c: (-c.confidence, self._order[c.category]))
        return [best, *others[:max(n - 1, 0)]]

    def _scores(self, text: str) -> tuple[dict[str, float], dict[str, list[str]]]:
        """Evidence per category, and the phrases (as matched) that gave it."""
        scores: dict[str, float] = {}
        phrases: dict[str, list[str]] = {}
        for phrase, (factor, weights) in self._matches(self._tokens(text)):
            for category, weight in weights:
                scores[category] = scores.get(category, 0.0) + factor * weight
                if weight > 0:
                    phrases.setdefault(category, []).append(" ".join(w.rstrip("*") for w in phrase))
        return scores, phrases

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

    def _matches(self, tokens: list[str]) -> Iterable[tuple[tuple[str, ...], tuple[float, Weights]]]:
        """(phrase, (factor, weights)) of each distinct phrase found, scanning left to right, longest first.

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
        return found.items()

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


def _combine(lexicon: Classification, guess: Guess) -> Classification:
    """The two readings as one (point 5 of the module docstring)."""
    model = _rescaled(guess.confidence)
    if guess.category == FALLBACK:
        if model < ANSWER:
            return lexicon
        return Classification(lexicon.category, min(lexicon.confidence, 1.0 - model), lexicon.words)
    words = tuple(dict.fromkeys(lexicon.words + guess.words)) if guess.category == lexicon.category else guess.words
    if guess.category == lexicon.category:
        return Classification(guess.category, 1.0 - (1.0 - lexicon.confidence) * (1.0 - model), words)
    if lexicon.confidence < ANSWER <= model or (lexicon.category == FALLBACK and lexicon.confidence == 0.0):
        return Classification(guess.category, model, words)
    if model < ANSWER:
        return lexicon
    return Classification(lexicon.category, min(lexicon.confidence, model) / 2, lexicon.words)


def _rescaled(confidence: float) -> float:
    """The model's confidence on the lexicon's scale: MODEL_TRUST reads as ANSWER (0.5)."""
    if confidence >= MODEL_TRUST:
        return ANSWER + (1.0 - ANSWER) * (confidence - MODEL_TRUST) / (1.0 - MODEL_TRUST)
    return ANSWER * confidence / MODEL_TRUST


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


def _read_examples(source: Traversable, label: str) -> list[tuple[str, str]]:
    """Labelled texts the model learns from; a category outside the catalogue stops start-up."""
    examples = []
    for line, (text, category, _note) in _rows(source, label, EXAMPLE_COLUMNS):
        if category.lower() not in CATEGORIES:
            raise ClassifierDataError(label, line, f"kategori tidak dikenal: {category!r}")
        if text:
            examples.append((text, category.lower()))
    return examples


def _rows(source: Traversable, label: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    return sheet_rows(read_text(source), label, columns, ClassifierDataError)
