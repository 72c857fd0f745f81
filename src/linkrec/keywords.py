"""Missing keywords: terms the page's closest pages use prominently and the page lacks."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from .index import LinkIndex
from .results import KeywordSuggestion


PHRASE_OVER_WORD = 0.9
"""A two-word term replaces its own single word already listed only when it scores at least this
share of the word's score; otherwise the word stays and the phrase is skipped."""


def missing_keywords(index: LinkIndex, page_terms: Collection[str], near: np.ndarray, sims: np.ndarray, *,
                     limit: int, min_pages: int = 2) -> tuple[KeywordSuggestion, ...]:
    """Rank the terms of the nearest pages that the page does not use.

    A term's score is the similarity-weighted mean of its TF-IDF weight over the nearest pages
    ``near`` (``m``), times ``log(m / c)`` where ``c`` is its mean weight over the whole corpus, so
    words the whole site uses as much as the neighbours drop out. Terms are stemmed, so a page that says "cramps" does not miss "cramp". A term must
    be used by at least ``min_pages`` of the nearest pages (fewer when there are fewer pages).
    A single word that is part of a chosen two-word term is not listed again.

    Parameters
    ----------
    index : LinkIndex
        The fitted model.
    page_terms : collection of str
        The page's own terms (stemmed unigrams and bigrams).
    near : ndarray of int
        Ids of the page's nearest pages, best first.
    sims : ndarray of float
        Cosine similarity of the page to every page.
    limit : int
        How many keywords to return.
    min_pages : int
        How many of the nearest pages must use a term.

    Returns
    -------
    tuple of KeywordSuggestion
    """
    if limit <= 0 or len(near) == 0:
        return ()
    need = max(1, min(min_pages, len(near) - 1)) if len(near) > 1 else 1
    rows = index.matrix[near]
    w = sims[near].astype(np.float64)
    w = w / (w.sum() or 1.0)
    acc = np.asarray(rows.T @ w).ravel()
    # Contrast with the whole site (a pointwise KL term): a word every page uses as much as the
    # neighbours do is no keyword of this neighbourhood.
    base = np.maximum(index.centroid, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        acc = np.where(acc > 0, acc * np.log(np.maximum(acc, 1e-12) / base), 0.0)
    users = np.asarray((rows > 0).sum(axis=0)).ravel()
    acc[users < need] = 0.0
    acc[acc < 0] = 0.0
    nz = np.flatnonzero(acc)
    if not len(nz):
        return ()
    top = nz[np.lexsort((nz, -acc[nz]))][: limit * 8 + 20]
    page = set(page_terms)
    chosen: list[tuple[str, float, int]] = []
    for j in top:
        term = index.term(int(j))
        parts = term.split(" ")
        if term in page or any(len(p) < 3 or any(ch.isdigit() for ch in p) for p in parts):
            continue
        if len(parts) == 2 and parts[0] == parts[1]:
            continue
        if len(parts) == 1 and any(parts[0] in c[0].split(" ") for c in chosen):
            continue  # a fragment of a phrase already listed
        if len(parts) == 2:
            # the phrase replaces its own single words listed before it, if it is nearly as strong
            sub = [c for c in chosen if c[0] in parts]
            if sub and float(acc[j]) < PHRASE_OVER_WORD * max(c[1] for c in sub):
                continue
            chosen = [c for c in chosen if c[0] not in parts]
        chosen.append((term, float(acc[j]), int(j)))
        if len(chosen) >= limit:
            break
    out: list[KeywordSuggestion] = []
    for term, score, j in chosen:
        col = np.asarray(rows[:, j].todense()).ravel()
        users_of: Sequence[int] = [int(near[i]) for i in np.flatnonzero(col > 0)]
        users_sorted = sorted(users_of, key=lambda u: (-float(index.matrix[u, j]), u))
        out.append(KeywordSuggestion(index.surface(term), round(min(1.0, score), 4),
                                     tuple(index.records[u].path for u in users_sorted)))
    return tuple(out)
