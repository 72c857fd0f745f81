"""Turn link suggestions into links written in a page file, changing nothing else.

The plan is made on the page *text* (decoded from UTF-8, byte-order mark removed, newlines
untranslated: the offsets of :class:`~linkrec.results.Anchor`), and applied on the page *bytes*:
each link is written as a prefix inserted before its anchor and a suffix inserted after it
(``[`` ... ``](../b.md)``, ``[[b|`` ... ``]]``), so the anchor's bytes and every byte around it,
the byte-order mark and the line endings stay exactly as they were.

A suggestion is applied only when its anchor lies entirely inside one run of plain text where a
new link may go (:attr:`~linkrec.documents.Document.linkable`: never in front matter, headings,
code, existing links or HTML), and only when the page, parsed again with the links written,
shows each new link where it was put, pointing at its target, with every other link unchanged.
Everything else is skipped with a reason.

Examples
--------
>>> edit = LinkEdit(5, 13, "veg/tomatoes.md", "tomatoes", "[", "](veg/tomatoes.md)", "markdown")
>>> apply_edits("Grow tomatoes.\\r\\n".encode(), [edit])
b'Grow [tomatoes](veg/tomatoes.md).\\r\\n'
"""

from __future__ import annotations

import codecs
import difflib
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import files
from .anchors import beside_link, link_spans
from .corpus import parse_page
from .documents import Document, Link, inside_one
from .ignore import IgnoreRules
from .index import LinkIndex
from .resolve import INDEX_NAMES, page_folder, resolve_link
from .results import Anchor, LinkSuggestion, PageReport
from .settings import Settings

__all__ = [
    "STYLES",
    "LinkEdit",
    "Plan",
    "SkippedLink",
    "Unlinked",
    "apply_edits",
    "detect_style",
    "link_pieces",
    "plan_edits",
    "render_link",
    "resolve_style",
    "unified_diff",
    "unlink",
    "verify_edits",
    "write_atomic",
]

STYLES = ("markdown", "wikilink", "url")
"""Link styles :func:`render_link` writes (``auto`` in the settings picks one of the first two)."""

_BOM = codecs.BOM_UTF8
_ANCHOR_FORBIDDEN = frozenset("[]\\\n\r")
"""Characters that would change the meaning of link syntax around an anchor."""
_WIKI_FORBIDDEN = frozenset("[]|#^\n\r")
"""Characters a wikilink target cannot hold."""
_PATH_ESCAPES = {c: f"%{ord(c):02X}" for c in "% ()<>#?\\\t"}
"""Characters percent-encoded in a link destination (``%`` first, so it is never doubled)."""
_NEW_LINK_KINDS = ("inline", "wikilink")


@dataclass(frozen=True, slots=True)
class LinkEdit:
    """One link to write: ``text[start:end]`` becomes ``prefix + text[start:end] + suffix``."""

    start: int
    """0-based code-point offset of the anchor in the page text (BOM removed)."""
    end: int
    """Offset just past the anchor (exclusive)."""
    target: str
    """Corpus path of the page the link points to."""
    text: str
    """The anchor, exactly as written in the page (kept byte for byte)."""
    prefix: str
    """Link syntax inserted before the anchor (``[``, ``[[name|``)."""
    suffix: str
    """Link syntax inserted after the anchor (``](path.md)``, ``]]``)."""
    style: str
    """The link style written: ``markdown``, ``wikilink`` or ``url``."""
    suggestion: LinkSuggestion | None = None
    """The suggestion this edit carries out (for reviewing it), if any."""

    @property
    def replacement(self) -> str:
        """The whole link that replaces the anchor."""
        return self.prefix + self.text + self.suffix


@dataclass(frozen=True, slots=True)
class SkippedLink:
    """A suggestion that was not turned into a link, and why."""

    target: str
    """Corpus path of the suggested target."""
    anchor: str | None
    """The suggested anchor phrase (None when the suggestion had none)."""
    reason: str
    """A short human reason."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The links to write in one page."""

    edits: tuple[LinkEdit, ...]
    """Links to write, best suggestion first (each verified by parsing the edited page)."""
    skipped: tuple[SkippedLink, ...]
    """Suggestions (above the minimum score) that cannot be applied, with reasons."""
    style: str
    """The link style used (``auto`` resolved)."""
    linked: tuple[str, ...] = ()
    """Suggested targets (within ``max_links``) the page already links to: nothing to do."""


