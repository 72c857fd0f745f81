"""Save and load a :class:`LinkIndex`: a joblib payload plus a small JSON manifest.

Layout of the model folder::

    manifest.json            format version, versions, settings, every page's hash, payload name + hash
    index-<random>.joblib    the payload (plain data: records, vocabulary, counts, IDF)
    .lock                    held while a writer replaces the files

The manifest is read first and is cheap; the payload is only unpickled when the manifest
matches this linkrec version and the payload's SHA-256 is right. Both files are written to a
temporary file and renamed into place, so a crash or a concurrent run never leaves a
half-written model: readers always see a complete old or a complete new one.

joblib runs code when it loads a file: only load model folders you (or linkrec) wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import pickle
import platform
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import joblib

from .errors import IndexFormatError, IndexNotFoundError, IndexWriteError, StaleIndexError
from .corpus import Skipped
from .files import write_atomic
from .index import LinkIndex
from .settings import Settings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 24  # 10: content tabs parsed as Markdown; 11: note embeds (![[Note]]) are links; 12: front matter lang; 13: site path from root-relative links; 14: Jekyll post_url; 15: top words (editions); 16: MDX imports over lines, <Link to>; 17: no indented code in MDX; 18: Jekyll link forms, post URLs, root index; 19: heading ids kept in headings; 20: Hugo URL aliases; 21: no linkable run starts or ends inside a word (learning reads whole words); 22: anchor feature name_case; 23: no linkable word cut as readers see it (entities, emphasis, tags), name_case as written; 24: word edges: all combining marks, apostrophes between letters only, alt text apart
MANIFEST = "manifest.json"
LOCK = ".lock"

try:
    from importlib.metadata import version as _pkg_version

    LINKREC_VERSION = _pkg_version("linkrec")
except Exception:  # pragma: no cover - running from a source tree without install
    LINKREC_VERSION = "0+unknown"


@dataclass(frozen=True, slots=True)
class Manifest:
    """The JSON manifest beside a saved model."""

    data: dict[str, Any]
    digest: str = ""
    """SHA-256 of the manifest file's bytes: which saved model this is (every save writes a new
    payload name and creation time, so it changes whenever the model is saved again)."""

    @property
    def pages(self) -> dict[str, list[Any]]:
        """Page path -> ``[sha256, size, mtime_ns]``."""
        pages: dict[str, list[Any]] = self.data.get("pages", {})
        return pages

    @property
    def payload(self) -> str:
        """File name of the joblib payload."""
        return str(self.data.get("payload", ""))


def versions() -> dict[str, str]:
    """The versions a model depends on (scikit-learn's read from its installed metadata: importing
    it would cost every ``suggest`` 0.7 s)."""
    return {"linkrec": LINKREC_VERSION, "sklearn": _SKLEARN_VERSION, "python": platform.python_version()}


_SKLEARN_VERSION = importlib.metadata.version("scikit-learn")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(folder / LOCK, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_model(folder: Path, payload_name: str, dump: Any, manifest: dict[str, Any]) -> bytes:
    """Write the payload, then the manifest naming it (with its hash), under the folder's lock;
    then remove older payloads. Returns the manifest's bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        write_atomic(folder / payload_name, dump)
        manifest["payload_sha256"] = _sha256_file(folder / payload_name)
        raw = json.dumps(manifest, indent=1, sort_keys=True).encode()
        write_atomic(folder / MANIFEST, raw)
        for old in folder.glob("index-*.joblib"):
            if old.name != payload_name:
                with contextlib.suppress(OSError):
                    old.unlink()
    return raw


def save_index(index: LinkIndex, folder: Path, *, settings: Settings, corpus: str,
               skipped: Sequence[Skipped] = ()) -> Path:
    """Write ``index`` into ``folder`` atomically; returns the manifest path.

    Examples
    --------
    See :func:`load_index`.
    """
    save_model(index, folder, settings=settings, corpus=corpus, skipped=skipped)
    return folder / MANIFEST


