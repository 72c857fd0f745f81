"""The ``linkrec`` command: a thin layer over :mod:`linkrec.api`.

Results go to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api, render
from .errors import LinkrecError
from .settings import Config, Settings, default_corpus_path, default_index_path, load_config, settings_from_mapping
from .store import LINKREC_VERSION

FORMATS = ("text", "json", "jsonl")


def _warn(message: str) -> None:
    """Print a one-line warning on stderr."""
    click.echo(f"linkrec: {message}", err=True)


@contextlib.contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr when stderr is a terminal (else no bar)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


class Failure(click.ClickException):
    """A command that cannot go on: printed as ``linkrec: error: MESSAGE`` (exit code 1), like
    every other error line of linkrec."""

    def show(self, file: Any = None) -> None:
        click.echo(f"linkrec: error: {self.format_message()}", err=True)


class _Ctx:
    """What the group passes to its commands."""

    def __init__(self, config: Config, quiet: bool) -> None:
        self.config = config
        self.quiet = quiet


def _settings(ctx: _Ctx, **overrides: Any) -> Settings:
    """The config file's settings with command-line values applied."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return settings_from_mapping(given, ctx.config.settings, source="command line")
    except LinkrecError as exc:
        raise click.UsageError(str(exc)) from None


def _warner(obj: _Ctx) -> Callable[[str], None]:
    """Where warnings go: stderr, or nowhere with --quiet."""
    return (lambda m: None) if obj.quiet else _warn


def _open(obj: _Ctx, corpus: Path | None, model: Path | None) -> api.Recommender:
    """Load (refreshing or building) the model of the configured corpus; errors become exit 1."""
    settings = _settings(obj)
    corpus = default_corpus_path(corpus, obj.config)
    model = default_index_path(model, obj.config)
    try:
        with _progress("indexing", obj.quiet) as progress:
            return api.Recommender.open(corpus, model, settings=settings, progress=progress, warn=_warner(obj))
    except LinkrecError as exc:
        raise Failure(str(exc)) from None


T = TypeVar("T")


def _each(pages: tuple[Path, ...], run: Callable[[Path], T]) -> tuple[list[T], int]:
    """Run ``run`` on every page; a page that fails gets a one-line error and the others go on."""
    results: list[T] = []
    failed = 0
    for page in pages:
        try:
            results.append(run(page))
        except LinkrecError as exc:
            failed += 1
            click.echo(f"linkrec: error: {exc}", err=True)
    return results, failed


def _emit(reports: Sequence[Any], fmt: str, render_text: Callable[..., str], failed: int) -> None:
    """Print per-page reports as text (``render_text``, coloured on a terminal), JSON or JSON
    lines; exit with 1 when a page failed."""
    if fmt == "text":
        color = sys.stdout.isatty()
        click.echo(render_text(reports, color=color), nl=False, color=color)
    else:
        click.echo(render.render_json(reports, lines=fmt == "jsonl"), nl=False)
    if failed:
        sys.exit(1)


corpus_option = click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), envvar="LINKREC_CORPUS",
                             help="Corpus folder (default: from linkrec.toml, else ./corpus).")
