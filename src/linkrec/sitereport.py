"""A whole-site link report: link counts per page, orphans, dead ends, broken links, untaken suggestions.

:func:`build_report` measures a corpus through an open :class:`~linkrec.api.Recommender`;
``render_text``, ``render_json``, ``render_csv`` and ``render_html`` turn the
:class:`SiteReport` into text (pure functions returning ``str``).

Definitions
-----------
internal link
    A link written in a page (inline, autolink, wikilink or reference definition) that resolves
    to *another* corpus page. A reference-style link ``[text][ref]`` is counted once, at its
    definition ``[ref]: url``, which is where its destination is written.
inbound / outbound
    The number of distinct other pages that link to / are linked from a page.
orphan, dead end
    A page with no inbound link; a page with no outbound internal link.
broken link
    A link that looks internal (a relative path, a site-absolute ``/path``, a ``[[wikilink]]``,
    or a URL under the ``base_url`` setting) but resolves to no corpus page and names no
    existing file (an image or download by path, a file beside the corpus such as
    ``../README.md``, or for a wikilink an attachment file name found in the corpus). Links to
    other hosts, ``mailto:`` and other schemes, and pure ``#fragment`` links are never broken.
    Each is reported at the line where its destination is written.
untaken suggestion
    A link suggestion for the page (``Recommender.suggest_file``, which already leaves out the
    pages it links to) scoring at least ``min_score``.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import logging
import math
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np

from . import corpus as corpus_mod
from .corpus import Progress
from .api import Recommender
from .documents import NOTE_KINDS
from .errors import LinkrecError

logger = logging.getLogger(__name__)

__all__ = ["BrokenLink", "PageStats", "SiteTotals", "SiteReport", "build_report",
           "render_text", "render_json", "render_csv", "render_html"]

Warn = Callable[[str], None]

MAX_GRAPH_NODES = 2000
"""Above this many linked pages the HTML graph shows the best-connected ones (plus every orphan)."""

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DRIVE_RE = re.compile(r"^[a-zA-Z]:[\\/]")

REASONS = {
    "path": "no such page",
    "url": "no page at this URL",
    "note": "no such note",
    "label": "no such label or term",
}


# --------------------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class BrokenLink:
    """An internal-looking link whose target is not a corpus page."""

    page: str
    """Corpus-relative path of the page holding the link."""
    line: int
    """1-based line of the link in the page (0 if the page could not be re-read)."""
    target: str
    """The destination as written (for a wikilink, the note name)."""
    text: str
    """The link text a reader sees."""
    kind: str
    """``inline``, ``definition``, ``wikilink`` or ``autolink``."""
    reason: str
    """``no such page`` (relative path), ``no page at this URL`` (site URL) or ``no such note`` (wikilink)."""

    def to_dict(self) -> dict[str, Any]:
        """This broken link as plain JSON-ready data."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class PageStats:
    """Link figures of one page."""

    path: str
    """Path relative to the corpus root, ``/``-separated."""
    title: str
    """The page's title."""
    inbound: int
    """Distinct other pages linking to this page."""
    outbound: int
    """Distinct other pages this page links to."""
    links: int
    """Internal links written in the page (every occurrence; see the module docstring)."""
    links_to: tuple[str, ...]
    """The pages this page links to, sorted."""
    broken: tuple[BrokenLink, ...]
    """Broken internal links of the page, in source order."""
    suggestions: tuple[str, ...]
    """Untaken link suggestions (target paths), best first."""

    @property
    def orphan(self) -> bool:
        """No other page links here."""
        return self.inbound == 0

    @property
    def dead_end(self) -> bool:
        """The page links to no other page."""
        return self.outbound == 0

    @property
    def untaken(self) -> int:
        """Number of untaken link suggestions."""
        return len(self.suggestions)

    def to_dict(self) -> dict[str, Any]:
        """This page's figures as plain JSON-ready data."""
        return {
            "path": self.path,
            "title": self.title,
            "inbound": self.inbound,
            "outbound": self.outbound,
            "links": self.links,
            "orphan": self.orphan,
            "dead_end": self.dead_end,
            "broken_links": [b.to_dict() for b in self.broken],
            "untaken_suggestions": self.untaken,
            "suggestions": list(self.suggestions),
            "links_to": list(self.links_to),
        }


@dataclass(frozen=True, slots=True)
class SiteTotals:
    """Site-wide sums."""

    pages: int
    """Pages in the corpus model."""
    links: int
    """Internal links written (every occurrence)."""
    distinct_links: int
    """Distinct (page, target page) pairs: the edges of the link graph."""
    orphans: int
    """Pages no other page links to."""
    dead_ends: int
    """Pages linking to no other page."""
    broken_links: int
    """Broken internal links."""
    untaken_suggestions: int
    """Link suggestions at or above the minimum score, summed over pages."""

    def to_dict(self) -> dict[str, Any]:
        """The totals as plain JSON-ready data."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class SiteReport:
    """The link report of a whole corpus."""

    corpus: str
    """The corpus folder as given."""
    min_score: float
    """Suggestions scoring below this were not counted."""
    totals: SiteTotals
    """Site-wide sums."""
    pages: tuple[PageStats, ...]
    """One entry per page, sorted by path."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``linkrec report --format json``."""
        return {
            "corpus": self.corpus,
            "min_score": self.min_score,
            "totals": self.totals.to_dict(),
            "pages": [p.to_dict() for p in self.pages],
        }


# --------------------------------------------------------------------------- building

def _internal_kind(kind: str, target: str, base_url: str | None) -> str | None:
    """``path``, ``url`` or ``note`` when a link looks internal, else None (external, mailto:, #fragment)."""
    t = target.strip()
    if kind in NOTE_KINDS:
        return "note" if t.split("#", 1)[0].strip() else None
    if kind == "label":
        return "label" if t else None
    if t.startswith("<") and t.endswith(">"):
        t = t[1:-1].strip()
    if not t or t[0] in "#?":
        return None
    base = base_url.rstrip("/").lower() if base_url else None
    if t.startswith("//"):
        if base and urlsplit("x:" + t).netloc.lower() == urlsplit(base).netloc:
            return "url"
        return None
    if _SCHEME_RE.match(t) and not _DRIVE_RE.match(t):
        low = t.lower()
        if base and low.startswith(base) and (len(low) == len(base) or low[len(base)] in "/?#"):
            return "url"
        return None
    return "url" if t.startswith("/") else "path"


