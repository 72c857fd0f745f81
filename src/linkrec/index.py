"""The fitted model: vocabulary, TF-IDF matrix, page records and the site's link graph.

``LinkIndex.build`` fits it from parsed pages; ``LinkIndex.refreshed`` returns a new index with
some pages replaced, added or removed, re-using the stored counts of every other page. After
building, a ``LinkIndex`` is never mutated.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import analysis, editions
from .corpus import PageRecord, ParsedPage
from .errors import CorpusError
from .resolve import PageKey, Resolver
from .settings import Settings

MAX_PHRASE_WORDS = 6


def _csr(rows: Sequence[dict[str, int]], vocab: dict[str, int]) -> sp.csr_matrix:
    """Count matrix of ``rows`` over ``vocab`` (unknown terms dropped)."""
    get = vocab.get
    n_cells = sum(map(len, rows))
    cols = np.fromiter(map(get, itertools.chain.from_iterable(rows), itertools.repeat(-1)), dtype=np.int64,
                       count=n_cells)
    data = np.fromiter(itertools.chain.from_iterable(row.values() for row in rows), dtype=np.float32, count=n_cells)
    known = cols >= 0
    row_of = np.repeat(np.arange(len(rows)), np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of[known], minlength=len(rows)), out=indptr[1:])
    m = sp.csr_matrix((data[known], cols[known].astype(np.int32), indptr), shape=(len(rows), len(vocab)))
    m.sort_indices()
    return m


def _phrase_table(records: Sequence[PageRecord]) -> dict[tuple[str, ...], tuple[tuple[int, str], ...]]:
    """Phrase key -> ``(page id, "title" | "alias" | "keyword")`` for every page's names."""
    phrases: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for i, r in enumerate(records):
        seen: set[tuple[str, ...]] = set()
        for source, texts in (("title", (r.title,)), ("alias", r.aliases), ("keyword", r.keywords)):
            for text in texts:
                key = analysis.phrase_key(text)
                if key and len(key) <= MAX_PHRASE_WORDS and key not in seen:
                    seen.add(key)
                    phrases.setdefault(key, []).append((i, source))
    return {k: tuple(v) for k, v in phrases.items()}


def make_resolver(records: Sequence[PageRecord], extensions: tuple[str, ...], base_url: str | None) -> Resolver:
    """The link resolver of a set of pages (which, without ``base_url``, takes the path the site
    is served under from the pages' own links: :meth:`Resolver.assume_site_path`)."""
    resolver = Resolver([PageKey(r.path, r.title, r.aliases, r.url, r.labels, r.redirects) for r in records],
                        extensions=extensions, base_url=base_url)
    if not base_url:
        resolver.assume_site_path((r.path, kind, target) for r in records for kind, target, _ in r.links)
    return resolver


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """The smoothed IDF of every column of a page x term count matrix: what scikit-learn's
    ``TfidfTransformer(smooth_idf=True)`` fits, ``ln((1 + pages) / (1 + document frequency)) + 1``,
    computed the same way without importing scikit-learn (importing it took 1 s of a 1.9 s
    refresh of MDN; the tests check the two agree bit for bit)."""
    counts = sp.csr_matrix(counts)
    dtype = counts.dtype if counts.dtype in (np.float64, np.float32) else np.float64  # its arithmetic, step by step
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(dtype)
    df += 1.0
    idf = np.full_like(df, fill_value=counts.shape[0] + 1, dtype=dtype)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return np.asarray(idf, dtype=np.float64)


