"""linkrec: which pages of your own site to link to, where, and which keywords are missing.

The public API, used by the ``linkrec`` command and by editor integrations::

    from linkrec import Recommender
    rec = Recommender.open("corpus", "models")      # load, refresh or build the model once
    report = rec.suggest(buffer_text, path="corpus/page.md")
    for link in report.links:
        print(link.target, link.anchor)
"""

from __future__ import annotations

from .api import IndexReport, Recommender, build_index, index_corpus, open_index, suggest
from .errors import (
    ConfigError,
    CorpusError,
    IndexFormatError,
    IndexNotFoundError,
    IndexWriteError,
    LinkrecError,
    ParseError,
    StaleIndexError,
)
from .index import LinkIndex
from .results import (
    Anchor,
    InboundReport,
    InboundSuggestion,
    KeywordSuggestion,
    LinkSuggestion,
    PageReport,
    Suppressed,
)
from .settings import Settings
from .store import LINKREC_VERSION as __version__
from .store import load_index, save_index

__all__ = [
    "Anchor",
    "ConfigError",
    "CorpusError",
    "IndexFormatError",
    "IndexNotFoundError",
    "IndexWriteError",
    "InboundReport",
    "InboundSuggestion",
    "IndexReport",
    "KeywordSuggestion",
    "LinkIndex",
    "LinkSuggestion",
    "LinkrecError",
    "PageReport",
    "ParseError",
    "Recommender",
    "Settings",
    "StaleIndexError",
    "Suppressed",
    "__version__",
    "build_index",
    "index_corpus",
    "load_index",
    "open_index",
    "save_index",
    "suggest",
]
