"""The one orchestrator: build, save, open and refresh models, and suggest for a page.

The CLI and editor integrations call only this module (through ``linkrec/__init__``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import anchors as anchors_mod
from . import corpus as corpus_mod
from . import keywords as keywords_mod
from . import analysis, features, learn
from . import inbound as inbound_mod
from .evidence import stats_of
from .features import PageAnalysis
from . import rank
from .documents import Document, Mention
from .errors import IndexFormatError, IndexNotFoundError, IndexWriteError, LinkrecError, StaleIndexError
from .index import LinkIndex
from .ignore import FILE_NAME as IGNORE_FILE
from .ignore import IgnoreRules, load_rules
from .results import Anchor, InboundReport, LinkSuggestion, PageReport, Suppressed
from .settings import Settings, load_config
from .store import Manifest, load_index, read_manifest, save_model

logger = logging.getLogger(__name__)

Progress = corpus_mod.Progress
Warn = Callable[[str], None]

REBUILD_SHARE = 0.25
REBUILD_MIN = 20
"""Above this share (and number) of changed pages, a refresh rebuilds the model from scratch so
that the vocabulary follows the new text."""


def _log_warning(message: str) -> None:
    """Default ``warn``: the library's logger."""
    logger.warning("%s", message)


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What ``index_corpus`` did."""

    index: LinkIndex
    """The fitted model."""
    pages: int
    """Pages in the model."""
    skipped: tuple[corpus_mod.Skipped, ...]
    """Pages that could not be used, with reasons."""
    reread: int
    """Pages read and parsed in this run (all of them for a full build)."""
    rebuilt: bool
    """True for a full build, False for a refresh or an up-to-date model."""
    manifest: Manifest | None = None
    """The manifest of the saved model that ``index`` is, as read or written (None when the model
    could not be saved)."""


def build_index(corpus: Path, *, settings: Settings, progress: Progress | None = None,
                warn: Warn | None = None) -> LinkIndex:
    """Fit a model on every page of ``corpus`` (not saved).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tea.md").write_text("# Tea\\n\\nGreen tea and black tea.")
    >>> _ = (d / "coffee.md").write_text("# Coffee\\n\\nEspresso is coffee.")
    >>> len(build_index(d, settings=Settings()))
    2
    """
    return _full_build(corpus, settings, progress, warn or _log_warning)[0]


def _full_build(corpus: Path, settings: Settings, progress: Progress | None,
                warn: Warn) -> tuple[LinkIndex, list[corpus_mod.Skipped]]:
    """Scan, parse and fit; report skipped pages through ``warn``."""
    entries = corpus_mod.scan(corpus, settings)
    parsed, skipped = corpus_mod.read_pages(corpus, entries, settings, progress)
    _report_problems(parsed, skipped, warn)
    with _no_cycle_collection():
        index = LinkIndex.build(parsed, settings)
        index = learn.attach(index, corpus, settings)
    return index, skipped


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (if it runs) while fitting a model.

    Fitting holds every page in memory and makes no garbage cycles to speak of, yet each full
    collection walks all of it again (about a second for 12,000 pages); the collector resumes
    (and collects whatever it would have) when fitting ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _report_problems(parsed: list[corpus_mod.ParsedPage], skipped: list[corpus_mod.Skipped], warn: Warn) -> None:
    """One line per skipped page and per problem a parsed page had."""
    for s in skipped:
        warn(f"skipped {s.reason}")
    for p in parsed:
        for w in p.warnings:
            warn(f"{p.record.path}: {w}")


def index_corpus(corpus: Path, *, model: Path, settings: Settings, progress: Progress | None = None,
                 warn: Warn | None = None, strict: bool = True) -> IndexReport:
    """Build the model of ``corpus`` from scratch and save it in ``model``.

    Raises
    ------
    IndexWriteError
        If the model cannot be saved and ``strict`` (without it: a warning, and the model built
        in memory is returned all the same).
    """
    warn = warn or _log_warning
    logger.info("%s: building the model of %s", model, corpus)
    index, skipped = _full_build(corpus, settings, progress, warn)
    manifest = _save(index, model, settings=settings, corpus=corpus, skipped=skipped, warn=warn, strict=strict)
    return IndexReport(index, len(index), tuple(skipped), len(index) + len(skipped), True, manifest)


def _save(index: LinkIndex, model: Path, *, settings: Settings, corpus: Path, skipped: Sequence[corpus_mod.Skipped],
          warn: Warn, strict: bool) -> Manifest | None:
    """Save the model and return its manifest; where it cannot be saved and not ``strict``, warn
    and return None."""
    try:
        return save_model(index, model, settings=settings, corpus=str(corpus), skipped=skipped)
    except IndexWriteError as exc:
        if strict:
            raise
        warn(f"{exc}; answering from the model built in memory (it is built again next time)")
        return None


def open_index(corpus: Path, *, model: Path, settings: Settings, progress: Progress | None = None,
               warn: Warn | None = None) -> IndexReport:
    """Load the saved model of ``corpus``, refreshing or rebuilding it when it is out of date.

    A model that is missing is built; one from another linkrec/scikit-learn version, with other
    settings, or corrupt, is rebuilt with a warning; one whose pages changed is refreshed by
    re-reading only the changed pages. The result is saved back to ``model``; where it cannot
    be (a read-only folder), a warning says so and the model in memory answers all the same.
    """
    return _open_index(corpus, model, settings, progress, warn or _log_warning, held=None)


def _open_index(corpus: Path, model: Path, settings: Settings, progress: Progress | None, warn: Warn,
                held: IndexReport | None) -> IndexReport:
    """:func:`open_index`; ``held`` is the report of an earlier open of the same corpus, model and
    settings: when the model folder still holds exactly that model (the same manifest bytes), it
    is not loaded again: returned as it is when no page changed, refreshed from memory otherwise."""
    entries = corpus_mod.scan(corpus, settings)
    known = held.manifest if held is not None else None
    try:
        manifest = read_manifest(model, known=known)
        if manifest.data.get("settings_hash") != settings.index_hash():
            raise StaleIndexError(f"{model}: model built with other settings")
    except IndexNotFoundError:
        return index_corpus(corpus, model=model, settings=settings, progress=progress, warn=warn, strict=False)
    except (StaleIndexError, IndexFormatError) as exc:
        warn(f"{exc}; rebuilding")
        return index_corpus(corpus, model=model, settings=settings, progress=progress, warn=warn, strict=False)
    changed, removed = _changes(corpus, entries, manifest)
    if held is not None and known is not None and manifest.digest == known.digest:
        index = held.index  # the model folder holds the model in memory: no need to load it again
        if not changed and not removed:
            logger.info("%s: model up to date and already loaded (%d pages)", model, len(index))
            return IndexReport(index, len(index), (), 0, False, known)
    else:
        try:
            index = load_index(model, settings=settings, manifest=manifest)
            if not learn.compatible(index):
                raise StaleIndexError(f"{model}: model learned other ranking features")
        except (IndexFormatError, StaleIndexError) as exc:
            warn(f"{exc}; rebuilding")
            return index_corpus(corpus, model=model, settings=settings, progress=progress, warn=warn, strict=False)
    if not changed and not removed:
        logger.info("%s: model up to date (%d pages)", model, len(index))
        return IndexReport(index, len(index), (), 0, False, manifest)
    n_changed = len(changed) + len(removed)
    if n_changed > REBUILD_MIN and n_changed > REBUILD_SHARE * len(manifest.pages):
        return index_corpus(corpus, model=model, settings=settings, progress=progress, warn=warn, strict=False)
    logger.info("%s: refreshing %d changed and %d removed page(s)", model, len(changed), len(removed))
    parsed, skipped = corpus_mod.read_pages(corpus, changed, settings, progress)
    _report_problems(parsed, skipped, warn)
    gone = removed + [s.path for s in skipped]
    # The anchor dictionary follows the change; the ranker's weights are kept until a full build.
    index = learn.attach(index.refreshed(parsed, gone, settings), corpus, settings,
                         ranker=index.extra.get("ranker"), anchor_ranker=index.extra.get("anchor_ranker"),
                         train=False, previous=stats_of(index))
    present = {e.path for e in entries}
    known_skipped: dict[str, list[object]] = manifest.data.get("skipped", {})
    still_skipped = [corpus_mod.Skipped(p, str(v[2]), int(v[0]), int(v[1])) for p, v in known_skipped.items()
                     if p in present and p not in {c.path for c in changed}]
    saved = _save(index, model, settings=settings, corpus=corpus, skipped=[*still_skipped, *skipped], warn=warn,
                  strict=False)
    return IndexReport(index, len(index), tuple(skipped), len(changed), False, saved)


def _changes(corpus: Path, entries: Sequence[corpus_mod.FileEntry],
             manifest: Manifest) -> tuple[list[corpus_mod.FileEntry], list[str]]:
    """The scanned pages that are new or changed since ``manifest`` was written (size, mtime,
    then content hash), and the paths it holds that are gone."""
    known = manifest.pages
    known_skipped: dict[str, list[object]] = manifest.data.get("skipped", {})
    changed: list[corpus_mod.FileEntry] = []
    for e in entries:
        rec = known.get(e.path)
        if rec is not None and rec[1] == e.size and rec[2] == e.mtime_ns:
            continue
        old_skip = known_skipped.get(e.path)
        if old_skip is not None and old_skip[0] == e.size and old_skip[1] == e.mtime_ns:
            continue
        if rec is not None and _same_hash(corpus / e.path, str(rec[0])):
            continue
        changed.append(e)
    present = {e.path for e in entries}
    removed = [p for p in known if p not in present]
    return changed, removed


def _same_hash(file: Path, digest: str) -> bool:
    """True if ``file``'s bytes still hash to ``digest``."""
    import hashlib

    try:
        return hashlib.sha256(file.read_bytes()).hexdigest() == digest
    except OSError:
        return False


