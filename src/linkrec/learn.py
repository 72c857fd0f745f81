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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import corpus as corpus_mod
from . import anchors as anchors_mod
from . import features, rank
from .edit import strip_links
from .errors import ParseError
from .evidence import AnchorStats, Holdout
from .index import LinkIndex
from .settings import Settings

logger = logging.getLogger(__name__)

TRAIN_PAGES = 300
"""Pages sampled to fit the ranker, at most."""
MAX_TRAIN_CANDIDATES = 20_000
"""Stop sampling pages once their candidates reach this many (bounds the index time on big sites)."""
MIN_PAGES = 40
"""Fewer linking pages than this: use the fixed weights."""
MIN_POSITIVES = 50
"""Fewer found links than this among the sampled pages' candidates: use the fixed weights."""
MIN_ANCHOR_TARGETS = 40
"""Fewer linked targets with a choice of anchor places than this: use the fixed anchor rules."""


def training_pages(index: LinkIndex, holdouts: dict[int, Holdout], n: int, seed: int = 0) -> list[int]:
    """A seeded random order of (at most ``n``) pages that link to at least one other page."""
    ids = sorted(i for i, h in holdouts.items() if h.targets and not index.records[i].draft)
    rng = np.random.default_rng(seed)
    return [int(i) for i in rng.permutation(ids)[:n]]


@dataclass
class TrainingSet:
    """Examples for the link ranker and the anchor ranker."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    anchor_cases: list[tuple[list[anchors_mod.Occurrence], np.ndarray, str, Holdout | None]] = field(
        default_factory=list)
    """(candidate places of a linked target, which of them the author linked, page text, holdout)."""
    pages: int = 0
    rows: int = 0


def training_data(index: LinkIndex, corpus: Path, settings: Settings, pages: list[int],
                  holdouts: dict[int, Holdout]) -> TrainingSet:
    """Features and labels of the candidates (and of the candidate anchor places of the linked
    targets) of ``pages`` with their links stripped."""
    out = TrainingSet()
    for i in pages:
        if out.rows >= MAX_TRAIN_CANDIDATES:
            break
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
        holdout = holdouts.get(i)
        page = features.analyse_page(index, stripped, corpus_rel=rec.path, display=rec.path,
                                     settings=settings, holdout=holdout)
        cands = features.candidates(index, page, settings)
        if not len(cands.targets):
            continue
        out.x.append(cands.features)
        out.y.append(np.isin(cands.targets, list(gold)).astype(np.int8))
        out.pages += 1
        out.rows += len(cands.targets)
        for t in set(cands.targets.tolist()) & gold:
            ms, _ = features.anchor_candidates(index, page, t)
            occs = anchors_mod.occurrences(ms)
            spans = [(s.start, s.end) for s in links if index.path_ids.get(s.target) == t]
            labels = np.array([any(o.mention.start < e and b < o.mention.end for b, e in spans) for o in occs],
                              dtype=np.int8)
            if labels.any() and not labels.all():
                out.anchor_cases.append((occs, labels, stripped, holdout))
    return out


CUE_SMOOTHING = 5.0
"""Pseudo-count pulling a rare previous word's link rate towards the overall rate."""


def learn_cues(cases: Sequence[tuple[list[anchors_mod.Occurrence], np.ndarray, str, Any]]) -> dict[str, float]:
    """Link rate of each word that precedes a candidate anchor place (smoothed); key '' = overall."""
    seen: dict[str, list[int]] = {}
    for occs, labels, text, _ in cases:
        for o, y in zip(occs, labels):
            c = seen.setdefault(anchors_mod.previous_word(text, o.mention.start), [0, 0])
            c[0] += int(y)
            c[1] += 1
    total = sum(c[1] for c in seen.values()) or 1
    prior = sum(c[0] for c in seen.values()) / total
    rates = {w: (c[0] + CUE_SMOOTHING * prior) / (c[1] + CUE_SMOOTHING) for w, c in seen.items() if c[1] >= 3}
    rates[""] = prior
    return rates


