"""Relate one page to a fitted index: parse it, vectorise it, find its mentions, and compute the
evidence features of its candidate link targets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import analysis, editions, rank
from . import anchors as anchors_mod
from . import corpus as corpus_mod
from .documents import Document, Mention
from .evidence import Holdout, own_links
from .index import LinkIndex
from .resolve import resolve_link
from .settings import Settings

PASSAGE_CHARS = 300
"""Characters on each side of a mention that make up its passage."""
PASSAGE_STEP = 100
"""Mentions are grouped into passages by position in steps of this many characters."""


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """One page seen against an index: everything the rankers need."""

    doc: Document
    terms: dict[str, int]
    q: Any
    """The page's TF-IDF row (1 x n_terms, sparse)."""
    sims: np.ndarray
    runs: list[list[anchors_mod.Word]]
    positions: dict[tuple[str, ...], list[tuple[int, int]]]
    """Where each stemmed word and word pair of the linkable text occurs."""
    mentions: dict[int, list[Mention]]
    exclude: set[int]
    """The page itself, every page it already links to, and every page of another edition."""
    self_id: int | None
    holdout: Holdout | None
    """For a corpus page, its own links' share of the learned statistics (left out when scoring)."""
    near: np.ndarray
    """The page's nearest pages (``rank.neighbours(sims, settings.neighbours, self_id)``)."""
    other_editions: np.ndarray
    """Ids of the pages in another language or version of the site than the page (see
    :mod:`linkrec.editions`)."""


def analyse_page(index: LinkIndex, text: str, *, corpus_rel: str | None, display: str, settings: Settings,
                 holdout: Holdout | None = None, outside: tuple[str, str] | None = None) -> PageAnalysis:
    """Parse a page and relate it to the index (similarities, mentions, existing links).

    A corpus page is scored without its own links' share of the learned statistics, as the
    ranker was trained (``holdout`` defaults to that). A draft outside the corpus resolves its
    links as if it sat at the corpus root and, with ``outside`` (its path relative to the
    corpus root, such as ``../drafts/x.md``, and the corpus root), also from where it is. On a
    translated or versioned site, pages of another language or version than the page's are
    neither similar pages nor targets (see :mod:`linkrec.editions`).
    """
    doc = corpus_mod.parse_page(text, corpus_rel or display, settings)
    self_id = index.path_ids.get(corpus_rel) if corpus_rel else None
    source = corpus_rel or display.replace("\\", "/").rsplit("/", 1)[-1]
    exclude: set[int] = set()
    for lk in doc.links:
        hit = (resolve_link(index.resolver, lk.target, lk.kind, *outside) if outside is not None
               else index.resolver.resolve(lk.target, source, kind=lk.kind))
        if hit is not None:
            exclude.add(index.path_ids[hit])
    if self_id is not None:
        exclude.add(self_id)
        if holdout is None:
            holdout = own_links(index, self_id)
    others = index.other_editions(corpus_rel or (outside[0] if outside is not None else source),
                                  editions.meta_language(doc.meta),
                                  lambda: editions.top_words(analysis.words(doc.title + "\n" + doc.body)))
    exclude.update(others.tolist())
    terms = corpus_mod.page_terms(doc, settings)
    q = index.vectorize(terms)
    sims = index.similarities(q)
    sims[others] = 0.0
    runs = anchors_mod.linkable_words(doc)
    mentions = anchors_mod.find_mentions(index, runs, exclude=exclude, holdout=holdout,
                                         code=anchors_mod.code_runs(doc), text=doc.text)
    return PageAnalysis(doc, terms, q, sims, runs, anchors_mod.term_positions(runs, doc.text), mentions, exclude, self_id,
                        holdout, rank.neighbours(sims, settings.neighbours, self_id), others)


def passage(text: str, offset: int) -> str:
    """The passage of text around ``offset`` (positions in one :data:`PASSAGE_STEP` share it)."""
    centre = offset // PASSAGE_STEP * PASSAGE_STEP + PASSAGE_STEP // 2
    return text[max(0, centre - PASSAGE_CHARS):centre + PASSAGE_CHARS]