class Recommender:
    """A loaded model of one corpus, ready to answer many ``suggest`` calls fast.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tea.md").write_text("---\\ntitle: Green tea\\n---\\nGreen tea is brewed from leaves.")
    >>> _ = (d / "coffee.md").write_text("# Coffee\\n\\nCoffee is brewed from beans.")
    >>> _ = (d / "water.md").write_text("# Water\\n\\nDrink water.")
    >>> rec = Recommender.open(d, d / ".model")
    >>> report = rec.suggest("I like green tea with breakfast.")
    >>> report.links[0].target, report.links[0].anchor.text
    ('tea.md', 'green tea')
    """

    def __init__(self, index: LinkIndex, corpus: Path, settings: Settings, model: Path | None = None) -> None:
        self.index = index
        self.corpus = Path(os.path.abspath(corpus))
        """The corpus folder, absolute (a later change of the working directory changes nothing)."""
        self.settings = settings
        self.model = model
        """The model folder (None when the index was not read from one: :meth:`refresh` cannot run)."""
        self._rules: tuple[float, IgnoreRules] | None = None
        self._sources: inbound_mod.SourceCache | None = None
        self._opened: IndexReport | None = None
        """How :meth:`open` or the last :meth:`refresh` got ``index`` (with the manifest of the saved
        model it is), so that :meth:`refresh` need not load the model again when nothing changed."""

    @property
    def rules(self) -> IgnoreRules:
        """The corpus's ``.linkrec-ignore`` rules, re-read when the file changes."""
        try:
            mtime = (self.corpus / IGNORE_FILE).stat().st_mtime_ns
        except OSError:
            mtime = -1
        if self._rules is None or self._rules[0] != mtime:
            self._rules = (mtime, load_rules(self.corpus) if mtime != -1 else IgnoreRules())
        return self._rules[1]

    @classmethod
    def open(cls, corpus: Path | str, model: Path | str | None = None, *, settings: Settings | None = None,
             progress: Progress | None = None, warn: Warn | None = None) -> Recommender:
        """Load (refreshing or building as needed) the model of ``corpus`` kept in ``model``.

        ``model`` defaults to the config file's ``model``, else the folder ``models`` of the current
        directory. Without ``settings``, those of the nearest ``linkrec.toml`` (or
        ``pyproject.toml`` with ``[tool.linkrec]``) from the corpus folder up are used, as
        ``linkrec`` itself would find them from there, else the defaults. Both folders are kept as absolute paths, so a later change of the working
        directory changes nothing.

        Raises
        ------
        ConfigError
            If the config file found is malformed.
        """
        corpus = Path(os.path.abspath(corpus))
        config = load_config(corpus) if settings is None or model is None else None
        settings = settings if settings is not None else config.settings  # type: ignore[union-attr]
        model = Path(os.path.abspath(model if model is not None else (config and config.model) or "models"))
        report = open_index(corpus, model=model, settings=settings, progress=progress, warn=warn)
        rec = cls(report.index, corpus, settings, model)
        rec._opened = report
        return rec

    def refresh(self, *, progress: Progress | None = None, warn: Warn | None = None) -> bool:
        """Bring a long-lived recommender up to date with the pages on disk: pages added, changed,
        renamed or deleted since it was opened (only those are read again). An editor plugin
        calls it when files are saved. Returns whether anything changed.

        When no page changed and the model folder still holds the very model this recommender
        has (no other process saved one since), the model is not read again: the cost is a scan of
        the corpus folder (one stat per page) and a read of the small manifest.

        Raises
        ------
        LinkrecError
            If the recommender was not opened from a model folder.
        """
        if self.model is None:
            raise LinkrecError("this recommender has no model folder to refresh")
        held = self._opened if self._opened is not None and self._opened.index is self.index else None
        report = _open_index(self.corpus, self.model, self.settings, progress, warn or _log_warning, held=held)
        self._opened = report
        if report.index is self.index:
            return False
        # (compared page by page: another process may have refreshed the shared model already)
        changed = [(r.path, r.sha256) for r in report.index.records] != [(r.path, r.sha256) for r in self.index.records]
        self.index = report.index
        self._sources = None
        return changed

    def corpus_path(self, path: Path | str | None) -> str | None:
        """The corpus-relative path of a file, or None when it is outside the corpus (a path
        through a symbolic link to a corpus page, or to the corpus folder, is that page)."""
        if path is None:
            return None
        try:
            rel: str | None = Path(os.path.abspath(path)).relative_to(self.corpus).as_posix()
        except ValueError:
            rel = None
        if rel is None or rel not in self.index.path_ids:  # maybe a page reached through a symbolic link
            try:
                real = Path(os.path.realpath(path)).relative_to(os.path.realpath(self.corpus)).as_posix()
            except ValueError:
                real = None
            if real is not None and (rel is None or real in self.index.path_ids):
                rel = real
        return rel

    def suggest_file(self, path: Path | str, *, limit: int | None = None, keywords: int | None = None,
                     min_score: float | None = None, explain: bool = False) -> PageReport:
        """Suggest for a page file (in the corpus or a draft outside it).

        Raises
        ------
        ParseError
            If the file cannot be read as a UTF-8 text page.
        """
        text, _ = corpus_mod.read_text(Path(path), display=str(path),
                                       max_bytes=int(self.settings.max_page_mb * 1e6))
        return self.suggest(text, path=path, limit=limit, keywords=keywords, min_score=min_score, explain=explain)

    def suggest(self, text: str, path: Path | str | None = None, *, limit: int | None = None,
                keywords: int | None = None, min_score: float | None = None, explain: bool = False) -> PageReport:
        """Suggest links and missing keywords for page ``text`` (e.g. an unsaved editor buffer).

        Offsets in the result index into ``text``. ``path``, when given, names the page: a page
        of the corpus is never suggested to itself, and relative links resolve from it.
        """
        return suggest(self.index, text, path=path, corpus_rel=self.corpus_path(path), settings=self.settings,
                       limit=limit, keywords=keywords, min_score=min_score, rules=self.rules, explain=explain,
                       corpus_root=str(self.corpus))


    def inbound(self, text: str, path: Path | str | None = None, *, limit: int | None = None,
                min_score: float | None = None) -> InboundReport:
        """The existing pages that should link to page ``text`` (a draft or a corpus page).

        Anchors index into each SOURCE page's text.
        """
        if self._sources is None:
            self._sources = inbound_mod.SourceCache(self.corpus, self.settings)
        return inbound_mod.inbound(
            self.index, text, path=None if path is None else str(path), corpus_rel=self.corpus_path(path),
            settings=self.settings, cache=self._sources, limit=self.settings.limit if limit is None else limit,
            min_score=self.settings.min_score if min_score is None else min_score, rules=self.rules)

    def inbound_file(self, path: Path | str, *, limit: int | None = None,
                     min_score: float | None = None) -> InboundReport:
        """:meth:`inbound` for a page file."""
        text, _ = corpus_mod.read_text(Path(path), display=str(path),
                                       max_bytes=int(self.settings.max_page_mb * 1e6))
        return self.inbound(text, path=path, limit=limit, min_score=min_score)


