"""Settings: one frozen, validated dataclass, and where it is read from.

Precedence (highest first): command-line options, ``LINKREC_*`` environment variables (the CLI
maps them), ``linkrec.toml`` or ``[tool.linkrec]`` in ``pyproject.toml`` found from the current
directory upwards, then the defaults below. Only this module and ``cli`` read files or the
environment.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)

DEFAULT_CORPUS = "corpus"
DEFAULT_MODEL = "models"
GOOD_SCORE = 0.5
"""The score of a good suggestion, where the settings' ``min_score`` is 0: more likely a link
the site would make than not (scores are calibrated on the site's own links)."""

_INDEX = {"index": True}


EXTENSIONS = (".md", ".markdown", ".mdx")
"""File extensions that are pages by default (MDX as Docusaurus writes it)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Knobs of indexing and ranking. Fields marked *index* change the saved model.

    Examples
    --------
    >>> Settings(limit=5).limit
    5
    >>> Settings(limit=0)
    Traceback (most recent call last):
    ...
    linkrec.errors.ConfigError: limit must be an integer between 1 and 1000, got 0
    """

    extensions: tuple[str, ...] = field(default=EXTENSIONS, metadata=_INDEX)
    """*index*: file extensions that are pages."""
    ignore: tuple[str, ...] = field(default=(), metadata=_INDEX)
    """*index*: glob patterns (relative to the corpus root) of files or folders to skip."""
    tables_linkable: bool = field(default=True, metadata=_INDEX)
    """*index*: whether table cells may hold a new link."""
    base_url: str | None = field(default=None, metadata=_INDEX)
    """*index*: the site's base URL; links ``BASE_URL/a/b/`` are read as the page ``a/b.md``."""
    title_weight: int = field(default=3, metadata=_INDEX)
    """*index*: how many times the title's terms count in the page vector."""
    heading_weight: int = field(default=2, metadata=_INDEX)
    """*index*: how many times heading terms count in the page vector."""
    max_page_mb: float = field(default=5.0, metadata=_INDEX)
    """*index*: pages larger than this many megabytes are skipped with a message."""
    jobs: int = 0
    """Worker processes for parsing (0: one per CPU, at most 8; 1: no workers)."""
    limit: int = 10
    """Link suggestions per page."""
    keywords: int = 10
    """Missing keywords per page."""
    min_score: float = 0.0
    """Link suggestions scoring below this are dropped."""
    neighbours: int = 10
    """How many closest pages the keyword ranker and link-graph evidence look at."""
    max_links: int = 0
    """Link budget: at most this many suggestions per page (0: no cap beyond ``limit``)."""
    words_per_link: int = 0
    """Link budget: at most one suggestion per this many words of the page (0: no such cap)."""
    skip_sentences: int = 0
    """Link budget: no anchor in the first N sentences of the page body."""
    exclude_targets: tuple[str, ...] = ()
    """Link budget: glob patterns of target pages never suggested."""
    headings_linkable: bool = False
    """Whether a heading may hold a new link (``apply`` never writes into headings unless true)."""
    link_style: str = "auto"
    """How ``apply`` writes links: ``auto`` (the corpus's own style), ``markdown`` (relative
    paths), ``wikilink`` or ``url`` (``url_pattern``)."""
    url_pattern: str = "/{path}/"
    """With ``link_style = "url"``: the link target; ``{path}`` is the target's path without the
    extension, ``{slug}`` its file name without the extension, ``{url}`` its front matter url."""

    def __post_init__(self) -> None:
        _check_int(self, "title_weight", 1, 20)
        _check_int(self, "heading_weight", 1, 20)
        _check_int(self, "jobs", 0, 64)
        _check_int(self, "limit", 1, 1000)
        _check_int(self, "keywords", 0, 1000)
        _check_int(self, "neighbours", 1, 200)
        _check_int(self, "max_links", 0, 1000)
        _check_int(self, "words_per_link", 0, 1_000_000)
        _check_int(self, "skip_sentences", 0, 10_000)
        if self.link_style not in ("auto", "markdown", "wikilink", "url"):
            raise ConfigError(f"link_style must be one of auto, markdown, wikilink, url, got {self.link_style!r}")
        if not isinstance(self.url_pattern, str) or not self.url_pattern:
            raise ConfigError(f"url_pattern must be a non-empty string, got {self.url_pattern!r}")
        _check_url_pattern(self.url_pattern)
        for name in ("tables_linkable", "headings_linkable"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, got {getattr(self, name)!r}")
        _check_float(self, "min_score", 0.0, 1.0)
        _check_float(self, "max_page_mb", 0.001, 10_000.0)
        for name in ("extensions", "ignore", "exclude_targets"):
            value = getattr(self, name)
            if isinstance(value, list):  # as a plugin would pass them: the same strings
                value = tuple(value)
                object.__setattr__(self, name, value)
            if not isinstance(value, tuple) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(f"{name} must be a list of non-empty strings, got {value!r}")
        if not all(e.startswith(".") for e in self.extensions):
            raise ConfigError(f"extensions must start with '.', got {list(self.extensions)!r}")
        if self.base_url is not None and not isinstance(self.base_url, str):
            raise ConfigError(f"base_url must be a string, got {self.base_url!r}")

    @property
    def good_score(self) -> float:
        """The score a suggestion needs to count as good (``report``) or to be applied
        (``apply``): ``min_score`` if set, else :data:`GOOD_SCORE`."""
        return self.min_score if self.min_score > 0 else GOOD_SCORE

    def index_dict(self) -> dict[str, Any]:
        """The fields that shape the saved model, as JSON-ready data."""
        return {
            f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
            for f in dataclasses.fields(self)
            if f.metadata.get("index")
        }

    def index_hash(self) -> str:
        """A short hash of :meth:`index_dict`, stored in the manifest."""
        blob = json.dumps(self.index_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _check_url_pattern(pattern: str) -> None:
    """Raise ConfigError unless ``pattern`` uses ``{path}``, ``{slug}`` or ``{url}``, and only those.

    >>> _check_url_pattern("/docs/{path}/")
    >>> _check_url_pattern("/docs/")
    Traceback (most recent call last):
    ...
    linkrec.errors.ConfigError: url_pattern '/docs/' names no {path}, {slug} or {url}: every link would go to one URL
    """
    try:
        for _text, field_name, spec, conversion in string.Formatter().parse(pattern):
            if field_name is not None and (field_name not in ("path", "slug", "url") or spec or conversion):
                raise ValueError(f"a field {field_name!r} with conversion {conversion!r} and format {spec!r}")
        one = pattern.format(path="a/b", slug="b", url="/a/b/")
        other = pattern.format(path="c/d", slug="d", url="/c/d/")
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ConfigError(f"url_pattern {pattern!r}: use only {{path}}, {{slug}} and {{url}} ({exc})") from None
    if one == other:
        raise ConfigError(f"url_pattern {pattern!r} names no {{path}}, {{slug}} or {{url}}: every link would go to one URL")


def _check_int(s: Settings, name: str, lo: int, hi: int) -> None:
    """Raise ConfigError unless field ``name`` is an int in [lo, hi]."""
    v = getattr(s, name)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ConfigError(f"{name} must be an integer between {lo} and {hi}, got {v!r}")


def _check_float(s: Settings, name: str, lo: float, hi: float) -> None:
    """Raise ConfigError unless field ``name`` is a number in [lo, hi]."""
    v = getattr(s, name)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        raise ConfigError(f"{name} must be a number between {lo} and {hi}, got {v!r}")


@dataclass(frozen=True, slots=True)
class Config:
    """What a config file says: settings plus the corpus and model folders."""

    settings: Settings
    """The settings, with the file's values applied."""
    corpus: Path | None
    """``corpus`` from the file, resolved against the file's folder (None if unset)."""
    model: Path | None
    """``model`` from the file, resolved against the file's folder (None if unset)."""
    source: Path | None
    """The file the values came from, or None when no file was found."""


_FIELDS = {f.name for f in dataclasses.fields(Settings)}


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``linkrec.toml`` or ``pyproject.toml`` with ``[tool.linkrec]``, from ``start`` up."""
    for folder in (start.resolve(), *start.resolve().parents):
        own = folder / "linkrec.toml"
        if own.is_file():
            return own, _read_toml(own)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = _read_toml(pyproject)
            except ConfigError as exc:  # another project's broken file does not stop linkrec
                if "[tool.linkrec" in pyproject.read_text(encoding="utf-8", errors="replace"):
                    raise  # ours: its settings must not be skipped silently
                logger.warning("%s; it has no [tool.linkrec] and is passed over", exc)
                continue
            table = data.get("tool", {}).get("linkrec")
            if isinstance(table, dict):
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning errors into ConfigError naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc


def settings_from_mapping(values: dict[str, Any], base: Settings | None = None, *, source: str = "config") -> Settings:
    """Apply a mapping of setting names to values on top of ``base`` (validated)."""
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}")
    clean: dict[str, Any] = {}
    for k, v in values.items():
        clean[k] = tuple(v) if isinstance(v, list) else v
    try:
        return dataclasses.replace(base or Settings(), **clean)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def load_config(start: Path | None = None) -> Config:
    """Read the nearest config file (if any) into a :class:`Config`."""
    found = find_config(start or Path.cwd())
    if found is None:
        return Config(Settings(), None, None, None)
    path, table = found
    table = dict(table)
    paths: dict[str, Path | None] = {}
    for key in ("corpus", "model"):
        raw = table.pop(key, None)
        if raw is not None and not isinstance(raw, str):
            raise ConfigError(f"{path}: {key} must be a path string, got {raw!r}")
        paths[key] = (path.parent / raw) if raw else None
    settings = settings_from_mapping(table, source=str(path))
    return Config(settings, paths["corpus"], paths["model"], path)


def default_index_path(explicit: Path | None = None, config: Config | None = None) -> Path:
    """Where the model lives: the explicit folder, else the config's, else ``models/``."""
    if explicit is not None:
        return explicit
    if config is not None and config.model is not None:
        return config.model
    return Path(DEFAULT_MODEL)


def default_corpus_path(explicit: Path | None = None, config: Config | None = None) -> Path:
    """Which corpus: the explicit folder, else the config's, else ``corpus/``."""
    if explicit is not None:
        return explicit
    if config is not None and config.corpus is not None:
        return config.corpus
    return Path(DEFAULT_CORPUS)
