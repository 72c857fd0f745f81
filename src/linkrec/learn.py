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

import functools
import logging
import math
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import corpus as corpus_mod
from . import anchors as anchors_mod
from . import features, forked, rank
from .edit import strip_links
from .documents import Mention
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


def training_pages(index: LinkIndex, holdouts: Mapping[int, Holdout], n: int, seed: int = 0) -> list[int]:
    """A seeded random order of (at most ``n``) pages that link to at least one other page."""
    ids = sorted(i for i in holdouts if len(index.out_links[i]) and not index.records[i].draft)
    rng = np.random.default_rng(seed)
    return [int(i) for i in rng.permutation(ids)[:n]]


Case = tuple[list[anchors_mod.Occurrence], np.ndarray, str, Any]
"""(candidate places of a linked target, which of them the author linked, page text, holdout)."""


@dataclass
class TrainingSet:
    """Examples for the link ranker and the anchor ranker."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    anchor_cases: list[Case] = field(default_factory=list)
    """The anchor ranker's cases (see :data:`Case`)."""
    mentioned: list[tuple[str, list[list[Mention]]]] = field(default_factory=list)
    """Per page of ``x``: the stripped text and each candidate's mentions."""
    case_pages: list[int] = field(default_factory=list)
    """Per anchor case: the page of ``x`` it comes from."""
    pages: int = 0
    rows: int = 0


@dataclass
class PageExamples:
    """One training page's examples: its candidates' features and labels, and its anchor cases."""

    x: np.ndarray
    y: np.ndarray
    anchor_cases: list[Case]
    mentioned: tuple[str, list[list[Mention]]]
    """The stripped text and each candidate's mentions."""


def training_data(index: LinkIndex, corpus: Path, settings: Settings, pages: list[int],
                  holdouts: Mapping[int, Holdout]) -> TrainingSet:
    """Features and labels of the candidates (and of the candidate anchor places of the linked
    targets) of ``pages`` with their links stripped, page after page until they hold
    :data:`MAX_TRAIN_CANDIDATES` candidates (with more than one job, a forked child process
    computes every other page; the result is the same)."""
    examples = forked.ordered_results(
        lambda k: page_examples(index, corpus, settings, pages[k], holdouts), len(pages),
        lambda ex: len(ex.y), MAX_TRAIN_CANDIDATES, parallel=settings.jobs != 1)
    out = TrainingSet()
    for ex in examples:
        if out.rows >= MAX_TRAIN_CANDIDATES:
            break
        if ex is None:
            continue
        out.x.append(ex.x)
        out.mentioned.append(ex.mentioned)
        out.y.append(ex.y)
        out.pages += 1
        out.rows += len(ex.y)
        out.anchor_cases.extend(ex.anchor_cases)
        out.case_pages.extend([len(out.x) - 1] * len(ex.anchor_cases))
    return out


def page_examples(index: LinkIndex, corpus: Path, settings: Settings, i: int,
                  holdouts: Mapping[int, Holdout]) -> PageExamples | None:
    """The examples of page ``i`` with its links stripped (None: no usable link or candidate)."""
    rec = index.records[i]
    try:
        text, _ = corpus_mod.read_text(corpus / rec.path, display=rec.path,
                                       max_bytes=int(settings.max_page_mb * 1e6))
    except ParseError:
        return None
    doc = corpus_mod.parse_page(text, rec.path, settings, placements=False)  # stripping needs only the links
    stripped, links = strip_links(doc, lambda lk: index.resolver.resolve(
        lk.target, rec.path, kind=lk.kind))
    gold = {index.path_ids[s.target] for s in links if s.target != rec.path}
    if not gold:
        return None
    holdout = holdouts.get(i)
    page = features.analyse_page(index, stripped, corpus_rel=rec.path, display=rec.path,
                                 settings=settings, holdout=holdout)
    cands = features.candidates(index, page, settings, cues={})
    if not len(cands.targets):
        return None
    cases: list[Case] = []
    linked = set(cands.targets.tolist()) & gold
    common = features.shared_terms_of(index, page.q, list(linked))
    for t in linked:
        ms, _ = features.anchor_candidates(index, page, t, common[t])
        occs = anchors_mod.occurrences(ms)
        spans = [(s.start, s.end) for s in links if index.path_ids.get(s.target) == t]
        labels = np.array([any(o.mention.start < e and b < o.mention.end for b, e in spans) for o in occs],
                          dtype=np.int8)
        if labels.any() and not labels.all():
            cases.append((occs, labels, stripped, holdout))
    return PageExamples(cands.features, np.isin(cands.targets, list(gold)).astype(np.int8), cases,
                        (stripped, [page.mentions.get(int(t), []) for t in cands.targets]))


