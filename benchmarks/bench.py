#!/usr/bin/env python
"""Speed and memory benchmark of linkrec on one corpus folder, each figure beside a baseline.

Run from the repository root (the package must be importable, e.g. ``pip install -e .``)::

    .venv/bin/python benchmarks/bench.py CORPUS_DIR [--pages 200] [--repeat N] [--json OUT]
                                         [--profile DIR] [--seed 0] [--tmp DIR]

What it measures (all in one run, on the same files):

* pages and MB: the files ``linkrec.corpus.scan`` lists, and the sum of their sizes;
* baseline: one plain tokenization pass, ``re.findall(r"\\w+", text.lower())`` over every page
  read from disk (after one untimed warm-up pass, so the OS file cache is warm for every figure);
  every timing is also given as a ratio to this pass;
* full index: ``api.index_corpus`` into a fresh temporary model folder, each run in its own
  child interpreter, median of ``--repeat`` runs (default 1 above 5,000 pages, else 3); the time
  is that of the ``index_corpus`` call (imports excluded: linkrec, and the scikit-learn modules
  that a build imports when it starts);
* model size: sum of the files in the model folder;
* peak memory of a full index: ``ru_maxrss`` of the child (``RUSAGE_SELF``) and of its worker
  processes (``RUSAGE_CHILDREN``, the largest single worker), plus the sampled peak of the whole
  process tree's summed RSS (Linux ``/proc``, every 20 ms); baseline: a child that runs the regex
  pass;
* refresh after one page changes: a temporary mirror of the corpus made of one symlink per page
  (hard links, or a copy of a corpus under 50 MB, if the scanner does not see the symlinks); the
  model is copied beside it and checked up to date, then one symlink at a time is replaced by a
  real, modified copy of its page (a paragraph appended; the original is never written) and
  ``api.open_index`` is timed; median of 3 different pages; baseline: ``open_index`` of the
  unchanged model;
* cold ``linkrec suggest PAGE --corpus C --model M --format json`` as a subprocess with the model up
  to date, median of 5 pages; baseline: ``python -c pass``;
* warm ``Recommender.suggest(text, path=...)`` latency on ``--pages`` sampled pages (seeded; texts
  read before timing), median and p95 in ms; baseline: the regex tokenization of the same texts;
* ``Recommender.refresh()`` of that warm recommender with nothing changed, median of 5; baseline:
  ``linkrec.corpus.scan`` of the corpus (the listing a refresh must make to see changes), median of 5.

``--profile DIR`` also runs cProfile on a full index (default workers: the main process's view;
and ``jobs=1``: every function, parsing included), on ``open_index`` of an up-to-date model and of
one changed page (refresh), and on the warm suggest loop; writes ``.prof`` and ``.txt`` files to DIR
and prints the top functions by cumulative time.

A section that raises (the code under test may be mid-edit) is reported as a ``FAILED`` note and
the other figures are still printed.

The corpus is only read. Temporary folders go to ``--tmp`` (default: the system temp folder) and
are removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from linkrec import api
from linkrec import corpus as corpus_mod
from linkrec.settings import Settings

BIG_CORPUS_PAGES = 5_000
COPY_LIMIT_BYTES = 50_000_000
TOKEN_RE = r"\w+"
T = TypeVar("T")

_VMHWM = r"""
def _vmhwm():
    try:
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None
"""

_INDEX_CHILD = _VMHWM + r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from linkrec import api
from linkrec.settings import Settings
import sklearn.feature_extraction.text, sklearn.linear_model, sklearn.pipeline, sklearn.preprocessing  # imported by the build
t1 = time.perf_counter()
rep = api.index_corpus(Path(sys.argv[1]), model=Path(sys.argv[2]), settings=Settings(), warn=lambda m: None)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "index_s": t2 - t1, "pages": rep.pages, "skipped": len(rep.skipped),
                  "maxrss_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "maxrss_children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "vmhwm_kb": _vmhwm(), "cpu_self_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                  "cpu_workers_s": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))
"""

_IMPORT_CHILD = _VMHWM + r"""
import json, resource
import linkrec.api
print(json.dumps({"maxrss_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "vmhwm_kb": _vmhwm()}))
"""