def passage_similarities(index: LinkIndex, text: str, mentions: Mapping[int, Sequence[Mention]]) -> dict[int, float]:
    """Cosine of the text around each target's first mention and the target page.

    Mentions within :data:`PASSAGE_STEP` characters of each other share one passage.
    """
    by_window: dict[int, list[int]] = {}
    for t, ms in mentions.items():
        if ms:
            by_window.setdefault(min(m.start for m in ms) // PASSAGE_STEP, []).append(t)
    if not by_window:
        return {}
    indptr, cols, vals = [0], [], []
    owners: list[int] = []
    targets: list[int] = []
    for w, ts in by_window.items():
        c, v = index.weights(dict(Counter(analysis.terms(passage(text, w * PASSAGE_STEP)))))
        cols.append(c)
        vals.append(v)
        indptr.append(indptr[-1] + len(c))
        owners.extend([len(indptr) - 2] * len(ts))
        targets.extend(ts)
    windows = sp.csr_matrix((np.concatenate(vals), np.concatenate(cols), indptr), shape=(len(by_window), index.n_terms))
    dots = np.asarray(index.matrix[targets].multiply(windows[owners]).sum(axis=1)).ravel()
    return {t: float(d) for t, d in zip(targets, dots)}


def learned_cues(index: LinkIndex) -> Mapping[str, float]:
    """The link rates of words around links that the anchor ranker learned ({} without one)."""
    learned = index.extra.get("anchor_ranker")
    return learned[1] if learned is not None else {}


def mention_cues(text: str, mentioned: Mapping[int, Sequence[Mention]], cues: Mapping[str, float]) -> dict[int, float]:
    """For each target, the best learned link rate (see :mod:`linkrec.learn`) of the words just
    before and after one of its mentions: how much its mentions sit where this site puts links."""
    if not cues:
        return {}
    default = cues.get("", 0.0)
    return _best_place(mentioned, lambda m: (cues.get(anchors_mod.previous_word(text, m.start), default)
                                             + cues.get(anchors_mod.next_word(text, m.end), default)) / 2)


def mention_items(text: str, mentioned: Mapping[int, Sequence[Mention]]) -> dict[int, float]:
    """For each target, how alone its best-standing mention stands (see
    :func:`linkrec.anchors.item_fill`)."""
    return _best_place(mentioned, lambda m: anchors_mod.item_fill(text, m.start, m.end))


def _best_place(mentioned: Mapping[int, Sequence[Mention]], measure: Callable[[Mention], float]) -> dict[int, float]:
    """For each target, the best ``measure`` of its mentions' places (0.0 without a mention),
    each place measured once (targets share places)."""
    at: dict[tuple[int, int], float] = {}

    def of(m: Mention) -> float:
        got = at.get((m.start, m.end))
        if got is None:
            got = at[m.start, m.end] = measure(m)
        return got

    return {t: max((of(m) for m in ms), default=0.0) for t, ms in mentioned.items()}


def candidates(index: LinkIndex, page: PageAnalysis, settings: Settings,
               cues: Mapping[str, float] | None = None) -> rank.Candidates:
    """The candidate targets of a page and their evidence features (``cues``: the learned link
    rates of words around links; default: the model's own)."""
    if cues is None:
        cues = learned_cues(index)
    chosen = rank.select_candidates(index, page.sims, page.mentions, exclude=page.exclude, self_id=page.self_id)
    mentioned = {t: page.mentions[t] for t in chosen if t in page.mentions}
    return rank.candidate_features(
        index, page.sims, mentioned, exclude=page.exclude, self_id=page.self_id,
        text_len=len(page.doc.text), n_neighbours=settings.neighbours,
        passage_cos=passage_similarities(index, page.doc.text, mentioned),
        page_weights=dict(zip(page.q.indices.tolist(), page.q.data.tolist())), holdout=page.holdout,
        page_path=page.doc.path if page.self_id is not None else page.doc.path.rsplit("/", 1)[-1],
        page_title_cols=title_columns(index, page.doc.title), chosen=chosen, near=page.near,
        items=mention_items(page.doc.text, mentioned),
        cue_rates=mention_cues(page.doc.text, mentioned, cues))


def title_columns(index: LinkIndex, title: str) -> np.ndarray:
    """Sorted vocabulary columns of the (stemmed) content words of a title."""
    return np.array(sorted({index.vocab[t] for t in analysis.terms(title) if " " not in t and t in index.vocab}),
                    dtype=np.int64)


def shared_terms(index: LinkIndex, q: Any, target: int, k: int = 5) -> list[str]:
    """The stemmed terms contributing most to the cosine of the page row ``q`` and a target."""
    return shared_terms_of(index, q, [target], k)[target]


def shared_terms_of(index: LinkIndex, q: Any, targets: Sequence[int], k: int = 5) -> dict[int, list[str]]:
    """:func:`shared_terms` of several targets at once (one sparse product)."""
    if not len(targets):
        return {}
    prod = sp.csr_matrix(index.matrix[list(targets)].multiply(q))
    out: dict[int, list[str]] = {}
    for r, t in enumerate(targets):
        a, b = prod.indptr[r], prod.indptr[r + 1]
        cols, vals = prod.indices[a:b], prod.data[a:b]
        keep = vals != 0
        cols, vals = cols[keep], vals[keep]
        order = np.lexsort((cols, -vals))[:k]
        out[int(t)] = [index.term(int(cols[i])) for i in order]
    return out


def anchor_candidates(index: LinkIndex, page: PageAnalysis, target: int,
                      shared: list[str] | None = None) -> tuple[list[Mention], list[str]]:
    """A target's candidate anchors in the page: its mentions plus the distinctive terms page and
    target share (and those shared terms), as :func:`linkrec.anchors.linkable_places` keeps
    them (whole words, no cut quotation)."""
    shared = shared_terms(index, page.q, target) if shared is None else shared
    title = anchors_mod.title_words(index, target)
    ms = [*page.mentions.get(target, ()), *anchors_mod.term_mentions(index, page.positions, target, shared[:3], MAX_PLACES),
          *anchors_mod.partial_title_mentions(page.runs, target, anchors_mod.title_weights(index, target),
                                              page.doc.text, title_words=title)]
    if len(ms) > MAX_PLACES:
        starts = sorted({m.start for m in ms})
        if len(starts) > MAX_PLACES:
            last = starts[MAX_PLACES - 1]
            ms = [m for m in ms if m.start <= last]
    return anchors_mod.linkable_places(page.doc.text, page.doc.linkable, ms, title), shared


MAX_PLACES = 1000
"""Places (distinct mention starts) a target's anchor is chosen among, at most: the earliest.
A page that names a target thousands of times (a generated list, a log) is still answered in
moments."""
