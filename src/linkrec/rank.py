"""Score link targets for one page from the evidence around them.

Each candidate target gets a feature vector (:data:`FEATURES`); a scorer turns features into a
score in [0, 1]. The default scorer is a logistic function with fixed weights; when the index
learned weights from the corpus's own links (see ``learn``), those are used instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .documents import Mention
from .analysis import vocab_terms
from .evidence import Holdout, stats_of
from .index import LinkIndex

FEATURES: tuple[str, ...] = (
    "cos",            # TF-IDF cosine of page and target
    "cos_rank",       # 1 / rank of the target by cosine
    "mention_name",   # best title / alias / file-name mention: (1 + specificity) / 2 / pages the phrase names
    "mention_kw",     # best keyword mention, same scale
    "mention_anchor", # best learned-anchor mention: link probability x share of its links to the target
    "centrality",     # the page's own TF-IDF weight of the best mentioned phrase
    "n_mentions",     # log(1 + occurrences of any name of the target)
    "first_pos",      # 1 - relative position of the first mention (1 = top of page)
    "cocite",         # share of the page's nearest pages that link to the target
    "inbound",        # log(1 + pages linking to the target) / log(1 + pages)
    "passage_cos",    # TF-IDF cosine of the text around the first mention and the target
    "same_folder",    # share of folder levels the page and the target have in common
    "backlink",       # the target already links to the page
    "title_overlap",  # IDF-weighted share of the target title's words that the page uses
    "reverse_title",  # IDF-weighted share of the page title's words that the target uses
    "folder_inbound", # log(1 + mean inbound links of the pages in the target's folder) / log(1 + pages)
    "mention_item",   # a name stands alone in a list item, table cell or line (1), is part of one (0.5)
    "mention_cue",    # best learned link rate of the words just before and after a mention of a name
)

# Fixed weights used when the corpus has too few links to learn from (logistic scale).
FIXED_WEIGHTS: dict[str, float] = {
    "cos": 7.0, "cos_rank": 1.0, "mention_name": 3.0, "mention_kw": 1.8, "mention_anchor": 2.0,
    "centrality": 1.0, "n_mentions": 0.4, "first_pos": 0.2, "cocite": 2.0, "inbound": 0.3,
    "passage_cos": 1.0, "same_folder": 0.5, "backlink": 1.0,
    "title_overlap": 1.0, "reverse_title": 0.0, "folder_inbound": 0.0, "mention_item": 0.0, "mention_cue": 0.0,
}
FIXED_BIAS = -5.0


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate targets of one page and their features."""

    targets: np.ndarray
    """Corpus ids, shape (m,)."""
    features: np.ndarray
    """Feature matrix, shape (m, len(FEATURES))."""


def neighbours(sims: np.ndarray, k: int, exclude: int | None) -> np.ndarray:
    """Ids of the ``k`` pages most similar to the page (ties by id), excluding ``exclude``."""
    s = sims.copy()
    if exclude is not None:
        s[exclude] = -1.0
    k = min(k, len(s))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-s, k - 1)[:k]
    part = part[s[part] > 0]
    return part[np.lexsort((part, -s[part]))]


MAX_MENTIONED = 60
"""Pages only mentioned (not among the most similar) that become candidates, at most."""


def select_candidates(index: LinkIndex, sims: np.ndarray, mentions: Mapping[int, Sequence[Mention]], *,
                      exclude: set[int], self_id: int | None, top_k: int = 50) -> list[int]:
    """The ``top_k`` pages most similar to the page, plus the pages it mentions (the most
    specific mentions first, at most :data:`MAX_MENTIONED`); never excluded pages or drafts."""
    n = len(index)
    order = neighbours(sims, min(n, top_k + len(exclude) + 1), self_id)
    cand: list[int] = [int(t) for t in order if int(t) not in exclude][:top_k]
    chosen = set(cand)
    mentioned = sorted((t for t in mentions if t not in exclude and t != self_id and t not in chosen),
                       key=lambda t: (-max(m.specificity for m in mentions[t]), -float(sims[t]), t))
    cand.extend(mentioned[:MAX_MENTIONED])
    return [t for t in cand if not index.records[t].draft]