def score_candidates(index: LinkIndex, page: PageAnalysis,
                     settings: Settings) -> tuple[rank.Candidates, np.ndarray, np.ndarray]:
    """Candidate targets of a page, their scores in [0, 1] and each feature's contribution."""
    cands = features.candidates(index, page, settings)
    if not len(cands.targets):
        return cands, np.zeros(0), np.zeros((0, len(rank.FEATURES)))
    scores, contrib = learn.score(index, cands.features)
    return cands, scores, contrib


def suggest(index: LinkIndex, text: str, *, path: Path | str | None = None, corpus_rel: str | None = None,
            settings: Settings, limit: int | None = None, keywords: int | None = None,
            min_score: float | None = None, rules: IgnoreRules | None = None,
            explain: bool = False, corpus_root: str | None = None) -> PageReport:
    """Suggest links and missing keywords for one page against a fitted index.

    ``rules`` (a ``.linkrec-ignore``) and the link-budget settings drop suggestions; with
    ``explain`` the report lists what they dropped and which rule did. Given the corpus folder
    (``corpus_root``), a draft outside it also resolves its relative links from where it is.
    """
    if text.startswith("\ufeff"):  # an editor buffer with a byte-order mark: offsets count it
        report = suggest(index, text[1:], path=path, corpus_rel=corpus_rel, settings=settings, limit=limit,
                         keywords=keywords, min_score=min_score, rules=rules, explain=explain,
                         corpus_root=corpus_root)
        links = tuple(replace(s, anchor=None if s.anchor is None else Anchor.at(text, s.anchor.start + 1,
                                                                                s.anchor.end + 1))
                      for s in report.links)
        return replace(report, links=links)
    limit = settings.limit if limit is None else limit
    n_keywords = settings.keywords if keywords is None else keywords
    min_score = settings.min_score if min_score is None else min_score
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (limit, n_keywords)):
        raise LinkrecError(f"limit and keywords must be whole numbers, got {limit!r} and {n_keywords!r}")
    if limit < 0 or n_keywords < 0 or not 0.0 <= min_score <= 1.0:
        raise LinkrecError("limit and keywords must be >= 0 and min_score between 0 and 1")
    display = str(path) if path is not None else "<text>"
    outside = None
    if corpus_rel is None and path is not None and corpus_root is not None:
        outside = (Path(os.path.relpath(os.path.abspath(path), corpus_root)).as_posix(), corpus_root)
    page = features.analyse_page(index, text, corpus_rel=corpus_rel, display=display, settings=settings,
                                 outside=outside)
    budget = _Budget(settings, rules or IgnoreRules(), corpus_rel, page.doc, limit, min_score)
    links = _rank_links(index, page, settings, budget) if limit else ()
    kws = keywords_mod.missing_keywords(index, page.terms.keys(), page.near, page.sims, limit=n_keywords)
    return PageReport(display, links, kws, tuple(budget.suppressed) if explain else None)


