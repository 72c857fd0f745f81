"""Resolve the links a page writes to the corpus pages they point at.

Handles relative Markdown paths (``../a/b.md#x``, with or without the extension, folder index
pages), site URLs (front matter ``url``/``permalink``/``slug``, or ``base_url`` + path), and
Obsidian-style ``[[wikilinks]]`` (path, then unique file name, then title or alias).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .analysis import composed
from .documents import NOTE_KINDS
from .settings import EXTENSIONS

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
INDEX_NAMES = ("index", "_index", "README", "readme")
"""File names (without extension) of a folder's own page: ``a/b/index.md`` is served at ``/a/b/``."""
_POST_RE = re.compile(r"(?:^|/)_posts/(?:.*/)?(\d{4})-(\d{2})-(\d{2})-([^/]+)$")
"""A Jekyll post, ``_posts/2023-05-01-slug.md``: served at ``/2023/05/01/slug.html`` (after its
categories, if any) unless its front matter gives a permalink."""
_LIQUID_BASE_RE = re.compile(r"^\{\{\s*site\.(?:baseurl|url)\s*\}\}")
"""Jekyll's ``{{site.baseurl}}`` before a path (``[a]({{site.baseurl}}/about/)``, which CommonMark
reads as a link when it holds no space)."""
_TARGETS_MAX = 200_000
"""Destinations remembered by a resolver, at most (the cache is emptied when full)."""


@dataclass(frozen=True, slots=True)
class PageKey:
    """What the resolver needs to know of one page."""

    path: str
    title: str
    aliases: tuple[str, ...]
    url: str | None
    labels: tuple[str, ...] = ()
    """Cross-reference names the page defines, lower-cased (MyST targets; ``term:NAME``)."""
    redirects: tuple[str, ...] = ()
    """Other site paths the page is served at (Hugo ``aliases: [/old/url/]``)."""


def _norm_url(url: str) -> str:
    """Normalise a site path for lookup: no scheme/host, no slashes at the ends, no .html, lower case."""
    parts = urlsplit(composed(url))
    p = unquote(parts.path).strip("/").lower()
    if p.endswith(".html") or p.endswith(".htm"):
        p = p.rsplit(".", 1)[0]
    return p


def _name(text: str) -> str:
    """Case- and space-insensitive lookup form of a title or file name."""
    return " ".join(composed(text).replace("_", " ").replace("-", " ").lower().split())


