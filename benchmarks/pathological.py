"""Warm ``suggest`` on pathological pages: a target named thousands of times, and one huge line.

Usage::

    python benchmarks/pathological.py [--sizes 5000 10000 20000 40000] [--repeat 3]

Builds a small corpus in a temporary folder (a few pages, one titled "Monitoring Dashboard"),
then times ``suggest`` on generated drafts of growing size, beside a regex pass over the same
text (the baseline, measured in this process). Time should grow about linearly with the size:
each doubling of the page about doubles the time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from linkrec import Recommender

PAGES = {
    "monitoring.md": "# Monitoring Dashboard\n\nThe monitoring dashboard shows cluster health and alerts.\n",
    "install.md": "# Installation\n\nInstall the agent, then open the monitoring dashboard.\n",
    "configure.md": "# Configuration\n\nConfigure alerts, thresholds and the deployment of themes.\n",
    "deploy.md": "# Deployment\n\nDeploy the agent with the installation guide and a configuration file.\n",
    "themes.md": "# Themes\n\nThemes change the look of the monitoring dashboard.\n",
}


def drafts(n: int) -> dict[str, str]:
    """Pages naming the dashboard ``n`` times: in ``n`` short paragraphs, and on one line; and a
    word of ``10 * n`` letters in a linkable run that ends inside a word cut by emphasis (an early
    version of the whole-word rule took time in the square of the long word's length)."""
    return {
        "paragraphs": "# Many\n\n" + "Monitoring Dashboard line.\n\n" * n,
        "one line": "# Huge\n\n" + "Monitoring Dashboard and installation text. " * n + "\n",
        "long word": "# Word\n\nMonitoring Dashboard x" + "a" * (10 * n) + " b**c** and Z&uuml;rich.\n",
    }


def _median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000, 40000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "site"
        corpus.mkdir()
        for name, text in PAGES.items():
            (corpus / name).write_text(text, encoding="utf-8")
        rec = Recommender.open(corpus, Path(tmp) / "model")
        print(f"{'page':12} {'mentions':>8} {'chars':>9} {'suggest ms':>11} {'regex ms':>9} {'ratio':>7}")
        for n in args.sizes:
            for kind, text in drafts(n).items():
                ms = _median_ms(lambda: rec.suggest(text, limit=5, keywords=5), args.repeat)
                base = _median_ms(lambda: re.findall(r"\w+", text.lower()), args.repeat)
                print(f"{kind:12} {n:8d} {len(text):9d} {ms:11.0f} {base:9.1f} {ms / base:7.0f}")


if __name__ == "__main__":
    main()