# ---------------------------------------------------------------------------------------------
# Link syntax
# ---------------------------------------------------------------------------------------------


def detect_style(index: LinkIndex) -> str:
    """The link style the corpus itself uses most: ``"wikilink"`` or ``"markdown"``.

    Only links that resolve to a page of the corpus count (a site full of external Markdown links
    may still link its own pages with wikilinks). Ties, and corpora with no internal link, give
    ``"markdown"``.

    Parameters
    ----------
    index : LinkIndex
        The fitted model; its page records hold every link as ``(kind, target, text)``.

    Returns
    -------
    str
        ``"wikilink"`` when most internal links are ``[[wikilinks]]``, else ``"markdown"``.
    """
    wiki = markdown = 0
    resolve = index.resolver.resolve
    for rec in index.records:
        for kind, target, _text in rec.links:
            if kind == "wikilink":
                if resolve(target, rec.path, kind="wikilink") is not None:
                    wiki += 1
            elif kind in ("inline", "definition"):  # a reference link's URL sits in its definition
                if resolve(target, rec.path) is not None:
                    markdown += 1
    return "wikilink" if wiki > markdown else "markdown"


def resolve_style(link_style: str, index: LinkIndex) -> str:
    """``link_style`` from the settings, with ``auto`` replaced by :func:`detect_style`."""
    return detect_style(index) if link_style == "auto" else link_style


def _encode_path(path: str) -> str:
    """Percent-encode the characters that end or break a Markdown link destination."""
    return "".join(_PATH_ESCAPES.get(c, c) for c in path)


def _encode_url(url: str) -> str:
    """Make a URL safe as a Markdown link destination (spaces, parentheses, angle brackets)."""
    return "".join(_PATH_ESCAPES.get(c, c) if c in " ()<>\t" else c for c in url)


def _relative(page_rel: str, target_rel: str, corpus_root: str | None = None) -> str:
    """Path of corpus page ``target_rel`` relative to the folder of page ``page_rel``."""
    root, folder = page_folder(page_rel, corpus_root)
    return posixpath.relpath(posixpath.join(root, target_rel), folder)


def link_pieces(anchor_text: str, page_rel: str, target_rel: str, style: str, *,
                url_pattern: str = "/{path}/", target_url: str | None = None,
                wikilink_name: str | None = None, corpus_root: str | None = None) -> tuple[str, str]:
    """The link syntax to insert before and after an anchor; see :func:`render_link`.

    Returns
    -------
    tuple of str
        ``(prefix, suffix)``, so that the link is ``prefix + anchor_text + suffix``.

    Raises
    ------
    ValueError
        If the anchor or the target's name cannot be written in this style, or ``url_pattern``
        has an unknown field.
    """
    if not anchor_text or any(c in _ANCHOR_FORBIDDEN for c in anchor_text):
        raise ValueError(f"anchor {anchor_text!r} holds characters that would break the link syntax")
    if style == "markdown":
        return "[", f"]({_encode_path(_relative(page_rel, target_rel, corpus_root))})"
    stem_path = posixpath.splitext(target_rel)[0]
    if style == "wikilink":
        name = wikilink_name if wikilink_name is not None else posixpath.basename(stem_path)
        if not name or any(c in _WIKI_FORBIDDEN for c in name):
            raise ValueError(f"{target_rel}: its name cannot be written in a [[wikilink]]")
        if "|" in anchor_text:
            raise ValueError(f"anchor {anchor_text!r} holds '|', which cannot appear in a [[wikilink]]")
        if anchor_text.lower() == name.lower():
            return "[[", "]]"
        return f"[[{name}|", "]]"
    if style == "url":
        if posixpath.basename(stem_path) in INDEX_NAMES and re.search(r"\{(?:path|slug)\}(?:/|$)", url_pattern):
            stem_path = posixpath.dirname(stem_path)  # a folder URL: a/b/index.md is served at /a/b/
        slug = posixpath.basename(stem_path)
        url = target_url or f"/{stem_path}/"
        try:
            dest = url_pattern.format(path=_encode_path(stem_path), slug=_encode_path(slug), url=_encode_url(url))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"url_pattern {url_pattern!r}: use only {{path}}, {{slug}} and {{url}} ({exc})") from None
        lead = "//" if dest.startswith("//") and not url_pattern.startswith("/{") else ""  # protocol-relative
        dest = lead + re.sub(r"(?<!:)//+", "/", dest[len(lead):])  # "/{url}/" with a url of "/b/", the root index
        return "[", f"]({_encode_url(dest)})"
    raise ValueError(f"unknown link style {style!r}; expected one of {', '.join(STYLES)}")


