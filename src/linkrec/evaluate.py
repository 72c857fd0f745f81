"""``linkrec eval``: a backtest of link and keyword suggestions on the user's own corpus.

A seeded sample of pages that link to at least 3 corpus pages has its internal links stripped
(the link text stays) in a temporary copy of the corpus; the model is built on that copy, so no
test page's own links are in it; then each stripped page's suggestions are compared with the
links that were removed. The same task runs for two baselines (plain TF-IDF cosine and title
mention) and for a perfect ranker (the ceiling). A keyword task removes the sentences that hold
up to 3 salient terms of each test page and checks whether the missing keywords bring them back.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import analysis, api, features, keywords as keywords_mod
from . import corpus as corpus_mod
from .corpus import Progress
from .edit import StrippedLink, strip_links
from .errors import CorpusError
from .index import make_resolver
from .settings import Settings

MIN_TARGETS = 3
K_RANK = 10


@dataclass(frozen=True, slots=True)
class EvalPage:
    """A page of the backtest: its stripped text and the links that were removed."""

    path: str
    text: str
    gold: tuple[str, ...]
    """Distinct targets of the removed links."""
    spans: tuple[StrippedLink, ...]
    """Where each removed link's text now stands."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """One system's answer for one page: targets best first, with scores and anchor spans."""

    targets: tuple[str, ...]
    scores: tuple[float, ...]
    anchors: tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True, slots=True)
class SystemScores:
    """Link-task metrics of one system."""

    system: str
    p_at_1: float
    p_at_5: float
    r_at_10: float
    mrr: float
    ndcg_at_10: float
    anchor_accuracy: float | None
    """Share of correct targets in the top 10 whose anchor overlaps an original anchor span."""
    coverage: float
    """Share of test pages with at least one suggestion."""
    threshold_at_p80: float | None
    """Lowest score threshold whose precision is at least 0.8 (None if never reached)."""
    recall_at_p80: float | None
    pr_curve: tuple[tuple[float, float, float], ...] = field(default=())
    """(threshold, precision, recall) over the top-10 suggestions of every page."""
    calibration_error: float | None = None
    """For scores meant as probabilities: the mean gap between score and precision, over
    score bins of width 0.1, weighted by suggestions (expected calibration error)."""
    reliability: tuple[tuple[float, int, float, float], ...] = field(default=())
    """Per score bin (lower edge, suggestions, mean score, precision), top-10 suggestions."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {f: [list(x) for x in getattr(self, f)] if f in ("pr_curve", "reliability") else getattr(self, f)
                for f in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class KeywordScores:
    """Keyword-task metrics of one system."""

    system: str
    recall_at_10: float
    recall_at_20: float
    terms: int
    """Removed terms over all test pages."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything ``linkrec eval`` measured."""

    corpus: str
    pages: int
    """Test pages."""
    gold_links: int
    """Distinct (page, target) pairs removed."""
    systems: tuple[SystemScores, ...]
    keywords: tuple[KeywordScores, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"corpus": self.corpus, "pages": self.pages, "gold_links": self.gold_links,
                "systems": [s.to_dict() for s in self.systems],
                "keywords": [k.to_dict() for k in self.keywords], "seconds": round(self.seconds, 1)}


# ---------------------------------------------------------------------------------- metrics
def _dcg(rels: Sequence[int]) -> float:
    """Discounted cumulative gain."""
    return sum(r / math.log2(i + 2) for i, r in enumerate(rels))


def score_system(system: str, pages: Sequence[EvalPage], answers: Sequence[Ranked], *,
                 probabilities: bool = False) -> SystemScores:
    """Ranking metrics of one system's answers (the top ``K_RANK`` of each page count); with
    ``probabilities``, also how well its scores match the precision observed at them."""
    p1 = p5 = r10 = mrr = ndcg = 0.0
    anchor_hits = anchor_total = covered = 0
    pooled: list[tuple[float, bool]] = []
    total_gold = 0
    has_anchors = any(a is not None for ans in answers for a in ans.anchors)
    for page, ans in zip(pages, answers):
        gold = set(page.gold)
        total_gold += len(gold)
        top = list(ans.targets[:K_RANK])
        rel = [1 if t in gold else 0 for t in top]
        covered += bool(top)
        p1 += rel[0] if rel else 0
        p5 += sum(rel[:5]) / 5
        r10 += sum(rel) / len(gold)
        mrr += next((1.0 / (i + 1) for i, r in enumerate(rel) if r), 0.0)
        ideal = _dcg([1] * min(K_RANK, len(gold)))
        ndcg += _dcg(rel) / ideal if ideal else 0.0
        for t, s, a, r in zip(top, ans.scores, ans.anchors, rel):
            pooled.append((s, bool(r)))
            if r:
                anchor_total += 1
                if a is not None and any(sp.target == t and a[0] < sp.end and sp.start < a[1] for sp in page.spans):
                    anchor_hits += 1
    n = max(1, len(pages))
    curve, thr, rec_at = _pr_curve(pooled, total_gold)
    ece, bins = _reliability(pooled) if probabilities else (None, ())
    return SystemScores(system, p1 / n, p5 / n, r10 / n, mrr / n, ndcg / n,
                        (anchor_hits / anchor_total if anchor_total else 0.0) if has_anchors else None,
                        covered / n, thr, rec_at, curve, ece, bins)