def candidate_features(index: LinkIndex, sims: np.ndarray, mentions: Mapping[int, Sequence[Mention]], *,
                       exclude: set[int], self_id: int | None, text_len: int, top_k: int = 50,
                       n_neighbours: int = 10, passage_cos: Mapping[int, float] | None = None,
                       page_weights: Mapping[int, float] | None = None,
                       holdout: Holdout | None = None, page_path: str = "",
                       page_title_cols: np.ndarray | None = None, chosen: Sequence[int] | None = None,
                       items: Mapping[int, float] | None = None, cue_rates: Mapping[int, float] | None = None) -> Candidates:
    """Features of the candidate targets (see :func:`select_candidates`; ``chosen``: already
    selected; ``items``: how alone each target's name stands, see :func:`linkrec.anchors.item_fill`)."""
    n = len(index)
    cand = list(chosen) if chosen is not None else select_candidates(index, sims, mentions, exclude=exclude,
                                                                     self_id=self_id, top_k=top_k)
    if not cand:
        return Candidates(np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES))))
    ranked = sims.copy()
    if self_id is not None:
        ranked[self_id] = -np.inf  # the page itself is no rival
    ranks = np.empty(n, dtype=np.float64)
    ranks[np.argsort(-ranked, kind="stable")] = np.arange(1, n + 1)
    near = neighbours(sims, n_neighbours, self_id)
    cocite: dict[int, float] = {}
    if len(near):
        w = sims[near]
        total = float(w.sum()) or 1.0
        for j, wj in zip(near, w):
            for t in index.out_links[int(j)]:
                cocite[int(t)] = cocite.get(int(t), 0.0) + float(wj) / total
    page_cols = np.fromiter(sorted((page_weights or {}).keys()), dtype=np.int64)
    overlaps = title_overlaps(index, cand, page_cols)
    reverse = reverse_title_overlaps(index, cand, page_title_cols)
    own = own_folder_links(index, holdout)
    feats = np.zeros((len(cand), len(FEATURES)))
    for r, t in enumerate(cand):
        feats[r] = pair_features(
            index, mentions.get(t, ()), cos=float(sims[t]), rank=float(ranks[t]), cocite=cocite.get(t, 0.0),
            inbound=int(index.inbound[t]) - (holdout is not None and t in holdout.targets),
            passage=(passage_cos or {}).get(t, 0.0), text_len=text_len, page_weights=page_weights or {},
            holdout=holdout, same_folder=folder_overlap(page_path, index.records[t].path),
            backlink=self_id is not None and self_id in index.out_links[t],
            title_overlap=float(overlaps[r]), reverse_title=float(reverse[r]),
            folder_inbound=folder_inbound(index, t, own), item=(items or {}).get(t, 0.0),
            cue=(cue_rates or {}).get(t, 0.0))
    return Candidates(np.asarray(cand, dtype=np.int64), feats)


def pair_features(index: LinkIndex, ms: Sequence[Mention], *, cos: float, rank: float, cocite: float,
                  inbound: int, passage: float, text_len: int, page_weights: Mapping[int, float],
                  holdout: Holdout | None = None, same_folder: float = 0.0, backlink: bool = False,
                  title_overlap: float = 0.0, reverse_title: float = 0.0, folder_inbound: float = 0.0,
                  item: float = 0.0, cue: float = 0.0) -> np.ndarray:
    """The feature vector (:data:`FEATURES`) of one (page, target) pair from its evidence.

    ``ms`` are the target's mentions in the page, ``cos`` the page/target cosine, ``rank`` the
    target's rank by cosine among all pages (1 = most similar), ``cocite`` the share of the
    page's nearest pages linking to it, ``inbound`` its inbound links, ``passage`` the cosine of
    the text around its first mention and the target.
    """
    stats = stats_of(index)

    def named(m: Mention) -> float:
        pages = {t for t, _ in index.phrases.get(m.key, ())} | set(stats.targets(m.key, holdout))
        return (1.0 + m.specificity) / 2.0 / max(1, len(pages))

    def learned(m: Mention) -> float:
        hits = stats.targets(m.key, holdout)
        share = hits.get(m.target, 0) / (sum(hits.values()) or 1)
        return stats.link_probability(m.key, holdout) * share

    def central(m: Mention) -> float:
        cols = [index.vocab.get(t) for t in vocab_terms(m.key)]
        return max((page_weights.get(j, 0.0) for j in cols if j is not None), default=0.0)

    first = min((m.start for m in ms), default=None)
    log_n = math.log1p(len(index)) or 1.0
    return np.array((
        cos,
        1.0 / max(1.0, rank),
        max((named(m) for m in ms if m.source in ("title", "alias")), default=0.0),
        max((named(m) for m in ms if m.source == "keyword"), default=0.0),
        max((learned(m) for m in ms if m.source == "anchor"), default=0.0),
        max((central(m) for m in ms), default=0.0),
        math.log1p(len({m.start for m in ms})),
        0.0 if first is None else 1.0 - first / max(1, text_len),
        cocite,
        math.log1p(max(0, inbound)) / log_n,
        passage,
        same_folder,
        float(backlink),
        title_overlap,
        reverse_title,
        folder_inbound,
        item,
        cue,
    ))