def render_link(anchor_text: str, page_rel: str, target_rel: str, style: str, *,
                url_pattern: str = "/{path}/", target_url: str | None = None,
                wikilink_name: str | None = None, corpus_root: str | None = None) -> str:
    """The link that turns ``anchor_text`` on page ``page_rel`` into a link to ``target_rel``.

    The anchor is always kept as written: only link syntax is added around it.

    Parameters
    ----------
    anchor_text : str
        The phrase to turn into a link.
    page_rel : str
        Path of the linking page relative to the corpus root (``/``-separated; it may start with
        ``../`` for a page outside the corpus).
    target_rel : str
        Corpus path of the target page, extension included.
    style : {"markdown", "wikilink", "url"}
        ``markdown``: ``[anchor](relative/path.md)``, the path relative to the page's folder,
        with spaces, parentheses and other breaking characters percent-encoded.
        ``wikilink``: ``[[name|anchor]]``, or ``[[anchor]]`` when the anchor is the name (case
        aside). ``url``: ``[anchor](URL)`` with ``URL = url_pattern`` formatted.
    url_pattern : str, optional
        For ``url``: ``{path}`` is the target's path without extension, ``{slug}`` its file name
        without extension, ``{url}`` its front matter url (``/{path}/`` when it has none).
    target_url : str or None, optional
        The target's front matter url, for ``{url}``.
    wikilink_name : str or None, optional
        For ``wikilink``: the name to write; default the target's file name without extension
        (pass the path without extension when that file name is not unique in the corpus).
    corpus_root : str or None, optional
        Absolute ``/``-separated path of the corpus folder. Needed only for a page outside the
        corpus (``page_rel`` starting with ``../``), whose relative links climb out of its folder
        and back into the corpus by name; without it such a page is linked as if it sat at the
        corpus root.

    Returns
    -------
    str
        The link text.

    Raises
    ------
    ValueError
        If the anchor or target cannot be written in this style.

    Examples
    --------
    >>> render_link("tomatoes", "blog/watering.md", "veg/tomato plants.md", "markdown")
    '[tomatoes](../veg/tomato%20plants.md)'
    >>> render_link("Tomatoes", "a.md", "veg/tomatoes.md", "wikilink")
    '[[Tomatoes]]'
    >>> render_link("tomato", "a.md", "veg/tomatoes.md", "wikilink", wikilink_name="veg/tomatoes")
    '[[veg/tomatoes|tomato]]'
    >>> render_link("tomatoes", "a.md", "veg/tomatoes.md", "url", url_pattern="https://x.org/{path}/")
    '[tomatoes](https://x.org/veg/tomatoes/)'
    >>> render_link("Guide", "a.md", "guide/index.md", "url"), render_link("Home", "a/b.md", "_index.md", "url")
    ('[Guide](/guide/)', '[Home](/)')
    >>> render_link("Guide", "a.md", "guide/index.md", "url", url_pattern="https://x.org/{path}.html")
    '[Guide](https://x.org/guide/index.html)'
    >>> render_link("Guide", "a.md", "guide/a.md", "url", url_pattern="//cdn.example.org/{path}/")
    '[Guide](//cdn.example.org/guide/a/)'
    """
    prefix, suffix = link_pieces(anchor_text, page_rel, target_rel, style, url_pattern=url_pattern,
                                 target_url=target_url, wikilink_name=wikilink_name, corpus_root=corpus_root)
    return prefix + anchor_text + suffix


