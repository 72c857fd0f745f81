"""Find the pages of a corpus folder, read and parse them into compact records.

``scan`` lists the files (skipping hidden folders, folders of dependencies and build output
(:data:`SKIPPED_FOLDERS`), folders whose names end in a page extension, and ignore globs);
``read_pages`` parses them, in worker processes on big corpora, into :class:`PageRecord` plus
term counts. One bad page never stops the others: it is reported
as a :class:`Skipped` entry with a one-line reason.
"""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import logging
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import analysis, editions
from .documents import Document
from .errors import CorpusError, ParseError
from .markdown import decode_page, parse_document
from .settings import Settings

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A page file found in the corpus."""

    path: str
    """Path relative to the corpus root, ``/``-separated."""
    size: int
    """Size in bytes."""
    mtime_ns: int
    """Modification time (ns), used as a cheap first check of change."""


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the model keeps of one page (no full text)."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    title: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    url: str | None
    draft: bool
    links: tuple[tuple[str, str, str], ...]
    """``(kind, target as written, link text)`` for every link of the page."""
    n_words: int
    labels: tuple[str, ...] = ()
    """Cross-reference names the page defines (see :attr:`linkrec.documents.Document.labels`)."""
    lang: str | None = None
    """The language its front matter declares (see :mod:`linkrec.editions`)."""
    top_words: tuple[str, ...] = ()
    """Its most frequent words (:func:`linkrec.editions.top_words`), which tell its language."""
    redirects: tuple[str, ...] = ()
    """Other site paths it is served at (:attr:`linkrec.documents.Document.redirects`)."""

    def __reduce__(self) -> tuple[type[PageRecord], tuple[object, ...]]:
        """Pickle as a constructor call: a model holds one record per page, and the generic
        state of a slotted dataclass costs about a third more to save and to load."""
        return (PageRecord, (self.path, self.sha256, self.size, self.mtime_ns, self.title, self.aliases,
                             self.keywords, self.url, self.draft, self.links, self.n_words, self.labels,
                             self.lang, self.top_words, self.redirects))


@dataclass(frozen=True, slots=True)
class Skipped:
    """A page that could not be used, and why."""

    path: str
    reason: str
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """One page's record plus the counts the index is built from."""

    record: PageRecord
    terms: dict[str, int]
    surfaces: dict[str, int]
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the page (broken front matter, no text), without the path."""


def _glob_forms(glob: str) -> tuple[str, ...]:
    """The forms an ``ignore`` glob matches relative paths in (see :func:`scan`).

    >>> _glob_forms("/keep.md"), _glob_forms("**/draft-*.md"), _glob_forms("docs/**/tmp.md")
    (('keep.md',), ('**/draft-*.md', 'draft-*.md'), ('docs/**/tmp.md', 'docs/tmp.md'))
    """
    g = glob.removeprefix("./").lstrip("/") if glob.startswith(("/", "./")) else glob
    forms = [g]
    if g.startswith("**/"):
        forms.append(g[3:])
    forms += [f.replace("/**/", "/") for f in forms if "/**/" in f]
    return tuple(forms)


SKIPPED_FOLDERS = frozenset({"node_modules", "_site", "site-packages", "__pycache__"})
"""Folders never scanned: other projects' pages (npm packages, Python packages; Ruby gems in
``vendor/bundle/`` too) and a generator's output (Jekyll's ``_site/``), whose README and Markdown
files are not the site's pages. (A folder named ``vendor`` alone may be a page: MDN's
``navigator/vendor/``.)"""


def scan(root: Path, settings: Settings) -> list[FileEntry]:
    """List the page files under ``root``, sorted by path.

    Raises
    ------
    CorpusError
        If ``root`` does not exist or is not a folder.
    """
    if not root.exists():
        raise CorpusError(f"{root}: corpus folder not found")
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus is not a folder")
    exts = tuple(e.lower() for e in settings.extensions)
    out: list[FileEntry] = []

    # Globs match the path from the root ("/a.md" and "./a.md" too); "**/x" also matches x at the
    # root and "a/**/b" also matches a/b, as in .gitignore.
    globs = tuple(dict.fromkeys(g2 for g in settings.ignore for g2 in _glob_forms(g)))

    def ignored(rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel + "/", g) for g in globs)

    def onerror(exc: OSError) -> None:
        logger.warning("%s: cannot list folder: %s", exc.filename, exc.strerror)

    # A top-down walk like ``os.walk`` (symlinked folders are not entered), with one stat per file
    # and the relative paths built as it goes.
    folders = [(str(root), "")]
    while folders:
        folder, rel_dir = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            onerror(exc)
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if (name.startswith(".") or name in SKIPPED_FOLDERS or name.lower().endswith(exts)
                        or (name == "bundle" and rel_dir.endswith("vendor/")) or ignored(rel_dir + name)):
                    continue
                try:
                    is_link = entry.is_symlink()
                except OSError:
                    is_link = False
                if not is_link:
                    folders.append((os.path.join(folder, name), rel_dir + name + "/"))
                continue
            if name.startswith(".") or not name.lower().endswith(exts):
                continue
            rel = rel_dir + name
            if ignored(rel):
                continue
            full = os.path.join(folder, name)
            try:
                st = entry.stat()
            except OSError as exc:
                logger.warning("%s: cannot stat: %s", full, exc.strerror)
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            out.append(FileEntry(rel, st.st_size, st.st_mtime_ns))
    out.sort(key=lambda e: e.path)
    return out


def read_text(file: Path, *, display: str, max_bytes: int) -> tuple[str, str]:
    """Read and decode a page file; returns ``(text, sha256 of the bytes)``.

    Raises
    ------
    ParseError
        If the file is missing, a folder, unreadable, too large, binary or not UTF-8.
    """
    try:
        if file.is_dir():
            raise ParseError(f"{display}: is a folder, not a page")
        size = file.stat().st_size
        if size > max_bytes:
            raise ParseError(
                f"{display}: page too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:g} MB; raise max_page_mb to index it)"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise ParseError(f"{display}: no such file") from None
    except PermissionError:
        raise ParseError(f"{display}: permission denied") from None
    except OSError as exc:
        raise ParseError(f"{display}: cannot read: {exc.strerror or exc}") from None
    return decode_page(data, display), hashlib.sha256(data).hexdigest()


def page_terms(doc: Document, settings: Settings, *, body_terms: list[str] | None = None) -> dict[str, int]:
    """Term counts of a parsed page: title (with aliases, keywords) and headings weighted up.

    ``body_terms`` is ``analysis.terms(doc.body)`` when the caller already has it.
    """
    counts = Counter(analysis.terms(doc.body) if body_terms is None else body_terms)
    for text, weight in (("\n".join((doc.title, *doc.aliases, *doc.keywords)), settings.title_weight),
                         ("\n".join(doc.headings), settings.heading_weight)):
        for term, c in Counter(analysis.terms(text)).items():
            counts[term] += c * weight
    return dict(counts)


def parse_page(text: str, path: str, settings: Settings, *, placements: bool = True) -> Document:
    """Parse page text with the corpus settings (``placements=False``: without the linkable and
    wrappable spans, which indexing does not need; see :func:`~linkrec.markdown.parse_document`)."""
    return parse_document(text, path, tables_linkable=settings.tables_linkable,
                          headings_linkable=settings.headings_linkable, placements=placements)


def _process(args: tuple[str, str, int, int, Settings]) -> ParsedPage | Skipped:
    """Worker: read, parse and count one page; errors become Skipped."""
    root, rel, size, mtime_ns, settings = args
    try:
        text, digest = read_text(Path(root) / rel, display=rel, max_bytes=int(settings.max_page_mb * 1e6))
        doc = parse_page(text, rel, settings, placements=False)
    except ParseError as exc:
        return Skipped(rel, str(exc), size, mtime_ns)
    # The words of the title and the body (as ``words(title + "\n" + body)``: no word spans a line
    # break), and the body's terms, from one pass over the body.
    body_terms, body_words = analysis.terms_and_words(doc.body)
    words = analysis.words(doc.title) + body_words
    counted = Counter(words)  # once, for the content words' surfaces and the page's top words
    record = PageRecord(
        path=rel, sha256=digest, size=size, mtime_ns=mtime_ns, title=doc.title,
        aliases=doc.aliases, keywords=doc.keywords, url=doc.url,
        draft=doc.draft or rel.startswith("_drafts/") or "/_drafts/" in rel,  # Jekyll's unpublished posts
        links=tuple((lk.kind, lk.target, lk.text) for lk in doc.links), n_words=len(words), labels=doc.labels,
        lang=editions.meta_language(doc.meta), top_words=editions.top_words(counted), redirects=doc.redirects,
    )
    no_body = not doc.body.strip() and not doc.headings
    warnings = (*doc.warnings, "no text to index but its title (only front matter or markup)") if no_body \
        else doc.warnings
    return ParsedPage(record, page_terms(doc, settings, body_terms=body_terms), analysis.count_surfaces(counted),
                      tuple(warnings))


def _jobs(settings: Settings, n: int) -> int:
    """How many worker processes to use for ``n`` pages."""
    if n < 300:
        return 1
    if settings.jobs:
        return settings.jobs
    return max(1, min(8, os.cpu_count() or 1))


def _worker_start() -> None:
    """Start a parsing worker process without the cyclic garbage collector.

    Parsing a page makes many short-lived objects and next to no reference cycles (reference
    counting frees them), but the collector would keep walking them and every object the worker
    started with: about a tenth of a worker's time. The worker ends with :func:`read_pages`.
    """
    gc.disable()


def read_pages(root: Path, entries: Sequence[FileEntry], settings: Settings,
               progress: Progress | None = None) -> tuple[list[ParsedPage], list[Skipped]]:
    """Parse ``entries`` (in worker processes when there are many); order follows ``entries``."""
    tasks = [(str(root), e.path, e.size, e.mtime_ns, settings) for e in entries]
    results: list[ParsedPage | Skipped] = []
    jobs = _jobs(settings, len(tasks))
    total = len(tasks)
    if jobs == 1:
        it: Iterable[ParsedPage | Skipped] = map(_process, tasks)
        for r in it:
            results.append(r)
            if progress:
                progress(len(results), total)
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start) as pool:
            for r in pool.map(_process, tasks, chunksize=64):
                results.append(r)
                if progress and (len(results) % 64 == 0 or len(results) == total):
                    progress(len(results), total)
    parsed = [r for r in results if isinstance(r, ParsedPage)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    return parsed, skipped
