"""Value types for parsed pages: stdlib only.

All offsets are 0-based code-point offsets (Python string indices, end exclusive) into
``Document.text``: the page decoded from UTF-8, a leading byte-order mark removed, newlines
untranslated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of code points in a page's text."""

    start: int
    end: int


def inside_one(spans: Sequence[Span], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies entirely inside one of the sorted, disjoint ``spans``.

    >>> spans = (Span(0, 5), Span(10, 20))
    >>> inside_one(spans, 11, 15), inside_one(spans, 3, 12), inside_one(spans, 20, 21)
    (True, False, False)
    """
    lo, hi = 0, len(spans)
    while lo < hi:  # first span ending after start
        mid = (lo + hi) // 2
        if spans[mid].end <= start:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(spans) and spans[lo].start <= start and end <= spans[lo].end


NOTE_KINDS = frozenset({"wikilink", "embed"})
"""Link kinds that name a note Obsidian-style (resolved by path, file name, title or alias)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link written in a page, before it is resolved against the corpus."""

    target: str
    """Destination as written (URL-decoded but for ``%23``, ``%3F`` and ``%25``, so that a ``#`` or
    ``?`` of a file name stays apart from a ``#fragment``/``?query``, which are kept; angle
    brackets removed)."""
    text: str
    """The text a reader sees (for a wikilink without ``|shown``, the note name)."""
    kind: str
    """One of ``"inline"``, ``"reference"``, ``"definition"``, ``"wikilink"``, ``"embed"`` (an
    Obsidian ``![[Note]]``: a link without text), ``"autolink"``,
    ``"ref"`` (a site generator's reference to a path), ``"label"`` (a MyST ``{ref}``/``{term}``
    role: the target is a label, or ``term:NAME``), ``"html"`` (an ``<a href>``)."""
    span: Span
    """The whole construct in the source (``[text](url)``, ``[[name|shown]]``, a definition line)."""
    text_span: Span | None
    """Where the visible text sits in the source, when it can be located exactly."""
    line: int
    """1-based line of the construct's start."""


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed Markdown page."""

    path: str
    """Path relative to the corpus root with ``/`` separators (or as given, for a draft)."""
    text: str
    """The full source text (BOM removed, newlines untranslated)."""
    title: str
    """Front matter ``title``, else the first H1, else the file name without extension."""
    aliases: tuple[str, ...] = ()
    """Front matter ``aliases`` (a string or a list), other names of the page (Obsidian's)."""
    keywords: tuple[str, ...] = ()
    """Front matter ``keywords`` and ``tags``, in that order, de-duplicated."""
    url: str | None = None
    """Front matter ``url``, ``permalink`` or ``slug`` (first present), as written."""
    draft: bool = False
    """Front matter ``draft: true``: never suggested as a link target."""
    headings: tuple[str, ...] = ()
    """Visible text of every heading, in order."""
    body: str = ""
    """Visible body text for the vectorizer: prose, list and table text, link text and image alt
    text; no code, no URLs, no HTML tags, no front matter, no headings. Blocks separated by
    blank lines."""
    linkable: tuple[Span, ...] = ()
    """Runs of source text where a new link may be placed, sorted, non-overlapping. Each run is
    plain text as written (``text[s.start:s.end]`` contains no markup and no newline)."""
    wrappable: tuple[Span, ...] = ()
    """Whole inline code spans (backticks included) in linkable prose: a new link may wrap one
    entirely (``[`fetch()`](...)``), never go inside it."""
    links: tuple[Link, ...] = ()
    """Every link written in the page, in source order."""
    labels: tuple[str, ...] = ()
    """Cross-reference names the page defines, lower-cased: MyST targets (``(label)=``) and, as
    ``term:NAME``, the terms of a MyST ``{glossary}``."""
    redirects: tuple[str, ...] = ()
    """Front matter ``aliases`` that are site paths (``/old/url/``): Hugo serves the page there
    too, so links to them are links to the page; they are no names."""
    warnings: tuple[str, ...] = ()
    """Problems found while parsing that did not stop it (e.g. broken front matter)."""
    meta: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    """The parsed front matter mapping ({} when absent or broken)."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A phrase of a page that names (or is evidence for) a corpus page."""

    target: int
    """Id of the corpus page the phrase points at."""
    start: int
    """0-based offset of the phrase in the page text."""
    end: int
    """Offset just past the phrase."""
    key: tuple[str, ...]
    """The phrase's matching key (stemmed words)."""
    source: str
    """What the phrase matched: ``title``, ``alias``, ``keyword``, ``file name``, ``anchor``
    (a phrase other pages use to link the target) or ``term`` (a distinctive shared term)."""
    specificity: float
    """How specific the phrase is in this corpus, in [0, 1] (rare words and long phrases score high)."""
