"""Temporary copies left behind by a process that died ("debris"), and removing them.

Every copy CoachDesk writes goes first to '<final name>.<pid>.partial' (see
``backup_names.temp_name``) and is renamed into place when whole. A process killed
half-way (kill -9, a power cut, a crash during a backup or an upgrade) leaves that
file, tens of megabytes, for ever. ``clean_debris`` removes the ones of one practice
whose process no longer runs or that nobody has written for ``STALE_PARTIAL``; a copy
being written right now (by this or another running CoachDesk) is left alone.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from . import paths
from .backup_names import name_stem, parse_instant, partial_owner

log = logging.getLogger(__name__)

#: A temporary copy untouched for this long is debris even if its process id is in use
#: (by another program, after a restart).
STALE_PARTIAL = timedelta(minutes=15)


def _process_alive(pid: int) -> bool:
    """One liveness test for the whole engine (``tempfiles.pid_alive``: on Windows
    ``os.kill(pid, 0)`` would end that process); an id too large for the system is gone."""
    from .tempfiles import pid_alive

    if pid == os.getpid():
        return True
    try:
        return pid_alive(pid)
    except (ValueError, OverflowError):
        return False


def _is_debris(path: Path, pid: int | None) -> bool:
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    if age > STALE_PARTIAL.total_seconds():
        return True
    return pid is not None and not _process_alive(pid)


def clean_debris_in(folder: Path, stem: str, also: Iterable[str] = ()) -> int:
    """Remove this practice's temporary copies in ``folder`` left by a process that died
    (its id no longer runs) or untouched for ``STALE_PARTIAL``; returns how many went.

    Only names that would have become a backup of ``stem``, its restore copy, or one of
    ``also`` (the practice file's own name) are considered; another practice's are never
    touched."""
    try:
        candidates = list(Path(folder).glob("*.partial*"))
    except OSError:
        return 0
    own_names = {f"{name_stem(stem)}.restore.db", *also}
    return remove_debris(candidates, lambda target: target in own_names
                         or parse_instant(Path(target), stem) is not None)


def remove_debris(candidates: Iterable[Path],
                  belongs: Callable[[str], bool] = lambda _target: True) -> int:
    """Remove each of ``candidates`` that is a temporary copy (``partial_owner`` reads its
    name), of a file ``belongs`` accepts (by the name it would have had), and debris: its
    process is gone or it is untouched for ``STALE_PARTIAL``. Returns how many went; a file
    that cannot be removed is logged by the kind of fault, never by name."""
    removed = 0
    for path in candidates:
        owner = partial_owner(path)
        if owner is None or not belongs(owner[0]) or not _is_debris(path, owner[1]):
            continue
        try:
            path.unlink()
            removed += 1
        except OSError as exc:
            log.warning("could not remove a left-over partial copy (%s)",
                        exc.strerror or type(exc).__name__)
    return removed


def clean_debris(db_path: Path | str, second_folder: Path | str | None = None) -> int:
    """``clean_debris_in`` beside the practice, in its backups folder and the second one."""
    db_path = Path(db_path)
    folders = [db_path.parent, paths.backup_dir(db_path)]
    if second_folder:
        folders.append(Path(second_folder))
    return sum(clean_debris_in(f, db_path.stem, also=(db_path.name,)) for f in folders)
