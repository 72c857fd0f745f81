"""The edition of each page: which language and which version of the site it belongs to, so that
a page is offered links to pages of its own edition only (an English page is never told to link
the French version of itself, nor a page of the 2.0 docs a page of the 1.0 docs).

Translated and versioned Markdown sites keep one file per page and edition, in layouts that the
corpus's own paths reveal (nothing to configure):

- **language suffix**: a language code before the extension, beside another version of the same
  page (``about.md`` and ``about.fr.md``: Hugo, mkdocs-static-i18n's suffix structure);
- **parallel folders**: a folder per language or per version, beside another such folder that
  holds the same pages (at least half of the smaller folder's, and at least two for languages,
  five for versions): ``en/about.md``, ``en/faq.md`` and ``fr/about.md``, ``fr/faq.md`` (Hugo's
  ``content/<lang>/``, mkdocs-static-i18n's folder structure), ``v1/…`` and ``v2/…``. Folders
  that only happen to be named like a language or a version hold too few pages in common:
  MDN's ``element/tr/index.md`` and ``element/th/index.md``, or its release notes
  ``releases/5/`` and ``releases/6/``, which share two pages;
- **the generators' own folders**: any language folder inside ``i18n/`` and any ``version-*``
  folder inside ``versioned_docs/`` (Docusaurus, whose current docs stay in ``docs/``).

Front matter ``lang`` or ``language`` wins over the path for the language (jekyll-polyglot). A
language code is an ISO 639-1 language, optionally with a region or script (``pt-br``,
``zh_Hans``), compared lower-cased with ``_`` as ``-``. A version folder is named like ``v2``,
``2.1``, ``1.x`` or ``version-2.0``, or ``current``, ``next``, ``latest``, ``stable`` beside
one of those. A page without a code or version folder is in the site's default edition, ``""``.

The words a language uses most (its function words: "the", "and", "to"; "de", "la", "et") then
decide which of these languages are really different: two languages whose pages share
:data:`SAME_LANGUAGE` of their :data:`TOP_WORDS` most frequent words are one. So the unmarked
pages of a Hugo site and its ``.en.md`` pages are one language, and so are ``lang: en-US`` and
``lang: en-GB``, an English handbook's ``hr/`` and ``it/`` folders, an SDK's ``clients/cs/`` and
``clients/ts/``, or ``socket.md`` and ``socket.io.md``. A site without any of these layouts, or
whose "languages" are all one, is one edition: nothing changes.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

_ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

_CODE_RE = re.compile(r"([a-z]{2})(?:-(?:[a-z]{2}|[0-9]{3}|[a-z]{4}))?")
_VERSION_RE = re.compile(r"(?:v|version[-_]?)?\d+(?:[._-](?:\d+|x))*", re.IGNORECASE)
_NAMED_VERSIONS = frozenset({"current", "next", "latest", "stable"})
"""Version folder names that count only beside a numbered version folder."""
MIN_VERSION_PAGES = 5
"""Pages that two version folders must both hold (and at least half of the smaller one's): MDN's
release notes ``releases/5/`` and ``releases/6/`` share an index and an "Updating add-ons" page."""


TOP_WORDS = 10
"""Most frequent words kept per page (and per language) to tell languages apart."""
SAME_LANGUAGE = 4
"""Top words that two languages share at least when they are one language (English pages share
about 7 of their 10 most frequent words; an English and a French page one or none)."""


def top_words(words: Iterable[str] | Counter[str], n: int = TOP_WORDS) -> tuple[str, ...]:
    """The ``n`` most frequent of ``words`` (which may be counted already; ties in alphabetical
    order).

    >>> top_words("the cat and the hat and the bat".split(), 3)
    ('the', 'and', 'bat')
    """
    counts = words if isinstance(words, Counter) else Counter(words)
    return tuple(w for w, _ in heapq.nsmallest(n, counts.items(), key=lambda x: (-x[1], x[0])))


def normalise(code: str) -> str | None:
    """The language code in canonical form (``"pt_BR"`` -> ``"pt-br"``), or None if it is not one.

    >>> normalise("pt_BR"), normalise("zh-Hans"), normalise("EN"), normalise("js"), normalise("english")
    ('pt-br', 'zh-hans', 'en', None, None)
    """
    c = code.strip().lower().replace("_", "-")
    m = _CODE_RE.fullmatch(c)
    return c if m and m.group(1) in _ISO_639_1 else None


def is_version(name: str) -> bool:
    """Whether a folder is named like a numbered version.

    >>> [is_version(n) for n in ("v2", "2.1", "1.x", "version-2.0", "v1.2.3", "next", "docs", "2fa")]
    [True, True, True, True, True, False, False, False]
    """
    return _VERSION_RE.fullmatch(name) is not None


def meta_language(meta: Mapping[str, object]) -> str | None:
    """The language a page's front matter declares (``lang`` or ``language``), if it is a code."""
    for key in ("lang", "language"):
        value = meta.get(key)
        if isinstance(value, str) and (code := normalise(value)):
            return code
    return None


def _split_suffix(path: str) -> tuple[str, str] | None:
    """``("docs/about", "fr")`` for ``docs/about.fr.md``; None without a code before the extension."""
    stem, dot, _ext = path.rpartition(".")
    if not dot:
        return None
    base, dot, code = stem.rpartition(".")
    lang = normalise(code) if dot and base and not base.endswith("/") else None
    return (base, lang) if lang else None


@dataclass(frozen=True, slots=True)
class Layout:
    """How a site marks the language and the version of its pages (see the module docstring)."""

    suffix_codes: frozenset[str] = frozenset()
    """Language codes used as a file-name suffix beside another version of the page."""
    language_folders: frozenset[str] = frozenset()
    """Language folders, as ``parent/name`` paths (``""`` parent: the corpus root)."""
    version_folders: frozenset[str] = frozenset()
    """Version folders, likewise."""

    def __bool__(self) -> bool:
        return bool(self.suffix_codes or self.language_folders or self.version_folders)

    def language(self, path: str, declared: str | None = None) -> str:
        """The language of the page at ``path`` (relative to the corpus root, ``/`` separators),
        given the language its front matter ``declared`` (``""``: the site's default language).

        >>> site = detect(["a.md", "a.fr.md", "en/b.md", "en/c.md", "de/b.md", "de/c.md", "i18n/ja/c.md"])
        >>> [site.language(p) for p in ("a.fr.md", "a.md", "new.fr.md", "de/x/y.md", "i18n/ja/c.md", "a.xx.md")]
        ['fr', '', 'fr', 'de', 'ja', '']
        >>> site.language("a.fr.md", declared="es")
        'es'
        """
        if declared:
            return declared
        split = _split_suffix(path)
        if split is not None and split[1] in self.suffix_codes:
            return split[1]
        folder = _folder_in(path, self.language_folders)
        return (normalise(folder) or "") if folder else ""

    def version(self, path: str) -> str:
        """The version folder the page at ``path`` lies in (``""``: none, the current version).

        >>> site = detect([f"v{v}/{p}.md" for v in (1, 2) for p in "abcde"] + ["versioned_docs/version-1.0/a.md"])
        >>> [site.version(p) for p in ("docs/a.md", "versioned_docs/version-1.0/a.md", "v2/e.md", "v3/a.md")]
        ['', 'version-1.0', 'v2', '']
        """
        return _folder_in(path, self.version_folders).lower()

    def edition(self, path: str, declared: str | None = None) -> str:
        """The page's language label and version in one key (``""`` on a site in one edition)."""
        return _key(self.language(path, declared), self.version(path))


def _folder_in(path: str, folders: frozenset[str]) -> str:
    """The name of the first folder of ``path`` that is one of ``folders`` (``""``: none)."""
    if not folders:
        return ""
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        if "/".join(parts[:i + 1]) in folders:
            return part
    return ""


def detect(paths: Iterable[str]) -> Layout:
    """The language and version layout of a site with these page paths (see the module docstring)."""
    paths = list(paths)
    versions: dict[str, set[str]] = {}  # path without extension and code -> codes ("" for none)
    for p in paths:
        split = _split_suffix(p)
        if split is not None:
            versions.setdefault(split[0], set()).add(split[1])
        else:
            versions.setdefault(p.rpartition(".")[0] or p, set()).add("")
    suffix = frozenset(c for codes in versions.values() if len(codes) > 1 for c in codes if c)

    def language(name: str) -> bool:
        return normalise(name) is not None

    languages = _parallel(paths, language, 2, "i18n", language)
    numbered = _parallel(paths, lambda name: is_version(name) or name.lower() in _NAMED_VERSIONS, MIN_VERSION_PAGES,
                         "versioned_docs", lambda name: name.lower().startswith("version-"))
    by_parent: dict[str, set[str]] = {}
    for folder in numbered:
        parent, _, name = folder.rpartition("/")
        by_parent.setdefault(parent, set()).add(name)
    version_folders = frozenset(f for f in numbered if is_version(f.rpartition("/")[2])
                                or any(is_version(n) for n in by_parent[f.rpartition("/")[0]]))
    return Layout(suffix, languages, version_folders)


def _parallel(paths: list[str], named: Callable[[str], bool], min_shared: int, home: str,
              in_home: Callable[[str], bool]) -> frozenset[str]:
    """Folders whose name passes ``named`` and that hold the same pages as a sibling of that kind
    (at least ``min_shared``, and at least half of the smaller folder's), plus every folder inside
    a folder called ``home`` whose name passes ``in_home``."""
    below: dict[tuple[str, str], set[str]] = {}  # (parent, folder name) -> paths below it
    names = {part for p in paths for part in p.split("/")[:-1]}
    kind = {n for n in names if named(n)}
    homed = {n for n in names if in_home(n)}
    for p in paths:
        parts = p.split("/")
        for i in range(len(parts) - 1):
            part = parts[i]
            if part in kind or (i and part in homed and parts[i - 1] == home):
                below.setdefault(("/".join(parts[:i]), part), set()).add("/".join(parts[i + 1:]))
    folders: set[str] = set()
    by_parent: dict[str, list[str]] = {}
    for parent, name in below:
        by_parent.setdefault(parent, []).append(name)
    for parent, names in by_parent.items():
        if parent == home or parent.endswith("/" + home):
            folders.update(_join(parent, n) for n in names if in_home(n))
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pa, pb = below[(parent, a)], below[(parent, b)]
                shared = len(pa & pb)
                if shared >= min_shared and 2 * shared >= min(len(pa), len(pb)) and named(a) and named(b):
                    folders.update((_join(parent, a), _join(parent, b)))
    return frozenset(folders)


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def _profile(tops: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The words most often among the top words of a language's pages."""
    return top_words(w for top in tops for w in top)


@dataclass(frozen=True)
class Editions:
    """The edition of every page of a site, built by :meth:`of`."""

    layout: Layout
    keys: np.ndarray
    """Every page's edition key (``""`` throughout on a site in one edition)."""
    languages: Mapping[str, str] = field(default_factory=dict)
    """Language label (from the layout or front matter) -> the language it is one with."""
    profiles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Language -> its most frequent words."""
    common: str = ""
    """The most common edition key."""
    present: frozenset[str] = frozenset()
    """The edition keys of the site."""

    @classmethod
    def of(cls, paths: Sequence[str], declared: Sequence[str | None], tops: Sequence[Sequence[str]]) -> Editions:
        """The editions of the pages at ``paths``, with the languages their front matter
        ``declared`` and their :func:`top_words`.

        >>> fr = ("le", "la", "de", "et", "les", "des", "un", "une", "est", "en")
        >>> en = ("the", "and", "to", "a", "of", "in", "is", "you", "for", "it")
        >>> e = Editions.of(["a.md", "a.fr.md", "b.md", "b.fr.md", "c.io.md", "c.md"], [None] * 6, [en, fr, en, fr, en, en])
        >>> e.keys.tolist(), e.key("new.fr.md", None, lambda: fr), e.key("x.md", "de", lambda: fr)
        (['', 'fr|', '', 'fr|', '', ''], 'fr|', 'fr|')
        """
        layout = detect(paths)
        if not layout and not any(declared):  # one edition (most sites): no words to compare
            return cls(layout, np.full(len(paths), "", dtype=str), {"": ""}, {"": ()}, "", frozenset({""}))
        labels = [layout.language(p, d) for p, d in zip(paths, declared)]
        pages: dict[str, list[int]] = {}
        for i, label in enumerate(labels):
            pages.setdefault(label, []).append(i)
        languages: dict[str, str] = {}
        profiles: dict[str, tuple[str, ...]] = {}
        for label in sorted(pages, key=lambda lb: (-len(pages[lb]), lb)):  # the biggest names the language
            profile = _profile(tops[i] for i in pages[label])
            same = next((lang for lang, p in profiles.items() if len(set(p) & set(profile)) >= SAME_LANGUAGE),
                        None if profile or not profiles else next(iter(profiles)))  # no words: the main language
            if same is None:
                profiles[label] = profile
                same = label
            languages[label] = same
        keys = np.array([_key(languages[lb], layout.version(p)) for lb, p in zip(labels, paths)], dtype=str)
        present, counts = np.unique(keys, return_counts=True)
        common = str(present[int(np.argmax(counts))]) if len(present) else ""
        return cls(layout, keys, languages, profiles, common, frozenset(present.tolist()))

    @property
    def single(self) -> bool:
        """Whether the site is in one edition."""
        return len(self.present) <= 1

    def key(self, path: str, declared: str | None, tops: Callable[[], Sequence[str]]) -> str:
        """The edition key of the page at ``path`` (relative to the corpus root) that declares
        language ``declared``; ``tops()`` gives its :func:`top_words`, asked for only when its
        language label is one no corpus page has. A page of an edition no corpus page is in
        counts as being of the most common edition."""
        label = self.layout.language(path, declared)
        language = self.languages.get(label)
        if language is None:
            mine = set(tops())
            language = max(self.profiles, key=lambda lang: (len(mine & set(self.profiles[lang])), lang == ""),
                           default=None)
            if language is None or len(mine & set(self.profiles[language])) < SAME_LANGUAGE:
                return self.common
        key = _key(language, self.layout.version(path))
        return key if key in self.present else self.common

    def others(self, key: str) -> np.ndarray:
        """Ids of the pages of another edition than ``key``."""
        return np.flatnonzero(self.keys != key)


def _key(language: str, version: str) -> str:
    return f"{language}|{version}" if language or version else ""
