"""Inbound suggestions: which existing pages should link *to* a page, and with which phrase.

Candidate sources come from the index, not from a scan of the site: the postings of the page's
title, alias and keyword terms (and of the phrases other pages already use to link to it), plus
the pages most similar to it. Only the best few candidates are read and parsed, to find the
phrase and compute the same evidence features that ``suggest`` uses, so a source's inbound score
for a page equals that page's score in the source's own suggestions.
"""

from __future__ import annotations

import fnmatch
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import analysis, features, learn, rank
from . import anchors as anchors_mod
from . import corpus as corpus_mod
from .documents import Document, Mention
from .errors import ParseError
from .evidence import own_links, stats_of
from .ignore import IgnoreRules
from .index import LinkIndex
from .results import Anchor, InboundSuggestion, InboundReport
from .settings import Settings

PARSE_CANDIDATES = 15
"""Candidate sources read and parsed per request, at least (twice ``limit`` when that is more);
the best by a cheap pre-score: mentions the page's names, then similarity."""
POSTINGS_CAP = 400
"""Pages taken from one phrase's postings at most (the most similar first)."""


@dataclass(frozen=True, slots=True)
class _Source:
    """A parsed candidate source page (cached between calls)."""

    doc: Document
    runs: list[list[anchors_mod.Word]]
    code: list[tuple[int, int, list[anchors_mod.Word]]]


@dataclass(frozen=True, slots=True)
class _Raw:
    """A candidate source page as read, not parsed (cached between calls)."""

    key: tuple[str, int, int]
    """Its path, size and mtime when read."""
    text: str
    keys: frozenset[str] | None
    """The matching key of every word of the text (:attr:`linkrec.anchors.Word.key`): a
    superset of the words of its linkable text and inline code, where mentions are found. None
    for a text in a script written without spaces, whose linkable words may be parts of its
    words."""


class SourceCache:
    """Small LRU caches of source pages, read and parsed, keyed by path, size and mtime."""

    def __init__(self, corpus: Path, settings: Settings, size: int = 512) -> None:
        self.corpus, self.settings, self.size = corpus, settings, size
        self._items: OrderedDict[tuple[str, int, int], _Source] = OrderedDict()
        self._raw: OrderedDict[tuple[str, int, int], _Raw] = OrderedDict()

    def _key(self, path: str) -> tuple[str, int, int] | None:
        try:
            st = (self.corpus / path).stat()
        except OSError:
            return None
        return (path, st.st_size, st.st_mtime_ns)

    def raw(self, path: str) -> _Raw | None:
        """The page's text and word keys, or None if it cannot be read now."""
        key = self._key(path)
        return None if key is None else self._read(key)

    def _read(self, key: tuple[str, int, int]) -> _Raw | None:
        hit = self._raw.get(key)
        if hit is not None:
            self._raw.move_to_end(key)
            return hit
        path = key[0]
        try:
            text, _ = corpus_mod.read_text(self.corpus / path, display=path,
                                           max_bytes=int(self.settings.max_page_mb * 1e6))
        except ParseError:
            return None
        forms = analysis.word_forms
        keys = None if analysis.UNSPACED_RE.search(text) else frozenset(
            forms(w)[1] for w in analysis.part_words(text))
        raw = _Raw(key, text, keys)
        _put(self._raw, key, raw, self.size)
        return raw

    def parsed(self, raw: _Raw) -> _Source:
        """The page read as ``raw``, parsed."""
        hit = self._items.get(raw.key)
        if hit is not None:
            self._items.move_to_end(raw.key)
            return hit
        doc = corpus_mod.parse_page(raw.text, raw.key[0], self.settings)
        src = _Source(doc, anchors_mod.linkable_words(doc), anchors_mod.code_runs(doc))
        _put(self._items, raw.key, src, self.size)
        return src


