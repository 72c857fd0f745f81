"""Evidence learned from the corpus's own links: the anchor dictionary and the ranker's weights.

At index time, ``attach`` records which phrases other pages use to link to each page (the
anchor dictionary), how often each such phrase is a link where it occurs (link probability),
and how many pages it names (ambiguity). ``score`` turns candidate features into scores with
the fixed weights of :mod:`rank` (the learned classifier replaces them when there is one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from . import analysis, rank
from .documents import Mention
from .index import MAX_PHRASE_WORDS, LinkIndex
from .settings import Settings

PASSAGE_CHARS = 300


def anchor_dictionary(index: LinkIndex) -> tuple[dict[tuple[str, ...], tuple[tuple[int, int], ...]],
                                                 dict[tuple[str, ...], float]]:
    """Phrase -> ((target, pages linking it with the phrase), ...), and phrase -> link probability."""
    counts: dict[tuple[str, ...], dict[int, set[int]]] = {}
    for i, rec in enumerate(index.records):
        for kind, target, text in rec.links:
            hit = index.resolver.resolve(target, rec.path, wikilink=kind == "wikilink")
            t = index.path_ids.get(hit) if hit else None
            if t is None or t == i:
                continue
            key = analysis.phrase_key(text)
            if not key or len(key) > MAX_PHRASE_WORDS:
                continue
            if not any(w not in analysis.STOP_WORDS for w in key):
                continue
            counts.setdefault(key, {}).setdefault(t, set()).add(i)
    df = np.asarray((index.counts > 0).sum(axis=0)).ravel()
    table: dict[tuple[str, ...], tuple[tuple[int, int], ...]] = {}
    prob: dict[tuple[str, ...], float] = {}
    for key, by_target in counts.items():
        table[key] = tuple(sorted(((t, len(p)) for t, p in by_target.items()), key=lambda x: (-x[1], x[0])))
        linking_pages = len(set().union(*by_target.values()))
        occurring = _pages_containing(index, key, df)
        prob[key] = min(1.0, linking_pages / max(occurring, linking_pages, 1))
    return table, prob


def _pages_containing(index: LinkIndex, key: tuple[str, ...], df: np.ndarray) -> int:
    """Approximate number of pages whose text contains the phrase: the document count of its
    rarest vocabulary term (word pair if any, else word)."""
    terms = analysis.vocab_terms(key)
    pairs = [t for t in terms if " " in t]
    counts = [int(df[j]) for t in (pairs or terms) if (j := index.vocab.get(t)) is not None]
    return min(counts) if counts else 0


def attach(index: LinkIndex, corpus: Path, settings: Settings) -> LinkIndex:
    """Learn the anchor dictionary from the corpus's links and attach it to the index."""
    table, prob = anchor_dictionary(index)
    return index.with_extra(anchor_targets=table, link_prob=prob)


def passage_similarities(index: LinkIndex, text: str, mentions: Mapping[int, Sequence[Mention]]) -> dict[int, float]:
    """Cosine of the text around each target's first mention and the target page."""
    out: dict[int, float] = {}
    cache: dict[int, object] = {}
    for t, ms in mentions.items():
        if not ms:
            continue
        first = min(m.start for m in ms)
        lo = max(0, first - PASSAGE_CHARS)
        if lo not in cache:
            cache[lo] = index.vectorize(dict(Counter(analysis.terms(text[lo:first + PASSAGE_CHARS]))))
        row = cache[lo]
        out[t] = float((index.matrix[t] @ row.T).sum())  # type: ignore[attr-defined]
    return out


def score(index: LinkIndex, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores in [0, 1] for candidate features, and the per-feature weights used (for reasons)."""
    model = index.extra.get("classifier")
    if model is not None:
        proba = model.predict_proba(features)[:, 1]
        return np.asarray(proba), np.asarray(model.coef_).ravel() * np.asarray(index.extra.get("feature_scale", 1.0))
    weights = np.array([rank.FIXED_WEIGHTS[f] for f in rank.FEATURES])
    return rank.fixed_scores(features), weights
