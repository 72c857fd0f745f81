"""Text analysis shared by the index, the anchor finder and the keyword ranker.

Every function here is a module-level pure function, so that anything that refers to it
pickles (joblib) and the index and the rankers always see text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A word: letters/digits, with inner apostrophes ("don't", "Magnesium's").
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE_RE = re.compile(r"['’]s$")

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"also", "may", "can", "like", "just", "use", "used", "using", "one", "new", "way", "make"}
)
"""English stop words: never a term of the vectorizer, never a keyword, never an anchor edge."""


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    """The English Snowball stemmer (a pure function object, created once)."""
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Stem one lower-case word: ``"cramps"`` -> ``"cramp"``, ``"magnesium's"`` -> ``"magnesium"``."""
    word = _POSSESSIVE_RE.sub("", word)
    return str(_stemmer().stemWord(word))


def is_content_word(word: str) -> bool:
    """True for a lower-case word that may carry meaning: not a stop word, not a number, 2+ letters."""
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit() and not word[0].isdigit()


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` in order."""
    return [m.group().lower() for m in _WORD_RE.finditer(text)]


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """``(start, end, lower-case word)`` for every word of ``text[start:end]``, offsets into ``text``."""
    for m in _WORD_RE.finditer(text, start, len(text) if end is None else end):
        yield m.start(), m.end(), m.group().lower()


def phrase_key(text: str) -> tuple[str, ...]:
    """The matching key of a phrase: its stemmed lower-case words (stop words kept)."""
    return tuple(stem(w) for w in words(text))


def terms(text: str, weight: int = 1) -> Iterator[str]:
    """Vectorizer terms of ``text``: stemmed content unigrams and adjacent-content-word bigrams.

    A bigram joins two content words that stand next to each other in the same line with no
    stop word between them (``"muscle cramps"`` -> ``"muscl cramp"``). Each term is yielded
    ``weight`` times.
    """
    for line in text.split("\n"):
        prev: str | None = None
        for w in words(line):
            if is_content_word(w):
                s = stem(w)
                for _ in range(weight):
                    yield s
                    if prev is not None:
                        yield prev + " " + s
                prev = s
            else:
                prev = None


def count_surfaces(tokens: Iterable[str]) -> dict[str, int]:
    """Count lower-case content words, to pick the most common written form of each stem."""
    out: dict[str, int] = {}
    for w in tokens:
        if is_content_word(w):
            out[w] = out.get(w, 0) + 1
    return out
