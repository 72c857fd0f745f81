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
                       near: np.ndarray | None = None, items: Mapping[int, float] | None = None,
                       cue_rates: Mapping[int, float] | None = None) -> Candidates:
    """Features of the candidate targets (see :func:`select_candidates`; ``chosen``: already
    selected; ``near``: already computed ``neighbours(sims, n_neighbours, self_id)``; ``items``:
    how alone each target's name stands, see :func:`linkrec.anchors.item_fill`)."""
    cand = list(chosen) if chosen is not None else select_candidates(index, sims, mentions, exclude=exclude,
                                                                     self_id=self_id, top_k=top_k)
    if not cand:
        return Candidates(np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES))))
    ranks = cosine_ranks(sims, self_id, cand)
    near = neighbours(sims, n_neighbours, self_id) if near is None else near
    wanted = set(cand)
    cocite: dict[int, float] = {}
    if len(near):
        w = sims[near]
        total = float(w.sum()) or 1.0
        for j, wj in zip(near.tolist(), w.tolist()):
            share = wj / total
            for t in index.out_links[j].tolist():
                if t in wanted:
                    cocite[t] = cocite.get(t, 0.0) + share
    page_weights = page_weights or {}
    passage_cos = passage_cos or {}
    items = items or {}
    cue_rates = cue_rates or {}
    page_cols = np.fromiter(sorted(page_weights.keys()), dtype=np.int64)
    overlaps = title_overlaps(index, cand, page_cols).tolist()
    reverse = reverse_title_overlaps(index, cand, page_title_cols).tolist()
    own = own_folder_links(index, holdout)
    evidence = MentionEvidence(index, page_weights, holdout)
    sims_c = sims[cand].tolist()
    inbound = index.inbound[cand].tolist()
    held = holdout.targets if holdout is not None else frozenset()
    records, out_links = index.records, index.out_links
    same_folder: dict[str, float] = {}
    folder_in: dict[int, float] = {}
    of = index.folders()[0]
    rows = []
    for r, t in enumerate(cand):
        path = records[t].path
        folder = path[:path.rfind("/") + 1]
        sf = same_folder.get(folder)
        if sf is None:
            sf = same_folder[folder] = folder_overlap(page_path, path)
        f = int(of[t])
        fi = folder_in.get(f)
        if fi is None:
            fi = folder_in[f] = folder_inbound(index, t, own)
        rows.append(pair_features(
            index, mentions.get(t, ()), cos=sims_c[r], rank=float(ranks[r]), cocite=cocite.get(t, 0.0),
            inbound=inbound[r] - (t in held),
            passage=passage_cos.get(t, 0.0), text_len=text_len, page_weights=page_weights,
            holdout=holdout, same_folder=sf,
            backlink=self_id is not None and self_id in out_links[t],
            title_overlap=overlaps[r], reverse_title=reverse[r],
            folder_inbound=fi, item=items.get(t, 0.0), cue=cue_rates.get(t, 0.0),
            evidence=evidence, as_tuple=True))
    return Candidates(np.asarray(cand, dtype=np.int64), np.array(rows, dtype=np.float64))


def cosine_ranks(sims: np.ndarray, self_id: int | None, targets: Sequence[int]) -> np.ndarray:
    """The rank of each of ``targets`` among all pages by cosine ``sims`` (1 = most similar; equal
    cosines in id order; the page ``self_id`` last): what a stable sort of every page gives,
    counted without sorting them all.

    Examples
    --------
    >>> cosine_ranks(np.array([0.5, 0.0, 0.9, 0.5, 0.0]), None, [3, 4, 2])
    array([3, 5, 1])
    >>> cosine_ranks(np.array([0.5, 0.0, 0.9, 0.5, 0.0]), 2, [3, 0])
    array([2, 1])
    """
    neg = -np.asarray(sims, dtype=np.float64)
    if self_id is not None:
        neg[self_id] = np.inf  # the page itself is no rival
    t = np.asarray(targets, dtype=np.int64)
    if np.isnan(neg).any():  # no order to count against: sort every page
        ranks = np.empty(len(neg), dtype=np.int64)
        ranks[np.argsort(neg, kind="stable")] = np.arange(1, len(neg) + 1)
        return ranks[t]
    v = neg[t]
    uniq = np.unique(v)
    bucket = np.searchsorted(uniq, neg, side="right")  # how many target values are <= each page's
    below = np.cumsum(np.bincount(bucket, minlength=len(uniq) + 1))
    k = np.searchsorted(uniq, v, side="left")
    ranks = below[k] + 1  # pages strictly more similar, plus one
    equal = (bucket > 0) & (uniq[np.maximum(bucket - 1, 0)] == neg)
    n_equal = np.bincount(bucket[equal] - 1, minlength=len(uniq))
    for u in np.flatnonzero(n_equal > 1).tolist():  # equal cosines: the pages with a smaller id first
        mine = np.flatnonzero(k == u)
        ranks[mine] += np.searchsorted(np.flatnonzero(neg == uniq[u]), t[mine], side="left")
    return ranks