# ---------------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unlinked:
    """A page's text with its internal links turned back into plain text, and the way back.

    ``apply`` ranks suggestions on this text, so that the links it wrote itself do not push new
    suggestions into the top: applying twice then adds nothing.
    """

    text: str
    """The page text with the syntax of each internal inline link and wikilink removed."""
    cuts: tuple[tuple[int, int], ...]
    """The removed ranges of the original text, sorted: ``(start, end)``."""
    former: tuple[tuple[int, int], ...]
    """Where each former link's text stands in :attr:`text`, sorted."""

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The range of the original text that ``text[start:end]`` came from; None when the range
        touches a former link (its text or its removed syntax)."""
        if any(s < end and start < e for s, e in self.former):
            return None
        shift = removed = 0
        for cs, ce in self.cuts:
            at = cs - removed  # the cut sat just before this character of the unlinked text
            if start < at < end:
                return None
            if at <= start:
                shift += ce - cs
            removed += ce - cs
        return start + shift, end + shift


def unlink(text: str, *, page_rel: str, index: LinkIndex, settings: Settings,
           doc: Document | None = None, corpus_root: str | None = None) -> Unlinked:
    """Turn every inline link and wikilink of ``text`` that points to a corpus page into its text.

    External links, images, reference links and their definitions are left as they are.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkrec.api import build_index
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tea.md").write_text("# Green tea\\n\\nGreen tea is brewed from leaves.")
    >>> _ = (d / "coffee.md").write_text("# Coffee\\n\\nCoffee is brewed from beans.")
    >>> u = unlink("Tea: [green tea](tea.md), [[coffee|beans]], [web](https://x.org).", page_rel="a.md",
    ...            index=build_index(d, settings=Settings()), settings=Settings())
    >>> u.text, u.to_original(5, 14), u.to_original(0, 3)
    ('Tea: green tea, beans, [web](https://x.org).', None, (0, 3))
    """
    doc = doc if doc is not None else parse_page(text, page_rel, settings)
    cuts: list[tuple[int, int]] = []
    texts: list[tuple[int, int]] = []
    last = -1
    for link in sorted(doc.links, key=lambda lk: lk.span.start):
        ts = link.text_span
        if link.kind not in _NEW_LINK_KINDS or ts is None or link.span.start < last:
            continue
        if not link.span.start <= ts.start <= ts.end <= link.span.end:
            continue
        if resolve_link(index.resolver, link.target, link.kind, page_rel, corpus_root) is None:
            continue
        cuts += [(link.span.start, ts.start), (ts.end, link.span.end)]
        texts.append((ts.start, ts.end))
        last = link.span.end
    out: list[str] = []
    pos = removed = 0
    former: list[tuple[int, int]] = []
    for i, (cs, ce) in enumerate(cuts):
        out.append(text[pos:cs])
        if i % 2 == 0:  # the cut before a link's text: the text starts where the cut was
            text_start, text_end = texts[i // 2]
            former.append((text_start - removed - (ce - cs), text_end - removed - (ce - cs)))
        removed += ce - cs
        pos = ce
    out.append(text[pos:])
    return Unlinked("".join(out), tuple((cs, ce) for cs, ce in cuts if ce > cs), tuple(former))


def _wikilink_names(index: LinkIndex) -> dict[str, int]:
    """How many corpus pages have each file name (lower case, no extension)."""
    counts: dict[str, int] = {}
    for rec in index.records:
        name = posixpath.basename(posixpath.splitext(rec.path)[0]).lower()
        counts[name] = counts.get(name, 0) + 1
    return counts


def plan_edits(text: str, report: PageReport, *, page_rel: str, index: LinkIndex, settings: Settings,
               style: str | None = None, min_score: float | None = None, max_links: int | None = None,
               rules: IgnoreRules | None = None, unlinked: Unlinked | None = None,
               corpus_root: str | None = None) -> Plan:
    """Choose which suggestions of ``report`` to write into page ``text``, and how.

    Suggestions are taken best first. One the page already links to counts toward
    ``max_links`` but needs no edit. Another becomes an edit when it scores at least
    ``min_score``, has an anchor that still reads the same in ``text`` and lies inside one
    linkable run, is not blocked by ``rules``, neither overlaps another new anchor nor stands
    beside it or an existing link with only white space between (the two would read as one
    link), and, once written, parses back as a link to its target with every other link of the
    page unchanged.

    Parameters
    ----------
    text : str
        The current page text (as :func:`~linkrec.markdown.decode_page` returns it).
    report : PageReport
        Suggestions for this text (or for ``unlinked.text``, see ``unlinked``).
    page_rel : str
        The page's path relative to the corpus root (``../`` first for a page outside it).
    index : LinkIndex
        The fitted model (targets, their names and urls, link resolution).
    settings : Settings
        ``link_style``, ``url_pattern`` and ``tables_linkable`` are used.
    style : str or None, optional
        Overrides ``settings.link_style`` (``auto`` is resolved with :func:`detect_style`).
    min_score : float or None, optional
        Suggestions scoring below this are left out silently (default ``settings.min_score``).
    max_links : int or None, optional
        At most this many of the best suggestions are considered, counting those the page
        already links to (None: no cap). Applying twice with the same cap adds nothing.
    rules : IgnoreRules or None, optional
        ``.linkrec-ignore`` rules; suggestions they block are skipped.
    unlinked : Unlinked or None, optional
        When given, ``report`` was made for ``unlinked.text`` (see :func:`unlink`) and its
        anchors are mapped back to ``text``; an anchor inside a former link is skipped.
    corpus_root : str or None, optional
        Absolute path of the corpus folder, for a page outside the corpus (see
        :func:`render_link`).

    Returns
    -------
    Plan
        The verified edits, best suggestion first, the suggested targets already linked, and
        the skipped suggestions with reasons.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkrec.api import build_index
    >>> from linkrec.results import Anchor
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tea.md").write_text("# Green tea\\n\\nGreen tea is brewed from leaves.")
    >>> _ = (d / "coffee.md").write_text("# Coffee\\n\\nCoffee is brewed from beans.")
    >>> index = build_index(d, settings=Settings())
    >>> text = "# Drinks\\n\\nI like green tea."
    >>> report = PageReport("drinks.md", (LinkSuggestion("tea.md", "Green tea", 0.9, "title",
    ...                     Anchor("green tea", 3, 8, 17, 26)),), ())
    >>> plan = plan_edits(text, report, page_rel="drinks.md", index=index, settings=Settings())
    >>> [e.replacement for e in plan.edits]
    ['[green tea](tea.md)']
    """
    style = resolve_style(style or settings.link_style, index)
    if style not in STYLES:
        raise ValueError(f"unknown link style {style!r}; expected auto or one of {', '.join(STYLES)}")
    min_score = settings.min_score if min_score is None else min_score
    doc = parse_page(text, page_rel, settings)
    linked_now = {hit for link in doc.links if (hit := resolve_link(index.resolver, link.target, link.kind, page_rel, corpus_root)) is not None}
    names = _wikilink_names(index) if style == "wikilink" else {}
    existing = link_spans(doc)
    skipped: list[SkippedLink] = []
    units: list[LinkEdit | str] = []  # best first: an edit, or the target of a link the page has
    taken: list[tuple[int, int]] = []
    seen: set[str] = set()
    for s in report.links:
        if s.score < min_score or s.target in seen:
            continue

        def skip(reason: str, s: LinkSuggestion = s) -> None:
            skipped.append(SkippedLink(s.target, s.anchor.text if s.anchor else None, reason))

        if rules is not None and rules.blocks_target(page_rel, s.target):
            skip("target ignored by .linkrec-ignore")
            continue
        if s.target in linked_now:
            units.append(s.target)
            seen.add(s.target)
            continue
        a = s.anchor
        if a is None:
            skip("no anchor phrase in the page")
            continue
        if unlinked is not None:
            where = unlinked.to_original(a.start, a.end)
            if where is None:
                skip("its anchor is inside an existing link")
                continue
            a = Anchor.at(text, *where)
            s = replace(s, anchor=a)
        if rules is not None and rules.blocks_anchor(page_rel, a.text):
            skip("anchor ignored by .linkrec-ignore")
            continue
        rid = index.path_ids.get(s.target)
        if rid is None:
            skip("not a page of the model")
            continue
        if not 0 <= a.start < a.end <= len(text) or text[a.start:a.end] != a.text:
            skip("the anchor is no longer at that place (the page changed)")
            continue
        if not (inside_one(doc.linkable, a.start, a.end)
                or any(w.start == a.start and w.end == a.end for w in doc.wrappable)):
            skip("the anchor is not in plain text (heading, code, link, HTML, table or front matter)")
            continue
        if any(a.start < e and b < a.end for b, e in taken):
            skip("the anchor overlaps another new link")
            continue
        if beside_link(text, a, (*existing, *taken)):  # "[[Cherry]] [[banana]]" reads as one link
            skip("the anchor stands beside another link, with only white space between")
            continue
        rec = index.records[rid]
        name = None
        if style == "wikilink":
            stem_path = posixpath.splitext(rec.path)[0]
            unique = names.get(posixpath.basename(stem_path).lower(), 0) <= 1
            name = posixpath.basename(stem_path) if unique else stem_path
        try:
            prefix, suffix = link_pieces(a.text, page_rel, rec.path, style, url_pattern=settings.url_pattern,
                                         target_url=rec.url, wikilink_name=name, corpus_root=corpus_root)
        except ValueError as exc:
            skip(str(exc))
            continue
        units.append(LinkEdit(a.start, a.end, rec.path, a.text, prefix, suffix, style, s))
        taken.append((a.start, a.end))
        seen.add(s.target)

    candidates = [u for u in units if isinstance(u, LinkEdit)]
    ok, bad = verify_edits(text, candidates, page_rel=page_rel, index=index, settings=settings, doc=doc,
                           corpus_root=corpus_root)
    skipped.extend(bad)
    good = {id(e) for e in ok}
    cap = len(units) if max_links is None else max(0, max_links)
    chosen: list[LinkEdit] = []
    linked: list[str] = []
    for u in units:
        if len(chosen) + len(linked) >= cap:
            break
        if isinstance(u, str):
            linked.append(u)
        elif id(u) in good:
            chosen.append(u)
    if len(chosen) < len(ok):  # a subset of what was verified together: check it on its own
        chosen, bad = verify_edits(text, chosen, page_rel=page_rel, index=index, settings=settings, doc=doc,
                                   corpus_root=corpus_root)
        skipped.extend(bad)
    return Plan(tuple(chosen), tuple(skipped), style, tuple(linked))


def _splice(text: str, edits: Sequence[LinkEdit]) -> tuple[str, list[tuple[LinkEdit, int]]]:
    """``text`` with ``edits`` applied, and where each edit's link starts in the new text."""
    out: list[str] = []
    where: list[tuple[LinkEdit, int]] = []
    pos = length = 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[pos:e.start])
        length += e.start - pos
        where.append((e, length))
        out.append(e.replacement)
        length += len(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), where