model_option = click.option("--model", type=click.Path(path_type=Path, file_okay=False), envvar="LINKREC_MODEL",
                            help="Model folder (default: from linkrec.toml, else ./models).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(LINKREC_VERSION, prog_name="linkrec")
@click.option("-v", "--verbose", count=True, help="Log more (repeat for debug).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or warnings.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Recommend internal links and missing keywords for Markdown pages."""
    if verbose:  # linkrec's own messages (other libraries' debug logs stay off)
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("linkrec").setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    try:
        config = load_config()
    except LinkrecError as exc:
        raise Failure(str(exc)) from None
    ctx.obj = _Ctx(config, quiet)


@cli.command()
@corpus_option
@model_option
@click.pass_obj
def index(obj: _Ctx, corpus: Path | None, model: Path | None) -> None:
    """Build the model of a corpus and save it.

    \b
    Example:
        linkrec index --corpus docs/ --model .linkrec/
    """
    settings = _settings(obj)
    corpus = default_corpus_path(corpus, obj.config)
    model = default_index_path(model, obj.config)
    warn = (lambda m: None) if obj.quiet else _warn
    try:
        with _progress("indexing", obj.quiet) as progress:
            report = api.index_corpus(corpus, model=model, settings=settings, progress=progress, warn=warn)
    except LinkrecError as exc:
        raise Failure(str(exc)) from None
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    click.echo(f"indexed {report.pages} pages{skipped} from {corpus} into {model}", err=True)


@cli.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@corpus_option
@model_option
@click.option("--limit", type=click.IntRange(0, 1000), default=None, help="Link suggestions per page [10].")
@click.option("--keywords", type=click.IntRange(0, 1000), default=None, help="Missing keywords per page [10].")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Drop link suggestions scoring below this [0].")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--explain", is_flag=True, help="Also list the suggestions that a rule suppressed, and the rule.")
@click.pass_obj
def suggest(obj: _Ctx, pages: tuple[Path, ...], corpus: Path | None, model: Path | None, limit: int | None,
            keywords: int | None, min_score: float | None, fmt: str, explain: bool) -> None:
    """Suggest links (with anchors) and missing keywords for PAGE(s).

    A PAGE may belong to the corpus or be a draft outside it. The model is built on first use
    and refreshed when pages change.

    \b
    Example:
        linkrec suggest corpus/muscle-spasms.md --limit 8 --format json
    """
    rec = _open(obj, corpus, model)
    reports, failed = _each(pages, lambda page: rec.suggest_file(
        page, limit=limit, keywords=keywords, min_score=min_score, explain=explain))
    _emit(reports, fmt, render.render_text, failed)


@cli.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@corpus_option
@model_option
@click.option("--limit", type=click.IntRange(0, 1000), default=None, help="Source pages per page [10].")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None, help="Drop sources scoring below this.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.pass_obj
def inbound(obj: _Ctx, pages: tuple[Path, ...], corpus: Path | None, model: Path | None, limit: int | None,
            min_score: float | None, fmt: str) -> None:
    """Suggest existing pages that should link TO each PAGE (a draft or a corpus page).

    Each suggestion names the source page, the phrase in it to turn into the link, and its
    position in the source page.

    \b
    Example:
        linkrec inbound drafts/new-guide.md --format json
    """
    rec = _open(obj, corpus, model)
    reports, failed = _each(pages, lambda page: rec.inbound_file(page, limit=limit, min_score=min_score))
    _emit(reports, fmt, render.render_inbound_text, failed)


@cli.command(name="eval")
@corpus_option
@click.option("--sample", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="Test pages (pages linking to 3+ corpus pages).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help="Seed of the sample.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.pass_obj
def eval_(obj: _Ctx, corpus: Path | None, sample: int, seed: int, fmt: str) -> None:
    """Backtest link and keyword suggestions on the corpus itself.

    Strips the internal links of a sample of pages in a temporary copy, builds the model there,
    and measures how many removed links (and removed keywords) come back, beside two baselines
    and the ceiling. The corpus itself is never changed.

    \b
    Example:
        linkrec eval --corpus docs/ --sample 200 --format json
    """
    from . import evaluate

    settings = _settings(obj)
    corpus = default_corpus_path(corpus, obj.config)
    try:
        with _progress("evaluating", obj.quiet) as progress:
            report = evaluate.evaluate(corpus, settings=settings, sample=sample, seed=seed, progress=progress)
    except LinkrecError as exc:
        raise Failure(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(evaluate.render_report(report), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="linkrec")


# Commands defined in their own modules; each registers itself on `cli` when imported, so these
# imports come last (either import order then works).
from . import cli_apply, cli_report  # noqa: E402,F401
