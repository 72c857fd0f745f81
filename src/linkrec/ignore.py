"""``.linkrec-ignore``: suggestions the writers rejected, remembered at the corpus root.

One rule per line; ``#`` starts a comment; fields are separated by whitespace; a phrase is
written in double quotes; paths are relative to the corpus root::

    # never suggest this page as a target
    target   legacy/old-api.md
    # never use this phrase as an anchor, anywhere
    anchor   "click here"
    # never suggest this target on this page
    pair     blog/2023-release.md  docs/install.md
    # never use this phrase as an anchor on this page
    phrase   blog/2023-release.md  "kubernetes api"

Phrases match case-insensitively with plural and possessive endings ignored. The file is plain
text, sorted by nothing and appended to, so it diffs and merges well.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import analysis
from .errors import ConfigError
from .files import write_atomic

FILE_NAME = ".linkrec-ignore"
_KINDS = {"target": 1, "anchor": 1, "pair": 2, "phrase": 2}


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """The rules of one ``.linkrec-ignore`` file."""

    targets: frozenset[str] = frozenset()
    anchors: frozenset[tuple[str, ...]] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()
    phrases: frozenset[tuple[str, tuple[str, ...]]] = frozenset()
    source: Path | None = field(default=None, compare=False)

    def blocks_target(self, page: str | None, target: str) -> bool:
        """True if ``target`` must not be suggested on ``page``."""
        return target in self.targets or (page is not None and (page, target) in self.pairs)

    def blocks_anchor(self, page: str | None, text: str) -> bool:
        """True if the phrase ``text`` must not be an anchor on ``page``."""
        key = analysis.phrase_key(text)
        return key in self.anchors or (page is not None and (page, key) in self.phrases)

    def __bool__(self) -> bool:
        return bool(self.targets or self.anchors or self.pairs or self.phrases)


def parse_rules(text: str, source: str = FILE_NAME) -> IgnoreRules:
    """Parse the text of an ignore file.

    Raises
    ------
    ConfigError
        On a malformed line (the message names the file and line).

    Examples
    --------
    >>> rules = parse_rules('target a.md\\nanchor "Click here"\\npair x.md b.md\\n')
    >>> rules.blocks_target("x.md", "b.md"), rules.blocks_target("y.md", "b.md"), rules.blocks_anchor(None, "click HERE")
    (True, False, True)
    """
    targets: set[str] = set()
    anchors: set[tuple[str, ...]] = set()
    pairs: set[tuple[str, str]] = set()
    phrases: set[tuple[str, tuple[str, ...]]] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parts = shlex.split(line, comments=True)
        except ValueError as exc:
            raise ConfigError(f"{source}:{n}: {exc}") from None
        if not parts:
            continue
        kind, args = parts[0], parts[1:]
        if kind not in _KINDS or len(args) != _KINDS[kind]:
            raise ConfigError(f"{source}:{n}: expected one of 'target PATH', 'anchor \"PHRASE\"', "
                              f"'pair PAGE TARGET', 'phrase PAGE \"PHRASE\"'; got {line!r}")
        if kind == "target":
            targets.add(args[0])
        elif kind == "anchor":
            anchors.add(analysis.phrase_key(args[0]))
        elif kind == "pair":
            pairs.add((args[0], args[1]))
        else:
            phrases.add((args[0], analysis.phrase_key(args[1])))
    return IgnoreRules(frozenset(targets), frozenset(anchors), frozenset(pairs), frozenset(phrases))


def load_rules(corpus: Path) -> IgnoreRules:
    """The rules in ``corpus/.linkrec-ignore`` (none if the file is absent)."""
    path = corpus / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark, as some editors write, is not a rule
    except FileNotFoundError:
        return IgnoreRules()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    rules = parse_rules(text, str(path))
    return IgnoreRules(rules.targets, rules.anchors, rules.pairs, rules.phrases, path)


def format_rule(kind: str, *args: str) -> str:
    """One rule line; phrases (and paths with spaces or quotes) are double-quoted.

    Examples
    --------
    >>> print(format_rule("phrase", "blog/a b.md", 'the "API"'))
    phrase "blog/a b.md" "the \\"API\\""
    """
    if kind not in _KINDS or len(args) != _KINDS[kind]:
        raise ConfigError(f"bad ignore rule: {kind} {' '.join(args)}")

    def quote(a: str) -> str:
        return '"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = [kind]
    for i, a in enumerate(args):
        is_phrase = kind in ("anchor", "phrase") and i == len(args) - 1
        out.append(quote(a) if is_phrase or any(c.isspace() or c in "\"'#\\" for c in a) else a)
    return " ".join(out)


def append_rules(corpus: Path, lines: Iterable[str]) -> Path:
    """Append rule lines to ``corpus/.linkrec-ignore`` (created if needed); returns its path."""
    path = corpus / FILE_NAME
    new = [ln for ln in lines if ln]
    if not new:
        return path
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    have = set(existing.splitlines())
    new = [ln for ln in new if ln not in have]
    if not new:
        return path
    sep = "" if not existing or existing.endswith("\n") else "\n"
    write_atomic(path, (existing + sep + "\n".join(new) + "\n").encode("utf-8"))
    return path