def save_model(index: LinkIndex, folder: Path, *, settings: Settings, corpus: str,
               skipped: Sequence[Skipped] = ()) -> Manifest:
    """:func:`save_index`, returning the manifest written.

    Raises
    ------
    IndexWriteError
        If the model cannot be written.
    """
    payload_name = f"index-{secrets.token_hex(6)}.joblib"
    # Python objects (records, dictionaries, the learned rankers) go through the C pickler as one
    # blob: joblib's own pickler is pure Python and many times slower on them. Arrays stay joblib's.
    objects = pickle.dumps({
        "records": index.records,
        "vocab": index.vocab,
        "word_counts": index.word_counts,
        "extra": index.extra,
        "link_targets": index.link_targets,
        "phrases": index.phrases,
    }, protocol=pickle.HIGHEST_PROTOCOL)
    payload = {
        "format": FORMAT_VERSION,
        "settings_hash": index.settings_hash,
        "counts": index.counts,
        "idf": index.idf,
        "objects": objects,
    }

    def dump(fh: IO[bytes]) -> None:
        joblib.dump(payload, fh, compress=("zlib", 1))

    try:
        manifest = {
            "format": FORMAT_VERSION,
            **versions(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "corpus": corpus,
            "settings": settings.index_dict(),
            "settings_hash": index.settings_hash,
            "payload": payload_name,
            "pages": {r.path: [r.sha256, r.size, r.mtime_ns] for r in index.records},
            "skipped": {s.path: [s.size, s.mtime_ns, s.reason] for s in skipped},
        }
        raw = _write_model(folder, payload_name, dump, manifest)
    except OSError as exc:
        raise IndexWriteError(f"{folder}: cannot save the model: {exc.strerror or exc}") from None
    return Manifest(manifest, hashlib.sha256(raw).hexdigest())


def read_manifest(folder: Path, *, known: Manifest | None = None) -> Manifest:
    """Read and check the manifest of a model folder.

    ``known`` (a manifest read or written before) is returned as it is when the file still holds
    exactly its bytes, without parsing the file again.

    Raises
    ------
    IndexNotFoundError
        If there is no manifest.
    IndexFormatError
        If the manifest is not valid JSON of the expected shape.
    StaleIndexError
        If it was written by another format or linkrec/scikit-learn version.
    """
    path = folder / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IndexNotFoundError(f"{folder}: no model here (run `linkrec index`)") from None
    except OSError as exc:
        raise IndexFormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if known is not None and known.digest and known.digest == digest:
        return known
    try:
        data = json.loads(raw)
    except ValueError:
        raise IndexFormatError(f"{path}: manifest is corrupt (not JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("pages"), dict) or "payload" not in data:
        raise IndexFormatError(f"{path}: manifest is corrupt (missing fields)")
    if not all(isinstance(v, list) and len(v) == 3 and isinstance(v[0], str)
               and all(isinstance(x, int) for x in v[1:]) for v in data["pages"].values()):
        raise IndexFormatError(f"{path}: manifest is corrupt (a page entry is not [sha256, size, mtime])")
    if data.get("format") != FORMAT_VERSION:
        raise StaleIndexError(f"{path}: model format {data.get('format')!r}, this linkrec reads {FORMAT_VERSION}")
    now = versions()
    for key in ("linkrec", "sklearn"):
        if data.get(key) != now[key]:
            raise StaleIndexError(f"{path}: model written by {key} {data.get(key)}, this is {now[key]}")
    return Manifest(data, digest)


def load_index(folder: Path, *, settings: Settings, manifest: Manifest | None = None) -> LinkIndex:
    """Load the model saved in ``folder``.

    Raises
    ------
    IndexNotFoundError, IndexFormatError, StaleIndexError
        See :func:`read_manifest`; also when the payload is missing, truncated or corrupt, or the
        settings that shape the model differ from ``settings``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkrec import Settings, build_index
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.md").write_text("# Apples\\n\\nApples are fruit.")
    >>> _ = (d / "b.md").write_text("# Pears\\n\\nPears are fruit too.")
    >>> idx = build_index(d, settings=Settings())
    >>> _ = save_index(idx, d / "m", settings=Settings(), corpus=str(d))
    >>> len(load_index(d / "m", settings=Settings()))
    2
    """
    manifest = manifest or read_manifest(folder)
    if manifest.data.get("settings_hash") != settings.index_hash():
        raise StaleIndexError(f"{folder / MANIFEST}: model built with other settings")
    path = folder / manifest.payload
    if not path.is_file():
        raise IndexFormatError(f"{path}: model payload is missing")
    if _sha256_file(path) != manifest.data.get("payload_sha256"):
        raise IndexFormatError(f"{path}: model payload is corrupt or truncated (checksum mismatch)")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # joblib/pickle raise many types on corrupt input
        raise IndexFormatError(f"{path}: model payload cannot be read ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise IndexFormatError(f"{path}: model payload has an unknown format")
    try:
        objects = pickle.loads(payload["objects"])
        return LinkIndex.assemble(settings=settings, records=objects["records"], vocab=objects["vocab"],
                                  counts=payload["counts"], word_counts=objects["word_counts"],
                                  extra=objects["extra"], idf=payload["idf"],
                                  link_targets=objects["link_targets"], phrases=objects["phrases"])
    except (KeyError, TypeError, ValueError, AttributeError, pickle.UnpicklingError) as exc:
        raise IndexFormatError(f"{path}: model payload is incomplete ({exc})") from None