class MentionEvidence:
    """The mention evidence of :func:`pair_features` that depends only on a phrase, computed once
    per phrase for one page (a phrase names several candidates, and occurs many times)."""

    def __init__(self, index: LinkIndex, page_weights: Mapping[int, float], holdout: Holdout | None) -> None:
        self.index, self.page_weights, self.holdout = index, page_weights, holdout
        self.stats = stats_of(index)
        self._pages: dict[tuple[str, ...], int] = {}
        self._learned: dict[tuple[str, ...], tuple[dict[int, int], int, float]] = {}
        self._central: dict[tuple[str, ...], float] = {}

    def named(self, m: Mention) -> float:
        """(1 + specificity) / 2 / the number of pages the phrase names or links."""
        pages = self._pages.get(m.key)
        if pages is None:
            pages = self._pages[m.key] = len({t for t, _ in self.index.phrases.get(m.key, ())}
                                             | set(self.stats.targets(m.key, self.holdout)))
        return (1.0 + m.specificity) / 2.0 / max(1, pages)

    def learned(self, m: Mention) -> float:
        """Link probability of the phrase x share of its links that go to the mention's target."""
        got = self._learned.get(m.key)
        if got is None:
            hits = self.stats.targets(m.key, self.holdout)
            got = self._learned[m.key] = (hits, sum(hits.values()) or 1,
                                          self.stats.link_probability(m.key, self.holdout))
        hits, total, prob = got
        return prob * (hits.get(m.target, 0) / total)

    def central(self, m: Mention) -> float:
        """The page's own TF-IDF weight of the phrase's best vocabulary term."""
        got = self._central.get(m.key)
        if got is None:
            cols = [self.index.vocab.get(t) for t in vocab_terms(m.key)]
            got = self._central[m.key] = max((self.page_weights.get(j, 0.0) for j in cols if j is not None),
                                             default=0.0)
        return got


def pair_features(index: LinkIndex, ms: Sequence[Mention], *, cos: float, rank: float, cocite: float,
                  inbound: int, passage: float, text_len: int, page_weights: Mapping[int, float],
                  holdout: Holdout | None = None, same_folder: float = 0.0, backlink: bool = False,
                  title_overlap: float = 0.0, reverse_title: float = 0.0, folder_inbound: float = 0.0,
                  item: float = 0.0, cue: float = 0.0, evidence: MentionEvidence | None = None,
                  as_tuple: bool = False) -> np.ndarray:
    """The feature vector (:data:`FEATURES`) of one (page, target) pair from its evidence.

    ``ms`` are the target's mentions in the page, ``cos`` the page/target cosine, ``rank`` the
    target's rank by cosine among all pages (1 = most similar), ``cocite`` the share of the
    page's nearest pages linking to it, ``inbound`` its inbound links, ``passage`` the cosine of
    the text around its first mention and the target. ``evidence`` shares the per-phrase values
    among the candidates of one page (it must have the same ``page_weights`` and ``holdout``);
    with ``as_tuple`` the vector is returned as a tuple of floats.
    """
    ev = MentionEvidence(index, page_weights, holdout) if evidence is None else evidence
    name = kw = learned = central = None
    first = None
    for m in ms:
        source = m.source
        if source == "title" or source == "alias":
            v = ev.named(m)
            if name is None or v > name:
                name = v
        elif source == "keyword":
            v = ev.named(m)
            if kw is None or v > kw:
                kw = v
        elif source == "anchor":
            v = ev.learned(m)
            if learned is None or v > learned:
                learned = v
        v = ev.central(m)
        if central is None or v > central:
            central = v
        if first is None or m.start < first:
            first = m.start
    log_n = math.log1p(len(index)) or 1.0
    row = (
        cos,
        1.0 / max(1.0, rank),
        0.0 if name is None else name,
        0.0 if kw is None else kw,
        0.0 if learned is None else learned,
        0.0 if central is None else central,
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
    )
    return row if as_tuple else np.array(row)  # type: ignore[return-value]


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
    idf = index.idf[title_cols]
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


COPY_SIMILARITY = 0.8
"""A page with the same title as another and at least this TF-IDF cosine to it is a copy of it
(another version of the docs, a duplicate): never a link between the two."""


def title_key(title: str) -> str:
    """A title compared regardless of case and spacing."""
    return " ".join(title.casefold().split())


def is_copy(title: str, other_title: str, cos: float) -> bool:
    """Whether two pages with these titles and this cosine are copies of each other."""
    return cos >= COPY_SIMILARITY and title_key(title) == title_key(other_title)