def _is_file(root: Path, page: str, target: str, base_url: str | None) -> bool:
    """True if a relative or site-absolute ``target`` names an existing file (an image, a download,
    or a file beside the corpus such as ``../README.md``)."""
    t = target.strip()
    if t.startswith("<") and t.endswith(">"):
        t = t[1:-1].strip()
    base = base_url.rstrip("/") if base_url else None
    if base and t.lower().startswith(base.lower()):
        t = t[len(base):] or "/"
    path = unquote(urlsplit(t).path)
    if not path:
        return False
    rel = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    return bool(rel) and os.path.isfile(os.path.normpath(os.path.join(root, rel)))


def _file_names(root: Path) -> set[str]:
    """Lower-cased names of every file under ``root`` (hidden folders skipped)."""
    names: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        names.update(f.lower() for f in filenames)
    return names


class _Attachments:
    """Answers "is there a file of this name in the corpus?" for wikilinks, listing the folder once."""

    def __init__(self, root: Path, extensions: Sequence[str]) -> None:
        self._root = root
        self._page_exts = tuple(e.lower() for e in extensions)
        self._names: set[str] | None = None

    def has(self, target: str) -> bool:
        """True for ``[[photo.png]]`` when some ``photo.png`` exists in the corpus (Obsidian
        attachments), and for ``[[Daily/2024-01-02]]`` when a page file of that name exists
        though it is not indexed (left out by the ``ignore`` setting, or unreadable)."""
        name = posixpath.basename(target.split("#", 1)[0].split("|", 1)[0].strip()).lower()
        if not name:
            return False
        ext = posixpath.splitext(name)[1]
        if self._names is None:
            self._names = _file_names(self._root)
        if ext and ext not in self._page_exts:
            return name in self._names  # an attachment
        return any(n in self._names for n in ([name] if ext else [name + e for e in self._page_exts]))


def build_report(rec: Recommender, *, min_score: float, progress: Progress | None = None,
                 warn: Warn | None = None) -> SiteReport:
    """Measure the links of every page of an open corpus.

    Parameters
    ----------
    rec : Recommender
        The open (up-to-date) model of the corpus.
    min_score : float
        Count link suggestions scoring at least this, in [0, 1].
    progress : callable, optional
        Called as ``progress(done, total)`` after each page's suggestions.
    warn : callable, optional
        Called with a one-line message for a page that could not be re-read (default: log it).

    Returns
    -------
    SiteReport
        Per-page figures sorted by path, and the site totals.

    Raises
    ------
    LinkrecError
        If ``min_score`` is outside [0, 1].

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tea.md").write_text("# Tea\\n\\nGreen tea, see [coffee](coffee.md) and [gone](gone.md).")
    >>> _ = (d / "coffee.md").write_text("# Coffee\\n\\nCoffee is brewed from beans.")
    >>> report = build_report(Recommender.open(d, d / ".model"), min_score=0.5)
    >>> report.totals.orphans, report.totals.dead_ends, report.totals.broken_links
    (1, 1, 1)
    >>> b = report.pages[1].broken[0]
    >>> f"{b.page}:{b.line}", b.target, b.reason
    ('tea.md:3', 'gone.md', 'no such page')
    """
    if not 0.0 <= min_score <= 1.0:
        raise LinkrecError(f"min_score must be between 0 and 1, got {min_score}")
    warn = warn or (lambda m: logger.warning("%s", m))
    index = rec.index
    resolver = index.resolver
    base_url = rec.settings.base_url
    root = Path(rec.corpus)
    attachments = _Attachments(root, rec.settings.extensions)
    total = len(index.records)
    pages: list[PageStats] = []
    for i, r in enumerate(index.records):
        links = 0
        suspects = False
        for kind, target, _text in r.links:
            if kind == "reference":
                continue  # counted at its definition
            hit = resolver.resolve(target, r.path, kind=kind)
            if hit is not None:
                if hit != r.path:
                    links += 1
            elif _internal_kind(kind, target, base_url) is not None:
                suspects = True
        broken = _broken_links(rec, r.path, attachments, warn) if suspects else ()
        suggestions: tuple[str, ...] = ()
        try:
            found = rec.suggest_file(root / r.path, keywords=0, min_score=min_score)
            suggestions = tuple(s.target for s in found.links)
        except LinkrecError as exc:
            warn(f"{r.path}: no suggestions: {exc}")
        out = index.out_links[i]
        pages.append(PageStats(
            path=r.path, title=r.title, inbound=int(index.inbound[i]), outbound=len(out), links=links,
            links_to=tuple(sorted(index.records[int(j)].path for j in out)), broken=broken,
            suggestions=suggestions,
        ))
        if progress:
            progress(i + 1, total)
    pages.sort(key=lambda p: p.path)
    totals = SiteTotals(
        pages=len(pages),
        links=sum(p.links for p in pages),
        distinct_links=sum(p.outbound for p in pages),
        orphans=sum(p.orphan for p in pages),
        dead_ends=sum(p.dead_end for p in pages),
        broken_links=sum(len(p.broken) for p in pages),
        untaken_suggestions=sum(p.untaken for p in pages),
    )
    return SiteReport(str(rec.corpus), float(min_score), totals, tuple(pages))


