"""Text analysis shared by the index, the anchor finder and the keyword ranker.

Every function here is a module-level pure function, so that anything that refers to it
pickles (joblib) and the index and the rankers always see text the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A word: letters/digits, with inner apostrophes ("don't", "Magnesium's").
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A word, or a mark that ends a clause (no term pairs two words across it): a sentence or clause
# mark before a space or the end of the text (not the dots of "Node.js"), a comma, a bracket, a
# quote, a bar, a slash, an equals sign or a dash between words.
_TERM_TOKEN_RE = re.compile(_WORD_RE.pattern + r"|[.!?:;](?!\S)|[,()\[\]{}<>|\"“”=\\/—–]")
_POSSESSIVE_RE = re.compile(r"['’]s$")

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"also", "may", "can", "like", "just", "use", "used", "using", "one", "new", "way", "make", "does",
     "did", "doing", "don't", "doesn't", "isn't", "it's", "let", "lets", "really", "want", "need", "needs",
     "thing", "things", "lot", "lots", "good", "better", "best", "make", "makes", "way", "ways", "get", "gets",
     "got", "go", "goes", "going", "say", "says", "said", "know", "see", "ll", "ve", "re"}
) | frozenset(
    # contractions, with either apostrophe
    f"{w}{a}{e}" for w, ends in (("i", "m ve d ll"), ("you", "re ve d ll"), ("we", "re ve d ll"),
                                 ("they", "re ve d ll"), ("he", "s d ll"), ("she", "s d ll"), ("it", "s d ll"),
                                 ("that", "s d ll"), ("there", "s d ll"), ("what", "s d ll"), ("who", "s d ll"),
                                 ("let", "s"), ("here", "s"))
    for e in ends.split() for a in "'’"
) | frozenset(
    f"{w}n{a}t" for w in ("do", "does", "did", "is", "are", "was", "were", "has", "have", "had", "ca", "wo",
                          "would", "should", "could", "must", "need", "might") for a in "'’"
) | frozenset({"can't", "can’t", "won't", "won’t", "shan't", "shan’t"})
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


def light_stem(word: str) -> str:
    """Conservative inflection stripping for phrase matching (possessive, plural; Harman's S-stemmer).

    Unlike :func:`stem` it never conflates different words (``operator`` and ``operating``).

    Examples
    --------
    >>> [light_stem(w) for w in ["cramps", "magnesium's", "deficiencies", "boxes", "tomatoes", "status", "class"]]
    ['cramp', 'magnesium', 'deficiency', 'box', 'tomato', 'status', 'class']
    """
    word = _POSSESSIVE_RE.sub("", word)
    if word in STOP_WORDS:
        return word
    if len(word) > 4 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("xes", "ches", "shes", "sses", "zes")) or len(word) > 5 and word.endswith("oes"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("us", "ss", "is", "'s")):
        return word[:-1]
    return word


@lru_cache(maxsize=500_000)
def word_forms(word: str) -> tuple[str, str]:
    """``(stem(word), light_stem(word))`` of a lower-case word, cached (pages repeat their words)."""
    return stem(word), light_stem(word)


def vocab_terms(key: Sequence[str]) -> list[str]:
    """The vectorizer terms (stemmed unigrams, then bigrams) of a phrase key's content words."""
    content = [stem(w) for w in key if len(w) > 1 and w not in STOP_WORDS and not w[0].isdigit()]
    return content + [a + " " + b for a, b in zip(content, content[1:])]


def is_content_word(word: str) -> bool:
    """True for a lower-case word that may carry meaning: not a stop word, not a number, 2+ letters."""
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit() and not word[0].isdigit()


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` in order."""
    return _WORD_RE.findall(text.lower())


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """``(start, end, lower-case word)`` for every word of ``text[start:end]``, offsets into ``text``."""
    for m in _WORD_RE.finditer(text, start, len(text) if end is None else end):
        yield m.start(), m.end(), m.group().lower()


def phrase_key(text: str) -> tuple[str, ...]:
    """The matching key of a phrase: its lower-case words without plural/possessive endings (stop
    words kept)."""
    return tuple(light_stem(w) for w in words(text))


_CONTENT_STEMS: dict[str, str | None] = {}
"""Cache of :func:`_content_stem`: a page's words repeat, and so do the corpus's."""
_CONTENT_STEMS_MAX = 500_000


def _content_stem(word: str) -> str | None:
    """The stem of a lower-case content word (as :func:`terms` keeps it), None for any other word."""
    cached = _CONTENT_STEMS.get(word, "")
    if cached != "":
        return cached
    if len(_CONTENT_STEMS) >= _CONTENT_STEMS_MAX:
        _CONTENT_STEMS.clear()
    result = None if len(word) < 2 or word in STOP_WORDS or word[0].isdigit() else stem(word)
    _CONTENT_STEMS[word] = result
    return result


def terms(text: str) -> list[str]:
    """Vectorizer terms of ``text``: stemmed content unigrams and adjacent-content-word bigrams.

    A bigram joins two content words that stand next to each other in the same line with no
    stop word and no clause mark between them (``"muscle cramps"`` -> ``"muscl cramp"``; not
    ``"immutable (boolean)"``, but ``"Node.js"``).

    Examples
    --------
    >>> terms("Muscle cramps and the heat")
    ['muscl', 'cramp', 'muscl cramp', 'heat']
    """
    out: list[str] = []
    for line in text.lower().split("\n"):
        _line_terms(_TERM_TOKEN_RE.findall(line), out)
    return out


def terms_and_words(text: str) -> tuple[list[str], list[str]]:
    """``(terms(text), words(text))`` in one pass over the text.

    Examples
    --------
    >>> terms_and_words("Muscle cramps\\nand the heat")
    (['muscl', 'cramp', 'muscl cramp', 'heat'], ['muscle', 'cramps', 'and', 'the', 'heat'])
    """
    out: list[str] = []
    all_words: list[str] = []
    for line in text.lower().split("\n"):
        tokens = _TERM_TOKEN_RE.findall(line)
        all_words.extend(w for w in tokens if len(w) > 1 or w.isalnum())
        _line_terms(tokens, out)
    return out, all_words


def _line_terms(line_words: list[str], out: list[str]) -> None:
    """Append the terms of one line's (lower-case) words to ``out``: content stems, and the pair
    of each two adjacent content words."""
    append = out.append
    cache_get = _CONTENT_STEMS.get
    prev = ""
    for w in line_words:
        s = cache_get(w, "")
        if s == "":
            s = _content_stem(w)
        if s is None:
            prev = ""
            continue
        append(s)
        if prev:
            append(prev + " " + s)
        prev = s


def count_surfaces(tokens: Iterable[str]) -> dict[str, int]:
    """Count lower-case content words, to pick the most common written form of each stem."""
    stop = STOP_WORDS
    # Count every token, then keep the content words (each distinct word checked once; the
    # order of first occurrence is the same).
    return {w: c for w, c in Counter(tokens).items() if len(w) > 1 and w not in stop and not w[0].isdigit()}