def fit_ranker(x: np.ndarray, y: np.ndarray) -> Pipeline:
    """A standardised logistic regression (its probabilities are the scores)."""
    model = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(C=1.0, max_iter=2000))])
    model.fit(x, y)
    return model


def attach(index: LinkIndex, corpus: Path, settings: Settings, *, ranker: Any = None,
           anchor_ranker: Any = None, train: bool = True, previous: AnchorStats | None = None) -> LinkIndex:
    """Learn the anchor dictionary (always) and the two rankers (when ``train`` and there are
    enough links; otherwise keep the given ones, None meaning the fixed rules)."""
    if not train and previous is not None and len(index.reused) and len(previous.per_page) == len(index):
        return index.with_extra(anchors=previous.updated(index), ranker=ranker, anchor_ranker=anchor_ranker,
                                features=list(rank.FEATURES), anchor_features=list(anchors_mod.ANCHOR_FEATURES))
    stats, holdouts = AnchorStats.learn(index, previous)
    index = index.with_extra(anchors=stats)
    if train:
        ranker = anchor_ranker = None
        pages = training_pages(index, holdouts, TRAIN_PAGES)
        if len(pages) >= MIN_PAGES:
            data = training_data(index, corpus, settings, pages, holdouts)
            y = np.concatenate(data.y) if data.y else np.zeros(0)
            if data.pages >= MIN_PAGES and MIN_POSITIVES <= int(y.sum()) < len(y):
                ranker = fit_ranker(np.vstack(data.x), y)
                logger.info("link ranker learned from %d pages, %d candidates, %d links", data.pages, len(y),
                            int(y.sum()))
            if len(data.anchor_cases) >= MIN_ANCHOR_TARGETS:
                cues = learn_cues(data.anchor_cases)
                x = np.vstack([anchors_mod.occurrence_features(index, occs, text=text, cues=cues, holdout=h)
                               for occs, _, text, h in data.anchor_cases])
                anchor_ranker = (fit_ranker(x, np.concatenate([c[1] for c in data.anchor_cases])), cues)
                logger.info("anchor ranker learned from %d linked targets", len(data.anchor_cases))
    return index.with_extra(ranker=ranker, anchor_ranker=anchor_ranker, features=list(rank.FEATURES),
                            anchor_features=list(anchors_mod.ANCHOR_FEATURES))


def compatible(index: LinkIndex) -> bool:
    """Whether the learned parts of a loaded model use this version's features."""
    return (index.extra.get("features") == list(rank.FEATURES)
            and index.extra.get("anchor_features") == list(anchors_mod.ANCHOR_FEATURES))


def anchor_scorer(index: LinkIndex, text: str, holdout: Holdout | None = None) -> anchors_mod.AnchorScorer | None:
    """The learned scorer of anchor places in page ``text``, if any."""
    learned = index.extra.get("anchor_ranker")
    if learned is None:
        return None
    model, cues = learned

    def scorer(occs: Sequence[anchors_mod.Occurrence]) -> np.ndarray:
        x = anchors_mod.occurrence_features(index, occs, text=text, cues=cues, holdout=holdout)
        return _proba(model, x)[0]

    return scorer


def _proba(model: Pipeline, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of a fitted scaler + logistic regression, and each feature's contribution to
    the logit; computed directly (sklearn's per-call validation costs more than the maths)."""
    scale: StandardScaler = model.named_steps["scale"]
    lr: LogisticRegression = model.named_steps["lr"]
    contrib = (x - scale.mean_) / scale.scale_ * lr.coef_.ravel()
    z = contrib.sum(axis=1) + float(lr.intercept_[0])
    return 1.0 / (1.0 + np.exp(-z)), contrib


def score(index: LinkIndex, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores in [0, 1] of candidate features, and each feature's contribution to each score."""
    model = index.extra.get("ranker")
    if model is not None:
        return _proba(model, x)
    weights = np.array([rank.FIXED_WEIGHTS[f] for f in rank.FEATURES])
    return rank.fixed_scores(x), x * weights
