"""Fault handling: what SQLite or the drive refuses while a practice file is opened,
checked or upgraded, as plain ``StorageError`` sentences (damage is the only thing called
damage), and the engine's one crash hook for tests (``crash_point``).

Kept apart from ``storage`` (which re-exports these names) so the mapping can be read and
tested on its own.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
from pathlib import Path

from .errors import (
    DiskFullError,
    DiskIOError,
    PracticeBusyError,
    ReadOnlyDatabaseError,
    StorageError,
)

#: The environment variable naming the ``crash_point`` at which a test's child process dies.
KILL_AT_ENV = "COACHDESK_TEST_KILL_AT"


def crash_point(name: str) -> None:
    """Test hook: kill this process outright (SIGKILL, as a power cut or ``kill -9`` would:
    no ``finally``, no ``atexit``, no flush) when the environment variable
    ``COACHDESK_TEST_KILL_AT`` equals ``name``. Does nothing otherwise; unset, it costs one
    dictionary lookup.

    Points are named '<operation>:<step>', e.g. 'copy:before-replace',
    'backup:before-rotation', 'import:rows-inserted', 'migrate:before-commit',
    'erase:after-commit' (tests/test_kill_faults.py lists them all).
    """
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


#: below this much free space (MB), a drive error while opening is taken for a full disk:
#: SQLite reports a failed -shm/-wal allocation as a plain "disk I/O error"
LOW_SPACE_MB = 50


def free_mb(path: Path) -> int | None:
    """Free space (whole MB) on the drive holding ``path`` (or its nearest existing
    folder), or None when it cannot be told."""
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return int(shutil.disk_usage(folder if folder.is_dir() else folder.parent).free / 1e6)
    except OSError:
        return None


def disk_full_message(path: Path) -> str:
    """'The disk is full (N MB free). Free some space …, then open CoachDesk again.'"""
    free = free_mb(path)
    amount = f" ({free} MB free)" if free is not None else ""
    return (f"The disk is full{amount}. Free some space (empty the bin, move large files), "
            "then open CoachDesk again.")


def open_fault(exc: BaseException, path: Path) -> StorageError | None:
    """The plain error for a failure while *opening*, checking or upgrading a practice file
    that is not damage, or None when it is (or may be) damage or the program's own fault.

    ``exc`` is a sqlite3 error (bare or wrapped by SQLAlchemy) or an ``OSError``. A full disk
    (SQLITE_FULL, ENOSPC, or a drive error with less than ``LOW_SPACE_MB`` free) →
    ``DiskFullError``; SQLITE_BUSY/LOCKED → ``PracticeBusyError``; SQLITE_READONLY, EROFS,
    EACCES → ``ReadOnlyDatabaseError``; SQLITE_IOERR/CANTOPEN → ``DiskIOError``. Messages
    never carry SQL or the coach's words.
    """
    path = Path(path)
    if isinstance(exc, StorageError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError):
        code = orig.errno
        if code == errno.ENOSPC:
            return DiskFullError(disk_full_message(path))
        if code in (errno.EROFS, errno.EACCES, errno.EPERM):
            return ReadOnlyDatabaseError(_read_only_message(path))
        return DiskIOError(f"CoachDesk could not use {path.name} just now "
                           f"({orig.strerror or 'a drive error'}); nothing was changed. Try "
                           "again, or copy the file to your computer and open the copy.")
    name = getattr(orig, "sqlite_errorname", "") or ""
    text = str(orig).lower()
    low = (free_mb(path) or 0) < LOW_SPACE_MB
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DiskFullError(disk_full_message(path))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return PracticeBusyError(f"Another program is using {path.name} right now (a sync "
                                 "client, or CoachDesk itself); try again in a moment.")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ReadOnlyDatabaseError(_read_only_message(path))
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk i/o error" in text \
            or "unable to open" in text:
        if low:
            return DiskFullError(disk_full_message(path))
        return DiskIOError(f"CoachDesk could not read {path.name}: the drive reported an error, "
                           "so nothing was changed. If the file is on a USB stick, network or "
                           "cloud drive, copy it to your computer and open the copy.")
    return None


def _read_only_message(path: Path) -> str:
    return (f"This practice is read-only: CoachDesk cannot save to {path} because the file, "
            "its folder or the drive is read-only. Copy it to a folder you can write to, or "
            "choose another file.")


def write_fault(exc: Exception, path: Path) -> StorageError | None:
    """The plain error for a transaction SQLite refused for a passing reason, or None
    for any other error (which is the program's, and stays as it is).

    SQLITE_BUSY / SQLITE_LOCKED (another connection held the lock past the busy timeout)
    → ``PracticeBusyError``; SQLITE_FULL → ``DiskFullError`` with the MB still free;
    SQLITE_READONLY → ``ReadOnlyDatabaseError`` (``READ_ONLY_WRITE``, never retried);
    SQLITE_IOERR → ``StorageError``. The sentences never carry the statement or its values.
    """
    orig = getattr(exc, "orig", exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    text = str(orig).lower()
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ReadOnlyDatabaseError(READ_ONLY_WRITE)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return PracticeBusyError("Another program is using the practice file (a sync client "
                                 "or a second copy of CoachDesk?), so this was not saved yet.")
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        try:
            free = f" ({shutil.disk_usage(path.parent).free / 1e6:.0f} MB free)"
        except OSError:
            free = ""
        return DiskFullError(f"The disk is full{free}, so this was not saved yet. Free some "
                             "space (empty the trash, move large files); nothing is lost.")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return StorageError("The practice file could not be written just now (a disk "
                            "error), so this was not saved yet.")
    return None


READ_ONLY_WRITE = "This practice is read-only; nothing was changed."