def _broken_links(rec: Recommender, path: str, attachments: _Attachments,
                  warn: Warn) -> tuple[BrokenLink, ...]:
    """Re-read and parse one page, and return its broken internal links with their lines."""
    root = Path(rec.corpus)
    base_url = rec.settings.base_url
    resolver = rec.index.resolver
    record = rec.index.records[rec.index.path_ids[path]]
    try:
        text, _ = corpus_mod.read_text(root / path, display=path,
                                       max_bytes=int(rec.settings.max_page_mb * 1e6))
        found = [(lk.kind, lk.target, lk.text, lk.line)
                 for lk in corpus_mod.parse_page(text, path, rec.settings).links]
    except LinkrecError as exc:
        warn(f"{exc}; broken links of {path} reported without line numbers")
        found = [(kind, target, text, 0) for kind, target, text in record.links]
    out: list[BrokenLink] = []
    for kind, target, text, line in found:
        if kind == "reference":
            continue
        what = _internal_kind(kind, target, base_url)
        if what is None or resolver.resolve(target, path, kind=kind) is not None:
            continue
        if attachments.has(target) if what == "note" else _is_file(root, path, target, base_url):
            continue
        out.append(BrokenLink(path, line, target, text, kind, REASONS[what]))
    return tuple(out)


# --------------------------------------------------------------------------- text, JSON, CSV

def render_text(report: SiteReport) -> str:
    """The totals, the broken links as ``page:line``, then one line per page.

    Parameters
    ----------
    report : SiteReport
        The report to render.

    Returns
    -------
    str
        Plain text ending with a newline.
    """
    t = report.totals
    rows = [
        ("pages", t.pages, ""),
        ("internal links", t.links, f"{t.distinct_links} distinct page-to-page links"),
        ("orphans", t.orphans, "no inbound links"),
        ("dead ends", t.dead_ends, "no outbound internal links"),
        ("broken links", t.broken_links, ""),
        ("untaken suggestions", t.untaken_suggestions, f"score >= {report.min_score:.2f}"),
    ]
    out = [f"link report for {report.corpus}", ""]
    for label, value, note in rows:
        out.append(f"  {label:<20}{value:>8}" + (f"  ({note})" if note else ""))
    out.append("")
    broken = [b for p in report.pages for b in p.broken]
    if broken:
        out.append("broken links:")
        for b in broken:
            out.append(f"  {b.page}:{b.line}  {b.target}  ({b.reason})")
        out.append("")
    out.append(f"{'in':>5} {'out':>5} {'broken':>6} {'untaken':>7}  {'flags':<17} page")
    for p in report.pages:
        flags = ",".join(f for f, on in (("orphan", p.orphan), ("dead-end", p.dead_end)) if on)
        out.append(f"{p.inbound:>5} {p.outbound:>5} {len(p.broken):>6} {p.untaken:>7}  {flags or '-':<17} {p.path}")
    return "\n".join(out) + "\n"


