#!/usr/bin/env python
"""Time of learning from a corpus's own links (``learn.attach``: anchor statistics, training
examples, both rankers), with the training pages shared with a forked child process (the default)
beside computing them in order in one process (``jobs = 1``), alternated in this process on the
same fitted index.

Usage::

    python benchmarks/learning.py CORPUS_DIR [--rounds 3]

Prints each mode's runs and median, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from linkrec import Settings, learn
from linkrec import corpus as corpus_mod
from linkrec.index import LinkIndex


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    settings = Settings()
    parsed, _ = corpus_mod.read_pages(args.corpus, corpus_mod.scan(args.corpus, settings), settings)
    gc.disable()  # as during a build (see linkrec.api)
    index = LinkIndex.build(parsed, settings)
    modes = {"forked child (default)": settings, "in order (jobs = 1)": Settings(jobs=1)}
    runs: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(args.rounds):
        for name, s in modes.items():
            t = time.perf_counter()
            learn.attach(index, args.corpus, s)
            runs[name].append(time.perf_counter() - t)
    for name, xs in runs.items():
        print(f"{name:24} median {statistics.median(xs):6.2f} s   runs {' '.join(f'{x:.2f}' for x in xs)}")
    a, b = (statistics.median(xs) for xs in runs.values())
    print(f"ratio forked / in order: {a / b:.2f}")


if __name__ == "__main__":
    main()
