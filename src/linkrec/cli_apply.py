"""The ``linkrec apply`` and ``linkrec ignore`` commands: write suggested links into pages, and
remember rejected suggestions in ``.linkrec-ignore``.

The commands are registered on the ``linkrec`` group in :mod:`linkrec.cli`. Diffs go to stdout;
summaries, notes and errors go to stderr; questions are asked only on a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from . import api
from . import apply as apply_mod
from . import ignore as ignore_mod
from .cli import Failure, _Ctx, _open, _warner, cli, corpus_option, model_option
from .errors import LinkrecError, ParseError
from .markdown import decode_page
from .results import Anchor, line_end, line_start
from .settings import Settings, default_corpus_path


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What applying to one page would do."""

    old: bytes
    """The page's bytes as read."""
    new: bytes
    """The page's bytes with the links written."""
    added: int
    """Links written."""
    linked: int
    """Suggested targets the page already links to."""
    quit: bool
    """The user asked to stop reviewing."""


def _is_terminal() -> bool:
    """Whether questions can be asked: stdin and stdout are both terminals."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _plural(n: int, word: str) -> str:
    """``1 link``, ``2 links``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _page_rel(rec: api.Recommender, page: Path) -> str:
    """The page's path relative to the corpus root (``../...`` for a page outside it)."""
    rel = rec.corpus_path(page)
    if rel is not None:
        return rel
    try:
        return Path(os.path.relpath(os.path.abspath(page), os.path.abspath(rec.corpus))).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(os.path.abspath(page)).as_posix()


def _read_page(page: Path, max_bytes: int) -> tuple[bytes, str]:
    """The page's bytes and its text (UTF-8, byte-order mark removed)."""
    try:
        if page.is_dir():
            raise ParseError(f"{page}: is a folder, not a page")
        size = page.stat().st_size
        if size > max_bytes:
            raise ParseError(f"{page}: page too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:g} MB)")
        data = page.read_bytes()
    except FileNotFoundError:
        raise ParseError(f"{page}: no such file") from None
    except OSError as exc:
        raise ParseError(f"{page}: cannot read: {exc.strerror or exc}") from None
    return data, decode_page(data, str(page))