class Resolver:
    """Maps link destinations written in a page to corpus paths.

    Examples
    --------
    >>> r = Resolver([PageKey("a/b.md", "Bee", (), None), PageKey("c.md", "Sea", ("ocean",), "/sea/")])
    >>> r.resolve("../c.md#top", "a/b.md"), r.resolve("/sea", "a/b.md"), r.resolve("ocean", "a/b.md", kind="wikilink")
    ('c.md', 'c.md', 'c.md')
    """

    def __init__(self, pages: Sequence[PageKey], *, extensions: Iterable[str] = EXTENSIONS,
                 base_url: str | None = None) -> None:
        self._extensions = tuple(extensions)
        self._base = base_url.rstrip("/") if base_url else None
        self._base_path = urlsplit(self._base).path.rstrip("/") if self._base else ""
        """The path of ``base_url`` ("/docs" for a site served under https://example.org/docs/)."""
        self._paths: dict[str, str] = {}
        self._lower_paths: dict[str, str] = {}
        self._stems: dict[str, list[str]] = {}
        self._names: dict[str, list[str]] = {}
        self._urls: dict[str, str] = {}
        self._slugs: dict[str, list[str]] = {}
        self._labels: dict[str, str] = {}
        self._targets: dict[str, tuple[str | None, str | None]] = {}
        """Cache of :meth:`_parse_target` (pages link to the same destinations again and again)."""
        self._folder: tuple[str | None, str] = (None, "")
        """The last linking page and its folder."""
        for p in pages:
            for label in p.labels:
                self._labels.setdefault(composed(label), p.path)
            key = composed(p.path)
            self._paths[key] = p.path
            self._lower_paths.setdefault(key.lower(), p.path)
            stem = posixpath.splitext(key)[0]
            self._paths.setdefault(stem, p.path)
            self._lower_paths.setdefault(stem.lower(), p.path)
            base = posixpath.basename(stem)
            self._stems.setdefault(_name(base), []).append(p.path)
            for n in {p.title, *p.aliases}:
                if n:
                    self._names.setdefault(_name(n), []).append(p.path)
            if p.url:
                u = _norm_url(p.url)
                if "/" in u or p.url.startswith("/") or self._base is not None:
                    self._urls.setdefault(u, p.path)
                self._slugs.setdefault(u.rsplit("/", 1)[-1], []).append(p.path)
            for old in p.redirects:
                self._urls.setdefault(_norm_url(old), p.path)
            post = _POST_RE.search(stem)
            if post:  # Jekyll's default post URL, /2023/05/01/slug.html, or by its slug after categories
                year, month, day, slug = post.groups()
                self._urls.setdefault(f"path:{year}/{month}/{day}/{slug}".lower(), p.path)
                self._slugs.setdefault(slug.lower(), []).append(p.path)
            # path rule: a/b.md and a/b/index.md are served at /a/b/
            site = stem
            leaf = posixpath.basename(stem)
            if leaf in INDEX_NAMES:
                site = posixpath.dirname(stem)
            self._urls.setdefault("path:" + site.lower(), p.path)

    def assume_site_path(self, links: Iterable[tuple[str, str, str]]) -> str:
        """Without ``base_url``, take the site's path from its own links and return it ("" if none).

        A docs folder served under a path (Docusaurus serves ``docs/`` at ``/docs/``) links its
        pages as ``/docs/intro``, which no page's path matches. When more of the site's
        root-relative links (``links``: ``(linking page, kind, destination)``) resolve without one
        leading segment than as written, it is the same segment for at least 3 of them, and most
        links under that segment resolve without it, the site is served under that path:
        ``/docs/intro`` is then the page ``intro.md``, as if ``base_url`` ended in ``/docs``. A
        site whose root-relative links mostly resolve as written (its other links, to pages in
        another language, say, are not its own) keeps none. Links that resolve neither way (to the
        site's blog, outside the corpus) and links to files that are not pages
        (``/img/logo.png``) do not count.

        >>> r = Resolver([PageKey("intro.md", "Intro", (), None), PageKey("guides/setup.md", "Setup", (), None)])
        >>> links = [("intro.md", "inline", "/docs/guides/setup"), ("guides/setup.md", "inline", "/docs/intro#a"),
        ...          ("intro.md", "inline", "/docs/guides/setup.md")]
        >>> r.resolve("/docs/intro", "guides/setup.md"), r.assume_site_path(links), r.resolve("/docs/intro", "x.md")
        (None, '/docs', 'intro.md')
        """
        if self._base_path:
            return ""
        written = 0  # root-relative links that resolve as written
        fixed: dict[str, int] = {}  # first segment -> links that resolve without it
        under: dict[str, int] = {}  # first segment -> links
        for source, kind, target in links:
            t = target.strip()
            if kind in NOTE_KINDS or kind == "label" or not t.startswith("/") or t.startswith("//"):
                continue
            ext = posixpath.splitext(urlsplit(t).path)[1].lower()
            if ext and ext not in self._extensions and ext not in (".html", ".htm"):
                continue  # an image, a PDF: no page, with or without a site path
            if self.resolve(t, source, kind=kind) is not None:
                written += 1
                continue
            head, sep, rest = t[1:].partition("/")
            under[head] = under.get(head, 0) + 1
            if sep and rest and self.resolve("/" + rest, source, kind=kind) is not None:
                fixed[head] = fixed.get(head, 0) + 1
        if not fixed:
            return ""
        head = max(sorted(fixed), key=lambda h: fixed[h])
        if fixed[head] < 3 or fixed[head] <= written or 2 * fixed[head] <= under[head]:
            return ""
        self._base_path = "/" + head
        self._targets.clear()
        return self._base_path

    def _lookup_path(self, path: str) -> str | None:
        """Find a corpus path from a normalised relative path (extension optional; ``"."``: the
        corpus root's index page)."""
        if path == ".":
            path = ""
        if path in self._paths:
            return self._paths[path]
        low = path.lower()
        if low in self._lower_paths:
            return self._lower_paths[low]
        root, ext = posixpath.splitext(path)
        if ext.lower() in (".html", ".htm"):
            return self._lookup_path(root)
        for name in INDEX_NAMES:
            for e in self._extensions:
                hit = self._paths.get(posixpath.join(path, name + e))
                if hit:
                    return hit
        return None

    def _lookup_site(self, url_path: str) -> str | None:
        """Find a page by its site URL path (front matter url/permalink/slug, or the path rule)."""
        key = _norm_url(url_path)
        hit = self._urls.get(key)
        if hit:
            return hit
        hit = self._urls.get("path:" + key)
        if hit:
            return hit
        slug = key.rsplit("/", 1)[-1]
        cands = self._slugs.get(slug, [])
        return cands[0] if len(cands) == 1 else None

    def resolve(self, target: str, source: str, *, kind: str | None = None) -> str | None:
        """The corpus path ``target`` (written in page ``source``) points to, or None.

        ``source`` is the linking page's corpus path; a page outside the corpus passes a path
        relative to the corpus root as if it lived there (e.g. its file name). ``kind`` is the
        link's kind (:attr:`linkrec.documents.Link.kind`): a ``wikilink`` resolves the Obsidian way; a ``ref`` (Hugo ``ref``/``relref``, Jekyll ``link``) from the
        page's folder, then from the site root, then by unique file name.

        >>> r = Resolver([PageKey("docs/install.md", "Install", (), None), PageKey("a.md", "A", (), None)])
        >>> r.resolve("docs/install.md", "docs/links.md", kind="ref"), r.resolve("install", "a.md", kind="ref")
        ('docs/install.md', 'docs/install.md')
        """
        target = composed(target.strip())
        source = composed(source)
        if not target:
            return None
        if kind in NOTE_KINDS:
            return self._resolve_wikilink(target)
        if kind == "label":
            return self._labels.get(" ".join(target.split()).lower())
        if kind == "ref":
            path = unquote(urlsplit(target).path)
            return (self.resolve(path, source) or self._lookup_path(posixpath.normpath(path.lstrip("/")))
                    or self._unique_name(path))
        known = self._targets.get(target)
        if known is None:
            if len(self._targets) >= _TARGETS_MAX:
                self._targets.clear()
            known = self._targets[target] = self._parse_target(target)
        path, hit = known
        if path is None:
            return hit
        last_source, folder = self._folder
        if last_source != source:
            folder = posixpath.dirname(source)
            self._folder = (source, folder)
        joined = posixpath.normpath(posixpath.join(folder, path))
        if joined.startswith("../"):
            joined = posixpath.normpath(path)
        hit = self._lookup_path(joined)
        if hit is None:
            hit = self._lookup_site(joined)
        if hit is None and self._labels and "/" not in path and "." not in path:
            hit = self._labels.get(path.lower())  # MyST: [text](label)
        return hit

    def _parse_target(self, target: str) -> tuple[str | None, str | None]:
        """What resolving a (stripped, non-wiki) destination needs: ``(relative path, None)`` when
        it depends on the linking page's folder, else ``(None, the page it resolves to or None)``."""
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        if target.startswith("{"):
            target = _LIQUID_BASE_RE.sub("", target) or "/"
        if _SCHEME_RE.match(target) and not re.match(r"^[a-zA-Z]:[\\/]", target):
            if self._base and target.lower().startswith(self._base.lower()):
                return None, self._lookup_site(target[len(self._base):] or "/")
            return None, None
        if target.startswith("//"):
            return None, None
        parts = urlsplit(target.replace("\\", "/") if "\\" in target and "//" not in target else target)
        path = composed(unquote(parts.path))  # (a backslash separates folders, as browsers read it)
        if not path:
            return None, None  # '#fragment' or '?query' only: the page itself
        if path.startswith("/"):
            hit = self._lookup_path(posixpath.normpath(path.lstrip("/"))) or self._lookup_site(path)
            if hit is None and self._base_path and path.startswith(self._base_path + "/"):
                return self._parse_target(path[len(self._base_path):])  # "/docs/a/" under base_url ".../docs"
            return None, hit
        return path, None

    def _unique_name(self, path: str) -> str | None:
        """The one page whose file name is ``path``'s (extension optional), or None (none, or several)."""
        cands = self._stems.get(_name(posixpath.splitext(posixpath.basename(path))[0]), [])
        return cands[0] if len(cands) == 1 else None

    def _resolve_wikilink(self, target: str) -> str | None:
        """Obsidian order: exact path, then unique file name, then title or alias."""
        name = target.split("#", 1)[0].strip()
        if not name:
            return None
        path = posixpath.normpath(name.lstrip("/"))
        hit = self._lookup_path(path)
        if hit:
            return hit
        for e in self._extensions:
            hit = self._lookup_path(path + e)
            if hit:
                return hit
        cands = self._stems.get(_name(posixpath.basename(path)), [])
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1:
            return sorted(cands, key=lambda c: (c.count("/"), c))[0]
        cands = self._names.get(_name(name), [])
        return sorted(cands)[0] if cands else None