def own_folder_links(index: LinkIndex, holdout: Holdout | None) -> dict[int, int]:
    """Folder id -> how many of ``holdout``'s own link targets lie in it."""
    if holdout is None:
        return {}
    of = index.folders()[0]
    out: dict[int, int] = {}
    for x in holdout.targets:
        out[int(of[x])] = out.get(int(of[x]), 0) + 1
    return out


def folder_inbound(index: LinkIndex, target: int, own: Mapping[int, int] | None = None) -> float:
    """How much the site links into the target's folder: log(1 + mean inbound links of its
    pages) / log(1 + pages), without the page's own links (``own``, see
    :func:`own_folder_links`). A section whose pages are link targets (a glossary, an API
    reference) stands out even for a page nobody links yet."""
    of, links, pages = index.folders()
    f = int(of[target])
    mine = (own or {}).get(f, 0)
    return math.log1p(max(0.0, float(links[f]) - mine) / float(pages[f])) / (math.log1p(len(index)) or 1.0)


def reverse_title_overlaps(index: LinkIndex, targets: Sequence[int], title_cols: np.ndarray | None) -> np.ndarray:
    """IDF-weighted share of the page title's (stemmed) words that each target page uses."""
    if title_cols is None or not len(title_cols):
        return np.zeros(len(targets))
    idf = index.transformer.idf_[title_cols]
    used = (index.matrix[list(targets)][:, title_cols] > 0).astype(np.float64)
    return np.asarray(used @ idf).ravel() / float(idf.sum())


def title_overlaps(index: LinkIndex, targets: Sequence[int], page_cols: np.ndarray) -> np.ndarray:
    """IDF-weighted share of each target title's (stemmed) words among the page's terms."""
    present = np.zeros(index.n_terms)
    present[page_cols] = 1.0
    return np.asarray(index.title_matrix()[list(targets)] @ present).ravel()


def folder_overlap(a: str, b: str) -> float:
    """Share of folder levels two corpus paths have in common (1.0: same folder).

    Examples
    --------
    >>> folder_overlap("docs/a/x.md", "docs/a/y.md"), folder_overlap("docs/a/x.md", "docs/b/y.md"), folder_overlap("x.md", "y.md")
    (1.0, 0.5, 1.0)
    """
    da, db = a.split("/")[:-1], b.split("/")[:-1]
    if not da and not db:
        return 1.0
    common = 0
    for x, y in zip(da, db):
        if x != y:
            break
        common += 1
    return common / max(len(da), len(db))


def fixed_scores(features: np.ndarray) -> np.ndarray:
    """Scores in [0, 1] from the fixed weights."""
    w = np.array([FIXED_WEIGHTS[f] for f in FEATURES])
    z = FIXED_BIAS + features @ w
    return 1.0 / (1.0 + np.exp(-z))


def explain(contrib: np.ndarray) -> list[str]:
    """Names of the features that contributed most to a score, strongest first."""
    order = np.argsort(-contrib, kind="stable")
    return [FEATURES[i] for i in order if contrib[i] > 0.05][:3]
