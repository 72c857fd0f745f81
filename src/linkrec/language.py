"""The language of each page of a translated site, so that a page is offered links to pages of
its own language only (an English page is never told to link the French version of itself).

Translated Markdown sites keep one file per page and language, in one of two layouts that the
corpus's own paths reveal (nothing to configure):

- **suffix**: a language code before the extension, beside another version of the same page
  (``about.md`` and ``about.fr.md``: Hugo, mkdocs-static-i18n's suffix structure);
- **folder**: a folder per language, beside another language's folder that holds the same pages
  (at least two, and at least half of the smaller folder's: ``en/about.md``, ``en/faq.md`` and
  ``fr/about.md``, ``fr/faq.md``: Hugo's ``content/<lang>/``, mkdocs-static-i18n's folder
  structure), or any language folder inside an ``i18n`` folder (Docusaurus). Folders that only
  happen to be named like a language (MDN's ``element/tr/index.md`` and ``element/th/index.md``)
  hold one page each, so they are not taken for translations.

Front matter ``lang`` or ``language`` wins over both (jekyll-polyglot). A code is an ISO 639-1
language, optionally with a region or script (``pt-br``, ``zh_Hans``); codes are compared
lower-cased with ``_`` as ``-``. A page without a code is in the site's default language, ``""``.
A site without either layout and without front matter languages is one language: nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

_CODE_RE = re.compile(r"([a-z]{2})(?:-(?:[a-z]{2}|[0-9]{3}|[a-z]{4}))?")


def normalise(code: str) -> str | None:
    """The code in canonical form (``"pt_BR"`` -> ``"pt-br"``), or None if it is not a language code.

    >>> normalise("pt_BR"), normalise("zh-Hans"), normalise("EN"), normalise("js"), normalise("english")
    ('pt-br', 'zh-hans', 'en', None, None)
    """
    c = code.strip().lower().replace("_", "-")
    m = _CODE_RE.fullmatch(c)
    return c if m and m.group(1) in _ISO_639_1 else None


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
    """How a site marks the language of its pages (see the module docstring)."""

    suffix_codes: frozenset[str] = frozenset()
    """Codes used as a file-name suffix beside another version of the page."""
    folders: frozenset[str] = frozenset()
    """Language folders, as ``parent/code`` paths (``""`` parent: the corpus root)."""

    def __bool__(self) -> bool:
        return bool(self.suffix_codes or self.folders)

    def language(self, path: str, declared: str | None = None) -> str:
        """The language of the page at ``path`` (relative to the corpus root, ``/`` separators),
        given the language its front matter ``declared``.

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
        parts = path.split("/")[:-1]
        for i, part in enumerate(parts):
            code = normalise(part)
            if code and "/".join(parts[:i + 1]) in self.folders:
                return code
        return ""


def detect(paths: Iterable[str]) -> Layout:
    """The language layout of a site with these page paths (see the module docstring)."""
    paths = list(paths)
    versions: dict[str, set[str]] = {}  # path without extension and code -> codes ("" for none)
    for p in paths:
        split = _split_suffix(p)
        if split is not None:
            versions.setdefault(split[0], set()).add(split[1])
        else:
            versions.setdefault(p.rpartition(".")[0] or p, set()).add("")
    suffix = frozenset(c for codes in versions.values() if len(codes) > 1 for c in codes if c)
    # folder layout: under one parent, two language folders holding the same relative path
    below: dict[tuple[str, str], set[str]] = {}  # (parent, folder named by a code) -> paths below it
    for p in paths:
        parts = p.split("/")
        for i in range(len(parts) - 1):
            if normalise(parts[i]):
                below.setdefault(("/".join(parts[:i]), parts[i]), set()).add("/".join(parts[i + 1:]))
    folders: set[str] = set()
    by_parent: dict[str, list[str]] = {}
    for parent, name in below:
        by_parent.setdefault(parent, []).append(name)
    for parent, codes in by_parent.items():
        if parent == "i18n" or parent.endswith("/i18n"):
            folders.update(_join(parent, c) for c in codes)
            continue
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                pa, pb = below[(parent, a)], below[(parent, b)]
                shared = len(pa & pb)
                if shared >= 2 and 2 * shared >= min(len(pa), len(pb)):
                    folders.update((_join(parent, a), _join(parent, b)))
    return Layout(suffix, frozenset(folders))


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