def tfidf_matrix(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """The l2-normalised TF-IDF rows (sublinear tf x ``idf``, float32) of a count matrix: what the
    fitted ``TfidfTransformer`` gives, computed without scikit-learn, so that a model is read
    without importing it."""
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    x.sort_indices()
    np.log(x.data, out=x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    sq = sp.csr_matrix((x.data * x.data, x.indices, x.indptr), shape=x.shape)
    norms = np.sqrt(np.asarray(sq.sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr))
    return sp.csr_matrix(x, dtype=np.float32)


class LinkIndex:
    """A fitted, immutable model of one corpus. Build it with :meth:`build`."""

    def __init__(self, *, settings_hash: str, records: tuple[PageRecord, ...], vocab: dict[str, int],
                 counts: sp.csr_matrix, idf: np.ndarray, word_counts: dict[str, int],
                 extra: dict[str, Any], matrix: sp.csr_matrix, path_ids: dict[str, int],
                 resolver: Resolver | None, out_links: tuple[np.ndarray, ...], link_targets: tuple[np.ndarray, ...],
                 inbound: np.ndarray,
                 phrases: dict[tuple[str, ...], tuple[tuple[int, str], ...]], base_url: str | None,
                 extensions: tuple[str, ...]) -> None:
        self.settings_hash = settings_hash
        self.records = records
        self.vocab = vocab
        self.counts = counts
        self.idf = idf
        """The inverse document frequency of every term (scikit-learn's smoothed IDF)."""
        self.word_counts = word_counts
        self.extra = extra
        """Data other modules attach at build time (e.g. the learned ranker), saved with the model."""
        self.matrix = matrix
        self.path_ids = path_ids
        self._resolver = resolver
        self.out_links = out_links
        self.link_targets = link_targets
        """For every page, the id each of its links resolves to (-1: not a corpus page), aligned with
        ``records[i].links``."""
        self.reused: frozenset[int] = frozenset()
        """Pages whose resolved links were carried over from the index this one refreshed."""
        self.inbound = inbound
        self.phrases = phrases
        self.base_url = base_url
        self.extensions = extensions
        self.centroid = np.asarray(matrix.mean(axis=0), dtype=np.float64).ravel()
        """Mean TF-IDF weight of every term over the corpus."""
        self._surface: dict[str, str] | None = None
        self._modifier: dict[str, str] = {}
        self._by_term: sp.csc_matrix | None = None
        self._totals: np.ndarray | None = None
        self._doc_freq: np.ndarray | None = None
        self._inlinks: list[frozenset[int]] | None = None
        self._titles: sp.csr_matrix | None = None
        self._terms: list[str] | None = None
        self._folders: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._editions: editions.Editions | None = None
        self.key_starts: tuple[object, object, dict[tuple[str, ...], int]] | None = None
        """Cache of :func:`linkrec.anchors.find_mentions`: the leading parts of every name and
        learned-anchor key, with the two tables they were computed from."""

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, parsed: Sequence[ParsedPage], settings: Settings) -> LinkIndex:
        """Fit a model on parsed pages.

        Raises
        ------
        CorpusError
            If there is no page, or no page has any word.
        """
        if not parsed:
            raise CorpusError(f"no usable page: no page file ({', '.join(settings.extensions)}) was found and read "
                              "(check the corpus folder and the extensions and ignore settings)")
        df = Counter(itertools.chain.from_iterable(p.terms for p in parsed))
        # Bigrams seen in one page only carry no similarity and bloat the model.
        keep = sorted(t for t, c in df.items() if c >= 2 or " " not in t)
        if not keep:
            raise CorpusError("empty vocabulary: the pages contain only stop words, numbers or code")
        vocab = {t: i for i, t in enumerate(keep)}
        counts = _csr([p.terms for p in parsed], vocab)
        word_counts: dict[str, int] = {}
        for p in parsed:
            for w, c in p.surfaces.items():
                word_counts[w] = word_counts.get(w, 0) + c
        return cls.assemble(settings=settings, records=tuple(p.record for p in parsed), vocab=vocab,
                            counts=counts, word_counts=word_counts, extra={})

    def refreshed(self, changed: Sequence[ParsedPage], removed: Iterable[str], settings: Settings) -> LinkIndex:
        """A new index with ``changed`` pages (re)placed and ``removed`` paths dropped.

        The vocabulary keeps every stored term and gains the new single-word terms of the
        changed pages; the IDF weights and the link graph are recomputed.
        """
        gone = set(removed) | {p.record.path for p in changed}
        keep_rows = [i for i, r in enumerate(self.records) if r.path not in gone]
        vocab = dict(self.vocab)
        for p in changed:
            for t in p.terms:
                if " " not in t and t not in vocab:
                    vocab[t] = len(vocab)
        old = self.counts[keep_rows]
        old = sp.csr_matrix((old.data, old.indices, old.indptr), shape=(len(keep_rows), len(vocab)))
        new = _csr([p.terms for p in changed], vocab)
        records = [self.records[i] for i in keep_rows] + [p.record for p in changed]
        counts = sp.vstack([old, new], format="csr")
        order = sorted(range(len(records)), key=lambda i: records[i].path)
        counts = counts[order]
        word_counts = dict(self.word_counts)
        for p in changed:
            for w, c in p.surfaces.items():
                word_counts[w] = word_counts.get(w, 0) + c
        if not records:
            raise CorpusError("no usable page: every page of the corpus was removed")
        new_records = tuple(records[i] for i in order)
        # Same pages under the same names, and the same root-relative links (the site path is
        # taken from them: Resolver.assume_site_path): every other page's links resolve as before.
        def names(r: PageRecord) -> tuple[object, ...]:  # what other pages' links resolve by
            rooted = sorted((k, t) for k, t, _ in r.links if t.lstrip().startswith("/"))
            return r.title, r.aliases, r.url, r.labels, r.redirects, rooted

        same_names = [r.path for r in new_records] == [r.path for r in self.records] and all(
            names(p.record) == names(self.records[self.path_ids[p.record.path]]) for p in changed)
        changed_paths = {p.record.path for p in changed}
        reuse = ([None if r.path in changed_paths else self.link_targets[i] for i, r in enumerate(new_records)]
                 if same_names else None)
        same_phrases = same_names and all(
            p.record.keywords == self.records[self.path_ids[p.record.path]].keywords for p in changed)
        return type(self).assemble(settings=settings, records=new_records, vocab=vocab,
                                   counts=counts, word_counts=word_counts, extra={}, link_targets=reuse,
                                   phrases=self.phrases if same_phrases else None)

    @classmethod
    def assemble(cls, *, settings: Settings, records: tuple[PageRecord, ...], vocab: dict[str, int],
                 counts: sp.csr_matrix, word_counts: dict[str, int], extra: dict[str, Any],
                 idf: np.ndarray | None = None,
                 link_targets: Sequence[np.ndarray | None] | None = None,
                 phrases: dict[tuple[str, ...], tuple[tuple[int, str], ...]] | None = None) -> LinkIndex:
        """Derive the TF-IDF matrix, link graph and phrase table from the stored parts.

        ``link_targets`` (per page, the resolved id of each link, or None to resolve) saves
        re-resolving links that cannot have changed; ``phrases`` (the title/alias/keyword phrase
        table) likewise.
        """
        if idf is None:
            idf = fit_idf(counts)
        matrix = tfidf_matrix(counts, idf)
        path_ids = {r.path: i for i, r in enumerate(records)}
        resolver: Resolver | None = None
        out: list[np.ndarray] = []
        link_targets_in = link_targets
        link_targets = []
        inbound = np.zeros(len(records), dtype=np.int32)
        for i, r in enumerate(records):
            known = link_targets_in[i] if link_targets_in is not None else None
            if known is not None:
                ids = known.tolist()
                link_targets.append(known)
            else:
                if resolver is None:
                    resolver = make_resolver(records, settings.extensions, settings.base_url)
                ids = [path_ids[hit] if (hit := resolver.resolve(target, r.path, kind=kind))
                       else -1 for kind, target, _text in r.links]
                link_targets.append(np.array(ids, dtype=np.int32))
            arr = np.array(sorted({t for t in ids if t >= 0 and t != i}), dtype=np.int32)
            out.append(arr)
            inbound[arr] += 1
        if phrases is None:
            phrases = _phrase_table(records)
        index = cls(settings_hash=settings.index_hash(), records=records, vocab=vocab, counts=counts,
                   idf=idf, word_counts=word_counts, extra=extra, matrix=matrix,
                   path_ids=path_ids, resolver=resolver, out_links=tuple(out), link_targets=tuple(link_targets),
                   inbound=inbound,
                   phrases=phrases, base_url=settings.base_url,
                   extensions=settings.extensions)
        if link_targets_in is not None:
            index.reused = frozenset(i for i, x in enumerate(link_targets_in) if x is not None)
        return index

    @property
    def resolver(self) -> Resolver:
        """Maps link destinations to corpus paths (built on first use)."""
        if self._resolver is None:
            self._resolver = make_resolver(self.records, self.extensions, self.base_url)
        return self._resolver

    def with_extra(self, **extra: Any) -> LinkIndex:
        """A copy of this index with more attached data (shares everything else)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.extra = {**self.extra, **extra}
        return new

    # ------------------------------------------------------------------ queries
    def __len__(self) -> int:
        return len(self.records)

    @property
    def n_terms(self) -> int:
        """Size of the vocabulary."""
        return len(self.vocab)

    def term(self, j: int) -> str:
        """The vocabulary term with column ``j``."""
        if self._terms is None:
            terms = [""] * len(self.vocab)
            for t, i in self.vocab.items():
                terms[i] = t
            self._terms = terms
        return self._terms[j]

    def surface(self, term: str) -> str:
        """The most common written form of a (stemmed) term: ``"muscl cramp"`` -> ``"muscle cramps"``.

        The first word of a pair takes its most common form without a plural ending, as English
        modifiers do (``"famili size"`` -> ``"family size"``, not ``"families size"``).
        """
        if self._surface is None:
            best: dict[str, tuple[int, str]] = {}
            modifier: dict[str, tuple[int, str]] = {}
            for w, c in self.word_counts.items():
                s = analysis.stem(w)
                cur = best.get(s)
                if cur is None or (c, w) > cur:
                    best[s] = (c, w)
                if analysis.light_stem(w) == w:
                    cur = modifier.get(s)
                    if cur is None or (c, w) > cur:
                        modifier[s] = (c, w)
            self._surface = {s: w for s, (c, w) in best.items()}
            self._modifier = {s: w for s, (c, w) in modifier.items()}
        parts = term.split(" ")
        first = self._modifier.get(parts[0]) if len(parts) > 1 else None
        return " ".join([first or self._surface.get(parts[0], parts[0])]
                        + [self._surface.get(p, p) for p in parts[1:]])

    def title_matrix(self) -> sp.csr_matrix:
        """Page x term matrix of the (stemmed) words of each page's title, IDF-weighted, rows
        summing to 1 (built on first use)."""
        if self._titles is None:
            rows, cols = [], []
            for i, r in enumerate(self.records):
                ids = {self.vocab[t] for t in analysis.terms(r.title) if " " not in t and t in self.vocab}
                rows.extend([i] * len(ids))
                cols.extend(sorted(ids))
            idf = self.idf[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0)
            m = sp.csr_matrix((idf, (rows, cols)), shape=(len(self.records), len(self.vocab)))
            sums = np.asarray(m.sum(axis=1)).ravel()
            sums[sums == 0] = 1.0
            self._titles = sp.csr_matrix(sp.diags(1.0 / sums) @ m)
        return self._titles

    def vectorize(self, terms: dict[str, int]) -> sp.csr_matrix:
        """The l2-normalised TF-IDF row (1 x n_terms) of a page's term counts.

        Computes what :func:`tfidf_matrix` does for one row (sublinear tf x idf, l2 norm).
        """
        cols, vals = self.weights(terms)
        return sp.csr_matrix((vals.astype(np.float32), cols, np.array([0, len(cols)])), shape=(1, len(self.vocab)))

    def weights(self, terms: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted column ids and l2-normalised TF-IDF weights of a page's term counts."""
        get = self.vocab.get
        pairs = sorted((j, c) for t, c in terms.items() if (j := get(t)) is not None)
        if not pairs:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        cols = np.fromiter((j for j, _ in pairs), dtype=np.int32, count=len(pairs))
        tf = np.fromiter((c for _, c in pairs), dtype=np.float64, count=len(pairs))
        vals = (np.log(tf) + 1.0) * self.idf[cols]
        norm = float(np.sqrt(vals @ vals))
        return cols, vals / norm if norm else vals

    def similarities(self, row: sp.csr_matrix) -> np.ndarray:
        """Cosine similarity of ``row`` to every page (a dense vector of length ``len(self)``).

        Reads only the columns (postings) of the row's terms.
        """
        r = sp.csr_matrix(row)
        if r.nnz == 0:
            return np.zeros(len(self.records))
        sub = self.postings()[:, r.indices]
        return np.asarray(sub @ r.data.astype(np.float64)).ravel()

    def term_totals(self) -> np.ndarray:
        """How many times each term occurs in the whole corpus (built once)."""
        if self._totals is None:
            self._totals = np.bincount(self.counts.indices, weights=self.counts.data, minlength=self.n_terms)
        return self._totals

    def doc_freq(self) -> np.ndarray:
        """How many pages use each term (built once)."""
        if self._doc_freq is None:
            counts = self.counts
            self._doc_freq = np.bincount(counts.indices[counts.data > 0], minlength=self.n_terms)
        return self._doc_freq

    def postings(self) -> sp.csc_matrix:
        """The TF-IDF matrix by term: column ``j`` lists the pages using term ``j`` (built once)."""
        if self._by_term is None:
            self._by_term = sp.csc_matrix(self.matrix)
        return self._by_term

    def inlinks(self) -> list[frozenset[int]]:
        """For every page, the pages linking to it (built once)."""
        if self._inlinks is None:
            back: list[set[int]] = [set() for _ in self.records]
            for s, targets in enumerate(self.out_links):
                for t in targets.tolist():
                    back[t].add(s)
            self._inlinks = [frozenset(b) for b in back]
        return self._inlinks

    def folders(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each page's folder id, and per folder the links into its pages and its page count
        (built once)."""
        if self._folders is None:
            ids: dict[str, int] = {}
            of = np.array([ids.setdefault(r.path.rsplit("/", 1)[0] if "/" in r.path else "", len(ids))
                           for r in self.records], dtype=np.int64)
            links = np.bincount(of, weights=self.inbound, minlength=len(ids))
            pages = np.bincount(of, minlength=len(ids)).astype(np.float64)
            self._folders = (of, links, pages)
        return self._folders

    def editions(self) -> editions.Editions:
        """The language and version of the site that every page belongs to (built once; see
        :mod:`linkrec.editions`)."""
        if self._editions is None:
            self._editions = editions.Editions.of([r.path for r in self.records], [r.lang for r in self.records],
                                                  [r.top_words for r in self.records])
        return self._editions

    def other_editions(self, path: str, declared: str | None, tops: Callable[[], Sequence[str]]) -> np.ndarray:
        """Ids of the pages of another edition than the page at ``path`` (relative to the corpus
        root) whose front matter ``declared`` a language and whose most frequent words are
        ``tops()`` (see :meth:`linkrec.editions.Editions.key`); none on a site in one edition."""
        e = self.editions()
        return np.empty(0, dtype=np.int64) if e.single else e.others(e.key(path, declared, tops))

    def row(self, i: int) -> sp.csr_matrix:
        """The TF-IDF row of page ``i``."""
        return self.matrix[i]

    def linked_from(self, i: int) -> np.ndarray:
        """Ids of the pages page ``i`` links to."""
        return self.out_links[i]