_REGEX_CHILD = _VMHWM + r"""
import json, re, resource, sys, time
root = sys.argv[1]
paths = sys.stdin.read().splitlines()
t0 = time.perf_counter()
n = 0
for p in paths:
    with open(root + "/" + p, encoding="utf-8", errors="replace") as fh:
        n += len(re.findall(r"\w+", fh.read().lower()))
print(json.dumps({"s": time.perf_counter() - t0, "tokens": n,
                  "maxrss_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "vmhwm_kb": _vmhwm()}))
"""


# ---------------------------------------------------------------------------- helpers
def median(xs: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    return float(statistics.median(xs))


def percentile(xs: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, like numpy's default."""
    s = sorted(xs)
    if not s:
        raise ValueError("percentile of nothing")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def dir_bytes(folder: Path) -> int:
    """Sum of the sizes of the regular files under ``folder``."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            p = os.path.join(dirpath, name)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def read_page(root: Path, rel: str) -> str:
    """A page's text as the baseline reads it."""
    return (root / rel).read_text(encoding="utf-8", errors="replace")


def regex_pass(root: Path, rels: Sequence[str]) -> tuple[float, float, int]:
    """Wall and CPU time of reading and regex-tokenizing every page, and the token count."""
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for rel in rels:
        n += len(re.findall(TOKEN_RE, read_page(root, rel).lower()))
    return time.perf_counter() - t0, time.process_time() - c0, n


def code_fingerprint() -> str:
    """Short SHA-256 of the imported linkrec package's sources (the code being measured)."""
    h = hashlib.sha256()
    pkg = Path(api.__file__).parent
    for f in sorted(pkg.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return f"{pkg} sha256:{h.hexdigest()[:12]}"


def _loadavg() -> float | None:
    """1-minute load average, where the OS reports one."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def linkrec_command() -> list[str]:
    """The ``linkrec`` console script beside this interpreter, else ``python -m linkrec``."""
    script = Path(sys.executable).parent / "linkrec"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "linkrec"]


class TreeRssSampler:
    """Samples the summed RSS of a process and all its descendants (Linux /proc) in a thread."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4

    @staticmethod
    def available() -> bool:
        """True where /proc can be read."""
        return os.path.isdir("/proc/self")

    def __enter__(self) -> TreeRssSampler:
        if self.available():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            parents.setdefault(ppid, []).append(int(name))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(parents.get(p, ()))
        return out

    def _rss_kb(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                return int(fh.read().split()[1]) * self._page_kb
        except (OSError, ValueError, IndexError):
            return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = self._tree()
            total = sum(self._rss_kb(p) for p in procs)
            if total > self.peak_kb:
                self.peak_kb, self.peak_procs = total, len(procs)
            self._stop.wait(self.interval)


def kill_group(proc: subprocess.Popen[str]) -> None:
    """Stop a child started in its own session, with everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
        except OSError:
            proc.kill()
        proc.wait()


def run_child(code: str, args: Sequence[str], stdin: str = "") -> tuple[dict[str, Any], float, int, int]:
    """Run ``python -c code args`` and return (its JSON, wall s, sampled tree peak kB, procs at peak)."""
    t0 = time.perf_counter()
    # Linux keeps a process's ru_maxrss across exec, and subprocess spawns with vfork/exec, so a
    # python started directly from here would report *this* process's peak. A shell in between
    # forks a fresh small process for python, whose ru_maxrss is then its own.
    argv = [sys.executable, "-c", code, *args]
    if os.name == "posix" and os.path.exists("/bin/sh"):
        argv = ["/bin/sh", "-c", '"$@"; exit $?', "sh", *argv]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        with TreeRssSampler(proc.pid) as sampler:
            out, err = proc.communicate(stdin)
    except BaseException:
        kill_group(proc)
        raise
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, sampler.peak_kb, sampler.peak_procs


# ---------------------------------------------------------------------------- results
@dataclass
class Row:
    """One line of the table."""

    metric: str
    value: str
    baseline: str = ""
    ratio: str = ""
    cpu: str = ""


@dataclass
class Results:
    """Everything measured, also written as JSON."""

    corpus: str
    data: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, value: str, baseline: str = "", ratio: str = "", cpu: str = "") -> None:
        self.rows.append(Row(metric, value, baseline, ratio, cpu))

    def table(self) -> str:
        head = Row("metric", "value", "baseline (same run)", "ratio", "CPU time")
        rows = [head, *self.rows]
        w = [max(len(getattr(r, f)) for r in rows) for f in ("metric", "value", "baseline", "ratio", "cpu")]
        lines = [f"corpus: {self.corpus}", f"code:   {self.data.get('code', '?')}  ({self.data.get('cpus')} CPUs)"]
        for i, r in enumerate(rows):
            lines.append(f"{r.metric:<{w[0]}}  {r.value:>{w[1]}}  {r.baseline:<{w[2]}}  {r.ratio:>{w[3]}}"
                         f"  {r.cpu:>{w[4]}}".rstrip())
            if i == 0:
                lines.append("  ".join("-" * x for x in w))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


def fmt_s(s: float) -> str:
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def fmt_ms(s: float) -> str:
    return f"{s * 1000:.2f} ms" if s < 0.1 else f"{s * 1000:.0f} ms"


def fmt_mb(b: float) -> str:
    return f"{b / 1e6:.1f} MB"


def ratio(x: float, base: float) -> str:
    return f"{x / base:.1f}x" if base > 0 else "-"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- mirror for refresh
def make_mirror(root: Path, rels: Sequence[str], dest: Path, total_bytes: int,
                settings: Settings) -> str | None:
    """Mirror the pages of ``root`` into ``dest`` (symlinks, else hard links, else a small copy).

    Returns the method used, or None when no method gives the scanner the same pages.
    """
    def build(link: Callable[[str, str], None]) -> bool:
        if dest.exists():
            shutil.rmtree(dest)
        for rel in rels:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link(str(root / rel), str(target))
        return [e.path for e in corpus_mod.scan(dest, settings)] == list(rels)

    methods: list[tuple[str, Callable[[str, str], None]]] = [("symlinks", lambda s, d: os.symlink(os.path.abspath(s), d))]
    if os.stat(root).st_dev == os.stat(dest.parent).st_dev:
        methods.append(("hard links", os.link))
    if total_bytes < COPY_LIMIT_BYTES:
        methods.append(("copy", lambda s, d: shutil.copy2(s, d)))
    for name, link in methods:
        try:
            if build(link):
                return name
        except OSError as exc:
            log(f"mirror with {name} failed: {exc}")
    return None


def replace_with_modified_copy(mirror: Path, rel: str, n: int) -> None:
    """Replace the mirror's entry for ``rel`` by a real file: the page plus one paragraph.

    The new file is written beside it and renamed over the link, so the original page is never
    opened for writing.
    """
    dst = mirror / rel
    data = dst.read_bytes()
    extra = (f"\n\nBenchmark edit {n}: this paragraph was appended to measure how fast the model "
             "refreshes after one page changes. It mentions performance, caching and latency.\n").encode()
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".bench-", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data + extra)
    os.replace(tmp, dst)


# ---------------------------------------------------------------------------- the benchmark
def bench(root: Path, *, pages: int, repeat: int | None, seed: int, tmp_root: Path | None,
          profile_dir: Path | None) -> Results:
    settings = Settings()
    res = Results(str(root))
    rng = random.Random(seed)
    entries = corpus_mod.scan(root, settings)
    rels = [e.path for e in entries]
    if not rels:
        raise SystemExit(f"{root}: no pages found")
    total_bytes = sum(e.size for e in entries)
    n_repeat = repeat if repeat is not None else (1 if len(rels) > BIG_CORPUS_PAGES else 3)
    res.data.update(pages=len(rels), bytes=total_bytes, repeat=n_repeat, seed=seed, cpus=os.cpu_count(),
                    python=sys.version.split()[0], code=code_fingerprint(),
                    started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), loadavg_start=_loadavg())
    res.add("pages", f"{len(rels):,}")
    res.add("corpus size (page files)", fmt_mb(total_bytes))

    # baseline: regex pass (one warm-up pass first, so every figure sees a warm file cache)
    log(f"{len(rels)} pages, {total_bytes / 1e6:.1f} MB; regex baseline")
    regex_pass(root, rels)
    reg_times: list[float] = []
    reg_cpu: list[float] = []
    tokens = 0
    for _ in range(max(3, n_repeat)):
        t, c, tokens = regex_pass(root, rels)
        reg_times.append(t)
        reg_cpu.append(c)
    base = median(reg_times)
    res.data.update(regex_pass_s=base, regex_pass_cpu_s=median(reg_cpu), regex_pass_runs=reg_times,
                    regex_tokens=tokens)
    res.add("regex tokenize pass [BASELINE]", fmt_s(base), f"{tokens:,} tokens, median of {len(reg_times)}", "1.0x",
            fmt_s(median(reg_cpu)))

    with tempfile.TemporaryDirectory(prefix="linkrec-bench-", dir=tmp_root) as tmpd:
        tmp = Path(tmpd)

        # full index, each run in a child process (also gives peak memory)
        index_runs: list[dict[str, Any]] = []
        model = tmp / "model"
        for i in range(n_repeat):
            m = tmp / f"model-run{i}"
            log(f"full index run {i + 1}/{n_repeat}")
            out, wall, tree_kb, tree_procs = run_child(_INDEX_CHILD, [str(root), str(m)])
            out.update(wall_s=wall, tree_peak_kb=tree_kb, tree_procs_at_peak=tree_procs)
            index_runs.append(out)
            if i == n_repeat - 1:
                m.rename(model)
            else:
                shutil.rmtree(m)
        idx_s = median([r["index_s"] for r in index_runs])
        res.data.update(index_s=idx_s, index_runs=index_runs)
        cpu = median([r["cpu_self_s"] + r["cpu_workers_s"] for r in index_runs])
        res.data["index_child_cpu_s"] = cpu
        res.add(f"full index (median of {n_repeat})", fmt_s(idx_s), "regex pass", ratio(idx_s, base))
        res.add("  child incl. interpreter+imports", fmt_s(median([r["wall_s"] for r in index_runs])), "", "",
                f"{fmt_s(cpu)} main+workers")
        if index_runs[-1]["skipped"]:
            res.notes.append(f"{index_runs[-1]['skipped']} pages skipped by linkrec")

        model_bytes = dir_bytes(model)
        res.data["model_bytes"] = model_bytes
        res.add("model size on disk", fmt_mb(model_bytes), "corpus size", f"{model_bytes / total_bytes:.2f}x")

        # memory: baseline child running the regex pass
        reg_child, _, _, _ = run_child(_REGEX_CHILD, [str(root)], stdin="\n".join(rels))
        imp_child, _, _, _ = run_child(_IMPORT_CHILD, [])
        rss_main = max(r["maxrss_self_kb"] for r in index_runs)
        rss_workers = max(r["maxrss_children_kb"] for r in index_runs)
        rss_tree = max(r["tree_peak_kb"] for r in index_runs)
        reg_rss = reg_child["maxrss_self_kb"]
        res.data.update(maxrss_main_kb=rss_main, maxrss_workers_kb=rss_workers, maxrss_kb=max(rss_main, rss_workers),
                        tree_peak_rss_kb=rss_tree, regex_child_maxrss_kb=reg_rss)
        res.add("peak RSS, max of any process (ru_maxrss)", f"{max(rss_main, rss_workers) / 1024:.0f} MB",
                f"regex-pass child {reg_rss / 1024:.0f} MB", ratio(max(rss_main, rss_workers), reg_rss))
        res.add("  main process / largest worker", f"{rss_main / 1024:.0f} / {rss_workers / 1024:.0f} MB")
        res.data["import_only_maxrss_kb"] = imp_child["maxrss_self_kb"]
        res.add("  floor: child that only imports linkrec", f"{imp_child['maxrss_self_kb'] / 1024:.0f} MB")
        if rss_tree:
            procs = max(r["tree_procs_at_peak"] for r in index_runs)
            res.add("  process tree summed RSS (sampled peak)", f"{rss_tree / 1024:.0f} MB", f"{procs} processes")

        mirror = tmp / "mirror"
        mirror_model = tmp / "model-mirror"

        def refresh_section() -> None:
            # refresh after one page changes
            log("refresh: mirror + model copy")
            method = make_mirror(root, rels, mirror, total_bytes, settings)
            if method is None:
                res.notes.append("refresh not measured: no way to mirror the corpus (symlinks/hard links/small copy)")
            else:
                m2 = mirror_model
                shutil.copytree(model, m2)
                rep = api.open_index(mirror, model=m2, settings=settings, warn=log)
                if rep.rebuilt or rep.reread:
                    res.notes.append(f"mirror model was not up to date after copy (reread {rep.reread}); it was rebuilt")
                opens: list[float] = []
                opens_cpu: list[float] = []
                for _ in range(3):
                    t0, c0 = time.perf_counter(), time.process_time()
                    rep = api.open_index(mirror, model=m2, settings=settings, warn=log)
                    opens.append(time.perf_counter() - t0)
                    opens_cpu.append(time.process_time() - c0)
                    assert rep.reread == 0 and not rep.rebuilt, "model should be up to date"
                changed = rng.sample(rels, min(3, len(rels)))
                refresh: list[float] = []
                refresh_cpu: list[float] = []
                for n, rel in enumerate(changed):
                    replace_with_modified_copy(mirror, rel, n)
                    t0, c0 = time.perf_counter(), time.process_time()
                    rep = api.open_index(mirror, model=m2, settings=settings, warn=log)
                    refresh.append(time.perf_counter() - t0)
                    refresh_cpu.append(time.process_time() - c0)
                    if rep.rebuilt or rep.reread != 1:
                        res.notes.append(f"refresh of {rel}: reread {rep.reread}, rebuilt {rep.rebuilt} (expected 1, False)")
                r_s, o_s = median(refresh), median(opens)
                res.data.update(refresh_s=r_s, refresh_cpu_s=median(refresh_cpu), refresh_runs=refresh,
                                refresh_pages=changed, open_uptodate_s=o_s, open_uptodate_cpu_s=median(opens_cpu),
                                mirror=method)
                res.add(f"refresh after 1 changed page (median of {len(refresh)})", fmt_s(r_s),
                        f"open unchanged model {fmt_s(o_s)}", ratio(r_s, base), fmt_s(median(refresh_cpu)))
                res.add("  open_index, model up to date", fmt_s(o_s), "regex pass", ratio(o_s, base),
                        fmt_s(median(opens_cpu)))
                res.notes.append(f"refresh mirror made of {method}")

        def cold_section() -> None:
            # cold CLI suggest
            log("cold linkrec suggest")
            cmd = linkrec_command()
            manifest = model / "manifest.json"
            before = manifest.stat().st_mtime_ns
            cold_pages = rng.sample(rels, min(5, len(rels)))
            cold: list[float] = []
            cold_cpu: list[float] = []
            for rel in cold_pages:
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                p = subprocess.run([*cmd, "suggest", str(root / rel), "--corpus", str(root), "--model", str(model),
                                    "--format", "json"], capture_output=True, text=True, cwd=tmp)
                cold.append(time.perf_counter() - t0)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cold_cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                if p.returncode != 0:
                    raise RuntimeError(f"linkrec suggest failed: {p.stderr[-2000:]}")
                json.loads(p.stdout)
            if manifest.stat().st_mtime_ns != before:
                res.notes.append("the CLI rewrote the model during the cold runs (it was not up to date)")
            startup: list[float] = []
            imports: list[float] = []
            for _ in range(5):
                for code, acc in (("pass", startup), ("import linkrec.cli", imports)):
                    t0 = time.perf_counter()
                    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp)
                    acc.append(time.perf_counter() - t0)
            c_s, st_s, im_s = median(cold), median(startup), median(imports)
            res.data.update(cold_suggest_s=c_s, cold_suggest_cpu_s=median(cold_cpu), cold_suggest_runs=cold,
                            cold_command=cmd, python_startup_s=st_s, import_cli_s=im_s)
            res.add(f"cold `linkrec suggest` (median of {len(cold)})", fmt_s(c_s), f"`python -c pass` {fmt_s(st_s)}",
                    ratio(c_s, base), fmt_s(median(cold_cpu)))
            res.add("  `python -c 'import linkrec.cli'`", fmt_s(im_s), "regex pass", ratio(im_s, base))

        def warm_section() -> tuple[api.Recommender, list[tuple[str, str]]]:
            # warm suggest
            log("warm suggest")
            rec = api.Recommender.open(root, model, settings=settings, warn=log)
            sample = rng.sample(rels, min(pages, len(rels)))
            texts = [(rel, read_page(root, rel)) for rel in sample]
            rec.suggest(texts[0][1], path=root / texts[0][0])  # warm-up, untimed
            warm: list[float] = []
            warm_cpu: list[float] = []
            n_links = 0
            for rel, text in texts:
                t0, c0 = time.perf_counter(), time.process_time()
                report = rec.suggest(text, path=root / rel)
                warm.append(time.perf_counter() - t0)
                warm_cpu.append(time.process_time() - c0)
                n_links += len(report.links)
            regex_each: list[float] = []
            for _, text in texts:
                t0 = time.perf_counter()
                re.findall(TOKEN_RE, text.lower())
                regex_each.append(time.perf_counter() - t0)
            w_med, w_p95, w_max = median(warm), percentile(warm, 95), max(warm)
            b_med, b_p95 = median(regex_each), percentile(regex_each, 95)
            slowest = sorted(zip(warm, sample), reverse=True)[:5]
            res.data.update(warm_pages=len(texts), warm_median_s=w_med, warm_p95_s=w_p95, warm_max_s=w_max,
                            warm_regex_median_s=b_med, warm_regex_p95_s=b_p95, warm_mean_links=n_links / len(texts),
                            warm_slowest=[{"page": p, "s": s, "bytes": len(dict(texts)[p].encode())} for s, p in slowest])
            res.data.update(warm_cpu_median_s=median(warm_cpu), warm_cpu_p95_s=percentile(warm_cpu, 95))
            res.add(f"warm suggest median ({len(texts)} pages)", fmt_ms(w_med), f"regex same texts {fmt_ms(b_med)}",
                    ratio(w_med, b_med), fmt_ms(median(warm_cpu)))
            res.add("warm suggest p95", fmt_ms(w_p95), f"regex same texts {fmt_ms(b_p95)}", ratio(w_p95, b_p95),
                    fmt_ms(percentile(warm_cpu, 95)))
            res.add("warm suggest max", fmt_ms(w_max), slowest[0][1])

            return rec, texts

        def noop_refresh_section(rec: api.Recommender) -> None:
            # Recommender.refresh with nothing changed (an editor plugin calls it on every save)
            log("refresh, nothing changed")
            times: list[float] = []
            cpu: list[float] = []
            changed = []
            for _ in range(5):
                t0, c0 = time.perf_counter(), time.process_time()
                changed.append(rec.refresh(warn=log))
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            scans: list[float] = []
            for _ in range(5):
                t0 = time.perf_counter()
                corpus_mod.scan(root, settings)
                scans.append(time.perf_counter() - t0)
            if any(changed):
                res.notes.append(f"refresh with nothing changed returned {changed} (the corpus changed during the run?)")
            n_s, s_s = median(times), median(scans)
            res.data.update(noop_refresh_s=n_s, noop_refresh_cpu_s=median(cpu), noop_refresh_runs=times, scan_s=s_s)
            res.add("Recommender.refresh, nothing changed (median of 5)", fmt_ms(n_s), f"corpus scan {fmt_ms(s_s)}",
                    ratio(n_s, base), fmt_ms(median(cpu)))

        guarded(res, "refresh", refresh_section)
        guarded(res, "cold suggest", cold_section)
        warm = guarded(res, "warm suggest", warm_section)
        if warm is not None:
            guarded(res, "refresh, nothing changed", lambda: noop_refresh_section(warm[0]))
        res.data["loadavg_end"] = _loadavg()
        res.notes.append(f"load average (1 min) at start {res.data['loadavg_start']}, before profiling "
                         f"{res.data['loadavg_end']} on {os.cpu_count()} CPUs (other work on the machine "
                         "inflates wall times)")
        if profile_dir is not None:
            guarded(res, "profile", lambda: profile(root, tmp, mirror, rels, warm, profile_dir, res))
    return res


def guarded(res: Results, name: str, fn: Callable[[], T]) -> T | None:
    """Run one section; on an exception record it as a note (and log it) and go on."""
    try:
        return fn()
    except Exception as exc:  # the code under test may be mid-edit: keep the other figures
        log(f"{name} failed:\n{traceback.format_exc()}")
        res.notes.append(f"{name} FAILED: {type(exc).__name__}: {exc}")
        res.data.setdefault("errors", {})[name] = traceback.format_exc()
        return None


def profile(root: Path, tmp: Path, mirror: Path, rels: Sequence[str],
            warm: tuple[api.Recommender, list[tuple[str, str]]] | None, out: Path, res: Results,
            top: int = 25) -> None:
    """cProfile a full index (default workers, and jobs=1), open + one-page refresh, warm suggest."""
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    runs: list[tuple[str, Callable[[], object]]] = [
        ("index", lambda: api.index_corpus(root, model=tmp / "prof-model-a", settings=settings,
                                           warn=lambda m: None)),
        ("index-jobs1", lambda: api.index_corpus(root, model=tmp / "prof-model-b", settings=Settings(jobs=1),
                                                 warn=lambda m: None)),
    ]
    mirror_model = tmp / "model-mirror"
    if (mirror_model / "manifest.json").is_file():
        page = sorted(rels)[len(rels) // 2]

        def refresh() -> object:
            replace_with_modified_copy(mirror, page, 99)
            return api.open_index(mirror, model=mirror_model, settings=settings, warn=lambda m: None)

        runs.append(("open", lambda: api.open_index(mirror, model=mirror_model, settings=settings,
                                                    warn=lambda m: None)))
        runs.append(("refresh", refresh))
    if warm is not None:
        rec, texts = warm
        runs.append(("suggest", lambda: [rec.suggest(t, path=root / r) for r, t in texts]))
    res.data["profiles"] = {}
    for name, fn in runs:
        log(f"profile {name}")
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.runcall(fn)
        wall = time.perf_counter() - t0
        path = out / f"{name}.prof"
        prof.dump_stats(str(path))
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats("cumulative").print_stats(top)
        st.sort_stats("tottime").print_stats(top)
        (out / f"{name}.txt").write_text(buf.getvalue())
        hot = []
        for (file, line, func), (_, nc, tt, ct, _) in st.stats.items():  # type: ignore[attr-defined]
            hot.append({"function": f"{Path(file).name}:{line}({func})", "calls": nc, "tottime_s": tt,
                        "cumtime_s": ct})
        hot.sort(key=lambda h: -h["cumtime_s"])
        res.data["profiles"][name] = {"wall_s": wall, "file": str(path), "top_cumulative": hot[:top],
                                      "top_tottime": sorted(hot, key=lambda h: -h["tottime_s"])[:top]}
        print(f"\n== profile {name}: {wall:.2f} s under cProfile ({path}) ==")
        print(f"{'cumtime':>8} {'tottime':>8} {'calls':>9}  function")
        for h in hot[:top]:
            print(f"{h['cumtime_s']:8.3f} {h['tottime_s']:8.3f} {h['calls']:9d}  {h['function']}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="corpus folder (read only)")
    ap.add_argument("--pages", type=int, default=200, help="pages sampled for warm suggest [200]")
    ap.add_argument("--repeat", type=int, default=None,
                    help=f"full index runs (median) [1 above {BIG_CORPUS_PAGES:,} pages, else 3]")
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    ap.add_argument("--seed", type=int, default=0, help="seed of the page samples [0]")
    ap.add_argument("--tmp", type=Path, default=None, help="where temporary models and the mirror go")
    ap.add_argument("--profile", type=Path, default=None, metavar="DIR",
                    help="also cProfile full index and warm suggest; write .prof/.txt to DIR")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if a.pages < 1 or (a.repeat is not None and a.repeat < 1):
        ap.error("--pages and --repeat must be >= 1")
    res = bench(a.corpus.resolve(), pages=a.pages, repeat=a.repeat, seed=a.seed, tmp_root=a.tmp,
                profile_dir=a.profile)
    print()
    print(res.table())
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"corpus": res.corpus, **res.data, "notes": res.notes}, indent=1) + "\n")
        log(f"wrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
