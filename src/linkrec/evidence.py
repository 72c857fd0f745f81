"""The anchor dictionary: which phrases the site's pages use to link to which pages.

Learned at index time from every page's existing links (Gerlach et al. 2021 call the same
statistics an anchor dictionary and link probability). A :class:`Holdout` gives the view of these
statistics without one page's own links, so that training on that page leaks nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from . import analysis
from .index import MAX_PHRASE_WORDS, LinkIndex

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Holdout:
    """One page's own contribution to the learned statistics, to be left out."""

    page: int
    """Id of the page."""
    anchors: Mapping[Key, frozenset[int]] = field(default_factory=dict)
    """Phrase -> targets the page links with that phrase."""
    targets: frozenset[int] = frozenset()
    """Every page the page links to."""


UNSEEN_PAGES = 1.0
"""Pseudo-count of pages without the link added to a phrase's pages when estimating its link
probability: linked on 1 of 1 pages gives 0.5, on 10 of 10 gives 0.91."""


class Holdouts(Mapping[int, "Holdout"]):
    """Page id -> :class:`Holdout`, for every page with an anchor; each built when first asked
    for (learning needs a few hundred of them, not one per page of a big site)."""

    def __init__(self, index: LinkIndex, per_page: dict[int, dict[Key, set[int]]]) -> None:
        self._index = index
        self._per_page = per_page
        self._built: dict[int, Holdout] = {}

    def __getitem__(self, i: int) -> Holdout:
        h = self._built.get(i)
        if h is None:
            keys = self._per_page[i]
            h = self._built[i] = Holdout(i, {k: frozenset(ts) for k, ts in keys.items()},
                                         frozenset(self._index.out_links[i].tolist()))
        return h

    def __iter__(self) -> Iterator[int]:
        return iter(self._per_page)

    def __len__(self) -> int:
        return len(self._per_page)

    def __contains__(self, i: object) -> bool:
        return i in self._per_page