def _link_key(link: Link) -> tuple[str, str, str]:
    """What must stay the same about an existing link."""
    return link.kind, link.target, link.text


def _problems(text: str, edits: Sequence[LinkEdit], *, page_rel: str, index: LinkIndex, settings: Settings,
              before: Document, corpus_root: str | None) -> tuple[dict[int, str], bool]:
    """Parse ``text`` with ``edits`` written; return problems per edit (by position in ``edits``)
    and whether the page's other links survived unchanged."""
    new_text, where = _splice(text, edits)
    new_doc = parse_page(new_text, page_rel, settings)
    by_span = {(lk.span.start, lk.span.end): lk for lk in new_doc.links}
    old_targets = {lk.target for lk in before.links}
    problems: dict[int, str] = {}
    ours: set[tuple[int, int]] = set()
    order = {id(e): i for i, e in enumerate(edits)}
    for e, start in where:
        i = order[id(e)]
        span = (start, start + len(e.replacement))
        ours.add(span)
        link = by_span.get(span)
        text_start = start + len(e.prefix)
        if link is None or link.kind not in _NEW_LINK_KINDS:
            problems[i] = "the written link would not be read as a link here"
        elif link.text_span is not None and (link.text_span.start, link.text_span.end) != (
                text_start, text_start + len(e.text)):
            problems[i] = "the written link would not show the anchor as its text"
        elif link.target in old_targets:
            problems[i] = "the page already has a link to that address"
        elif e.style != "url" and resolve_link(index.resolver, link.target, link.kind, page_rel, corpus_root) != e.target:
            problems[i] = "the written link would not resolve to the target"
    others = [_link_key(lk) for lk in new_doc.links if (lk.span.start, lk.span.end) not in ours]
    return problems, others == [_link_key(lk) for lk in before.links]


