"""Result types returned by the public API: frozen dataclasses with ``to_dict()``.

``PageReport.to_dict()`` is exactly the JSON contract that ``linkrec suggest --format json``
prints for one page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a link should go: a phrase of the page."""

    text: str
    """The phrase, exactly as written (``page_text[start:end] == text``)."""
    line: int
    """1-based line of the phrase's first character."""
    column: int
    """1-based column of the phrase's first character, counted in characters."""
    start: int
    """0-based character offset of the phrase in the page text."""
    end: int
    """0-based character offset just past the phrase (exclusive)."""

    @classmethod
    def at(cls, text: str, start: int, end: int) -> Anchor:
        r"""The anchor ``text[start:end]``, with its 1-based line and column.

        Examples
        --------
        >>> Anchor.at("one\ntwo three", 8, 13)
        Anchor(text='three', line=2, column=5, start=8, end=13)
        >>> Anchor.at("one\rtwo three", 8, 13)  # a lone CR ends a line too (old Mac files), as in CommonMark
        Anchor(text='three', line=2, column=5, start=8, end=13)
        """
        line = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start) + 1
        return cls(text[start:end], line, start - line_start(text, start) + 1, start, end)


def line_start(text: str, pos: int) -> int:
    """Offset of the first character of the line holding ``text[pos]`` (lines end with LF, CRLF or
    a lone CR, as in CommonMark)."""
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def line_end(text: str, pos: int) -> int:
    """Offset just past the last character of the line holding ``text[pos]`` (before its line ending)."""
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
    return min(ends) if ends else len(text)


@dataclass(frozen=True, slots=True)
class LinkSuggestion:
    """A page of the corpus that the page should link to."""

    target: str
    """Path of the target relative to the corpus root, ``/``-separated, extension included."""
    title: str
    """Title of the target page."""
    score: float
    """How strongly the link is recommended, in [0, 1]."""
    reason: str
    """A short human explanation naming the strongest evidence."""
    anchor: Anchor | None
    """The phrase to turn into the link, or None when the page has no good phrase for it."""

    def to_dict(self) -> dict[str, Any]:
        """This suggestion as plain JSON-ready data."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class KeywordSuggestion:
    """A keyword the page's closest pages use and the page lacks."""

    term: str
    """The keyword, 1 to 3 words, in its most common written form."""
    score: float
    """How strongly the keyword is recommended, in [0, 1]."""
    pages: tuple[str, ...]
    """Corpus pages (relative paths) among the page's neighbours that use the keyword."""

    def to_dict(self) -> dict[str, Any]:
        """This keyword as plain JSON-ready data."""
        d = dataclasses.asdict(self)
        d["pages"] = list(self.pages)
        return d


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A link suggestion that a rule (ignore file, link budget, minimum score) dropped."""

    target: str
    """Path of the target relative to the corpus root."""
    title: str
    """Title of the target page."""
    score: float
    """The score it had."""
    rule: str
    """The rule that dropped it, e.g. ``ignore: pair``, ``exclude_targets``, ``max_links``, ``min_score``, ``copy``."""


@dataclass(frozen=True, slots=True)
class PageReport:
    """Everything linkrec recommends for one page."""

    page: str
    """The page as the caller named it."""
    links: tuple[LinkSuggestion, ...]
    """Link suggestions, best first."""
    keywords: tuple[KeywordSuggestion, ...]
    """Missing keywords, best first."""
    suppressed: tuple[Suppressed, ...] | None = None
    """With ``explain``: the suggestions rules dropped (else None, and absent from the JSON)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract object for this page."""
        out: dict[str, Any] = {
            "page": self.page,
            "links": [s.to_dict() for s in self.links],
            "keywords": [k.to_dict() for k in self.keywords],
        }
        if self.suppressed is not None:
            out["suppressed"] = [dataclasses.asdict(x) for x in self.suppressed]
        return out


@dataclass(frozen=True, slots=True)
class InboundSuggestion:
    """An existing page that should link to the page."""

    source: str
    """Path of the linking page relative to the corpus root, ``/``-separated, extension included."""
    title: str
    """Title of the source page."""
    score: float
    """How strongly the link is recommended, in [0, 1] (the same scale as ``suggest``)."""
    reason: str
    """A short human explanation."""
    anchor: Anchor | None
    """The phrase in the SOURCE page to turn into the link (offsets into the source's text)."""

    def to_dict(self) -> dict[str, Any]:
        """This suggestion as plain JSON-ready data."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class InboundReport:
    """The pages that should link to one page."""

    page: str
    """The page as the caller named it."""
    links: tuple[InboundSuggestion, ...]
    """Source pages, best first."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract object of ``linkrec inbound`` for this page."""
        return {"page": self.page, "links": [s.to_dict() for s in self.links]}
