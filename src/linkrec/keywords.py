"""Missing keywords: terms the page's closest pages use prominently and the page lacks."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import scipy.sparse as sp

from .index import LinkIndex
from .results import KeywordSuggestion


MIN_COHESION = 0.1
"""A two-word term is a keyword only if at least this share of its rarer word's occurrences on
the site are in it (a phrase, not two words that happen to meet)."""

BURSTINESS = 0.5
"""Exponent of a term's residual IDF in its keyword score (see :func:`residual_idf`): words
that cluster in few pages are topics, words spread thinly over many ("tiny") are not."""

PHRASE_OVER_WORD = 0.9
"""A two-word term replaces its own single word already listed when it scores at least this
share of the word's score; otherwise both are listed (the phrase is the narrower keyword)."""


def missing_keywords(index: LinkIndex, page_terms: Collection[str], near: np.ndarray, sims: np.ndarray, *,
                     limit: int, min_pages: int = 2) -> tuple[KeywordSuggestion, ...]:
    """Rank the terms of the nearest pages that the page does not use.

    A term's score is the similarity-weighted mean of its TF-IDF weight over the nearest pages
    ``near`` (``m``), times ``log(m / c)`` where ``c`` is its mean weight over the whole corpus, so
    words the whole site uses as much as the neighbours drop out, times the square root of its
    residual IDF, so words spread thinly over the site (not topics) drop out too. Terms are
    stemmed, so a page that says "cramps" does not miss "cramp". A term must be used by at
    least ``min_pages`` of the nearest pages (fewer when there are fewer pages).
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
    # Only the terms the nearest pages use can score: the rest of the vocabulary is left alone.
    cols = np.flatnonzero(acc > 0)
    if not len(cols):
        return ()
    a = acc[cols]
    # Contrast with the whole site (a pointwise KL term): a word every page uses as much as the
    # neighbours do is no keyword of this neighbourhood.
    base = np.maximum(index.centroid[cols], 1e-9)
    a = a * np.log(np.maximum(a, 1e-12) / base)
    users = np.bincount(rows.indices[rows.data > 0], minlength=index.n_terms)[cols]
    a = a * np.maximum(residual_idf(index, cols), 0.0) ** BURSTINESS
    a[users < need] = 0.0
    a[a < 0] = 0.0
    keep = np.flatnonzero(a)
    if not len(keep):
        return ()
    nz, score = cols[keep], a[keep]
    top_k = np.lexsort((nz, -score))[: limit * 8 + 20]
    top, top_score = nz[top_k].tolist(), score[top_k].tolist()
    page = set(page_terms)
    chosen: list[tuple[str, float, int]] = []
    for j, score_j in zip(top, top_score):
        term = index.term(j)
        parts = term.split(" ")
        if term in page or any(len(p) < 3 or any(ch.isdigit() for ch in p) for p in parts):
            continue
        if len(parts) == 2 and (parts[0] == parts[1] or cohesion(index, term, j) < MIN_COHESION):
            continue
        if len(parts) == 1 and any(parts[0] in c[0].split(" ") for c in chosen):
            continue  # a fragment of a phrase already listed
        if len(parts) == 2:
            # the phrase replaces its own single words listed before it if it is nearly as strong;
            # a weaker one is a narrower keyword ("calf cramps" after "cramps"), listed beside them
            sub = [c for c in chosen if c[0] in parts]
            if not sub or score_j >= PHRASE_OVER_WORD * max(c[1] for c in sub):
                chosen = [c for c in chosen if c[0] not in parts]
        chosen.append((term, score_j, j))
        if len(chosen) >= limit:
            break
    out: list[KeywordSuggestion] = []
    for term, score, j in chosen:
        users_of = _users(rows, near, j)
        users_sorted = sorted(users_of, key=lambda u: (-u[1], u[0]))
        out.append(KeywordSuggestion(index.surface(term), round(min(1.0, score), 4),
                                     tuple(index.records[u].path for u, _ in users_sorted)))
    return tuple(out)


def cohesion(index: LinkIndex, term: str, j: int) -> float:
    """The share of the rarer word's occurrences on the site that are in the two-word term ``term``
    (column ``j``)."""
    totals = index.term_totals()
    a, b = (index.vocab.get(p) for p in term.split(" "))
    rarer = min(totals[a] if a is not None else 0.0, totals[b] if b is not None else 0.0)
    return float(totals[j] / rarer) if rarer > 0 else 0.0


def residual_idf(index: LinkIndex, cols: np.ndarray) -> np.ndarray:
    """Residual IDF (Church and Gale, 1995) of the terms ``cols``: their IDF minus the IDF that a
    Poisson spread of their occurrences over the pages would give, in bits. A topic word clusters
    in a few pages that use it often (high: 20 uses in 2 of 100 pages give 3.18), a common word
    is spread thinly (near 0 or below: 6 uses in 6 of 10 pages give -0.41)."""
    n = max(1, len(index.records))
    df = np.maximum(index.doc_freq()[cols], 1)
    expected = -np.expm1(-index.term_totals()[cols] / n)  # share of pages a Poisson spread would reach
    return np.log2(n / df) + np.log2(np.maximum(expected, 1e-12))


def _users(rows: sp.csr_matrix, near: np.ndarray, j: int) -> list[tuple[int, float]]:
    """``(page id, weight)`` of the nearest pages (rows of ``rows``, ids ``near``) that use term ``j``."""
    out: list[tuple[int, float]] = []
    for r in range(rows.shape[0]):
        a, b = rows.indptr[r], rows.indptr[r + 1]
        for k in np.flatnonzero(rows.indices[a:b] == j).tolist():
            if rows.data[a + k] > 0:
                out.append((int(near[r]), float(rows.data[a + k])))
    return out