def verify_edits(text: str, edits: Sequence[LinkEdit], *, page_rel: str, index: LinkIndex, settings: Settings,
                 doc: Document | None = None, corpus_root: str | None = None
                 ) -> tuple[list[LinkEdit], list[SkippedLink]]:
    """Keep the edits that parse back as intended when written together into ``text``.

    Each kept edit reads back as a link whose text is exactly the anchor, which resolves to its
    target (``url`` links excepted: their site URLs may not be known) and whose address the page
    did not already use, and every link the page had before still reads the same. When the edits
    fail together, they are tried one at a time in order.

    Parameters
    ----------
    text : str
        The current page text.
    edits : sequence of LinkEdit
        Non-overlapping edits of ``text``, best first.
    page_rel, index, settings, corpus_root
        As for :func:`plan_edits`.
    doc : Document or None, optional
        ``text`` already parsed (saves one parse).

    Returns
    -------
    tuple
        ``(kept edits in the given order, skipped ones with reasons)``.
    """
    if not edits:
        return [], []
    before = doc if doc is not None else parse_page(text, page_rel, settings)
    problems, others_ok = _problems(text, edits, page_rel=page_rel, index=index, settings=settings, before=before,
                                    corpus_root=corpus_root)
    if not problems and others_ok:
        return list(edits), []
    kept: list[LinkEdit] = []
    skipped: list[SkippedLink] = []
    for e in edits:
        problems, others_ok = _problems(text, [*kept, e], page_rel=page_rel, index=index, settings=settings,
                                        before=before, corpus_root=corpus_root)
        reason = problems.get(len(kept)) or (None if others_ok else "writing it would change another link")
        if reason is None and not problems:
            kept.append(e)
        else:
            skipped.append(SkippedLink(e.target, e.text, reason or "writing it would break another new link"))
    return kept, skipped


