"""Text analysis shared by the index, the anchor finder and the keyword ranker.

Every function here is a module-level pure function, so that anything that refers to it
pickles (joblib) and the index and the rankers always see text the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import Stemmer

# A word: letters/digits, with inner apostrophes ("don't", "Magnesium's").
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A word, or a mark that ends a clause (no term pairs two words across it): a sentence or clause
# mark before a space or the end of the text (not the dots of "Node.js"), a comma, a bracket, a
# quote, a bar, a slash, an equals sign or a dash between words.
_TERM_TOKEN_RE = re.compile(_WORD_RE.pattern + r"|[.!?:;](?!\S)|[,()\[\]{}<>|\"“”=\\/—–]")
_POSSESSIVE_RE = re.compile(r"['’]s$")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARK_RE = re.compile(f"[{_MARKS}]")
"""A combining mark: text saved decomposed (NFD, as macOS may write it) spells "é" as "e" + mark."""
_WORD_MARK_RE = re.compile(rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*(?:['’][^\W_]+(?:[{_MARKS}]+[^\W_]*)*)*")
"""A word of decomposed text, its combining marks included (see :func:`word_spans`)."""


def composed(text: str) -> str:
    """``text`` in composed form (NFC) when it holds combining marks, else unchanged (fast): a
    word or file name saved decomposed (as macOS may) then matches the same one typed composed."""
    return unicodedata.normalize("NFC", text) if _MARK_RE.search(text) else text

# scikit-learn's English stop words (``sklearn.feature_extraction.text.ENGLISH_STOP_WORDS``, from the
# Glasgow Information Retrieval Group; BSD licence), written out so that reading a page does not
# import scikit-learn, which costs a cold ``linkrec suggest`` 0.7 s; a test checks that they match.
ENGLISH_STOP_WORDS: frozenset[str] = frozenset("""
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
""".split())

STOP_WORDS: frozenset[str] = ENGLISH_STOP_WORDS | frozenset(
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
    """The lower-case words of ``text`` in order (composed: "café" however it is saved)."""
    return _WORD_RE.findall(composed(text.lower()))


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """``(start, end, lower-case word)`` for every word of ``text[start:end]``, offsets into ``text``.

    In decomposed text a word keeps its combining marks and is given composed, so that it
    matches the same word saved composed:

    >>> list(word_spans("Cafe\u0301 Society")), list(word_spans("l’e\u0301cole"))
    ([(0, 5, 'café'), (6, 13, 'society')], [(0, 8, 'l’école')])
    """
    stop = len(text) if end is None else end
    if _MARK_RE.search(text, start, stop):
        for m in _WORD_MARK_RE.finditer(text, start, stop):
            yield m.start(), m.end(), unicodedata.normalize("NFC", m.group().lower())
        return
    for m in _WORD_RE.finditer(text, start, stop):
        yield m.start(), m.end(), m.group().lower()


def word_set(text: str) -> set[str]:
    """The distinct words of ``text``, as :func:`word_spans` gives them (faster).

    >>> sorted(word_set("Cafe\u0301 and café, AND Tea"))
    ['and', 'café', 'tea']
    """
    if _MARK_RE.search(text):
        return {w for _, _, w in word_spans(text)}
    return {w.lower() for w in set(_WORD_RE.findall(text))}


UNSPACED_RE = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
                         "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
"""A letter of a script written without spaces between words (Thai, Lao, Myanmar, Khmer, kana,
Bopomofo, CJK ideographs): any two of them may be a word boundary, so a word of such text may
be linkable in part (:mod:`linkrec.markdown`)."""


def part_words(text: str) -> set[str]:
    """Every word :func:`word_spans` can give for a part of ``text`` that starts and ends between
    words: its words as the whole text gives them and, where it holds a combining mark, also as
    a part without one gives them (not composed), so ``word_spans(text, a, b) ⊆ part_words(text)``.

    >>> nfd = unicodedata.normalize("NFD", "한국어")  # Korean saved decomposed: no combining mark
    >>> nfd in part_words(nfd + " cafe\u0301"), nfd in word_set(nfd + " cafe\u0301")
    (True, False)
    """
    words = word_set(text)
    if _MARK_RE.search(text):
        words.update(w.lower() for w in set(_WORD_RE.findall(text)))
    return words


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
    for line in composed(text.lower()).split("\n"):
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
    for line in composed(text.lower()).split("\n"):
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


def count_surfaces(tokens: Iterable[str] | Counter[str]) -> dict[str, int]:
    """Count lower-case content words, to pick the most common written form of each stem
    (``tokens`` may be counted already)."""
    stop = STOP_WORDS
    # Count every token, then keep the content words (each distinct word checked once; the
    # order of first occurrence is the same).
    counts = tokens if isinstance(tokens, Counter) else Counter(tokens)
    return {w: c for w, c in counts.items() if len(w) > 1 and w not in stop and not w[0].isdigit()}