def _show_line(text: str, start: int, end: int, width: int = 100) -> str:
    """The line holding ``text[start:end]``, the phrase highlighted, cut to about ``width`` characters."""
    before = text[line_start(text, start):start].lstrip()
    after = text[end:line_end(text, end)].rstrip()
    room = max(10, (width - (end - start)) // 2)
    if len(before) > room:
        before = "…" + before[-room:]
    if len(after) > room:
        after = after[:room] + "…"
    return before + click.style(text[start:end], reverse=True, bold=True) + after


def _review(edits: Sequence[apply_mod.LinkEdit], text: str, display: str, page_rel: str, corpus: Path,
            in_corpus: bool) -> tuple[list[apply_mod.LinkEdit], bool]:
    """Ask about each edit; returns the accepted ones and whether the user quit."""
    accepted: list[apply_mod.LinkEdit] = []
    for e in edits:
        s = e.suggestion
        where = Anchor.at(text, e.start, e.end)
        line, col = where.line, where.column
        click.echo("")
        click.echo(f"{display}:{line}:{col}  “{e.text}” → {click.style(e.target, fg='green')}"
                   + (f"  {s.title}  {s.score:.2f}" if s is not None else ""))
        click.echo(f"    {_show_line(text, e.start, e.end)}")
        if s is not None:
            click.echo(click.style(f"    why: {s.reason}", dim=True))
        click.echo(f"    writes: {e.replacement}")
        answer = click.prompt("    [a]ccept, [s]kip, [r]eject (never suggest it here again), [q]uit",
                              type=click.Choice(["a", "s", "r", "q"]), show_choices=False)
        if answer == "a":
            accepted.append(e)
        elif answer == "r":
            if not in_corpus:
                click.echo("linkrec: the page is outside the corpus: no rule written (skipped)", err=True)
                continue
            rule = ignore_mod.format_rule("pair", page_rel, e.target)
            path = ignore_mod.append_rules(corpus, [rule])
            click.echo(f"linkrec: added to {path}: {rule}", err=True)
        elif answer == "q":
            return accepted, True
    return accepted, False


@click.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@corpus_option
@model_option
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Apply only suggestions scoring at least this [the min_score setting if > 0, else 0.5].")
@click.option("--max", "max_links", type=click.IntRange(1, 1000), default=None,
              help="Take only the N best suggestions per page (targets it already links to count).")
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff; change no file.")
@click.option("-y", "--yes", is_flag=True, help="Apply every suggestion without asking.")
@click.pass_obj
def apply(obj: _Ctx, pages: tuple[Path, ...], corpus: Path | None, model: Path | None, min_score: float | None,
          max_links: int | None, diff: bool, yes: bool) -> None:
    """Turn link suggestions into links in PAGE(s), in the site's own link style.

    Each suggested anchor becomes a link where it stands, only in plain text (never in front
    matter, headings, code, existing links or HTML). Every other byte of the file is kept:
    encoding, byte-order mark and line endings; running it again adds nothing. On a terminal
    each link is asked about first (accept, skip, or reject: never suggest it on this page
    again); elsewhere pass --yes, or --diff to preview.

    \b
    Examples:
        linkrec apply docs/install.md --diff
        linkrec apply docs/*.md --min-score 0.5 --max 3 --yes
    """
    if not diff and not yes and not _is_terminal():
        raise Failure("not a terminal, so linkrec cannot ask about each link: "
                                   "pass --yes to apply the suggestions or --diff to preview them")
    note = _warner(obj)
    rec = _open(obj, corpus, model)
    settings, corpus = rec.settings, rec.corpus
    try:
        ignore_mod.load_rules(corpus)  # a malformed file stops here, before any page
        style = apply_mod.resolve_style(settings.link_style, rec.index)
    except LinkrecError as exc:
        raise Failure(str(exc)) from None
    min_score = settings.good_score if min_score is None else min_score
    job = _Job(rec, corpus, settings, style, min_score, max_links, interactive=not (diff or yes), note=note)
    failed = 0
    for page in pages:
        display = page.as_posix()
        try:
            out = job.run(page)
        except (LinkrecError, ValueError) as exc:
            failed += 1
            click.echo(f"linkrec: error: {exc}", err=True)
            continue
        already = f" ({_plural(out.linked, 'suggested target')} already linked)" if out.linked else ""
        if diff:
            click.echo(apply_mod.unified_diff(out.old, out.new, display), nl=False)
            click.echo(f"{display}: {_plural(out.added, 'link')} would be added{already}", err=True)
            continue
        try:
            if out.new != out.old:
                if not page.stat().st_mode & 0o222 or not os.access(page, os.W_OK):
                    raise LinkrecError("the page is read-only; nothing written")
                if page.read_bytes() != out.old:
                    raise LinkrecError("the page changed while linkrec was working on it; nothing written, "
                                       "run apply again")
                apply_mod.write_atomic(page, out.new)
        except (LinkrecError, OSError) as exc:
            failed += 1
            click.echo(f"linkrec: error: {display}: {exc}", err=True)
        else:
            click.echo(f"{display}: {_plural(out.added, 'link')} added{already}", err=True)
        if out.quit:
            break
    if failed:
        sys.exit(1)


class _Job:
    """Plans, reviews and applies the suggestions of one page at a time."""

    def __init__(self, rec: api.Recommender, corpus: Path, settings: Settings, style: str, min_score: float,
                 max_links: int | None, *, interactive: bool, note: Callable[[str], None]) -> None:
        self.rec, self.corpus, self.settings, self.style = rec, corpus, settings, style
        self.min_score, self.max_links, self.interactive, self.note = min_score, max_links, interactive, note

    def run(self, page: Path) -> _Outcome:
        """Plan (and review) the links of one page; writes nothing.

        Suggestions are ranked on the page with its internal links turned back into text, so the
        targets it already links to keep their places in the ranking (and count toward
        ``--max``) instead of letting the next ones in: a second run finds its work done.
        """
        rec, settings, display = self.rec, self.settings, page.as_posix()
        old, text = _read_page(page, int(settings.max_page_mb * 1e6))
        page_rel = _page_rel(rec, page)
        root = Path(os.path.abspath(self.corpus)).as_posix()
        unlinked = apply_mod.unlink(text, page_rel=page_rel, index=rec.index, settings=settings, corpus_root=root)
        limit = max(settings.limit, self.max_links or 0)
        report = rec.suggest(unlinked.text, path=page, limit=limit, keywords=0, min_score=self.min_score)
        plan = apply_mod.plan_edits(text, report, page_rel=page_rel, index=rec.index, settings=settings,
                                    style=self.style, min_score=self.min_score, max_links=self.max_links,
                                    rules=ignore_mod.load_rules(self.corpus), unlinked=unlinked, corpus_root=root)
        skipped = list(plan.skipped)
        edits, quit_ = list(plan.edits), False
        if self.interactive and edits:
            edits, quit_ = _review(edits, text, display, page_rel, self.corpus, rec.corpus_path(page) is not None)
            if len(edits) < len(plan.edits):  # a subset: check it again as written together
                edits, bad = apply_mod.verify_edits(text, edits, page_rel=page_rel, index=rec.index,
                                                    settings=settings, corpus_root=root)
                skipped += bad
        for s in skipped:
            anchor = f" (“{s.anchor}”)" if s.anchor else ""
            self.note(f"{display}: skipped {s.target}{anchor}: {s.reason}")
        return _Outcome(old, apply_mod.apply_edits(old, edits), len(edits), len(plan.linked), quit_)


def _corpus_path(given: Path, corpus: Path) -> str:
    """A page named as a file path or a corpus-relative path, as a corpus-relative path."""
    root = os.path.abspath(corpus)
    for cand in ([given] if given.is_absolute() else [given, corpus / given]):
        if cand.is_file():
            rel = os.path.relpath(os.path.abspath(cand), root)
            if rel != ".." and not rel.startswith(".." + os.sep):
                return Path(rel).as_posix()
    raise click.BadParameter(f"{given}: not a page of the corpus {corpus}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PAGE [TARGET]]")
@corpus_option
@click.option("--anchor", "anchors", multiple=True, metavar="PHRASE",
              help="Never use PHRASE as an anchor (on PAGE only, when a PAGE is given). Repeatable.")
@click.option("--target", "targets", multiple=True, metavar="TARGET",
              help="Never suggest the page TARGET anywhere. Repeatable.")
@click.pass_obj
def ignore(obj: _Ctx, paths: tuple[Path, ...], corpus: Path | None, anchors: tuple[str, ...],
           targets: tuple[str, ...]) -> None:
    """Remember unwanted suggestions in .linkrec-ignore at the corpus root.

    PAGE TARGET: never suggest TARGET on PAGE. --target: never suggest a page anywhere.
    --anchor: never use a phrase as an anchor (with a PAGE: only there). Pages may be given
    as file paths or as paths relative to the corpus.

    \b
    Examples:
        linkrec ignore blog/2023-release.md docs/install.md
        linkrec ignore --target legacy/old-api.md --anchor "click here"
        linkrec ignore blog/2023-release.md --anchor "kubernetes api"
    """
    corpus = default_corpus_path(corpus, obj.config)
    if not corpus.is_dir():
        raise Failure(f"{corpus}: corpus folder not found")
    rules: list[str] = []
    if len(paths) == 2 and not anchors and not targets:
        rules.append(ignore_mod.format_rule("pair", _corpus_path(paths[0], corpus), _corpus_path(paths[1], corpus)))
    elif len(paths) == 1 and anchors and not targets:
        page = _corpus_path(paths[0], corpus)
        rules += [ignore_mod.format_rule("phrase", page, a) for a in anchors]
    elif not paths and (anchors or targets):
        rules += [ignore_mod.format_rule("target", _corpus_path(Path(t), corpus)) for t in targets]
        rules += [ignore_mod.format_rule("anchor", a) for a in anchors]
    else:
        raise click.UsageError("give PAGE TARGET, or PAGE --anchor PHRASE, or --target TARGET / --anchor PHRASE")
    rules = list(dict.fromkeys(rules))
    if any(not a.strip() for a in anchors):
        raise click.BadParameter("an anchor phrase cannot be empty", param_hint="--anchor")
    path = corpus / ignore_mod.FILE_NAME
    try:
        have = set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()
        ignore_mod.append_rules(corpus, rules)
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(f"{path}: cannot update: {exc}") from None
    for rule in rules:
        if rule in have:
            click.echo(f"linkrec: already in {path}: {rule}", err=True)
        else:
            click.echo(f"added to {path}: {rule}")


cli.add_command(apply)
cli.add_command(ignore)