def _put(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    """Add to an LRU cache of at most ``size`` items."""
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


def _learned_keys(index: LinkIndex, target: int) -> list[tuple[str, ...]]:
    """Phrases other pages use to link to ``target``."""
    cached: dict[int, list[tuple[str, ...]]] | None = index.__dict__.get("_anchor_keys")
    if cached is None:
        cached = {}
        for key, targets in stats_of(index).table.items():
            for t in targets:
                cached.setdefault(t, []).append(key)
        index.__dict__["_anchor_keys"] = cached
    return cached.get(target, [])


def inbound(index: LinkIndex, text: str, *, path: str | None, corpus_rel: str | None, settings: Settings,
            cache: SourceCache, limit: int = 10, min_score: float = 0.0,
            rules: IgnoreRules | None = None) -> InboundReport:
    """Rank the corpus pages that should link to the page ``text``."""
    rules = rules or IgnoreRules()
    display = path or "<text>"
    page = features.analyse_page(index, text, corpus_rel=corpus_rel, display=display, settings=settings)
    if page.doc.draft or (corpus_rel and any(fnmatch.fnmatch(corpus_rel, g) for g in settings.exclude_targets)):
        return InboundReport(display, ())  # never a link target: suggest offers it to no page
    target = page.self_id
    tid = -1 if target is None else target
    names: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for source_kind, texts in (("title", (page.doc.title,)), ("alias", page.doc.aliases),
                               ("keyword", page.doc.keywords)):
        for t in texts:
            key = analysis.phrase_key(t)
            if key and len(key) <= 6:
                names.setdefault(key, []).append((tid, source_kind))
    if target is not None:
        for key in _learned_keys(index, target):
            names.setdefault(key, []).append((tid, "anchor"))
    # --- candidate sources from the index
    sims = page.sims
    blocked = {target} if target is not None else set()
    if target is not None:
        blocked |= index.inlinks()[target]
    blocked.update(page.other_editions.tolist())
    pre: dict[int, float] = {}
    postings = index.postings()
    for key in names:
        cols = [index.vocab.get(t) for t in analysis.vocab_terms(key)]
        cols = [c for c in cols if c is not None]
        if not cols:
            continue
        col = max(cols, key=lambda c: float(index.idf[c]))  # the rarest term of the phrase
        rows = postings.indices[postings.indptr[col]:postings.indptr[col + 1]]
        if len(rows) > POSTINGS_CAP:
            rows = rows[np.argsort(-sims[rows], kind="stable")[:POSTINGS_CAP]]
        for r in rows:
            pre[int(r)] = max(pre.get(int(r), 0.0), 1.0)
    n_parse = max(PARSE_CANDIDATES, 2 * limit)
    for r in rank.neighbours(sims, n_parse * 2, target):
        pre.setdefault(int(r), 0.0)
    order = sorted((r for r in pre if r not in blocked
                    and not rank.is_copy(page.doc.title, index.records[r].title, float(sims[r]))),  # its own copy
                   key=lambda r: (-(pre[r] + float(sims[r])), index.records[r].path))[:n_parse]
    # --- exact evidence for the best candidates
    q = page.q
    cues = features.learned_cues(index)
    title_cols = np.array(sorted({index.vocab[t] for t in analysis.terms(page.doc.title)
                                  if " " not in t and t in index.vocab}), dtype=np.int64)
    idf_title = index.idf[title_cols]
    title_words = frozenset(analysis.words(page.doc.title))
    rows_out: list[InboundSuggestion] = []
    feats_list: list[np.ndarray] = []
    meta: list[tuple[int, _Raw, _Source | None, list[Mention], list[str]]] = []
    stats = stats_of(index)
    for s in order:
        rec = index.records[s]
        if rules.blocks_target(rec.path, corpus_rel or "") or (corpus_rel and corpus_rel in rules.targets):
            continue
        if target is None and corpus_rel and any(index.resolver.resolve(t, rec.path, kind=k) == corpus_rel
                                                 for k, t, _ in rec.links):
            continue  # already links to this page, which the model does not hold (a draft, an ignored page)
        raw = cache.raw(rec.path)
        if raw is None:
            continue
        holdout = own_links(index, s)
        found: list[Mention] = []
        src = None
        if _may_name(raw.keys, names):  # else it mentions the page nowhere: not parsed (yet)
            src = cache.parsed(raw)
            found = [m for m in anchors_mod.find_mentions(index, src.runs, table=names, code=src.code,
                                                          text=src.doc.text).get(tid, [])
                     if m.source != "anchor" or target in stats.targets(m.key, holdout)]
        s_row = index.matrix[s]
        s_sims = index.similarities(s_row)
        s_sims[s] = -1.0
        cos = float((s_row @ q.T).sum())
        if target is not None:
            s_sims[target] = cos
        rank_ = 1.0 + float((s_sims > cos).sum())
        near = rank.neighbours(s_sims, settings.neighbours, s)
        cocite = 0.0
        if target is not None and len(near):
            w = s_sims[near]
            cocite = float(sum(wj for j, wj in zip(near, w) if target in index.out_links[int(j)].tolist())
                           / (float(w.sum()) or 1.0))
        passage = 0.0
        src_text = src.doc.text if src is not None else ""  # no mention (found) without a parse
        if found:
            first = min(m.start for m in found)
            window = features.passage(src_text, first)
            passage = float((index.vectorize(dict(_count(analysis.terms(window)))) @ q.T).sum())
        weights = dict(zip(s_row.indices.tolist(), s_row.data.tolist()))
        inbound_count = int(index.inbound[target]) if target is not None else 0
        title_share = float(idf_title[np.isin(title_cols, s_row.indices)].sum() / idf_title.sum()) if len(
            title_cols) else 0.0
        feats_list.append(rank.pair_features(index, found, cos=cos, rank=rank_, cocite=cocite, inbound=inbound_count,
                                             passage=passage, text_len=len(raw.text) - raw.text.startswith("\ufeff"),
                                             page_weights=weights,
                                             same_folder=rank.folder_overlap(rec.path, corpus_rel or
                                                                             display.rsplit("/", 1)[-1]),
                                             backlink=target is not None and s in index.out_links[target],
                                             holdout=holdout,
                                             title_overlap=title_share,
                                             reverse_title=float(rank.title_overlaps(index, [s], q.indices)[0]),
                                             folder_inbound=rank.folder_inbound(
                                                 index, target, rank.own_folder_links(index, holdout))
                                             if target is not None else 0.0,
                                             item=features.mention_items(src_text, {0: found}).get(0, 0.0),
                                             cue=features.mention_cues(src_text, {0: found}, cues).get(0, 0.0)))
        meta.append((s, raw, src, found, _shared(index, s_row, q)))
    if not feats_list:
        return InboundReport(display, ())
    scores, _ = learn.score(index, np.vstack(feats_list))
    # Anchors for the best sources only: a source that cannot mention the page is parsed only now,
    # for a shared term to anchor on, if it is among them.
    ranked = sorted(zip(scores.tolist(), meta), key=lambda x: (-x[0], index.records[x[1][0]].path))
    for score, (s, raw, src, found, shared) in ranked:
        if score < min_score or len(rows_out) >= limit:
            break
        rec = index.records[s]
        src = src or cache.parsed(raw)
        m = _place(index, src, found, shared, tid, rec.path, title_words, settings, rules)
        anchor = Anchor.at(src.doc.text, m.start, m.end) if m is not None else None
        why = (f"mentions “{anchor.text}”" if anchor is not None and m is not None and m.source != "term"
               else "similar content") + (f" (shares {', '.join(index.surface(x) for x in shared[:3])})" if shared else "")
        rows_out.append(InboundSuggestion(rec.path, rec.title, round(float(score), 4), why, anchor))
    return InboundReport(display, tuple(rows_out))


def _place(index: LinkIndex, src: _Source, found: list[Mention], shared: list[str], target: int, path: str,
           title_words: frozenset[str], settings: Settings, rules: IgnoreRules) -> Mention | None:
    """Where the source ``src`` would link the page: the best usable mention of it (``found``),
    else the best place of a term they share."""
    text, links = src.doc.text, anchors_mod.link_spans(src.doc)
    skip_to = anchors_mod.first_allowed(src.doc, settings.skip_sentences)

    def usable(ms: list[Mention]) -> list[Mention]:
        return [m for m in anchors_mod.outermost(anchors_mod.linkable_places(text, src.doc.linkable, ms, title_words))
                if m.start >= skip_to and not rules.blocks_anchor(path, text[m.start:m.end])
                and not anchors_mod.beside_link(text, m, links)]

    allowed = usable(found)
    if not allowed:
        terms = anchors_mod.term_positions(src.runs, text)
        allowed = usable(anchors_mod.term_mentions(index, terms, target, shared[:3]))
    return sorted(allowed, key=anchors_mod.preference)[0] if allowed else None


def _may_name(keys: frozenset[str] | None, names: Iterable[tuple[str, ...]]) -> bool:
    """Whether a page whose words have these ``keys`` (None: unknown) may hold one of the phrases
    ``names``: every word of one of them is among its words (mentions are found in its words)."""
    return keys is None or any(all(w in keys for w in key) for key in names)


def _count(terms: list[str]) -> dict[str, int]:
    """Term counts."""
    out: dict[str, int] = {}
    for t in terms:
        out[t] = out.get(t, 0) + 1
    return out


def _shared(index: LinkIndex, a: Any, b: Any, k: int = 5) -> list[str]:
    """The terms contributing most to the cosine of two TF-IDF rows."""
    prod = a.multiply(b).tocsr()
    if prod.nnz == 0:
        return []
    order = np.lexsort((prod.indices, -prod.data))[:k]
    return [index.term(int(prod.indices[i])) for i in order]

