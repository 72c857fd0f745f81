"""Learn from the corpus's own links: the anchor dictionary and the link ranker's weights.

At index time ``attach`` counts the anchor phrases of every existing link
(:class:`~linkrec.evidence.AnchorStats`) and fits a logistic-regression ranker on a sample of
pages: each sampled page has its links stripped, its candidates are scored with features
computed as if its own links were absent (a :class:`~linkrec.evidence.Holdout`), and the
targets it really linked are the positives. Where the corpus has too few links the fixed weights
of :mod:`rank` are used instead. Scores are probabilities, so a threshold means the same on
every site.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import corpus as corpus_mod
from . import features, rank
from .edit import strip_links
from .errors import ParseError
from .evidence import AnchorStats, Holdout
from .index import LinkIndex
from .settings import Settings

logger = logging.getLogger(__name__)

TRAIN_PAGES = 300
"""Pages sampled to fit the ranker."""
MIN_PAGES = 50
"""Fewer linking pages than this: use the fixed weights."""
MIN_POSITIVES = 150
"""Fewer found links than this among the sampled pages' candidates: use the fixed weights."""


def training_pages(index: LinkIndex, holdouts: dict[int, Holdout], n: int, seed: int = 0) -> list[int]:
    """A seeded sample of pages that link to at least one other page."""
    ids = sorted(i for i, h in holdouts.items() if h.targets and not index.records[i].draft)
    if len(ids) <= n:
        return ids
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(ids, size=n, replace=False))


def training_data(index: LinkIndex, corpus: Path, settings: Settings, pages: list[int],
                  holdouts: dict[int, Holdout]) -> tuple[np.ndarray, np.ndarray, int]:
    """Features and labels of the candidates of ``pages`` with their links stripped."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    used = 0
    for i in pages:
        rec = index.records[i]
        try:
            text, _ = corpus_mod.read_text(corpus / rec.path, display=rec.path,
                                           max_bytes=int(settings.max_page_mb * 1e6))
        except ParseError:
            continue
        doc = corpus_mod.parse_page(text, rec.path, settings)
        stripped, links = strip_links(doc, lambda lk: index.resolver.resolve(
            lk.target, rec.path, wikilink=lk.kind == "wikilink"))
        gold = {index.path_ids[s.target] for s in links if s.target != rec.path}
        if not gold:
            continue
        page = features.analyse_page(index, stripped, corpus_rel=rec.path, display=rec.path,
                                     settings=settings, holdout=holdouts.get(i))
        cands = features.candidates(index, page, settings, holdout=holdouts.get(i))
        if not len(cands.targets):
            continue
        xs.append(cands.features)
        ys.append(np.isin(cands.targets, list(gold)).astype(np.int8))
        used += 1
    if not xs:
        return np.zeros((0, len(rank.FEATURES))), np.zeros(0, dtype=np.int8), 0
    return np.vstack(xs), np.concatenate(ys), used


def fit_ranker(x: np.ndarray, y: np.ndarray) -> Pipeline:
    """A standardised logistic regression (its probabilities are the scores)."""
    model = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(C=1.0, max_iter=2000))])
    model.fit(x, y)
    return model


def attach(index: LinkIndex, corpus: Path, settings: Settings, *, ranker: Any = None,
           train: bool = True) -> LinkIndex:
    """Learn the anchor dictionary (always) and the ranker (when ``train`` and there are enough
    links; otherwise keep ``ranker``, which may be None for the fixed weights)."""
    stats, holdouts = AnchorStats.learn(index)
    if train:
        pages = training_pages(index, holdouts, TRAIN_PAGES)
        ranker = None
        if len(pages) >= MIN_PAGES:
            x, y, used = training_data(index, corpus, settings, pages, holdouts)
            if used >= MIN_PAGES and int(y.sum()) >= MIN_POSITIVES and int(y.sum()) < len(y):
                ranker = fit_ranker(x, y)
                logger.info("ranker learned from %d pages, %d candidates, %d links", used, len(y), int(y.sum()))
    return index.with_extra(anchors=stats, ranker=ranker)


def score(index: LinkIndex, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores in [0, 1] of candidate features, and each feature's contribution to each score."""
    model = index.extra.get("ranker")
    if model is not None:
        scale: StandardScaler = model.named_steps["scale"]
        lr: LogisticRegression = model.named_steps["lr"]
        contrib = (x - scale.mean_) / scale.scale_ * lr.coef_.ravel()
        return model.predict_proba(x)[:, 1], contrib
    weights = np.array([rank.FIXED_WEIGHTS[f] for f in rank.FEATURES])
    return rank.fixed_scores(x), x * weights