CUE_SMOOTHING = 5.0
"""Pseudo-count pulling a rare cue word's link rate towards the overall rate."""


def case_cues(cases: Sequence[Case]) -> list[list[anchors_mod.PlaceCues]]:
    """The cue keys of every place of every case (computed once, used three times)."""
    return [[anchors_mod.place_cues(text, o.mention) for o in occs] for occs, _, text, _ in cases]


def cue_counts(cases: Sequence[Case], keys: Sequence[Sequence[anchors_mod.PlaceCues]] | None = None
               ) -> dict[str, list[int]]:
    """For each cue key of a candidate anchor place (the word before; ``>`` the word after; ``~``
    a word around; ``#`` a word of the heading above): [places linked, places]."""
    keys = case_cues(cases) if keys is None else keys
    seen: dict[str, list[int]] = {}
    for (_, labels, _, _), places in zip(cases, keys):
        for (before, after, near, above), y in zip(places, labels):
            _tally(seen, (before, after, *near, *above), int(y))
    return seen


def _tally(counts: dict[str, list[int]], keys: Sequence[str], y: int) -> None:
    """Count one place (linked when ``y``) under each of its cue ``keys``: [places linked, places]."""
    for key in keys:
        c = counts.setdefault(key, [0, 0])
        c[0] += y
        c[1] += 1


def learn_cues(cases: Sequence[Case], counts: dict[str, list[int]] | None = None) -> dict[str, float]:
    """Link rate of each cue key of a candidate anchor place (smoothed); key '' = overall."""
    seen = cue_counts(cases) if counts is None else counts
    before = [c for w, c in seen.items() if w[:1] not in (">", "~", "#")]
    prior = sum(c[0] for c in before) / (sum(c[1] for c in before) or 1)
    rates = {w: _rate(c[0], c[1], prior) for w, c in seen.items() if c[1] >= 3}
    rates[""] = prior
    return rates


def held_out_cues(occs: Sequence[anchors_mod.Occurrence], labels: np.ndarray, text: str,
                  counts: dict[str, list[int]], prior: float,
                  keys: Sequence[anchors_mod.PlaceCues] | None = None) -> np.ndarray:
    """The four cues (previous word, next word, words nearby, words of the heading above) of each
    training place, with that place's own label left out of the counts, so the cues' learned
    weights are not inflated by the labels they predict."""

    def rate(key: str, y: int) -> float:
        linked, seen = counts[key]
        return _rate(linked - y, seen - 1, prior)

    keys = [anchors_mod.place_cues(text, o.mention) for o in occs] if keys is None else keys
    out = np.empty((len(occs), 4))
    for k, ((before, after, near, above), y) in enumerate(zip(keys, labels)):
        around = [rate(w, int(y)) for w in near]
        heading = [rate(w, int(y)) for w in above]
        out[k] = (rate(before, int(y)), rate(after, int(y)), math.fsum(around) / len(around) if around else prior,
                  math.fsum(heading) / len(heading))
    return out


def _rate(linked: int, seen: int, prior: float) -> float:
    """A cue's smoothed link rate from its counts (``prior`` below 3 places)."""
    return (linked + CUE_SMOOTHING * prior) / (seen + CUE_SMOOTHING) if seen >= 3 else prior


def page_cues(cues: dict[str, float], counts: dict[str, list[int]],
              own: Sequence[tuple[Sequence[anchors_mod.PlaceCues], np.ndarray]]) -> Mapping[str, float]:
    """The previous- and next-word cues without one training page's own places (``own``: the
    cue keys and labels of its cases), so that the link ranker does not learn from cues its own
    labels made."""
    mine: dict[str, list[int]] = {}
    for places, labels in own:
        for (before, after, _, _), y in zip(places, labels):
            _tally(mine, (before, after), int(y))
    if not mine:
        return cues
    prior = cues.get("", 0.0)
    return ChainMap({key: _rate(counts[key][0] - linked, counts[key][1] - seen, prior)
                     for key, (linked, seen) in mine.items()}, cues)