@dataclass(frozen=True, slots=True)
class AnchorStats:
    """Phrase -> target -> number of pages that link the target with the phrase, and how often
    each phrase is a link where it occurs."""

    table: Mapping[Key, Mapping[int, int]]
    """Phrase -> {target id: pages linking it with the phrase}."""
    linking: Mapping[Key, int]
    """Phrase -> pages where the phrase is a link (to any target)."""
    occurring: Mapping[Key, int]
    """Phrase -> pages whose text contains the phrase (from the vocabulary's document counts)."""
    per_page: tuple[tuple[tuple[Key, int], ...], ...] = ()
    """For every page, the ``(phrase, target)`` of its links (kept to refresh cheaply)."""

    @classmethod
    def learn(cls, index: LinkIndex, previous: AnchorStats | None = None) -> tuple[AnchorStats, Holdouts]:
        """Count the anchors of every page's links; also return each page's holdout.

        ``previous`` (the statistics of the index ``index`` refreshed) lends the anchors of the
        pages whose links were carried over.
        """
        by_key: dict[Key, dict[int, set[int]]] = {}
        per_page: dict[int, dict[Key, set[int]]] = {}
        keys: dict[str, Key | None] = {}
        anchors_of: list[tuple[tuple[Key, int], ...]] = []
        old = previous.per_page if previous is not None else ()
        for i in range(len(index.records)):
            mine = old[i] if i in index.reused and i < len(old) else tuple(_page_anchors(index, i, keys))
            anchors_of.append(mine)
            for key, t in mine:
                by_key.setdefault(key, {}).setdefault(t, set()).add(i)
                per_page.setdefault(i, {}).setdefault(key, set()).add(t)
        df = index.doc_freq()
        table = {k: {t: len(p) for t, p in v.items()} for k, v in by_key.items()}
        linking = {k: len(set().union(*v.values())) for k, v in by_key.items()}
        occurring = {k: max(_pages_containing(index, k, df), linking[k]) for k in by_key}
        return cls(table, linking, occurring, tuple(anchors_of)), Holdouts(index, per_page)

    def updated(self, index: LinkIndex) -> AnchorStats:
        """These statistics after a refresh that kept every page under its name: only the pages
        whose links were not carried over (``index.reused``) are counted again."""
        table = {k: dict(v) for k, v in self.table.items()}
        linking = dict(self.linking)
        per_page = list(self.per_page)
        touched: set[Key] = set()
        for i in range(len(index.records)):
            if i in index.reused:
                continue
            old = set(per_page[i]) if i < len(per_page) else set()
            new = set(_page_anchors(index, i))
            per_page[i] = tuple(sorted(new))
            for key, t in old - new:
                table[key][t] -= 1
                if not table[key][t]:
                    del table[key][t]
                touched.add(key)
            for key, t in new - old:
                table.setdefault(key, {})[t] = table.get(key, {}).get(t, 0) + 1
                touched.add(key)
            old_keys, new_keys = {k for k, _ in old}, {k for k, _ in new}
            for key in old_keys - new_keys:
                linking[key] -= 1
            for key in new_keys - old_keys:
                linking[key] = linking.get(key, 0) + 1
        occurring = dict(self.occurring)
        for key in touched:
            if not table.get(key):
                table.pop(key, None)
                linking.pop(key, None)
                occurring.pop(key, None)
                continue
            occurring[key] = max(_pages_containing(index, key, index.doc_freq()), linking[key])
        return AnchorStats(table, linking, occurring, tuple(per_page))

    def targets(self, key: Key, holdout: Holdout | None = None) -> dict[int, int]:
        """Target -> pages linking it with ``key`` (without the holdout page's own links)."""
        counts = self.table.get(key)
        if not counts:
            return {}
        if holdout is None or key not in holdout.anchors:
            return dict(counts)
        mine = holdout.anchors[key]
        out = {t: c - (1 if t in mine else 0) for t, c in counts.items()}
        return {t: c for t, c in out.items() if c > 0}

    def link_probability(self, key: Key, holdout: Holdout | None = None) -> float:
        """Share of the pages containing ``key`` where it is a link, counting :data:`UNSEEN_PAGES`
        more pages where it is not (a phrase linked on the 1 page that has it is not a sure link)."""
        linking = self.linking.get(key, 0)
        occurring = self.occurring.get(key, 0)
        if holdout is not None and key in holdout.anchors:
            linking -= 1
            occurring -= 1
        return linking / (occurring + UNSEEN_PAGES) if linking > 0 and occurring > 0 else 0.0


def _page_anchors(index: LinkIndex, i: int, cache: dict[str, Key | None] | None = None) -> list[tuple[Key, int]]:
    """``(phrase key, target id)`` of every link of page ``i`` that counts as an anchor."""
    cache = {} if cache is None else cache
    out = []
    for (_kind, _target, text), t in zip(index.records[i].links, index.link_targets[i].tolist()):
        if t < 0 or t == i:
            continue
        key = cache.get(text, ())
        if key == ():
            key = analysis.phrase_key(text)
            if not key or len(key) > MAX_PHRASE_WORDS or not any(analysis.is_content_word(w) for w in key):
                key = None
            cache[text] = key
        if key is not None:
            out.append((key, t))
    return out


def own_links(index: LinkIndex, page: int) -> Holdout:
    """Page ``page``'s own contribution to the learned statistics, to score the page as if the
    model had never seen its links (as the ranker was trained)."""
    anchors: dict[Key, set[int]] = {}
    for key, t in _page_anchors(index, page):
        anchors.setdefault(key, set()).add(t)
    return Holdout(page, {k: frozenset(ts) for k, ts in anchors.items()}, frozenset(index.out_links[page].tolist()))


def _pages_containing(index: LinkIndex, key: Key, df: np.ndarray) -> int:
    """Approximate number of pages whose text contains the phrase: the document count of its
    rarest vocabulary term (word pair if any, else word)."""
    terms = analysis.vocab_terms(key)
    pairs = [t for t in terms if " " in t]
    counts = [int(df[j]) for t in (pairs or terms) if (j := index.vocab.get(t)) is not None]
    return min(counts) if counts else 0


def stats_of(index: LinkIndex) -> AnchorStats:
    """The anchor statistics attached to ``index`` (empty if none were learned)."""
    stats = index.extra.get("anchors")
    return stats if isinstance(stats, AnchorStats) else AnchorStats({}, {}, {})