def in_corpus(page_rel: str) -> bool:
    """Whether a corpus-relative page path lies inside the corpus."""
    return not (page_rel == ".." or page_rel.startswith("../") or posixpath.isabs(page_rel))


def page_folder(page_rel: str, corpus_root: str | None) -> tuple[str, str]:
    """``(root, folder)``: the corpus root and the page's folder as absolute paths (a virtual
    ``/`` root when ``corpus_root`` is None, so nothing depends on the current directory)."""
    root = posixpath.normpath(corpus_root) if corpus_root else "/"
    rel = page_rel if corpus_root or in_corpus(page_rel) else posixpath.basename(page_rel)
    return root, posixpath.normpath(posixpath.join(root, posixpath.dirname(rel)))


def resolve_link(resolver: Resolver, target: str, kind: str, page_rel: str,
                 corpus_root: str | None = None) -> str | None:
    """The corpus page a link (``target``, ``kind``) of page ``page_rel`` points to, or None.

    ``page_rel`` is the page's path relative to the corpus root, ``../drafts/x.md`` for a draft
    outside it. Such a page resolves its links as if it sat at the corpus root and, given
    ``corpus_root``, also from where it really is (``../corpus/a.md`` from ``../drafts/x.md``).

    >>> r = Resolver([PageKey("a.md", "A", (), None)])
    >>> resolve_link(r, "../site/a.md", "inline", "../drafts/x.md", "/w/site"), resolve_link(r, "a.md", "inline", "../x.md")
    ('a.md', 'a.md')
    """
    if in_corpus(page_rel):
        return resolver.resolve(target, page_rel, kind=kind)
    hit = resolver.resolve(target, posixpath.basename(page_rel), kind=kind)
    if hit is not None or kind in NOTE_KINDS or corpus_root is None:
        return hit
    parts = urlsplit(target.strip().removeprefix("<").removesuffix(">"))
    path = unquote(parts.path)
    if not path or path.startswith("/") or parts.scheme or parts.netloc:
        return None
    root, folder = page_folder(page_rel, corpus_root)
    rel = posixpath.relpath(posixpath.normpath(posixpath.join(folder, path)), root)
    return resolver.resolve("/" + rel, "x") if in_corpus(rel) else None