def fill_mention_cues(data: TrainingSet, cues: dict[str, float], counts: dict[str, list[int]],
                      keys: Sequence[Sequence[anchors_mod.PlaceCues]]) -> None:
    """Fill the ``mention_cue`` column of the training rows (left at 0 while the cues were not
    learned yet), each page's from the cues without its own places (see :func:`page_cues`)."""
    col = rank.FEATURES.index("mention_cue")
    own: dict[int, list[tuple[Sequence[anchors_mod.PlaceCues], np.ndarray]]] = {}
    for places, case, p in zip(keys, data.anchor_cases, data.case_pages):
        own.setdefault(p, []).append((places, case[1]))
    for p, (x, (text, ms)) in enumerate(zip(data.x, data.mentioned)):
        rates = features.mention_cues(text, dict(enumerate(ms)),
                                      page_cues(cues, counts, own.get(p, [])) if cues else cues)
        x[:, col] = [rates.get(r, 0.0) for r in range(len(ms))]


@dataclass(frozen=True)
class PairwiseRanker:
    """A linear utility learned from pairs (the chosen place minus another place of the same
    choice): it orders the options of one choice; its values are not probabilities."""

    weights: np.ndarray

    def utility(self, x: np.ndarray) -> np.ndarray:
        """The utility of each row of ``x`` (higher = preferred)."""
        return x @ self.weights


MAX_PAIRS = 60
"""Pairs (chosen place, other place) sampled per choice, at most."""


def fit_pairwise(groups: Sequence[tuple[np.ndarray, np.ndarray]], seed: int = 0) -> PairwiseRanker:
    """Learn which option of each group was chosen (``y`` = 1), from feature differences: a
    logistic regression without intercept on (chosen - other) and (other - chosen)."""
    rng = np.random.default_rng(seed)
    diffs = []
    for x, y in groups:
        pos, neg = np.flatnonzero(y), np.flatnonzero(y == 0)
        if not len(pos) or not len(neg):
            continue
        p, n = np.meshgrid(pos, neg, indexing="ij")
        p, n = p.ravel(), n.ravel()
        if len(p) > MAX_PAIRS:
            keep = rng.choice(len(p), MAX_PAIRS, replace=False)
            p, n = p[keep], n[keep]
        diffs.append(x[p] - x[n])
    d = np.vstack(diffs)
    scale = d.std(axis=0)
    scale[scale == 0] = 1.0
    d = d / scale
    from sklearn.linear_model import LogisticRegression  # only learning needs scikit-learn

    lr = LogisticRegression(C=1.0, fit_intercept=False, max_iter=2000)
    lr.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
    return PairwiseRanker(lr.coef_.ravel() / scale)


RANKER_C = 0.1
"""Inverse L2 strength of the link ranker where the site has plenty of training rows (strong:
the pairwise products are many)."""
C_GRID = (0.01, 0.03, 0.1, 0.3)
"""Strengths tried by cross-validation where training rows are few."""
CV_MAX_ROWS = 12_000
"""Up to this many training rows, the strength is chosen by cross-validation over pages."""
CV_FOLDS = 3


def choose_c(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], seed: int = 0) -> float:
    """The L2 strength (from :data:`C_GRID`) whose ranker, fitted on the other pages, ranks each
    held-out page's real links best (mean average precision over pages); :data:`RANKER_C` when
    the training rows are many (cross-validation would cost index time and matters little) or
    the pages too few to split."""
    if sum(len(y) for y in ys) > CV_MAX_ROWS or len(ys) < 2 * CV_FOLDS:
        return RANKER_C
    fold = np.random.default_rng(seed).permutation(len(ys)) % CV_FOLDS
    best, best_c = -1.0, RANKER_C
    for c in C_GRID:
        aps = []
        for k in range(CV_FOLDS):
            train = [i for i in range(len(ys)) if fold[i] != k]
            y_train = np.concatenate([ys[i] for i in train])
            if not 0 < y_train.sum() < len(y_train):
                continue
            model = fit_ranker(np.vstack([xs[i] for i in train]), y_train, c=c)
            for i in np.flatnonzero(fold == k):
                if ys[i].any():
                    aps.append(_average_precision(_proba(model, xs[i])[0], ys[i]))
        score = float(np.mean(aps)) if aps else -1.0
        if score > best + 1e-9:
            best, best_c = score, c
    return best_c


def _average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    """Average precision of ranking ``scores`` against binary labels ``y`` (ties by position)."""
    hits = y[np.argsort(-scores, kind="stable")].astype(bool)
    ranks = np.flatnonzero(hits) + 1.0
    return float(np.mean(np.arange(1, len(ranks) + 1) / ranks)) if len(ranks) else 0.0


