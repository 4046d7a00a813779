"""Typos in place names: a word no name contains, read as the name word it most resembles.

"stasiun jatinegra", "cempka baru", "pasar mayestk": each unknown word of five letters or more is
compared with the words of the gazetteer's names that lie within one deletion of it (a symmetric
delete index: a few dictionary reads find the candidates), and rapidfuzz scores them; the best
at or above THRESHOLD is taken. The gazetteer then accepts a name read through a corrected word
only where the text makes a place likely (geo/gazetteer.py), since ordinary words sit close to
place words too ("rusak" is one letter from "rusa").

THRESHOLD is measured, not guessed: `python benchmarks/gazetteer.py --sweep` puts one-letter
typos into place names of the dev reports and counts, per threshold, the typos read right and
the places found in texts that name none (see the README section there).
"""
from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

THRESHOLD = 80.0  # fuzz.ratio (0..100): at 80, 86% of one-letter typos read right, no false place (--sweep)
MIN_LENGTH = 5  # shorter words are too often another word one letter away
_CACHE_LIMIT = 50_000


class Typos:
    """Corrects unknown words to the known word they most resemble; built once, then read-only
    apart from a bounded cache of the words already seen."""

    def __init__(self, vocabulary: Iterable[str], threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.vocabulary = self._known = frozenset(vocabulary)
        self._index: dict[str, list[str]] = {}
        for word in sorted(self._known):
            if len(word) >= MIN_LENGTH and word.isalpha():
                for key in _deletions(word):
                    self._index.setdefault(key, []).append(word)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The known word `word` is a typo of, or None (known already, too short, or nothing close)."""
        if len(word) < MIN_LENGTH or word in self._known or not word.isalpha():
            return None
        if word in self._cache:
            return self._cache[word]
        best, best_score = None, self.threshold
        for key in _deletions(word):
            for candidate in self._index.get(key, ()):
                score = fuzz.ratio(word, candidate)
                if score > best_score or (score == best_score and best is not None and candidate < best):
                    best, best_score = candidate, score
                elif score == best_score and best is None:
                    best = candidate
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = best
        return best


def _deletions(word: str) -> set[str]:
    """The word and each form of it with one letter left out."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}
