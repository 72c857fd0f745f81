"""Find the phrases of a page that name corpus pages, and pick one anchor per link target.

Matching is on stemmed, lower-cased whole words inside the page's linkable text only (never
in code, headings, existing links, URLs, HTML or front matter), so ``Magnesium's`` matches the
title ``Magnesium`` and ``cramps`` matches the keyword ``cramp``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import analysis
from .documents import Document, Mention, Span, inside_one
from .evidence import AnchorStats, Holdout, stats_of
from .index import MAX_PHRASE_WORDS, LinkIndex
from .results import Anchor

_CLAUSE_BREAK_RE = re.compile(r"[.!?;:()\[\]]")
"""Punctuation that ends a clause: no anchor phrase spans it."""

PRIORITY = {"title": 0, "alias": 1, "keyword": 2, "partial": 3, "anchor": 4, "term": 5}
"""Preferred kinds of anchor phrase, best first."""


@dataclass(frozen=True, slots=True)
class Word:
    """A word of linkable text."""

    start: int
    end: int
    lower: str
    stem: str
    """Vectorizer stem (Snowball): matches vocabulary terms."""
    key: str
    """Light stem: matches titles, aliases, keywords and learned anchors."""


def linkable_words(doc: Document) -> list[list[Word]]:
    """The words of each linkable run of the page, with their offsets."""
    runs: list[list[Word]] = []
    forms = analysis.word_forms
    for span in doc.linkable:
        ws = [Word(s, e, w, *forms(w)) for s, e, w in analysis.word_spans(doc.text, span.start, span.end)]
        if ws:
            runs.append(ws)
    return runs


def specificity(index: LinkIndex, key: Sequence[str]) -> float:
    """How specific a phrase is in the corpus, in [0, 1]: the IDF of its rarest term (word or word
    pair), plus a bonus per extra content word."""
    idf = index.idf
    top = math.log(len(index) + 1.0) or 1.0
    best = 0.0
    terms = analysis.vocab_terms(key)
    for t in terms:
        j = index.vocab.get(t)
        best = max(best, (float(idf[j]) - 1.0) / top if j is not None else 1.0)
    content = sum(1 for t in terms if " " not in t)
    return min(1.0, best + 0.15 * max(0, content - 1))


def code_runs(doc: Document) -> list[tuple[int, int, list[Word]]]:
    """``(start, end, words)`` of every whole inline code span a link may wrap."""
    out = []
    for span in doc.wrappable:
        ws = [Word(s, e, w, *analysis.word_forms(w))
              for s, e, w in analysis.word_spans(doc.text, span.start, span.end)]
        if ws and len(ws) <= MAX_PHRASE_WORDS:
            out.append((span.start, span.end, ws))
    return out


def find_mentions(index: LinkIndex, runs: Sequence[Sequence[Word]], exclude: Iterable[int] = (),
                  holdout: Holdout | None = None, *,
                  table: Mapping[tuple[str, ...], Sequence[tuple[int, str]]] | None = None,
                  code: Sequence[tuple[int, int, list[Word]]] = (), text: str = "") -> dict[int, list[Mention]]:
    """Every occurrence in linkable text of a corpus page's title, alias or keyword, and of the
    anchor phrases other pages use to link to it (without ``holdout``'s own links); also every
    whole inline code span (``code``, see :func:`code_runs`) that names a page, as a mention
    wrapping the whole span.

    With ``table`` (phrase key -> ``(target, source)`` pairs), look for those phrases instead.
    With the page ``text``, a phrase never spans clause punctuation ("open. Data").
    """
    skip = set(exclude)
    stats = stats_of(index) if table is None else AnchorStats({}, {}, {})
    phrases = index.phrases if table is None else table
    spec_cache: dict[tuple[str, ...], float] = {}
    out: dict[int, list[Mention]] = {}
    starts = _key_starts(index, phrases, stats.table) if table is None else _starts_of(table)
    starts_get = starts.get
    for ws in runs:
        keys = [w.key for w in ws]
        content: list[bool] | None = None
        for i in range(len(ws)):
            for n in range(1, min(MAX_PHRASE_WORDS, len(ws) - i) + 1):
                key = tuple(keys[i:i + n])
                found = starts_get(key)
                if found is None:
                    break  # no name or learned anchor starts with these words: none longer matches
                if not found:
                    continue
                hits = phrases.get(key) if found & _NAME else None
                learned = stats.targets(key, holdout) if found & _LEARNED else None
                if not hits and not learned:
                    continue
                if content is None:
                    content = [analysis.is_content_word(w.lower) for w in ws]
                if not any(content[i:i + n]):
                    continue
                if n > 1 and text and _CLAUSE_BREAK_RE.search(text, ws[i].end, ws[i + n - 1].start):
                    continue
                if n > 1 and (ws[i].lower in analysis.STOP_WORDS or ws[i + n - 1].lower in analysis.STOP_WORDS):
                    if not hits:  # a learned anchor must start and end on a content word
                        continue
                spec = spec_cache.get(key)
                if spec is None:
                    spec = spec_cache[key] = specificity(index, key)
                start, end = ws[i].start, ws[i + n - 1].end
                seen: set[tuple[int, bool]] = set()  # one name mention and one learned-anchor mention
                pairs = [*(hits or ()), *((t, "anchor") for t in sorted(learned or ()))]
                for target, source in pairs:
                    tag = (target, source == "anchor")
                    if target in skip or tag in seen:
                        continue
                    seen.add(tag)
                    out.setdefault(target, []).append(Mention(target, start, end, key, source, spec))
    for start, end, ws in code:
        key = tuple(w.key for w in ws)
        hits = phrases.get(key)
        learned = stats.targets(key, holdout) if key in stats.table else None
        if not hits and not learned:
            continue
        spec = spec_cache.get(key)
        if spec is None:
            spec = spec_cache[key] = specificity(index, key)
        seen: set[tuple[int, bool]] = set()
        for target, source in [*(hits or ()), *((t, "anchor") for t in sorted(learned or ()))]:
            tag = (target, source == "anchor")
            if target in skip or tag in seen:
                continue
            seen.add(tag)
            out.setdefault(target, []).append(Mention(target, start, end, key, source, spec))
    return out


_NAME = 1
_LEARNED = 2
"""Bits of :func:`_key_starts`: the phrase is a name key, a learned-anchor key."""


def _starts_of(names: Iterable[tuple[str, ...]], learned: Iterable[tuple[str, ...]] = ()) -> dict[tuple[str, ...], int]:
    """Every key of ``names`` and ``learned`` and every leading part of one (``("a", "b", "c")``
    gives ``("a",)``, ``("a", "b")`` and itself), with the bits saying which tables hold it as a
    whole key (0 for a leading part only): a phrase that is none of these starts no key."""
    starts: dict[tuple[str, ...], int] = {}
    for bit, table in ((_NAME, names), (_LEARNED, learned)):
        for key in table:
            for n in range(1, len(key)):
                starts.setdefault(key[:n], 0)
            starts[key] = starts.get(key, 0) | bit
    return starts


def _key_starts(index: LinkIndex, names: Mapping[tuple[str, ...], object],
                learned: Mapping[tuple[str, ...], object]) -> dict[tuple[str, ...], int]:
    """:func:`_starts_of` the index's name phrases and learned anchors, computed once per pair of
    tables (by identity; they are never modified) and kept on the index."""
    cached = index.key_starts
    if cached is not None and cached[0] is names and cached[1] is learned:
        return cached[2]
    starts = _starts_of(names, learned)
    index.key_starts = (names, learned, starts)
    return starts


def term_positions(runs: Sequence[Sequence[Word]], text: str) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Where each stemmed content word, and each pair of adjacent ones within a clause, occurs
    in the page's linkable text."""
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for ws in runs:
        content = [analysis.is_content_word(w.lower) for w in ws]
        for i, w in enumerate(ws):
            if not content[i]:
                continue
            out.setdefault((w.stem,), []).append((w.start, w.end))
            if i + 1 < len(ws) and content[i + 1] and not _CLAUSE_BREAK_RE.search(text, w.end, ws[i + 1].start):
                out.setdefault((w.stem, ws[i + 1].stem), []).append((w.start, ws[i + 1].end))
    return out


def balanced(phrase: str) -> bool:
    """Whether a link on ``phrase`` keeps its quotation marks and brackets paired (a link on
    ``catastrophic" health plan`` would leave the opening quote outside it).

    >>> balanced('the "Reproducible" guide'), balanced('guide "Reproducible'), balanced("pods (and)")
    (True, False, True)
    >>> balanced("“open” research"), balanced("open” research"), balanced("see [docs")
    (True, False, False)
    """
    return (phrase.count('"') % 2 == 0 and phrase.count("“") == phrase.count("”")
            and phrase.count("(") == phrase.count(")") and phrase.count("[") == phrase.count("]"))


def quoted_whole(text: str, start: int, end: int) -> str:
    """The phrase ``text[start:end]``, taking in a quotation mark or bracket right beside it when
    that pairs one the phrase cuts (for quoting a phrase in a reason, not for an anchor).

    >>> t = 'what is called a "catastrophic" health plan.'
    >>> quoted_whole(t, 18, 43), quoted_whole(t, 18, 30)
    ('"catastrophic" health plan', 'catastrophic')
    """
    for s, e in ((start, end), (start - 1, end), (start, end + 1), (start - 1, end + 1)):
        if 0 <= s and e <= len(text) and balanced(text[s:e]):
            return text[s:e]
    return text[start:end]


_JOINERS = "-."
"""Characters that join two words into one ("out-of-pocket", "v1.24", "kube-scheduler", "Node.js")."""
_PATH_MARKS = "/_@"
"""Characters that glue words into a path, identifier or address ("api/v1/namespaces", "max_size")."""


def whole_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` widened so that the words at its two edges are whole: a phrase glued by a
    joiner (:data:`_JOINERS`) to a word on either side takes that word in ("pocket costs" in
    "out-of-pocket costs" becomes the whole compound). None for a phrase that is part of a path,
    identifier or address (:data:`_PATH_MARKS`), which no link should cut.

    >>> text = "Lower out-of-pocket costs in Kubernetes v1.24, see api/v1/namespaces."
    >>> [text[slice(*whole_words(text, s, e))] for s, e in ((13, 25), (6, 25), (29, 42), (0, 5))]
    ['out-of-pocket costs', 'out-of-pocket costs', 'Kubernetes v1.24', 'Lower']
    >>> whole_words(text, 58, 68), whole_words(text, 51, 54)  # "namespaces", "api"
    (None, None)
    """
    while True:
        if start > 1 and text[start - 1] in _JOINERS and text[start - 2].isalnum():
            start -= 2
            while start > 0 and text[start - 1].isalnum():
                start -= 1
        elif end + 1 < len(text) and text[end] in _JOINERS and text[end + 1].isalnum():
            end += 2
            while end < len(text) and text[end].isalnum():
                end += 1
        else:
            break
    if (start > 1 and text[start - 1] in _PATH_MARKS and text[start - 2].isalnum()) or (
            end + 1 < len(text) and text[end] in _PATH_MARKS and text[end + 1].isalnum()):
        return None
    return start, end


def linkable_places(text: str, linkable: Sequence[Span], ms: Iterable[Mention],
                    title_words: Collection[str]) -> list[Mention]:
    """The mentions of ``ms`` that can take a link, widened to whole words: a phrase glued to a
    word by a hyphen or dot takes that word in when the target's title (``title_words``, lower
    case) has it ("out-of-pocket costs", not "pocket costs", for "Lower out-of-pocket costs") and
    is dropped when it has not ("node" in "per-node" is no anchor for "Nodes"), as it is when the
    widened phrase leaves the ``linkable`` spans; none cuts a path (:func:`whole_words`), a
    quotation or brackets (:func:`balanced`) in two."""
    title: set[str] | None = None
    out = []
    for m in ms:
        span = whole_words(text, m.start, m.end)
        if span is None:
            continue
        start, end = span
        if span != (m.start, m.end):
            if not inside_one(linkable, start, end):
                continue  # the rest of the compound is not linkable text
            if title is None:
                title = {analysis.stem(w) for w in title_words}
            if not all(analysis.stem(w) in title for w in analysis.words(text[start:m.start] + " " + text[m.end:end])):
                continue  # the compound says more than the target's name ("per-node")
            m = replace(m, start=start, end=end)
        if balanced(text[start:end]):
            out.append(m)
    return out


def title_weights(index: LinkIndex, target: int) -> dict[str, float]:
    """The (stemmed) content words of a page's title with their IDF."""
    idf = index.idf
    out: dict[str, float] = {}
    for w in analysis.words(index.records[target].title):
        if analysis.is_content_word(w):
            s = analysis.stem(w)
            j = index.vocab.get(s)
            out[s] = float(idf[j]) if j is not None else float(idf.max())
    return out


def title_words(index: LinkIndex, target: int) -> frozenset[str]:
    """The lower-case words of a page's title (small words included)."""
    return frozenset(analysis.words(index.records[target].title))


def outermost(ms: Sequence[Mention]) -> list[Mention]:
    """``ms`` (one target's places) without those that lie inside a longer one of as good a kind
    (:data:`PRIORITY`): a link never takes part of a phrase that names its target ("burr [grinder]"
    inside the title "burr grinder"), even where the whole phrase may not be the anchor (beside
    another link, or an ignored phrase). An alias inside a longer partial title stays a place.

    >>> ms = [Mention(0, 4, 16, ("burr", "grinder"), "title", 1.0), Mention(0, 9, 16, ("grinder",), "term", 1.0),
    ...       Mention(0, 20, 27, ("grinder",), "term", 1.0), Mention(0, 30, 43, ("grow", "tomato"), "partial", 1.0),
    ...       Mention(0, 35, 43, ("tomato",), "alias", 1.0)]
    >>> [(m.start, m.end) for m in outermost(ms)]
    [(4, 16), (20, 27), (30, 43), (35, 43)]
    """
    best: dict[tuple[int, int], int] = {}
    for m in ms:
        k = (m.start, m.end)
        best[k] = min(best.get(k, 9), PRIORITY.get(m.source, 9))
    spans = sorted(best, key=lambda se: (se[0], -se[1]))
    longest = max((e - s for s, e in spans), default=0)
    dropped: set[tuple[int, int]] = set()
    for i, (start, end) in enumerate(spans):
        j = i - 1
        while j >= 0 and spans[j][0] >= start - longest:
            s2, e2 = spans[j]
            if s2 <= start and end <= e2 and (s2, e2) != (start, end) and best[s2, e2] <= best[start, end]:
                dropped.add((start, end))
                break
            j -= 1
    return [m for m in ms if (m.start, m.end) not in dropped]


_SENTENCE_END_RE = re.compile(r"[.!?](?=\s|$)")


def first_allowed(doc: Document, skip_sentences: int) -> int:
    """Where anchors may start with the ``skip_sentences`` link budget: after the first N
    sentences of the page's linkable body (0 when N is 0).

    >>> from linkrec.markdown import parse_document
    >>> first_allowed(parse_document("# T\\n\\nOne. Two. Three.\\n", "a.md"), 2)  # after "One. Two."
    14
    """
    if not skip_sentences or not doc.linkable:
        return 0
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(doc.text, doc.linkable[0].start)]
    return ends[skip_sentences - 1] if len(ends) >= skip_sentences else len(doc.text)


def link_spans(doc: Document) -> list[tuple[int, int]]:
    """Where the page's own links stand in its text (reference definitions, on lines of their
    own, left out): no new anchor goes right beside one (:func:`beside_link`)."""
    return [(lk.span.start, lk.span.end) for lk in doc.links if lk.kind != "definition"]


MAX_PARTIAL_GAP = 1
"""Words that are not in the title allowed inside a partial title match."""


def partial_title_mentions(runs: Sequence[Sequence[Word]], target: int, weights: Mapping[str, float],
                           text: str, min_cover: float = 0.5, title_words: Collection[str] = ()) -> list[Mention]:
    """Phrases of up to 6 words that start and end on a word of the target's title, keep the
    title's word order, stay within one clause, hold at most :data:`MAX_PARTIAL_GAP` words that
    are not in the title (``title_words``: its lower-case words, small words included), and hold
    at least ``min_cover`` of its IDF weight (e.g. "template for planning book dashes" for the
    title "Issue Template for Planning Book Dashes", not "researchers to make their data" for
    "Research Data"). ``weights`` lists the title's stems in title order."""
    total = math.fsum(weights.values())
    if len(weights) < 2 or not total:
        return []
    order = {stem: k for k, stem in enumerate(weights)}
    out: list[Mention] = []
    for ws in runs:
        hits = [i for i, w in enumerate(ws) if w.stem in weights]
        for a, i in enumerate(hits):
            seen = {ws[i].stem}
            last = order[ws[i].stem]
            for b in range(a + 1, len(hits)):  # (no slice: a copy per hit is quadratic on a long run)
                j = hits[b]
                if j - i + 1 > MAX_PHRASE_WORDS or order[ws[j].stem] <= last:
                    break  # too long, or out of the title's order
                if sum(1 for w in ws[i:j + 1] if w.stem not in weights and w.lower not in title_words) > MAX_PARTIAL_GAP:
                    break  # words of the title scattered over a sentence, not a name
                if _CLAUSE_BREAK_RE.search(text, ws[i].end, ws[j].start):
                    break  # crosses a sentence or clause boundary
                last = order[ws[j].stem]
                seen.add(ws[j].stem)
                cover = math.fsum(weights[x] for x in seen) / total
                if cover >= min_cover:
                    out.append(Mention(target, ws[i].start, ws[j].end, tuple(w.key for w in ws[i:j + 1]),
                                       "partial", cover))
    return out


def term_mentions(index: LinkIndex, positions: Mapping[tuple[str, ...], Sequence[tuple[int, int]]], target: int,
                  terms: Sequence[str], limit: int | None = None) -> list[Mention]:
    """Occurrences in linkable text of distinctive terms (stemmed 1-2 word vocabulary terms); the
    first ``limit`` of each term at most."""
    out: list[Mention] = []
    for t in terms:
        key = tuple(t.split(" "))
        spots = positions.get(key)
        if spots:
            spec = specificity(index, key)
            out.extend(Mention(target, s, e, key, "term", spec) for s, e in spots[:limit])
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def preference(m: Mention) -> tuple[int, int, int]:
    """Sort key: best kind of phrase, then the first occurrence, then the longer phrase."""
    return (PRIORITY.get(m.source, 9), m.start, -len(m.key))


ANCHOR_FEATURES: tuple[str, ...] = (
    "title", "alias", "keyword", "anchor", "term",  # which kinds of phrase match here (and "partial")
    "first_of_phrase",   # the phrase's first occurrence in the page
    "first_of_target",   # the target's first mention in the page
    "position",          # 1 - relative position in the page
    "n_words",           # words in the phrase
    "link_prob",         # how often the phrase is a link where it occurs on the site
    "target_share",      # share of the phrase's links that go to this target
    "specificity",       # the phrase's specificity
    "cue",               # how often the word before this place precedes a link on this site
    "next_cue",          # how often the word after this place follows a link on this site
    "context_cue",       # mean link rate, on this site, of places near each word around this place
    "section_cue",       # mean link rate, on this site, of places under a heading with each word of this one
    "list_item",         # the place is on a list-item line
    "table_row",         # the place is on a table row (a line with a cell separator)
    "partial",           # a partial match of the target's title matches here
    "title_cover",       # IDF share of the target title's words that the phrase holds
    "name_case",         # the place is written exactly as the target's title or an alias
)

_PREV_WORD_RE = re.compile(r"([^\W_]+)[^\w\n]*$")
_NEXT_WORD_RE = re.compile(r"[^\w\n]*([^\W_]+)")
_LIST_LINE_RE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]")


def previous_word(text: str, start: int) -> str:
    """The lower-case word just before ``start`` on the same line (``^`` at a line start)."""
    m = _PREV_WORD_RE.search(text, max(0, start - 40), start)
    return m.group(1).lower() if m else "^"


def next_word(text: str, end: int) -> str:
    """The lower-case word just after ``end`` on the same line, prefixed with ``>`` (``>$`` at a
    line end): the key of its cue.

    >>> next_word("see the Style Guide chapter", 19), next_word("a Guide.\\nNext", 7)
    ('>chapter', '>$')
    """
    m = _NEXT_WORD_RE.match(text, end, min(len(text), end + 40))
    return ">" + m.group(1).lower() if m else ">$"


PlaceCues = tuple[str, str, frozenset[str], frozenset[str]]
"""Cue keys of a place: word before, word after, words around, words of the heading above."""


def place_cues(text: str, m: Mention) -> PlaceCues:
    """Every cue key of a place (see :data:`PlaceCues`)."""
    return (previous_word(text, m.start), next_word(text, m.end), frozenset(context_words(text, m)),
            frozenset(section_words(text, m)))


CONTEXT_CHARS = 60
"""Characters on each side of a place whose words are its context."""
_CUE_WORD_RE = re.compile(r"[^\W\d_]{2,}")
"""A cue word: two or more letters."""


def context_words(text: str, m: Mention) -> set[str]:
    """The cue keys (``~word``) of the distinct words near a place, on its line.

    >>> sorted(context_words("see the Guide for more", Mention(0, 8, 13, ("guide",), "title", 1.0)))
    ['~for', '~more', '~see', '~the']
    """
    a = text.rfind("\n", max(0, m.start - CONTEXT_CHARS), m.start) + 1
    b = text.find("\n", m.end, m.end + CONTEXT_CHARS)
    b = min(len(text), m.end + CONTEXT_CHARS) if b < 0 else b
    a = max(a, m.start - CONTEXT_CHARS)
    return {"~" + w.lower() for part in (text[a:m.start], text[m.end:b]) for w in _CUE_WORD_RE.findall(part)}


def section_words(text: str, m: Mention) -> set[str]:
    """The cue keys (``#word``) of the words of the nearest ATX heading above a place
    (``#`` alone when there is none).

    >>> sorted(section_words("# Intro\\ntext\\n## What's next\\nsee Guide", Mention(0, 32, 37, ("guide",), "title", 1.0)))
    ['#next', '#what']
    """
    k = text.rfind("\n#", 0, m.start)
    start = k + 1 if k >= 0 else (0 if text.startswith("#") else -1)
    if start < 0:
        return {"#"}
    end = text.find("\n", start)
    return {"#" + w.lower() for w in _CUE_WORD_RE.findall(text[start:end if end >= 0 else len(text)])} or {"#"}


def context_cue(cues: Mapping[str, float], words: Iterable[str], default: float) -> float:
    """Mean learned link rate of the places near each of ``words`` (``default`` for unknown words)."""
    rates = [cues.get(w, default) for w in words]
    return math.fsum(rates) / len(rates) if rates else default


LINE_WINDOW = 20_000
"""Characters looked at on each side of a place for its line's start and end: a longer line (a
minified or generated page) is read no further, so a page of one huge line is not read whole
for each of its places."""


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """``(line start, line end, whether the line start is its true start)`` around ``[start, end)``,
    within :data:`LINE_WINDOW` characters on each side."""
    lo = max(0, start - LINE_WINDOW)
    ls = text.rfind("\n", max(0, lo - 1), start) + 1
    known = ls > 0 or lo == 0
    if not known:
        ls = lo
    hi = min(len(text), end + LINE_WINDOW)
    le = text.find("\n", end, hi)
    return ls, (hi if le < 0 else le), known


def is_list_item(text: str, start: int) -> bool:
    """Whether the line holding ``start`` is a Markdown list item.

    >>> is_list_item("intro\\n- a list item", 10), is_list_item("intro\\nplain - text", 10)
    (True, False)
    """
    ls, _, known = _line_bounds(text, start, start)
    return known and bool(_LIST_LINE_RE.match(text, ls))


def is_table_row(text: str, start: int) -> bool:
    """Whether the line holding ``start`` is a table row: it has a cell separator ``|``.

    A cheap line test: a ``|`` inside inline code on a prose line also counts, and an HTML
    table's cells (one per line, no ``|``) do not.

    >>> is_table_row("| a | b |\\n", 2), is_table_row("a | b\\n", 0), is_table_row("a\\nb |", 0)
    (True, True, False)
    """
    ls, le, _ = _line_bounds(text, start, start)
    return text.find("|", ls, le) >= 0


_WORD_CHAR_RE = re.compile(r"[^\W_]")


def item_fill(text: str, start: int, end: int) -> float:
    """How much the phrase at ``[start, end)`` stands alone: 1.0 when it is the whole text of
    its list item, table cell or line (markers, emphasis and punctuation aside), as in a list of
    related pages; 0.5 when it is part of a list item or table row; else 0.0.

    >>> item_fill("- Roadmapping\\n", 2, 13), item_fill("| Make | Helpful |", 2, 6)
    (1.0, 1.0)
    >>> item_fill("- read the Roadmapping page", 11, 22), item_fill("We use Make here.", 7, 11)
    (0.5, 0.0)
    """
    ls, le, known = _line_bounds(text, start, end)
    listed = _LIST_LINE_RE.match(text, ls) if known else None
    lo = listed.end() if listed else ls
    table = text.find("|", ls, le) >= 0
    if table:
        lo = max(lo, text.rfind("|", ls, start) + 1)
        bar = text.find("|", end, le)
        le = le if bar < 0 else bar
    if not _WORD_CHAR_RE.search(text, lo, start) and not _WORD_CHAR_RE.search(text, end, le):
        return 1.0
    return 0.5 if listed or table else 0.0


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place in the page where a target could be anchored (all phrases matching there)."""

    mention: Mention
    """The representative mention (the best kind of phrase at this place)."""
    sources: frozenset[str]
    """Every kind of phrase that matches at this place."""


def occurrences(ms: Sequence[Mention]) -> list[Occurrence]:
    """Group a target's mentions by place; sorted by position."""
    by_span: dict[tuple[int, int], list[Mention]] = {}
    for m in ms:
        by_span.setdefault((m.start, m.end), []).append(m)
    out = []
    for span in sorted(by_span):
        group = sorted(by_span[span], key=preference)
        out.append(Occurrence(group[0], frozenset(m.source for m in group)))
    return out


PlaceColumns = tuple[float, float, float, float, bool, bool]
"""The columns of a place that do not depend on the target: the four cues, list item, table row."""


def occurrence_features(index: LinkIndex, occs: Sequence[Occurrence], *, text: str,
                        cues: Mapping[str, float] | None = None, holdout: Holdout | None = None,
                        with_cues: bool = True,
                        places: dict[tuple[int, int], PlaceColumns] | None = None) -> np.ndarray:
    """Features (:data:`ANCHOR_FEATURES`) of a target's candidate anchor places in ``text``.

    ``cues`` maps a previous word (and, prefixed ``>``, a next word; prefixed ``~``, a word
    nearby; prefixed ``#``, a word of the heading above) to its learned link rate (key ``""``
    is the default rate). Without ``with_cues`` the four cue columns are left at 0 (the learner
    fills them in itself). ``places`` keeps the columns of each place that do not depend on the
    target, for the next call on the same ``text`` with the same ``cues`` (places are shared
    by several targets).
    """
    cues = cues or {}
    default_cue = cues.get("", 0.0)
    text_len = len(text)
    target = occs[0].mention.target if occs else -1
    weights = title_weights(index, target) if target >= 0 else {}
    total = math.fsum(weights.values()) or 1.0
    stats = stats_of(index)
    first_key: dict[tuple[str, ...], int] = {}
    for o in occs:
        first_key.setdefault(o.mention.key, o.mention.start)
    first = min((o.mention.start for o in occs), default=0)
    out = np.zeros((len(occs), len(ANCHOR_FEATURES)))
    by_key: dict[tuple[str, ...], tuple[float, float]] = {}  # (link probability, target share)
    by_heading: dict[int, float] = {}
    by_text: dict[str, tuple[float, bool]] = {}  # (title cover, written as a name)
    record = index.records[target] if target >= 0 else None
    names = {_as_written(x) for x in (record.title, *record.aliases)} if record is not None else set()
    for r, o in enumerate(occs):
        m = o.mention
        per_key = by_key.get(m.key)
        if per_key is None:
            hits = stats.targets(m.key, holdout)
            per_key = by_key[m.key] = (stats.link_probability(m.key, holdout),
                                       hits.get(m.target, 0) / (sum(hits.values()) or 1))
        span = (m.start, m.end)
        place = places.get(span) if places is not None else None
        if place is None:
            place = _place_columns(text, m, cues, default_cue, with_cues, by_heading)
            if places is not None:
                places[span] = place
        phrase = text[m.start:m.end]
        by_phrase = by_text.get(phrase)
        if by_phrase is None:
            by_phrase = by_text[phrase] = (
                math.fsum(weights.get(x, 0.0) for x in {analysis.stem(w) for w in analysis.words(phrase)}) / total,
                _as_written(phrase) in names)
        cover, as_name = by_phrase
        out[r] = (
            "title" in o.sources, "alias" in o.sources, "keyword" in o.sources, "anchor" in o.sources,
            "term" in o.sources,
            first_key[m.key] == m.start,
            m.start == first,
            1.0 - m.start / max(1, text_len),
            min(6, len(m.key)) / 6,
            per_key[0],
            per_key[1],
            m.specificity,
            *place,
            "partial" in o.sources,
            cover,
            as_name,
        )
    return out


def _as_written(phrase: str) -> str:
    """A phrase as written, for an exact comparison: without inline-code backticks around it,
    white space runs as one space, composed (NFC).

    >>> _as_written("`kubectl  apply`") == _as_written("kubectl apply")
    True
    """
    return analysis.composed(" ".join(phrase.strip("`").split()))


def _place_columns(text: str, m: Mention, cues: Mapping[str, float], default_cue: float, with_cues: bool,
                   by_heading: dict[int, float]) -> PlaceColumns:
    """The target-independent columns of a place (see :data:`PlaceColumns`); ``by_heading``
    keeps the section cue of each heading."""
    if not with_cues:
        return (0.0, 0.0, 0.0, 0.0, is_list_item(text, m.start), is_table_row(text, m.start))
    heading = text.rfind("\n#", 0, m.start)
    section = by_heading.get(heading)
    if section is None:
        section = by_heading[heading] = context_cue(cues, section_words(text, m), default_cue)
    return (
        cues.get(previous_word(text, m.start), default_cue),
        cues.get(next_word(text, m.end), default_cue),
        context_cue(cues, context_words(text, m), default_cue),
        section,
        is_list_item(text, m.start),
        is_table_row(text, m.start),
    )


AnchorScorer = Callable[[Sequence[Occurrence]], np.ndarray]


def _touching(text: str, start: int, end: int, s: int, e: int) -> bool:
    """Whether the places ``[start, end)`` and ``[s, e)`` of ``text`` have only white space
    between them (a comma or a word would tell two links apart)."""
    return not (text[end:s] if end <= s else text[e:start]).strip()


def beside_link(text: str, m: Mention | Anchor, links: Iterable[tuple[int, int]]) -> bool:
    """Whether a link on ``m`` would stand beside one of ``links`` (source spans) with only
    white space between them, so that the two read as one link."""
    return any(_touching(text, m.start, m.end, s, e) for s, e in links)


def choose_anchors(order: Sequence[int], mentions: Mapping[int, Sequence[Mention]],
                   scorer: AnchorScorer | None = None, priors: Sequence[float] | None = None,
                   text: str | None = None, links: Sequence[tuple[int, int]] = (),
                   titles: Mapping[int, Collection[str]] | None = None) -> dict[int, Mention]:
    """One anchor per target of ``order`` (best target first).

    No two anchors overlap, and a phrase used for one target is not reused for another. With a
    ``scorer`` (learned from the site's own links: the utility of each place, a log-odds scale),
    each target's utilities become the log-probability of each of its places (a softmax over
    them), and places are assigned surest first over all targets, so a target whose only good
    place is contested keeps it against a target with other options; ``priors`` (the log of each
    target's link probability, aligned with ``order``) are added, so that a place is ranked by
    the log-probability that the link is there: that the target is linked at all, and at this
    place. No target takes a place inside a longer title or alias of another target while that
    target can still take it ("Performing a rollback on a DaemonSet" is left to that page, not cut
    to "DaemonSet"); the place is offered again once it cannot. A place that only shares a
    distinctive term with a target that also has named places (title, alias, keyword, learned
    anchor, partial title) is its last resort, after every named place of every target. With the
    page ``text``, no anchor is separated from another, or from
    one of the page's own ``links`` (source spans), by white space alone ("[lower] [premiums]"
    reads as one link). Without a scorer, targets choose in
    ``order``, each its best free place by :func:`preference` (title, alias, keyword, learned
    anchor, shared term; then the first occurrence), a shared term that is a word of the target's
    title (``titles``: target -> the stems of its title's words) before the other shared terms.
    """
    # (fallback tier, utility, target rank, place, occurrence)
    options: list[tuple[int, float, int, int, Occurrence]] = []
    for rank, target in enumerate(order):
        occs = occurrences(mentions.get(target, ()))
        if not occs:
            continue
        if scorer is not None:
            utility = np.asarray(scorer(occs), dtype=np.float64)
            top = float(utility.max())  # log P(place | target), a log-softmax (scipy's costs 0.1 ms a call)
            scores = utility - (top + math.log(float(np.exp(utility - top).sum())))
            prior = priors[rank] if priors is not None else 0.0
            named = any(o.sources - {"term"} for o in occs)
            options.extend((int(named and not occs[i].sources - {"term"}), -float(scores[i]) - prior, rank,
                            occs[i].mention.start, occs[i]) for i in range(len(occs)))
        else:
            title = set(titles.get(target, ())) if titles is not None else set()

            def fixed_rank(o: Occurrence) -> tuple[object, ...]:  # a shared term of the title before other terms
                kind, start, longer = preference(o.mention)
                return kind, o.mention.source == "term" and title.isdisjoint(o.mention.key), start, longer

            ranked = sorted(occs, key=fixed_rank)
            options.extend((0, float(k), rank, o.mention.start, o) for k, o in enumerate(ranked))
    if scorer is None:
        options.sort(key=lambda x: (x[2], x[1]))  # fixed rules: the best target first
    else:
        options.sort(key=lambda x: x[:4])  # learned: the surest place first, shared terms last
    taken: list[tuple[int, int]] = []
    used_keys: set[tuple[str, ...]] = set()
    chosen: dict[int, Mention] = {}
    names = [o.mention for *_, o in options if o.sources & {"title", "alias"}]  # longest name first, over all targets

    def free(m: Mention) -> bool:
        """Whether ``m`` may still be taken (its target unplaced, its phrase unused, its place clear)."""
        return (m.target not in chosen and m.key not in used_keys
                and not any(m.start < e and s < m.end for s, e in taken)
                and not (text is not None and beside_link(text, m, (*taken, *links))))  # side by side: one link

    # A place that only shares a term with its target stands aside for a named place of another
    # target right beside it, which it would block (two links side by side read as one).
    by_start: dict[int, list[Mention]] = {}
    by_end: dict[int, list[Mention]] = {}
    term_only: set[int] = set()
    if text is not None:
        for *_, o in options:
            if o.sources - {"term"}:
                by_start.setdefault(o.mention.start, []).append(o.mention)
                by_end.setdefault(o.mention.end, []).append(o.mention)
            else:
                term_only.add(id(o.mention))

    def beside_a_name(m: Mention) -> bool:
        """Whether a named place of another target, still free, stands right beside term place ``m``."""
        assert text is not None
        ahead, behind = text[m.end:m.end + 80], text[max(0, m.start - 80):m.start]
        after = m.end + len(ahead) - len(ahead.lstrip())
        before = m.start - len(behind) + len(behind.rstrip())
        return any(n.target != m.target and free(n) for n in (*by_start.get(after, ()), *by_end.get(before, ())))

    def held_back(m: Mention, final: bool) -> bool:
        """Whether ``m`` lies inside a longer name of another target that can still take it, or
        only shares a term with its target and would block another target's name beside it."""
        if final:
            return False
        if id(m) in term_only and beside_a_name(m):
            return True
        return any(n.start <= m.start and m.end <= n.end and n.end - n.start > m.end - m.start
                   and n.target != m.target and free(n) for n in names)

    def take(m: Mention) -> None:
        chosen[m.target] = m
        taken.append((m.start, m.end))
        used_keys.add(m.key)

    waiting: list[Mention] = []  # held back, in the order of options: offered again when the longer name is gone

    def offer_waiting(final: bool = False) -> None:
        i = 0
        while i < len(waiting):
            m = waiting[i]
            if not free(m):
                waiting.pop(i)
            elif held_back(m, final):
                i += 1
            else:
                waiting.pop(i)
                take(m)
                i = 0  # a choice changes what is free and what is held back

    for *_, o in options:
        m = o.mention
        if not free(m):
            continue
        if held_back(m, False):
            waiting.append(m)
            continue
        take(m)
        offer_waiting()
    offer_waiting(final=True)
    return chosen
