"""The ``linkrec report`` command: a site-wide link report.

This module registers ``report`` on the ``linkrec`` group when it is imported, and ``cli.py``
imports it at its bottom. Registering here (rather than ``cli.add_command(report)`` in
``cli.py``) keeps either import order working: ``cli_report`` needs ``cli``'s helpers, so
when ``cli_report`` is imported first, ``cli.py`` runs while ``report`` does not exist yet.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import sitereport
from .cli import Failure, _Ctx, _open, _progress, _warner, cli, corpus_option, model_option
from .errors import LinkrecError
from .files import write_atomic

REPORT_FORMATS = ("text", "json", "csv", "html")


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomic(path, text.encode("utf-8"))


@click.command()
@corpus_option
@model_option
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="Output format (html: one self-contained page with a graph and a sortable table).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, writable=True), default=None,
              help="Write the report to this file (atomically) instead of stdout.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Count suggestions scoring at least this [the min_score setting if > 0, else 0.5].")
@click.pass_obj
def report(obj: _Ctx, corpus: Path | None, model: Path | None, fmt: str, output: Path | None,
           min_score: float | None) -> None:
    """Report the links of the whole site: orphans, dead ends, broken links, missed links.

    For every page: inbound and outbound internal links (distinct pages), whether it is an
    orphan (no inbound link) or a dead end (no outbound link), its broken internal links as
    FILE:LINE, and how many good link suggestions it has not taken. Site totals come first.

    \b
    Example:
        linkrec report --corpus docs/ --format html --output link-report.html
    """
    rec = _open(obj, corpus, model)
    if min_score is None:
        min_score = rec.settings.good_score
    warn = _warner(obj)
    try:
        rec.rules  # a malformed .linkrec-ignore stops here, not as a warning on every page
        with _progress("measuring", obj.quiet) as progress:
            result = sitereport.build_report(rec, min_score=min_score, progress=progress, warn=warn)
    except LinkrecError as exc:
        raise Failure(str(exc)) from None
    if fmt == "json":
        text = sitereport.render_json(result)
    elif fmt == "csv":
        text = sitereport.render_csv(result)
    elif fmt == "html":
        text = sitereport.render_html(result)
    else:
        text = sitereport.render_text(result)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        _write_atomic(output, text)
    except OSError as exc:
        raise Failure(f"{output}: cannot write the report: {exc.strerror or exc}") from None
    if not obj.quiet:
        click.echo(f"wrote {output} ({fmt}, {result.totals.pages} pages)", err=True)


cli.add_command(report)
