"""Writing a file the coach keeps, so that it is never left half-written.

Every export (the practice as JSON, the ICF log, a calendar, a client's own data)
writes through ``atomic_write``: a temporary file beside the target, flushed to disk,
then put in place in one step. On any error the temporary file goes, the target is
left as it was, and a failure of the disk becomes one plain sentence.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import CoachDeskError
from .filenames import NAME_MAX_BYTES, fit_bytes

DEFAULT_FAILURE = "CoachDesk could not write {path}: {reason}."


@contextmanager
def atomic_write(path: Path | str, *, binary: bool = False, encoding: str = "utf-8",
                 newline: str | None = "\n",
                 failure: str = DEFAULT_FAILURE) -> Iterator[IO]:
    """Yield a file to write; ``path`` gets its content only if the block ends normally.

    ``failure`` is the sentence for an OSError, with ``{path}`` and ``{reason}``.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # ".<name>.<8 random characters>.partial" within 255 bytes, however long the name
        stem = fit_bytes(path.name, NAME_MAX_BYTES - len("..12345678.partial"))
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".partial", dir=folder)
        options = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, "wb" if binary else "w", **options) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CoachDeskError(failure.format(path=path, reason=exc.strerror or exc)) from exc
        raise


_CHUNK = 1 << 20


def sha256_of(path: Path | str) -> str:
    """The SHA-256 of the file's bytes, lowercase hex, read 1 MiB at a time. Raises OSError."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def copy_synced(src: Path | str, dest: Path | str) -> str:
    """Copy ``src`` to ``dest`` (created or truncated), flushed to disk, and return the
    SHA-256 of the bytes written (lowercase hex). The caller renames ``dest`` into place:
    the kept copies of reports and agreements go in this way. Raises OSError."""
    h = hashlib.sha256()
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        for block in iter(lambda: fin.read(_CHUNK), b""):
            h.update(block)
            fout.write(block)
        fout.flush()
        os.fsync(fout.fileno())
    return h.hexdigest()