@dataclass(frozen=True, eq=False)
class LinkModel:
    """A fitted link ranker in plain arrays: a logistic regression on the standardised features
    (and, with ``products``, their pairwise products in the order of scikit-learn's
    ``PolynomialFeatures(2)``). Kept as arrays so that a model is read, and pages scored, without
    importing scikit-learn."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    products: bool = True


def fit_pipeline(x: np.ndarray, y: np.ndarray, c: float = RANKER_C) -> Any:
    """The scikit-learn pipeline behind :func:`fit_ranker`: pairwise products, standardisation,
    L2-regularised logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    model = Pipeline([("poly", PolynomialFeatures(2, include_bias=False)), ("scale", StandardScaler()),
                      ("lr", LogisticRegression(C=c, solver="newton-cholesky", max_iter=200))])
    model.fit(x, y)
    return model


def link_model(pipeline: Any) -> LinkModel:
    """The arrays of a fitted :func:`fit_pipeline` pipeline."""
    scale, lr = pipeline.named_steps["scale"], pipeline.named_steps["lr"]
    return LinkModel(np.asarray(scale.mean_, dtype=np.float64), np.asarray(scale.scale_, dtype=np.float64),
                     np.asarray(lr.coef_, dtype=np.float64).ravel(), float(lr.intercept_[0]),
                     "poly" in pipeline.named_steps)


def fit_ranker(x: np.ndarray, y: np.ndarray, c: float = RANKER_C) -> LinkModel:
    """A logistic regression on the standardised features and their pairwise products (so one
    piece of evidence can strengthen another: a mention of a page that is also similar); its
    probabilities are the scores."""
    return link_model(fit_pipeline(x, y, c))


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
            cues: dict[str, float] = {}
            keys: list[list[anchors_mod.PlaceCues]] = []
            counts: dict[str, list[int]] = {}
            if len(data.anchor_cases) >= MIN_ANCHOR_TARGETS:
                keys = case_cues(data.anchor_cases)
                counts = cue_counts(data.anchor_cases, keys)
                cues = learn_cues(data.anchor_cases, counts)
                cue_col = anchors_mod.ANCHOR_FEATURES.index("cue")
                groups = []
                for (occs, labels, text, h), places in zip(data.anchor_cases, keys):
                    x = anchors_mod.occurrence_features(index, occs, text=text, holdout=h, with_cues=False)
                    x[:, cue_col:cue_col + 4] = held_out_cues(occs, labels, text, counts, cues[""], places)
                    groups.append((x, labels))
                anchor_ranker = (fit_pairwise(groups), cues)
                logger.info("anchor ranker learned from %d linked targets", len(data.anchor_cases))
            if data.pages >= MIN_PAGES and MIN_POSITIVES <= int(y.sum()) < len(y):
                fill_mention_cues(data, cues, counts, keys)
                c = choose_c(data.x, data.y)
                ranker = fit_ranker(np.vstack(data.x), y, c=c)
                logger.info("link ranker learned from %d pages, %d candidates, %d links (C=%g)", data.pages, len(y),
                            int(y.sum()), c)
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
    places: dict[tuple[int, int], anchors_mod.PlaceColumns] = {}  # shared by the page's targets

    def scorer(occs: Sequence[anchors_mod.Occurrence]) -> np.ndarray:
        return model.utility(anchors_mod.occurrence_features(index, occs, text=text, cues=cues, holdout=holdout,
                                                             places=places))

    return scorer


def _proba(model: LinkModel, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of a fitted link model, and each input feature's contribution to the logit
    (a product's share split between its two features)."""
    n = x.shape[1]
    if model.products:
        i, j, share = _product_share(n)
        x = np.hstack([x, x[:, i] * x[:, j]])
    else:
        share = np.eye(n)
    contrib = (x - model.mean) / model.scale * model.coef
    z = contrib.sum(axis=1) + model.intercept
    return 1.0 / (1.0 + np.exp(-z)), contrib @ share


@functools.lru_cache(maxsize=4)
def _product_share(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ``n`` features: the two factors of each degree-2 product in the order of
    ``PolynomialFeatures(2)`` (x0x0, x0x1, ..., x1x1, ...), and the matrix that gives each input
    feature its own column and half of each product it is in (built once per ``n``; read-only)."""
    i, j = np.triu_indices(n)
    share = np.zeros((n + len(i), n))
    share[np.arange(n), np.arange(n)] = 1.0
    np.add.at(share, (n + np.arange(len(i)), i), 0.5)
    np.add.at(share, (n + np.arange(len(i)), j), 0.5)
    for a in (i, j, share):
        a.flags.writeable = False
    return i, j, share


def score(index: LinkIndex, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores in [0, 1] of candidate features, and each feature's contribution to each score."""
    model = index.extra.get("ranker")
    if model is not None:
        return _proba(model, x)
    weights = np.array([rank.FIXED_WEIGHTS[f] for f in rank.FEATURES])
    return rank.fixed_scores(x), x * weights