def _reliability(pooled: Sequence[tuple[float, bool]], width: float = 0.1
                 ) -> tuple[float | None, tuple[tuple[float, int, float, float], ...]]:
    """Expected calibration error and the reliability table of (score, correct) pairs."""
    if not pooled:
        return None, ()
    nbins = round(1 / width)
    groups: dict[int, list[tuple[float, bool]]] = {}
    for sc, ok in pooled:
        groups.setdefault(min(nbins - 1, int(sc / width)), []).append((sc, ok))
    rows = []
    ece = 0.0
    for b in sorted(groups):
        g = groups[b]
        mean = sum(x for x, _ in g) / len(g)
        prec = sum(ok for _, ok in g) / len(g)
        ece += len(g) / len(pooled) * abs(mean - prec)
        rows.append((round(b * width, 2), len(g), round(mean, 4), round(prec, 4)))
    return round(ece, 4), tuple(rows)


def _pr_curve(pooled: list[tuple[float, bool]], total_gold: int) -> tuple[tuple[tuple[float, float, float], ...],
                                                                          float | None, float | None]:
    """Precision/recall at every score threshold; the lowest threshold with precision >= 0.8."""
    pooled = sorted(pooled, key=lambda x: -x[0])
    curve: list[tuple[float, float, float]] = []
    tp = 0
    best: tuple[float, float] | None = None
    for i, (s, ok) in enumerate(pooled):
        tp += ok
        if i + 1 < len(pooled) and pooled[i + 1][0] == s:
            continue
        p, r = tp / (i + 1), tp / max(1, total_gold)
        curve.append((round(s, 4), round(p, 4), round(r, 4)))
        if p >= 0.8 and (best is None or r > best[1]):
            best = (s, r)
    step = max(1, len(curve) // 50)
    thinned = tuple(curve[::step])
    return thinned, (round(best[0], 4) if best else None), (round(best[1], 4) if best else None)


def ceiling(pages: Sequence[EvalPage]) -> SystemScores:
    """What a perfect ranker scores on the same sample."""
    answers = [Ranked(p.gold, tuple(1.0 for _ in p.gold), tuple((s.start, s.end) for s in
                                                                 [next(x for x in p.spans if x.target == g) for g in p.gold]))
               for p in pages]
    return score_system("ceiling", pages, answers)


# ---------------------------------------------------------------------------------- set-up
def prepare(corpus: Path, work: Path, settings: Settings, *, sample: int, seed: int,
            progress: Progress | None = None) -> list[EvalPage]:
    """Copy the corpus into ``work`` with the sampled pages' internal links stripped."""
    entries = corpus_mod.scan(corpus, settings)
    parsed, _ = corpus_mod.read_pages(corpus, entries, settings, progress)
    if not parsed:
        raise CorpusError(f"{corpus}: no usable page")
    records = [p.record for p in parsed]
    resolver = make_resolver(records, settings.extensions, settings.base_url)
    eligible = []
    for r in records:
        targets = {resolver.resolve(t, r.path, kind=k) for k, t, _ in r.links}
        targets.discard(None)
        targets.discard(r.path)
        if len(targets) >= MIN_TARGETS and not r.draft:
            eligible.append(r.path)
    if not eligible:
        raise CorpusError(f"{corpus}: no page links to {MIN_TARGETS} or more other pages; nothing to evaluate")
    rng = np.random.default_rng(seed)
    chosen = sorted(eligible) if len(eligible) <= sample else sorted(
        str(x) for x in rng.choice(sorted(eligible), size=sample, replace=False))
    chosen_set = set(chosen)
    tests: list[EvalPage] = []
    for e in entries:
        dest = work / e.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        if e.path not in chosen_set:
            shutil.copyfile(corpus / e.path, dest)
            continue
        text, _ = corpus_mod.read_text(corpus / e.path, display=e.path, max_bytes=int(settings.max_page_mb * 1e6))
        doc = corpus_mod.parse_page(text, e.path, settings, placements=False)

        def internal(link: Any, src: str = e.path) -> str | None:
            hit = resolver.resolve(link.target, src, kind=link.kind)
            return hit if hit != src else None

        stripped, spans = strip_links(doc, internal)
        # a target the stripped page still links (an Obsidian embed, ![[Note]], has no text to
        # leave, so it stays) is no answer to find: suggest rightly leaves it out
        still = {internal(lk) for lk in corpus_mod.parse_page(stripped, e.path, settings, placements=False).links}
        spans = [s for s in spans if s.target not in still]
        with open(dest, "w", encoding="utf-8", newline="") as fh:
            fh.write(stripped)
        gold = tuple(sorted({s.target for s in spans}))
        tests.append(EvalPage(e.path, stripped, gold, tuple(spans)))
    return tests


# ---------------------------------------------------------------------------------- systems
def run_linkrec(rec: api.Recommender, tests: Sequence[EvalPage]) -> list[Ranked]:
    """linkrec's answers for the stripped test pages."""
    out = []
    for t in tests:
        report = rec.suggest(t.text, path=rec.corpus / t.path, limit=K_RANK, keywords=0)
        out.append(Ranked(tuple(s.target for s in report.links), tuple(s.score for s in report.links),
                          tuple((s.anchor.start, s.anchor.end) if s.anchor else None for s in report.links)))
    return out


def run_tfidf(work: Path, paths: Sequence[str], tests: Sequence[EvalPage]) -> list[Ranked]:
    """Plain TF-IDF cosine over the raw files (scikit-learn defaults, English stop words)."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # the baseline: scikit-learn's defaults

    texts = [(work / p).read_text(encoding="utf-8", errors="replace") for p in paths]
    vec = TfidfVectorizer(stop_words="english")
    x = vec.fit_transform(texts)
    pos = {p: i for i, p in enumerate(paths)}
    out = []
    for t in tests:
        i = pos[t.path]
        sims = np.asarray((x @ x[i].T).todense()).ravel()
        order = np.lexsort((np.arange(len(sims)), -sims))
        order = order[order != i][:K_RANK]  # never the page itself
        out.append(Ranked(tuple(paths[j] for j in order), tuple(float(sims[j]) for j in order),
                          tuple(None for _ in order)))
    return out


def run_title_mention(rec: api.Recommender, tests: Sequence[EvalPage]) -> list[Ranked]:
    """Pages whose title or file name occurs verbatim in the page ("unlinked mentions")."""
    names: list[tuple[str, str]] = []
    for r in rec.index.records:
        stem = r.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        for n in sorted({r.title.strip().lower(), stem.replace("-", " ").replace("_", " ").lower()}):  # set order varies by run
            if len(n) >= 3:
                names.append((n, r.path))
    out = []
    for t in tests:
        low = t.text.lower()
        hits: dict[str, tuple[int, int]] = {}
        for n, path in names:
            if path == t.path:
                continue
            i = low.find(n)
            while i >= 0:
                before = low[i - 1] if i else " "
                after = low[i + len(n)] if i + len(n) < len(low) else " "
                if not (before.isalnum() or after.isalnum()):
                    break
                i = low.find(n, i + 1)
            if i >= 0 and (path not in hits or len(n) > hits[path][1] - hits[path][0]):
                hits[path] = (i, i + len(n))
        order = sorted(hits, key=lambda p: (-(hits[p][1] - hits[p][0]), hits[p][0], p))[:K_RANK]
        out.append(Ranked(tuple(order), tuple(1.0 / (1 + k) for k in range(len(order))),
                          tuple(hits[p] for p in order)))
    return out


# ---------------------------------------------------------------------------------- keywords
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]?")


def keyword_task(rec: api.Recommender, tests: Sequence[EvalPage]) -> list[KeywordScores]:
    """Remove the sentences holding up to 3 salient shared terms; do the keywords bring them back?"""
    index, settings = rec.index, rec.settings
    hits = {"linkrec": [0, 0], "baseline": [0, 0]}
    total = 0
    for t in tests:
        page = features.analyse_page(index, t.text, corpus_rel=t.path, display=t.path, settings=settings)
        near = page.near
        if not len(near):
            continue
        near_rows = index.matrix[near]
        used = np.asarray((near_rows > 0).sum(axis=0)).ravel()
        title_terms = set(analysis.terms("\n".join((page.doc.title, *page.doc.aliases, *page.doc.keywords,
                                                   *page.doc.headings))))
        q = page.q
        order = np.argsort(-q.data, kind="stable")
        salient: list[str] = []
        for k in order:
            term = index.term(int(q.indices[k]))
            if " " in term or len(term) < 3 or term in title_terms or used[q.indices[k]] == 0:
                continue
            salient.append(term)
            if len(salient) == 3:
                break
        if not salient:
            continue
        kept = []
        for m in _SENTENCE_RE.finditer(t.text):
            sent = m.group()
            if not any(analysis.stem(w) in salient for w in analysis.words(sent)):
                kept.append(sent)
        reduced = "\n".join(kept)
        page2 = features.analyse_page(index, reduced, corpus_rel=t.path, display=t.path, settings=settings)
        gold = [s for s in salient if s not in page2.terms]
        if not gold:
            continue
        total += len(gold)
        near2 = page2.near
        ours = keywords_mod.missing_keywords(index, page2.terms.keys(), near2, page2.sims, limit=20)
        ours_stems = [{analysis.stem(w) for w in analysis.words(k.term)} for k in ours]
        base = _baseline_keywords(index, page2.terms.keys(), near2, 20)
        for name, lists in (("linkrec", ours_stems), ("baseline", [set(b.split()) for b in base])):
            for g in gold:
                if any(g in s for s in lists[:10]):
                    hits[name][0] += 1
                if any(g in s for s in lists[:20]):
                    hits[name][1] += 1
    return [KeywordScores(name, h[0] / max(1, total), h[1] / max(1, total), total) for name, h in hits.items()]


def _baseline_keywords(index: Any, page_terms: Any, near: np.ndarray, k: int) -> list[str]:
    """Terms with the highest mean TF-IDF over the nearest pages, absent from the page."""
    if not len(near):
        return []
    mean = np.asarray(index.matrix[near].mean(axis=0)).ravel()
    have = set(page_terms)
    out = []
    for j in np.argsort(-mean, kind="stable"):
        if mean[j] <= 0:
            break
        term = index.term(int(j))
        if term not in have:
            out.append(term)
            if len(out) == k:
                break
    return out


# ---------------------------------------------------------------------------------- entry point
def evaluate(corpus: Path, *, settings: Settings, sample: int = 200, seed: int = 0,
             progress: Progress | None = None) -> EvalReport:
    """Run the backtest on ``corpus`` (read-only: all work happens in a temporary copy)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="linkrec-eval-") as tmp:
        work = Path(tmp) / "corpus"
        tests = prepare(corpus, work, settings, sample=sample, seed=seed, progress=progress)
        rec = api.Recommender.open(work, Path(tmp) / "model", settings=settings, progress=progress)
        paths = [r.path for r in rec.index.records]
        tests = [t for t in tests if t.path in rec.index.path_ids]
        systems = (
            score_system("linkrec", tests, run_linkrec(rec, tests), probabilities=True),
            score_system("tfidf-cosine", tests, run_tfidf(work, paths, tests)),
            score_system("title-mention", tests, run_title_mention(rec, tests)),
            ceiling(tests),
        )
        kw = tuple(keyword_task(rec, tests))
    return EvalReport(str(corpus), len(tests), sum(len(t.gold) for t in tests), systems, kw,
                      time.perf_counter() - start)