def render_json(report: SiteReport) -> str:
    """``SiteReport.to_dict()`` as indented JSON (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("path", "title", "inbound", "outbound", "links", "orphan", "dead_end", "broken_links",
               "untaken_suggestions", "broken", "suggestions")
"""Columns of ``render_csv``; ``broken`` is ``line:target`` items and ``suggestions`` target paths,
each joined with ``" | "``."""


def render_csv(report: SiteReport) -> str:
    """One CSV row per page (columns :data:`CSV_COLUMNS`, booleans as ``true``/``false``).

    Parameters
    ----------
    report : SiteReport
        The report to render.

    Returns
    -------
    str
        RFC 4180 CSV with a header row.
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for p in report.pages:
        w.writerow([
            _cell(p.path), _cell(p.title), p.inbound, p.outbound, p.links, str(p.orphan).lower(),
            str(p.dead_end).lower(), len(p.broken), p.untaken,
            _cell(" | ".join(f"{b.line}:{b.target}" for b in p.broken)), _cell(" | ".join(p.suggestions)),
        ])
    return buf.getvalue()


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula: one starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (OWASP's advice).

    >>> _cell("=HYPERLINK(1)"), _cell("a.md")
    ("'=HYPERLINK(1)", 'a.md')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --------------------------------------------------------------------------- graph layout

def _layout(n: int, edges: np.ndarray, *, seed: int = 0, iterations: int | None = None) -> np.ndarray:
    """Spring layout of ``n`` nodes; returns ``(n, 2)`` positions, the longer axis horizontal.

    Fruchterman-Reingold with two changes that keep big sites readable: repulsion grows with
    the square root of each node's degree (hubs get room around them), and a gravity pulling
    every node to the centre keeps small components close. ``edges`` is an ``(m, 2)`` integer
    array of undirected edges. All pairs repel: O(n^2) time and memory per iteration, fine for a
    few thousand nodes. Positions are centred, rotated onto their principal axes and scaled so
    the larger half-extent is 1.
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-0.5, 0.5, size=(n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    src = edges[:, 0] if len(edges) else np.zeros(0, dtype=np.int64)
    dst = edges[:, 1] if len(edges) else np.zeros(0, dtype=np.int64)
    deg = np.ones(n, dtype=np.float32)
    np.add.at(deg, src, 1)
    np.add.at(deg, dst, 1)
    mass = np.sqrt(deg)
    strength = (k * k) * mass[:, None] * mass[None, :]
    if iterations is None:
        iterations = 300 if n <= 1500 else 200 if n <= 2500 else 120
    temp = 0.1
    cool = (0.002 / temp) ** (1.0 / iterations)
    gravity = np.float32(1.5)
    for _ in range(iterations):
        dx = pos[:, 0][:, None] - pos[:, 0][None, :]
        dy = pos[:, 1][:, None] - pos[:, 1][None, :]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-6, out=d2)
        rep = strength / d2
        disp = np.stack([(dx * rep).sum(axis=1), (dy * rep).sum(axis=1)], axis=1)
        if len(src):
            e = pos[src] - pos[dst]
            f = e * np.sqrt((e * e).sum(axis=1))[:, None] / k
            np.subtract.at(disp, src, f)
            np.add.at(disp, dst, f)
        disp -= gravity * pos * np.sqrt((pos * pos).sum(axis=1))[:, None] / k
        length = np.sqrt((disp * disp).sum(axis=1))[:, None]
        np.maximum(length, 1e-9, out=length)
        pos += disp / length * np.minimum(length, temp)
        temp *= cool
    out = pos.astype(np.float64)
    out -= out.mean(axis=0)
    _, vecs = np.linalg.eigh(out.T @ out)
    out = out @ vecs[:, ::-1]  # principal axis first (horizontal)
    out *= np.sign(out[np.argmax(np.abs(out), axis=0), [0, 1]])  # a fixed orientation, whatever the solver's signs
    scaled: np.ndarray = out / max(float(np.abs(out).max()), 1e-9)
    return scaled


def _fit(pos: np.ndarray, x0: float, y0: float, w: float, h: float) -> list[tuple[float, float]]:
    """Scale ``pos`` into the box ``(x0, y0, w, h)``, centred; the axes may stretch by up to 1.5x
    relative to each other so a round drawing fills a wide box."""
    if len(pos) == 0:
        return []
    lo = pos.min(axis=0)
    span = pos.max(axis=0) - lo
    sx = w / span[0] if span[0] > 1e-9 else math.inf
    sy = h / span[1] if span[1] > 1e-9 else math.inf
    if not (math.isfinite(sx) or math.isfinite(sy)):
        return [(x0 + w / 2, y0 + h / 2)] * len(pos)
    sx, sy = min(sx, 1.5 * sy), min(sy, 1.5 * sx)
    ox = x0 + (w - span[0] * sx) / 2 if math.isfinite(sx) else x0 + w / 2
    oy = y0 + (h - span[1] * sy) / 2 if math.isfinite(sy) else y0 + h / 2
    sx = sx if math.isfinite(sx) else 0.0
    sy = sy if math.isfinite(sy) else 0.0
    return [(ox + float(a - lo[0]) * sx, oy + float(b - lo[1]) * sy) for a, b in pos]


def _place_labels(items: Sequence[tuple[float, float, float, str]], width: float,
                  height: float) -> list[tuple[float, float, str, str]]:
    """Greedy label placement: for each ``(x, y, radius, text)`` try right, left, above, below the
    node and keep the first spot that overlaps no placed label; drop the label otherwise.
    Returns ``(x, y, text-anchor, text)``."""
    placed: list[tuple[float, float, float, float]] = []
    out: list[tuple[float, float, str, str]] = []
    for x, y, r, text in items:
        w, h = 6.6 * len(text) + 4, 14.0
        spots = ((x + r + 3, y + 4, "start", x + r + 3, y - h / 2),
                 (x - r - 3, y + 4, "end", x - r - 3 - w, y - h / 2),
                 (x, y - r - 4, "middle", x - w / 2, y - r - 4 - h + 3),
                 (x, y + r + 13, "middle", x - w / 2, y + r + 2))
        for tx, ty, anchor, bx, by in spots:
            if bx < 0 or bx + w > width or by < 0 or by + h > height:
                continue
            if all(bx + w <= px or px + pw <= bx or by + h <= py or py + ph <= by for px, py, pw, ph in placed):
                placed.append((bx, by, w, h))
                out.append((tx, ty, anchor, text))
                break
    return out


# --------------------------------------------------------------------------- HTML

def _hub_threshold(inbound: Sequence[int]) -> int:
    """Inbound count from which a page is drawn as a hub: the top 2% of pages, and at least 3."""
    if not inbound:
        return 3
    ranked = sorted(inbound, reverse=True)
    k = max(1, math.ceil(0.02 * len(ranked)))
    return max(3, ranked[k - 1])


def _category(p: PageStats, hub_min: int) -> str:
    """The node colour class of a page."""
    if p.orphan and p.dead_end:
        return "iso"
    if p.orphan:
        return "orph"
    if p.dead_end:
        return "dead"
    if p.inbound >= hub_min:
        return "hub"
    return "norm"


def _e(text: object) -> str:
    """HTML-escape any value (quotes too, safe in attributes)."""
    return html.escape(str(text), quote=True)


def _short(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters with an ellipsis."""
    return text if len(text) <= n else text[: n - 1] + "…"


def _plural(n: int, word: str) -> str:
    """``1 page``, ``2 pages``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True, slots=True)
class _Graph:
    """The drawn graph: SVG markup, the data its script needs, and what it shows."""

    svg: str
    data: str
    caption: str
    counts: dict[str, int]


def _graph(report: SiteReport, hub_min: int, max_nodes: int, seed: int) -> _Graph:
    """Lay out and draw the link graph (linked pages), with pages that have no link in a grid beside it."""
    pages = report.pages
    ids = {p.path: i for i, p in enumerate(pages)}
    linked = [i for i, p in enumerate(pages) if p.inbound or p.outbound]
    isolated = [i for i, p in enumerate(pages) if not (p.inbound or p.outbound)]
    shown = linked
    note = ""
    if len(linked) > max_nodes:
        degree = {i: pages[i].inbound + pages[i].outbound for i in linked}
        top = set(sorted(linked, key=lambda i: (-degree[i], pages[i].path))[:max_nodes])
        orphans = [i for i in linked if pages[i].orphan and i not in top]
        extra = sorted(orphans, key=lambda i: (-pages[i].outbound, pages[i].path))[:max_nodes]
        shown = sorted(top | set(extra))
        which = ("every orphan" if len(extra) == len(orphans) else
                 f"the {len(extra):,} orphans (of {len(orphans):,}) with the most outbound links")
        note = (f" This site has {len(linked):,} linked pages: the graph shows the {max_nodes:,} with the most "
                f"links plus {which} ({len(shown):,} in all); the table lists every page.")
    local = {g: j for j, g in enumerate(shown)}
    pairs: set[tuple[int, int]] = set()
    directed: list[tuple[int, int]] = []
    for g in shown:
        for t in pages[g].links_to:
            h = ids.get(t)
            if h is None or h not in local:
                continue
            a, b = local[g], local[h]
            directed.append((a, b))
            pairs.add((min(a, b), max(a, b)))
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    small = len(shown) <= 60

    def radius(p: PageStats) -> float:
        """Circle radius: area grows with inbound links."""
        if small:
            return 5.0 + 2.0 * math.sqrt(p.inbound)
        return min(2.6 + 1.1 * math.sqrt(p.inbound), 14.0)

    width, height, pad = 1000.0, 600.0 if not small else 420.0, 22.0
    side = (190.0 if len(isolated) > 40 else 130.0) if isolated else 0.0
    gx, gw = pad, width - 2 * pad - (side + 20.0 if side else 0.0)
    xy = _fit(_layout(len(shown), edges, seed=seed), gx + 10, pad + 10, gw - 20, height - 2 * pad - 20)

    parts = [f'<svg id="graph" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-label="Link graph of {len(pages)} pages" class="{"small" if small else "big"}">',
             '<g id="viewport">']
    if small:  # few pages: one arrow per link, stopping at the target's circle
        parts.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                     'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#7b8794"/>'
                     '</marker></defs>')
        segs = []
        both = set(directed)
        for a, b in sorted(both):
            (x1, y1), (x2, y2) = xy[a], xy[b]
            length = math.hypot(x2 - x1, y2 - y1)
            if length < 1e-6:
                continue
            ra, rb = radius(pages[shown[a]]), radius(pages[shown[b]]) + 2
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            shift = 2.5 if (b, a) in both else 0.0  # links both ways: two arrows side by side
            sx, sy = -uy * shift, ux * shift
            segs.append(f'<line x1="{x1 + ux * ra + sx:.1f}" y1="{y1 + uy * ra + sy:.1f}" '
                        f'x2="{x2 - ux * rb + sx:.1f}" y2="{y2 - uy * rb + sy:.1f}"/>')
        parts.append(f'<g class="edges arrows">{"".join(segs)}</g>')
    else:
        d = "".join(f"M{xy[a][0]:.1f} {xy[a][1]:.1f}L{xy[b][0]:.1f} {xy[b][1]:.1f}" for a, b in sorted(pairs))
        parts.append(f'<path class="edges" d="{d}"/>')
    parts.append('<path id="hl-out" class="hl out" d=""/><path id="hl-in" class="hl in" d=""/>')
    counts = {"hub": 0, "norm": 0, "orph": 0, "dead": 0, "iso": 0, "brk": 0}
    for p in pages:  # the legend counts every page, drawn or not
        counts[_category(p, hub_min)] += 1
        counts["brk"] += bool(p.broken)
    order = sorted(range(len(shown)), key=lambda j: (pages[shown[j]].inbound, pages[shown[j]].path))
    for j in order:  # small nodes first, so hubs are drawn on top
        p = pages[shown[j]]
        cat = _category(p, hub_min)
        tip = (f"{p.path}\n{p.title}\n{p.inbound} inbound · {p.outbound} outbound · "
               f"{len(p.broken)} broken · {p.untaken} untaken suggestions")
        parts.append(f'<circle class="n {cat}{" brk" if p.broken else ""}" cx="{xy[j][0]:.1f}" cy="{xy[j][1]:.1f}" '
                     f'r="{radius(p):.1f}" data-i="{j}" data-path="{_e(p.path)}"><title>{_e(tip)}</title></circle>')
    if small:
        named = sorted(range(len(shown)), key=lambda j: (-pages[shown[j]].inbound, pages[shown[j]].path))
    else:
        named = sorted((j for j in range(len(shown)) if pages[shown[j]].inbound >= hub_min),
                       key=lambda j: (-pages[shown[j]].inbound, pages[shown[j]].path))[:16]
    labels = _place_labels([(xy[j][0], xy[j][1], radius(pages[shown[j]]),
                             _short(pages[shown[j]].title or pages[shown[j]].path, 30)) for j in named],
                           gx + gw, height)
    for tx, ty, anchor, text in labels:
        parts.append(f'<text class="lbl" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{_e(text)}</text>')
    if isolated:
        x0 = width - pad - side
        parts.append(f'<line class="sep" x1="{x0 - 12:.0f}" y1="{pad:.0f}" x2="{x0 - 12:.0f}" y2="{height - pad:.0f}"/>')
        parts.append(f'<text class="strip" x="{x0:.0f}" y="{pad + 8:.0f}">{_plural(len(isolated), "page")}</text>')
        parts.append(f'<text class="strip" x="{x0:.0f}" y="{pad + 24:.0f}">with no links in or out</text>')
        grid_top = pad + 40
        drawn = isolated[:max_nodes]
        if len(drawn) < len(isolated):
            parts.append(f'<text class="strip" x="{x0:.0f}" y="{height - pad + 14:.0f}">'
                         f'(the first {len(drawn):,} are drawn)</text>')
        cell = min(14.0, math.sqrt(side * (height - pad - grid_top) / len(drawn)))
        per_row = max(1, int(side // cell))
        for k, g in enumerate(drawn):
            p = pages[g]
            cx = x0 + (k % per_row) * cell + cell / 2
            cy = grid_top + (k // per_row) * cell + cell / 2
            tip = f"{p.path}\n{p.title}\nno inbound or outbound links · {p.untaken} untaken suggestions"
            parts.append(f'<circle class="n iso{" brk" if p.broken else ""}" cx="{cx:.1f}" cy="{cy:.1f}" '
                         f'r="{max(1.0, cell * 0.36):.1f}" data-path="{_e(p.path)}"><title>{_e(tip)}</title></circle>')
    parts.append("</g></svg>")
    caption = (f"{_plural(len(shown), 'linked page')} and {_plural(len(pairs), 'link')} (either direction). "
               f"Linked pages sit close together; circle size grows with inbound links. Hover a page to see its "
               f"links (blue: out, orange: in); click it to find it in the table; scroll to zoom, drag to pan."
               f"{note}")
    data = json.dumps({"xy": [[round(x, 1), round(y, 1)] for x, y in xy], "e": directed}, separators=(",", ":"))
    return _Graph("\n".join(parts), data, caption, counts)


_CSS = """
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#dfe4ea;--bg:#f6f7f9;--card:#fff;
--hub:#1c64d8;--norm:#98a6b5;--orph:#e8590c;--dead:#8e44ad;--iso:#d6336c;--brk:#111}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:18px 28px 6px}
h1{font-size:20px;margin:0 0 2px}
h2{font-size:16px;margin:0 0 8px}
.sub{color:var(--muted);font-size:13px}
main{padding:0 28px 40px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:14px 0 18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;text-align:left;
font:inherit;color:inherit}
button.card{cursor:pointer}
button.card:hover{border-color:#9fb3c8}
button.card[aria-pressed="true"]{outline:2px solid var(--ink)}
.card .v{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}
.card .k{color:var(--muted);font-size:12.5px}
.card.bad .v{color:#c92a2a}
.card.orph .v{color:var(--orph)}
.card.dead .v{color:var(--dead)}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:18px}
.gh{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 18px;margin-bottom:6px}
.gh h2{margin:0}
#graph{width:100%;height:auto;max-height:74vh;display:block;cursor:grab;background:#fff;user-select:none}
#graph.drag{cursor:grabbing}
.edges{stroke:#52606d;stroke-opacity:.13;stroke-width:.6;fill:none}
.small .edges line{stroke:#7b8794;stroke-opacity:.9;stroke-width:1.1;marker-end:url(#arrow)}
.hl{fill:none;stroke-width:1.3;stroke-opacity:.85}
.hl.out{stroke:#1c64d8}.hl.in{stroke:#e8590c}
.n{stroke:#fff;stroke-width:.6;cursor:pointer}
.n.norm{fill:var(--norm)}.n.hub{fill:var(--hub)}.n.orph{fill:var(--orph)}.n.dead{fill:var(--dead)}.n.iso{fill:var(--iso)}
.n.brk{stroke:var(--brk);stroke-width:1.4}
.n:hover{stroke:#000;stroke-width:2}
.fade .n:not(.nb){opacity:.2}.fade .edges,.fade .edges line{stroke-opacity:.05}.fade .lbl{opacity:.3}
.lbl{font-size:12px;font-weight:600;fill:#102a43;paint-order:stroke;stroke:#fff;stroke-width:3.5px;
stroke-linejoin:round;pointer-events:none}
.small .lbl{font-weight:500}
.sep{stroke:var(--line);stroke-width:1}
.strip{font-size:12px;fill:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;color:var(--muted)}
.legend span{display:inline-flex;align-items:center;gap:5px}
.legend b{color:var(--ink);font-weight:600}
.dot{width:11px;height:11px;border-radius:50%;display:inline-block}
.dot.ring{background:#fff;border:1.6px solid var(--brk)}
.chip.small{font-size:12px;padding:2px 10px;margin-left:auto}
.caption{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.tools{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:10px}
#q{flex:1 1 260px;max-width:420px;padding:7px 10px;border:1px solid #c6cfd9;border-radius:7px;font:inherit}
.chip{border:1px solid #c6cfd9;background:#fff;border-radius:999px;padding:5px 12px;cursor:pointer;font:inherit;color:inherit}
.chip[aria-pressed="true"]{background:var(--ink);color:#fff;border-color:var(--ink)}
#count{color:var(--muted);margin-left:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{text-align:left;background:#fafbfc;position:sticky;top:0;z-index:1}
th button{all:unset;cursor:pointer;font-weight:600}
th button:focus-visible{outline:2px solid var(--hub)}
th[aria-sort="ascending"] button::after{content:" ▲";font-size:10px}
th[aria-sort="descending"] button::after{content:" ▼";font-size:10px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num.z{color:#b8c1cc}
tr.hit{background:#fff6d6}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.title{color:var(--muted);font-size:12px}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;margin-left:6px;color:#fff;vertical-align:1px}
th.num,td.num{width:72px}
th.det{width:24%}
.badge.orph{background:var(--orph)}.badge.dead{background:var(--dead)}.badge.brk{background:#c92a2a}.badge.hub{background:var(--hub)}
details summary{cursor:pointer;color:var(--hub)}
details ul{margin:4px 0 0;padding-left:18px}
.tablewrap{max-height:80vh;overflow:auto;border:1px solid var(--line);border-radius:8px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px}
"""

_JS = r"""
(function(){
"use strict";
var body=document.body, table=document.getElementById("pages"), tbody=table.tBodies[0];
var rows=Array.prototype.slice.call(tbody.rows), q=document.getElementById("q");
var count=document.getElementById("count"), filters={};
var sortKey="path", sortDir=1;
function val(tr,key){var v=tr.getAttribute("data-"+key);return key==="path"?v:Number(v);}
function sortBy(key,dir){
  sortKey=key;sortDir=dir;
  rows.sort(function(a,b){var x=val(a,key),y=val(b,key);
    if(x<y)return -dir; if(x>y)return dir; var p=a.getAttribute("data-path"),o=b.getAttribute("data-path");
    return p<o?-1:p>o?1:0;});
  var frag=document.createDocumentFragment();rows.forEach(function(r){frag.appendChild(r);});tbody.appendChild(frag);
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th){
    if(th.getAttribute("data-key")===key)th.setAttribute("aria-sort",dir>0?"ascending":"descending");
    else th.removeAttribute("aria-sort");});
  body.setAttribute("data-sort",key+"-"+(dir>0?"asc":"desc"));
}
function apply(){
  var text=q.value.trim().toLowerCase(), shown=0;
  rows.forEach(function(tr){
    var ok=!text||tr.getAttribute("data-text").indexOf(text)>=0;
    for(var f in filters){if(filters[f]&&tr.getAttribute("data-"+f)!=="1")ok=false;}
    tr.hidden=!ok; if(ok)shown++;});
  count.textContent=shown+" of "+rows.length+" pages";
  body.setAttribute("data-shown",String(shown));
  document.querySelectorAll("[data-filter]").forEach(function(b){
    b.setAttribute("aria-pressed",filters[b.getAttribute("data-filter")]?"true":"false");});
  saveHash();
}
function saveHash(){
  var parts=["sort="+sortKey+"-"+(sortDir>0?"asc":"desc")], on=[];
  for(var f in filters){if(filters[f])on.push(f);}
  if(on.length)parts.push("only="+on.join(","));
  if(q.value)parts.push("q="+encodeURIComponent(q.value));
  try{history.replaceState(null,"","#"+parts.join("&"));}catch(e){}
}
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th){
  var key=th.getAttribute("data-key"), b=th.querySelector("button"); if(!b)return;
  b.addEventListener("click",function(){
    var num=key!=="path", dir=sortKey===key?-sortDir:(num?-1:1); sortBy(key,dir); saveHash();});
});
q.addEventListener("input",apply);
document.querySelectorAll("[data-filter]").forEach(function(b){
  b.addEventListener("click",function(){var f=b.getAttribute("data-filter");filters[f]=!filters[f];apply();
    if(b.classList.contains("card"))document.getElementById("table").scrollIntoView({behavior:"smooth"});});
});
// Graph: hover highlights a page's links, click finds it in the table, wheel zooms, drag pans.
var svg=document.getElementById("graph"), data=JSON.parse(document.getElementById("graph-data").textContent);
var outs={}, ins={};
data.e.forEach(function(e){(outs[e[0]]=outs[e[0]]||[]).push(e[1]);(ins[e[1]]=ins[e[1]]||[]).push(e[0]);});
var hlOut=document.getElementById("hl-out"), hlIn=document.getElementById("hl-in"), nodes={};
svg.querySelectorAll("circle[data-i]").forEach(function(c){nodes[c.getAttribute("data-i")]=c;});
function seg(a,b){var p=data.xy[a],r=data.xy[b];return "M"+p[0]+" "+p[1]+"L"+r[0]+" "+r[1];}
function focus(i){
  var o=outs[i]||[], n=ins[i]||[];
  hlOut.setAttribute("d",o.map(function(j){return seg(i,j);}).join(""));
  hlIn.setAttribute("d",n.map(function(j){return seg(j,i);}).join(""));
  svg.classList.add("fade");
  [i].concat(o,n).forEach(function(j){if(nodes[j])nodes[j].classList.add("nb");});
}
function unfocus(){hlOut.setAttribute("d","");hlIn.setAttribute("d","");svg.classList.remove("fade");
  svg.querySelectorAll(".nb").forEach(function(c){c.classList.remove("nb");});}
svg.addEventListener("mouseover",function(ev){var c=ev.target;if(c.hasAttribute&&c.hasAttribute("data-i"))focus(Number(c.getAttribute("data-i")));});
svg.addEventListener("mouseout",function(ev){if(ev.target.hasAttribute&&ev.target.hasAttribute("data-i"))unfocus();});
var vb=svg.viewBox.baseVal, base={x:vb.x,y:vb.y,w:vb.width,h:vb.height}, drag=null, moved=false;
svg.addEventListener("click",function(ev){
  var c=ev.target; if(moved||!c.getAttribute||!c.getAttribute("data-path"))return;
  q.value=c.getAttribute("data-path"); filters={}; apply();
  rows.forEach(function(r){r.classList.toggle("hit",r.getAttribute("data-path")===q.value);});
  document.getElementById("table").scrollIntoView({behavior:"smooth"});
});
svg.addEventListener("wheel",function(ev){
  ev.preventDefault(); var r=svg.getBoundingClientRect(), s=ev.deltaY>0?1.15:1/1.15;
  var mx=vb.x+(ev.clientX-r.left)/r.width*vb.width, my=vb.y+(ev.clientY-r.top)/r.height*vb.height;
  var w=Math.min(base.w*1.5,Math.max(base.w/20,vb.width*s)), k=w/vb.width;
  vb.x=mx-(mx-vb.x)*k; vb.y=my-(my-vb.y)*k; vb.width=w; vb.height=vb.height*k;
},{passive:false});
svg.addEventListener("mousedown",function(ev){drag={x:ev.clientX,y:ev.clientY,vx:vb.x,vy:vb.y};moved=false;svg.classList.add("drag");});
window.addEventListener("mousemove",function(ev){if(!drag)return;var r=svg.getBoundingClientRect();
  var dx=ev.clientX-drag.x, dy=ev.clientY-drag.y; if(Math.abs(dx)+Math.abs(dy)>3)moved=true;
  vb.x=drag.vx-dx/r.width*vb.width; vb.y=drag.vy-dy/r.height*vb.height;});
window.addEventListener("mouseup",function(){drag=null;svg.classList.remove("drag");});
document.getElementById("reset").addEventListener("click",function(){vb.x=base.x;vb.y=base.y;vb.width=base.w;vb.height=base.h;});
// Initial view from the URL: #sort=inbound-desc&only=orphan,broken&q=text
var h={}; location.hash.replace(/^#/,"").split("&").forEach(function(kv){var i=kv.indexOf("=");
  if(i>0)h[kv.slice(0,i)]=decodeURIComponent(kv.slice(i+1));});
if(h.only)h.only.split(",").forEach(function(f){if(document.querySelector('[data-filter="'+f+'"]'))filters[f]=true;});
if(h.q)q.value=h.q;
var sm=/^(path|inbound|outbound|links|broken|untaken)-(asc|desc)$/.exec(h.sort||"");
sortBy(sm?sm[1]:"path",sm&&sm[2]==="desc"?-1:1);
apply();
body.setAttribute("data-ready","1");
})();
"""


def render_html(report: SiteReport, *, max_graph_nodes: int = MAX_GRAPH_NODES, seed: int = 0) -> str:
    """One self-contained HTML page: totals cards, the link graph, a sortable and filterable table.

    Everything is inline (CSS, JavaScript, an SVG drawing); the page loads nothing from the
    network. The graph's layout is computed here (a seeded spring layout), so the same report
    always gives the same file.

    Parameters
    ----------
    report : SiteReport
        The report to render.
    max_graph_nodes : int, default 2000
        Draw at most this many linked pages (the best connected) plus every orphan; pages with
        no link at all are drawn in a grid under the graph.
    seed : int, default 0
        Seed of the layout.

    Returns
    -------
    str
        The HTML document.
    """
    from .store import LINKREC_VERSION

    t = report.totals
    hub_min = _hub_threshold([p.inbound for p in report.pages])
    graph = _graph(report, hub_min, max_graph_nodes, seed)
    name = os.path.basename(os.path.normpath(report.corpus)) or report.corpus
    cards = [
        ("", "", t.pages, "pages"),
        ("", "", t.links, f"internal links ({t.distinct_links:,} distinct page pairs)"),
        ("orphan", "orph", t.orphans, "orphans: no inbound links"),
        ("deadend", "dead", t.dead_ends, "dead ends: no outbound links"),
        ("hasbroken", "bad" if t.broken_links else "", t.broken_links, "broken links"),
        ("hasuntaken", "", t.untaken_suggestions, f"untaken suggestions (score ≥ {report.min_score:.2f})"),
    ]
    card_html = []
    for filt, cls, value, label in cards:
        inner = f'<div class="v">{value:,}</div><div class="k">{_e(label)}</div>'
        if filt:
            card_html.append(f'<button type="button" class="card {cls}" data-filter="{filt}" aria-pressed="false" '
                             f'title="Show only these pages in the table">{inner}</button>')
        else:
            card_html.append(f'<div class="card {cls}">{inner}</div>')
    rows_html = "\n".join(_table_row(p, hub_min) for p in report.pages)
    c = graph.counts
    legend = "".join(
        f'<span><i class="dot" style="background:var(--{v})"></i>{_e(k)} <b>{n:,}</b></span>' for v, k, n in (
            ("hub", f"hub (≥ {hub_min} inbound)", c["hub"]), ("norm", "linked both ways", c["norm"]),
            ("orph", "orphan (links out only)", c["orph"]),
            ("dead", "dead end (linked to only)", c["dead"]),
            ("iso", "no links at all", c["iso"]))
    ) + (f'<span><i class="dot ring"></i>has broken links <b>{c["brk"]:,}</b></span>')
    headers = "".join(
        f'<th data-key="{k}"{" class=num" if k != "path" else ""} scope="col" title="{_e(tip)}">'
        f'<button type="button">{_e(label)}</button></th>'
        for k, label, tip in (
            ("path", "Page", "Path and title"), ("inbound", "In", "Distinct pages linking here"),
            ("outbound", "Out", "Distinct pages this page links to"),
            ("links", "Links", "Internal links written in the page"), ("broken", "Broken", "Broken internal links"),
            ("untaken", "Untaken", f"Link suggestions scoring at least {report.min_score:.2f}"))
    ) + '<th scope="col" class="det">Details</th>'
    chips = "".join(
        f'<button type="button" class="chip" data-filter="{f}" aria-pressed="false">{_e(label)}</button>'
        for f, label in (("orphan", "orphans"), ("deadend", "dead ends"), ("hasbroken", "broken links"),
                         ("hasuntaken", "with suggestions"))
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="linkrec {_e(LINKREC_VERSION)}">
<title>Link report: {_e(name)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Link report: {_e(name)}</h1>
<div class="sub">{_e(report.corpus)} · {_plural(t.pages, "page")} · linkrec {_e(LINKREC_VERSION)}</div>
</header>
<main>
<section class="cards" aria-label="Site totals">
{"".join(card_html)}
</section>
<section class="panel" aria-label="Link graph">
<div class="gh"><h2>Link graph</h2><div class="legend">{legend}</div>
<button type="button" class="chip small" id="reset">reset zoom</button></div>
{graph.svg}
<script id="graph-data" type="application/json">{graph.data}</script>
<p class="caption">{_e(graph.caption)}</p>
</section>
<section class="panel" id="table" aria-label="Pages">
<h2>Pages</h2>
<div class="tools">
<input id="q" type="search" placeholder="Filter by path or title…" aria-label="Filter by path or title">
<span class="sub">only:</span>{chips}
<span id="count">{len(report.pages)} of {len(report.pages)} pages</span>
</div>
<div class="tablewrap">
<table id="pages">
<thead><tr>{headers}</tr></thead>
<tbody>
{rows_html}
</tbody>
</table>
</div>
</section>
</main>
<script>{_JS}</script>
</body>
</html>
"""


def _num_cell(v: int) -> str:
    """A right-aligned number cell (zeros greyed)."""
    return f'<td class="num{" z" if v == 0 else ""}">{v:,}</td>'


def _table_row(p: PageStats, hub_min: int) -> str:
    """One ``<tr>`` of the pages table; ``data-*`` attributes drive sorting and filtering."""
    badges = []
    if p.orphan:
        badges.append('<span class="badge orph">orphan</span>')
    if p.dead_end:
        badges.append('<span class="badge dead">dead end</span>')
    if p.broken:
        badges.append(f'<span class="badge brk">{len(p.broken)} broken</span>')
    if p.inbound >= hub_min:
        badges.append('<span class="badge hub">hub</span>')
    detail = ""
    if p.broken or p.suggestions:
        items = [f'<li class="b"><code>{_e(p.path)}:{b.line}</code> → <code>{_e(b.target)}</code> '
                 f'<span class="title">{_e(b.reason)}</span></li>' for b in p.broken]
        items += [f'<li>link to <code>{_e(s)}</code></li>' for s in p.suggestions]
        what = ", ".join(x for x in (f"{len(p.broken)} broken" if p.broken else "",
                                     f"{p.untaken} suggested" if p.untaken else "") if x)
        detail = f'<details><summary>{_e(what)}</summary><ul>{"".join(items)}</ul></details>'
    search = f"{p.path}\n{p.title}".lower()
    return (
        f'<tr data-path="{_e(p.path)}" data-text="{_e(search)}" data-inbound="{p.inbound}" '
        f'data-outbound="{p.outbound}" data-links="{p.links}" data-broken="{len(p.broken)}" '
        f'data-untaken="{p.untaken}" data-orphan="{int(p.orphan)}" data-deadend="{int(p.dead_end)}" '
        f'data-hasbroken="{int(bool(p.broken))}" data-hasuntaken="{int(bool(p.untaken))}">'
        f'<td><div class="path">{_e(p.path)}</div><div class="title">{_e(p.title)}{"".join(badges)}</div></td>'
        f'{_num_cell(p.inbound)}{_num_cell(p.outbound)}{_num_cell(p.links)}{_num_cell(len(p.broken))}'
        f'{_num_cell(p.untaken)}<td>{detail}</td></tr>'
    )
