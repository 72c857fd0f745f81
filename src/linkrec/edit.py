"""Edit a page's links in its source text: strip them (for backtests and training).

Every other character of the page is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .documents import Document, Link


@dataclass(frozen=True, slots=True)
class StrippedLink:
    """A link that was turned back into plain text."""

    target: str
    """The corpus path the link pointed to."""
    start: int
    """Offset of the former link text in the stripped page."""
    end: int
    """Offset just past it."""
    text: str
    """The former link text, as it now stands in the page."""


def strip_links(doc: Document, resolve: Callable[[Link], str | None]) -> tuple[str, list[StrippedLink]]:
    """Replace every link that ``resolve`` maps to a corpus page by its text.

    Reference definitions used only by stripped links are removed (their line is emptied).
    Returns the new text and where each former link's text now stands.

    Examples
    --------
    >>> from linkrec.markdown import parse_document
    >>> doc = parse_document("See [the API](api.md#x) and [[Pods|pods]].", "a.md")
    >>> text, links = strip_links(doc, lambda link: link.target.split("#")[0] + (".md" if link.kind == "wikilink" else ""))
    >>> text, [(s.target, text[s.start:s.end]) for s in links]
    ('See the API and pods.', [('api.md', 'the API'), ('Pods.md', 'pods')])
    """
    text = doc.text
    edits: list[tuple[int, int, str, str | None]] = []
    kept_labels: set[str] = set()
    stripped_labels: set[str] = set()
    for link in doc.links:
        if link.kind in ("definition", "autolink", "embed"):  # an embed has no text to leave
            continue
        target = resolve(link)
        if target is None:
            if link.kind == "reference":
                kept_labels.add(link.target)
            continue
        shown = text[link.text_span.start:link.text_span.end] if link.text_span else link.text
        edits.append((link.span.start, link.span.end, shown, target))
        if link.kind == "reference":
            stripped_labels.add(link.target)
    for link in doc.links:
        if link.kind == "definition" and link.target in stripped_labels and link.target not in kept_labels:
            edits.append((link.span.start, link.span.end, "", None))
    edits.sort(key=lambda e: e[0])
    out: list[str] = []
    stripped: list[StrippedLink] = []
    pos = 0
    length = 0
    for start, end, shown, target in edits:
        if start < pos:
            continue  # overlapping constructs: keep the first
        out.append(text[pos:start])
        length += start - pos
        if target is not None:
            stripped.append(StrippedLink(target, length, length + len(shown), shown))
        out.append(shown)
        length += len(shown)
        pos = end
    out.append(text[pos:])
    return "".join(out), stripped