def render_report(report: EvalReport) -> str:
    """The eval report as a text table."""
    lines = [f"corpus: {report.corpus}", f"test pages: {report.pages}, removed links (distinct targets): "
             f"{report.gold_links}, {report.seconds:.0f} s", "",
             f"{'system':<15}{'P@1':>7}{'P@5':>7}{'R@10':>7}{'MRR':>7}{'nDCG@10':>9}{'anchor':>8}{'cover':>7}"
             f"{'thr@P.8':>9}{'R@P.8':>7}{'ECE':>7}"]
    for s in report.systems:
        anchor = f"{s.anchor_accuracy:8.2f}" if s.anchor_accuracy is not None else f"{'-':>8}"
        thr = f"{s.threshold_at_p80:9.2f}" if s.threshold_at_p80 is not None else f"{'-':>9}"
        rp = f"{s.recall_at_p80:7.2f}" if s.recall_at_p80 is not None else f"{'-':>7}"
        lines.append(f"{s.system:<15}{s.p_at_1:7.2f}{s.p_at_5:7.2f}{s.r_at_10:7.2f}{s.mrr:7.2f}{s.ndcg_at_10:9.2f}"
                     f"{anchor}{s.coverage:7.2f}{thr}{rp}"
                     + (f"{s.calibration_error:7.2f}" if s.calibration_error is not None else f"{'-':>7}"))
    for s in report.systems:
        if s.reliability:
            lines += ["", f"calibration of {s.system} (top-10 suggestions): score bin, suggestions, mean score, "
                          "precision"]
            lines += [f"  {lo:.1f}-{lo + 0.1:.1f} {n:6d} {m:7.2f} {p:7.2f}" for lo, n, m, p in s.reliability]
    lines += ["", f"{'keywords':<15}{'R@10':>7}{'R@20':>7}{'terms':>7}"]
    for k in report.keywords:
        lines.append(f"{k.system:<15}{k.recall_at_10:7.2f}{k.recall_at_20:7.2f}{k.terms:7d}")
    return "\n".join(lines) + "\n"
