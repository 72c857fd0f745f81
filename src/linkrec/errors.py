"""Exceptions raised by linkrec.

The hierarchy::

    LinkrecError                 base class; the CLI turns it into a one-line message, exit 1
    ├── ConfigError              a setting has a bad value or a config file is malformed
    ├── CorpusError              the corpus folder is missing, unreadable or has no usable page
    ├── ParseError               one page cannot be read or parsed (binary, not UTF-8, too large, ...)
    ├── IndexNotFoundError       there is no saved model in the model directory
    ├── StaleIndexError          the saved model does not match the corpus or this linkrec version
    ├── IndexFormatError         the saved model is corrupt, truncated or of an unknown format
    └── IndexWriteError          the model cannot be saved (a read-only or vanished model folder)
"""

from __future__ import annotations


class LinkrecError(Exception):
    """Base class of every error linkrec raises on purpose."""


class ConfigError(LinkrecError):
    """A setting has a value outside its allowed range, or a config file cannot be read."""


class CorpusError(LinkrecError):
    """The corpus folder is missing, unreadable, or holds no usable page."""


class ParseError(LinkrecError):
    """One page cannot be read or parsed; the message names the file and the problem."""


class IndexNotFoundError(LinkrecError):
    """No saved model exists in the model directory."""


class StaleIndexError(LinkrecError):
    """The saved model was built from other pages, other settings or another version."""


class IndexFormatError(LinkrecError):
    """The saved model is corrupt, truncated, or written in an unknown format."""


class IndexWriteError(LinkrecError):
    """The model cannot be saved in its folder (read-only, full, or removed while writing)."""
