"""Atomic file writes, shared by the model store, ``apply``, ``report`` and the ignore file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

DEFAULT_MODE = 0o644
"""Mode of a new file (``mkstemp``'s 0600 is too strict for pages and reports)."""


def write_atomic(path: Path | str, data: bytes | Callable[[IO[bytes]], object], *, keep_mode: bool = True) -> None:
    """Replace ``path`` by ``data`` (bytes, or a function writing to a binary file) atomically.

    The data goes to a temporary file in the same folder, is flushed to disk, and is renamed over
    the file, so readers see the old or the new file, never half of one; on any error (or Ctrl-C)
    the temporary file is removed and ``path`` is unchanged. A symbolic link is followed: the file
    it points to is replaced, the link stays. The file's mode is kept (new files get 0644).

    Raises
    ------
    OSError
        If the folder is not writable or the disk is full.
    """
    real = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(real.stat().st_mode) if keep_mode else DEFAULT_MODE
    except FileNotFoundError:
        mode = DEFAULT_MODE
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
