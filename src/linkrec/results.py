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
class PageReport:
    """Everything linkrec recommends for one page."""

    page: str
    """The page as the caller named it."""
    links: tuple[LinkSuggestion, ...]
    """Link suggestions, best first."""
    keywords: tuple[KeywordSuggestion, ...]
    """Missing keywords, best first."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract object for this page."""
        return {
            "page": self.page,
            "links": [s.to_dict() for s in self.links],
            "keywords": [k.to_dict() for k in self.keywords],
        }