class _Budget:
    """The ignore rules and link-budget settings applied to one page's suggestions."""

    def __init__(self, settings: Settings, rules: IgnoreRules, page: str | None, doc: Document,
                 limit: int, min_score: float) -> None:
        self.settings, self.rules, self.page, self.min_score = settings, rules, page, min_score
        self.limit = limit
        caps = [(limit, "limit")]
        if settings.max_links:
            caps.append((settings.max_links, "max_links"))
        if settings.words_per_link:
            n_words = len(analysis.words(doc.body))
            caps.append((max(1, n_words // settings.words_per_link), "words_per_link"))
        self.cap, self.cap_rule = min(caps)
        self.first_allowed = anchors_mod.first_allowed(doc, settings.skip_sentences)
        self.suppressed: list[Suppressed] = []

    def target_rule(self, target: str, score: float) -> str | None:
        """The rule that drops this target, if any."""
        if score < self.min_score:
            return "min_score"
        if target in self.rules.targets:
            return "ignore: target"
        if self.page is not None and (self.page, target) in self.rules.pairs:
            return "ignore: pair"
        if any(fnmatch.fnmatch(target, g) for g in self.settings.exclude_targets):
            return "exclude_targets"
        return None

    def anchor_allowed(self, text: str, m: Mention) -> bool:
        """Whether a mention may be the anchor."""
        if m.start < self.first_allowed:
            return False
        if not self.rules.anchors and not self.rules.phrases:
            return True  # no anchor rule to check (the usual case)
        return not self.rules.blocks_anchor(self.page, text[m.start:m.end])

    def drop(self, target: str, title: str, score: float, rule: str) -> None:
        """Record a suppressed suggestion."""
        self.suppressed.append(Suppressed(target, title, round(score, 4), rule))


def _copy_rule(index: LinkIndex, page: PageAnalysis, target: int, titles: Mapping[str, list[int]]) -> str | None:
    """"copy" when ``target`` has the title of the page, of a page it links or of a kept target
    (``titles``: title -> those pages, -1 for the page) and nearly its content: another version of
    it (a symbolic link to a page, an old version), not a link."""
    for other in titles.get(rank.title_key(index.records[target].title), ()):
        cos = (float(page.sims[target]) if other < 0
               else float(index.matrix[target].multiply(index.matrix[other]).sum()))
        if cos >= rank.COPY_SIMILARITY:
            return "copy"
    return None


def _rank_links(index: LinkIndex, page: PageAnalysis, settings: Settings,
                budget: _Budget) -> tuple[LinkSuggestion, ...]:
    """Score candidates, keep the best within the budget, give each an anchor and a reason."""
    cands, scores, contrib = score_candidates(index, page, settings)
    order = sorted(range(len(cands.targets)),
                   key=lambda r: (-round(float(scores[r]), 9), index.records[int(cands.targets[r])].path))
    kept: list[int] = []
    shown = 0  # suggestions the user would have seen without the score and count rules
    titles: dict[str, list[int]] = {rank.title_key(page.doc.title): [-1]}  # -1: the page itself
    others = set(page.other_editions.tolist())
    for t in sorted(page.exclude - others - {page.self_id}):  # the pages it links
        titles.setdefault(rank.title_key(index.records[t].title), []).append(t)
    for r in order:
        t = int(cands.targets[r])
        rec = index.records[t]
        rule = budget.target_rule(rec.path, float(scores[r])) or _copy_rule(index, page, t, titles)
        if rule is None and len(kept) >= budget.cap:
            rule = budget.cap_rule
        if rule is None or not rule.startswith(("ignore", "exclude")):
            shown += 1
        if rule is None:
            kept.append(r)
            titles.setdefault(rank.title_key(rec.title), []).append(t)
        elif rule != "limit" and (rule.startswith(("ignore", "exclude")) or shown <= budget.limit):
            budget.drop(rec.path, rec.title, float(scores[r]), rule)
    order = kept
    targets = [int(cands.targets[r]) for r in order]
    text = page.doc.text
    anchor_cands: dict[int, list[Mention]] = {}
    shared: dict[int, list[str]] = {}
    common = features.shared_terms_of(index, page.q, targets)
    for t in targets:
        ms, shared[t] = features.anchor_candidates(index, page, t, common[t])
        anchor_cands[t] = [m for m in anchors_mod.outermost(ms) if budget.anchor_allowed(text, m)]
    scorer = learn.anchor_scorer(index, text, page.holdout)
    chosen = anchors_mod.choose_anchors(targets, anchor_cands, scorer,
                                        priors=[math.log(max(float(scores[r]), 1e-6)) for r in order], text=text,
                                        links=anchors_mod.link_spans(page.doc),
                                        titles=None if scorer is not None else
                                        {t: anchors_mod.title_weights(index, t).keys() for t in targets})
    out: list[LinkSuggestion] = []
    for r, t in zip(order, targets):
        m = chosen.get(t)
        anchor = Anchor.at(text, m.start, m.end) if m is not None else None
        reason = _reason(index, t, text, cands.features[r], contrib[r], shared[t], page.mentions.get(t, []), m,
                         written=lambda term: _written_form(text, page.positions, term))
        rec = index.records[t]
        out.append(LinkSuggestion(rec.path, rec.title, round(float(scores[r]), 4), reason, anchor))
    return tuple(out)


def _written_form(text: str, positions: dict[tuple[str, ...], list[tuple[int, int]]], term: str) -> str | None:
    """How the page writes a (stemmed) term at its first occurrence, in lower case (None if the
    linkable text does not hold it)."""
    spots = positions.get(tuple(term.split(" ")))
    if not spots:
        return None
    s, e = spots[0]
    return " ".join(analysis.words(text[s:e])) or None


def _reason(index: LinkIndex, target: int, text: str, feats: np.ndarray, contrib: np.ndarray, shared: list[str],
            mentions: list[Mention], anchor: Mention | None = None,
            written: Callable[[str], str | None] | None = None) -> str:
    """A short human reason naming the strongest evidence first (a mention: the chosen anchor's
    when it names the target, else the best one). Shared terms are spelt as ``written`` gives
    them (the page's own words), else in the site's most common form."""
    what = {"title": "its title", "alias": "an alias", "keyword": "a keyword", "file name": "its file name",
            "anchor": "how other pages link to it"}
    f = dict(zip(rank.FEATURES, feats))
    named = sorted((m for m in mentions if m.source in what), key=lambda m: (
        anchor is None or (m.start, m.end) != (anchor.start, anchor.end),
        not anchors_mod.balanced(text[m.start:m.end]), anchors_mod.preference(m)))
    parts: list[str] = []
    for name in rank.explain(contrib):
        if name in ("mention_name", "mention_kw", "mention_anchor", "centrality", "n_mentions", "mention_item",
                    "mention_cue") and named:
            m = named[0]
            parts.append(f"mentions “{anchors_mod.quoted_whole(text, m.start, m.end)}” ({what[m.source]})")
            named = []
        elif name in ("cos", "cos_rank", "passage_cos") and shared:
            words = ", ".join((written(s) if written else None) or index.surface(s) for s in shared[:3])
            parts.append(f"similar content ({f['cos']:.2f}; shares {words})")
            shared = []
        elif name == "cocite":
            parts.append(f"linked from similar pages ({f['cocite']:.0%} of the closest)")
        elif name == "inbound":
            n = int(index.inbound[target])
            parts.append(f"linked from {n} other page{'s' if n != 1 else ''}")
    if not parts:
        parts.append(f"similar content ({f['cos']:.2f})")
    return "; ".join(parts)