# ---------------------------------------------------------------------------------------------
# Bytes
# ---------------------------------------------------------------------------------------------


def apply_edits(data: bytes, edits: Iterable[LinkEdit]) -> bytes:
    """Write ``edits`` into the bytes of a UTF-8 page, leaving every other byte as it was.

    The offsets of the edits are code points of the text decoded from ``data`` with the
    byte-order mark removed; the mark, the anchors and the line endings are copied unchanged.

    Parameters
    ----------
    data : bytes
        The page file's content (UTF-8, with or without a byte-order mark).
    edits : iterable of LinkEdit
        Non-overlapping edits; order does not matter.

    Returns
    -------
    bytes
        The new content.

    Raises
    ------
    ValueError
        If ``data`` is not UTF-8, or an edit is out of range, overlaps another, or its anchor
        does not read ``edit.text``.

    Examples
    --------
    >>> e = LinkEdit(0, 2, "x.md", "é!", "[[x|", "]]", "wikilink")
    >>> apply_edits(b"\\xef\\xbb\\xbf\\xc3\\xa9!\\n", [e])
    b'\\xef\\xbb\\xbf[[x|\\xc3\\xa9!]]\\n'
    """
    bom = _BOM if data.startswith(_BOM) else b""
    body = data[len(bom):]
    text = body.decode("utf-8")
    out: list[bytes] = [bom]
    pos_cp = pos_b = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos_cp or e.end > len(text) or e.start > e.end:
            raise ValueError(f"edit [{e.start}, {e.end}) is out of range or overlaps another edit")
        if text[e.start:e.end] != e.text:
            raise ValueError(f"edit [{e.start}, {e.end}) reads {text[e.start:e.end]!r}, not {e.text!r}")
        start_b = pos_b + len(text[pos_cp:e.start].encode("utf-8"))
        end_b = start_b + len(e.text.encode("utf-8"))
        out += [body[pos_b:start_b], e.prefix.encode("utf-8"), body[start_b:end_b], e.suffix.encode("utf-8")]
        pos_cp, pos_b = e.end, end_b
    out.append(body[pos_b:])
    return b"".join(out)


def unified_diff(old: bytes, new: bytes, path: str, *, context: int = 3) -> str:
    """A unified diff of two versions of a page, with ``a/PATH`` and ``b/PATH`` headers.

    Line endings are kept as they are in the files; a last line without a newline is marked
    ``\\ No newline at end of file``, as ``git diff`` does. Equal contents give ``""``.

    Examples
    --------
    >>> print(unified_diff(b"one\\ntwo", b"one\\n[two](t.md)", "p.md"), end="")
    --- a/p.md
    +++ b/p.md
    @@ -1,2 +1,2 @@
     one
    -two
    \\ No newline at end of file
    +[two](t.md)
    \\ No newline at end of file
    """
    if old == new:
        return ""
    a = old.decode("utf-8", errors="replace").splitlines(keepends=True)
    b = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    path = path.replace("\\", "/")
    out: list[str] = []
    for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", n=context):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace the content of ``path`` by ``data`` atomically, keeping the file's mode (see
    :func:`linkrec.files.write_atomic`)."""
    files.write_atomic(path, data)
