"""A statistical reading of complaint text beside the lexicon: TF-IDF words and a linear model.

The lexicon (crm/classifier.py) is precise where its phrases occur; real letters often say it
differently: "jalan angin mamiri semper barat rusak" puts a street between *jalan* and *rusak*,
"rs bhakti mulia antri lama" names no lexicon phrase at all. This model learns which words go with
which category from the labelled examples in crm/data/classifier_examples.csv (to be grown with
the operators' triage corrections) and from the lexicon's own rows, each phrase a one-line example
of its category weighted by its weight, so an official's new row teaches the model too.

It is trained when the process starts (a linear SVM on a few thousand short texts: about 0.1 s;
nothing binary is shipped) and explains itself: `why` lists the words that pushed a text towards
its category (TF-IDF weight times the category's coefficient, largest first). Scoring is done
here from the fitted vocabulary, idf and coefficients, a few microseconds per text.

`confidence` is the margin between the best and the second category through a logistic curve
(SHARPNESS); a margin of zero gives 0.5. Five-fold cross-validation on the examples chose
SHARPNESS and the classifier's MODEL_TRUST (see crm/classifier.py).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

SHARPNESS = 3.0
# Words that carry weight in the model but explain nothing to an official reading why: where
# ("di", "dekat") and glue ("yang", "sudah"). A feature with one of these is left out of `why`.
EXPLAINS_NOTHING = frozenset({
    "di", "ke", "dari", "pada", "dan", "atau", "yang", "ini", "itu", "ada", "sudah", "belum", "tidak",
    "sangat", "sekali", "mohon", "tolong", "pak", "bu", "kami", "saya", "kelurahan", "kecamatan", "kel", "kec",
    "depan", "dekat", "dkt", "sebelah", "seberang", "samping", "sekitar", "belakang", "jl", "gg", "rt", "rw",
})
REGULARISATION = 1.0  # LinearSVC's C


@dataclass(frozen=True, slots=True)
class Guess:
    category: str
    confidence: float  # 0..1, see the module docstring
    words: tuple[str, ...]  # the words that pushed the text towards `category`, strongest first


class TextModel:
    """TF-IDF over the classifier's normalised words and word pairs, with a linear SVM."""

    def __init__(self, tokens: Callable[[str], list[str]], texts: Sequence[str], labels: Sequence[str],
                 weights: Sequence[float]) -> None:
        self._tokens = tokens
        vectorizer = TfidfVectorizer(analyzer=self._features, sublinear_tf=True)
        model = LinearSVC(C=REGULARISATION, random_state=0)  # the same fit in every process
        model.fit(vectorizer.fit_transform(texts), labels, sample_weight=weights)
        self._column = dict(vectorizer.vocabulary_)
        self._idf = vectorizer.idf_
        self._coef = np.ascontiguousarray(model.coef_.T)  # feature -> score per category
        self._intercept = model.intercept_
        self._classes = [str(c) for c in model.classes_]
        self._names = {column: name for name, column in self._column.items()}

    def _features(self, text: str) -> list[str]:
        words = self._tokens(text)
        return words + [f"{a} {b}" for a, b in zip(words, words[1:])]

    def guess(self, text: str) -> Guess | None:
        """The best category, its confidence and why; None when no word of the text is known."""
        scored = self._scored(text)
        if scored is None:
            return None
        columns, values, scores = scored
        best, second = np.argsort(-scores)[:2]
        confidence = 1.0 / (1.0 + math.exp(-SHARPNESS * float(scores[best] - scores[second])))
        pushes = values * self._coef[columns, best]
        telling = (self._names[int(columns[k])] for k in np.argsort(-pushes) if pushes[k] > 0)
        why = tuple(name for name in telling if EXPLAINS_NOTHING.isdisjoint(name.split()))[:5]
        return Guess(self._classes[best], confidence, why)

    def confidences(self, text: str) -> dict[str, float]:
        """Each category's confidence as if it were the guess: its margin over the best of the
        others through the same curve (0.5 at a tie). Empty when no word of the text is known."""
        scored = self._scored(text)
        if scored is None:
            return {}
        scores = scored[2]
        order = np.argsort(-scores)
        best, second = float(scores[order[0]]), float(scores[order[1]])
        return {label: 1.0 / (1.0 + math.exp(-SHARPNESS * (float(score) - (second if i == order[0] else best))))
                for i, (label, score) in enumerate(zip(self._classes, scores))}

    def _scored(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The text's known feature columns, their TF-IDF values and the score of every category."""
        counts = Counter(self._column[f] for f in self._features(text) if f in self._column)
        if not counts:
            return None
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = np.array([1.0 + math.log(n) for n in counts.values()]) * self._idf[columns]
        values /= np.linalg.norm(values)
        return columns, values, values @ self._coef[columns] + self._intercept
