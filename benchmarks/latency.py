"""Warm latency of ``suggest`` and ``inbound`` on sampled pages of a corpus (an already built model).

Usage::

    python benchmarks/latency.py CORPUS_DIR MODEL_DIR [--pages 200] [--inbound-pages 50] [--seed 0]

Prints the median, p95 and max of each call, beside the time of a regex tokenization of the same
texts (the baseline), all measured in this process.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import numpy as np

from linkrec import Recommender, Settings
from linkrec import corpus as corpus_mod


def _timed(fn, items):  # type: ignore[no-untyped-def]
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t) * 1000)
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("model", type=Path)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--inbound-pages", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t = time.perf_counter()
    rec = Recommender.open(args.corpus, args.model)
    print(f"open: {time.perf_counter() - t:.2f} s")
    paths = [e.path for e in corpus_mod.scan(args.corpus, Settings())]
    sample = random.Random(args.seed).sample(paths, min(args.pages, len(paths)))
    texts = [((args.corpus / p).read_text(encoding="utf-8", errors="replace"), args.corpus / p) for p in sample]
    rec.suggest(*texts[0])  # warm-up
    base = _timed(lambda x: re.findall(r"\w+", x[0].lower()), texts)
    for name, fn, items in (("suggest", lambda x: rec.suggest(x[0], path=x[1]), texts),
                            ("inbound", lambda x: rec.inbound(x[0], path=x[1]), texts[:args.inbound_pages])):
        if not items:
            continue
        ms = _timed(fn, items)
        print(f"{name:8} n={len(ms):4}  median {np.median(ms):7.1f} ms  p95 {np.percentile(ms, 95):7.1f} ms  "
              f"max {ms.max():7.1f} ms   baseline regex median {np.median(base[:len(ms)]):.2f} ms")


if __name__ == "__main__":
    main()
