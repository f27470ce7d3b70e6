"""Restoring a backup over the practice file, and finding the latest good one. No Qt.

A restore is atomic: if the process dies at any point (kill -9, power cut), the
practice file is either the old practice, with everything that lived only in its
write-ahead log (-wal), or the restored one. The steps, in this order:

1. Checks, before anything is touched: the backup is a good practice, the
   practice is not read-only, and the disk has room for the set-aside copy and
   the restored copy (``DiskFullError`` otherwise).
2. Set-aside copy: the current practice, WAL content included, becomes a
   'before-restore' backup (a file too damaged for that is kept byte for byte as
   'damaged', its -wal moved beside that copy).
3. Checkpoint: a real SQLite connection copies every page of the -wal into the
   file and switches it to a rollback journal, which makes SQLite delete the
   -wal and -shm. SQLite does this crash-safely: the -wal stays until its pages
   are in the file, and is replayed on the next open if the process dies.
   Why it must come before the swap: SQLite checks a -wal's frames against the
   WAL's own header (salts, checksums), not against the database file, so an old
   -wal left beside a new file would be applied to it. After this step there is
   none to apply, and none to lose.
4. The backup is copied (``storage.write_copy``) to a temporary file beside the
   practice ('<stem>.restore.db.<pid>.partial') and flushed to the disk.
5. One ``os.replace`` swaps it in (atomic on one file system); the folder entry is
   flushed; a -shm SQLite may have left is removed after. Just before it, an encrypted
   backup's key file is put beside the practice, unless the practice's own key file seals
   the same data key (``key_files``): that one holds the newer passphrase, so a restore
   never brings back a passphrase the coach has changed since.

Each step calls ``faults.crash_point`` so the tests can kill it there.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from . import backups, encryption, key_files, paths, storage
from .backup_names import name_stem, temp_name, to_utc, utcnow
from .errors import (
    CorruptDatabaseError,
    DiskFullError,
    NotADatabaseError,
    PracticeBusyError,
    ReadOnlyDatabaseError,
    StorageError,
)
from .faults import crash_point
from .report_mirror import bring_back_reports

log = logging.getLogger(__name__)

#: Room kept free on top of the copies a restore writes (SQLite's own temporary pages).
SPARE_BYTES = 1_000_000


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _side(db_path: Path, suffix: str) -> Path:
    return Path(f"{db_path}{suffix}")


def check_room(backup: Path, db_path: Path) -> None:
    """Raise ``DiskFullError`` unless the practice's disk has room for a restore: the
    restored copy (about the backup's size) and the set-aside copy (the practice and its
    -wal), plus a little spare."""
    needed = _size(backup) + _size(db_path) + _size(_side(db_path, "-wal")) + SPARE_BYTES
    try:
        free = shutil.disk_usage(db_path.parent).free
    except OSError:
        return  # cannot tell: the copies below still fail cleanly
    if free < needed:
        raise DiskFullError(f"The disk is full ({free / 1e6:.0f} MB free); free some space, "
                            "then restore again.")


def restore_backup(backup: Path | str, db_path: Path | str, *,
                   now: datetime | None = None) -> Path | None:
    """Replace the practice file with ``backup``; returns where the replaced file was kept
    (None when there was no practice to keep).

    ``now`` (aware, or naive local time) names the set-aside copy; default the clock.
    Nothing changes if the backup is not good, the practice is read-only, or the disk
    lacks room (``StorageError`` and its kinds, each a plain sentence). The caller must
    have closed every connection to ``db_path``.
    """
    with backups._busy:
        return _restore(Path(backup), Path(db_path), to_utc(now or utcnow()))


def _restore(backup: Path, db_path: Path, now: datetime) -> Path | None:
    if not backup.exists():
        raise StorageError(f"There is no backup at {backup}.")
    state = storage.inspect_file(backup)
    if state.empty:
        raise StorageError(f"{backup.name} holds no practice; nothing was restored.")
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise StorageError("That backup is the practice file itself; nothing was restored.")
    if storage._is_read_only(db_path):
        raise ReadOnlyDatabaseError("This practice file (or its folder) is read-only, so it "
                                    "was not replaced; nothing was restored.")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _copy_fault(exc, db_path) from None
    backups.clean_debris(db_path)
    check_room(backup, db_path)
    kept = _set_aside(db_path, now)
    crash_point("restore:after-set-aside")
    try:
        damaged = kept if kept is not None and backups.parse_name(kept)[1] == backups.DAMAGED else None
        _checkpoint(db_path, damaged)
        crash_point("restore:after-checkpoint")
        try:
            staged = storage.write_copy(backup, db_path.with_name(f"{name_stem(db_path.stem)}.restore.db"))
        except (OSError, sqlite3.Error) as exc:
            raise _copy_fault(exc, db_path) from None
        crash_point("restore:after-staging")
        try:
            if _size(_side(db_path, "-wal")) > 0:
                raise PracticeBusyError("Another program wrote to the practice file during the "
                                        "restore, so nothing was restored. Close it, then "
                                        "restore again.")
            # An encrypted backup's key file goes first, unless the practice's own seals the
            # same data key: that one holds the newer passphrase (key_files).
            if not key_files.restore_keeps_practice_key(backup, db_path):
                encryption.place_key_file(backup, db_path)
            os.replace(staged, db_path)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
    except BaseException:
        # The practice is as it was: the fresh set-aside copy is not needed.
        if kept is not None and backups.parse_name(kept)[1] == backups.BEFORE_RESTORE:
            kept.unlink(missing_ok=True)
        raise
    crash_point("restore:after-replace")
    storage._fsync(db_path.parent)
    encryption.drop_stale_key_file(db_path)  # a plain backup replaced an encrypted practice
    for suffix in ("-wal", "-shm"):  # empty leftovers of the old file only, never pages
        side = _side(db_path, suffix)
        if side.exists() and (suffix == "-shm" or _size(side) == 0):
            side.unlink(missing_ok=True)
    # The stored report PDFs the data folder lacks (a new computer, a lost folder) come
    # back from the mirror beside the backup; none is ever overwritten.
    bring_back_reports(backup.parent, db_path)
    # Only now, with the restored file in place, may old safety copies go (never the two
    # this restore is about).
    backups._rotate(paths.backup_dir(db_path), db_path.stem, now, protect=[kept, backup],
                    second=False)
    return kept


def _copy_fault(exc: BaseException, db_path: Path) -> StorageError:
    log.warning("a restore copy failed (%s)", type(exc).__name__)
    text = str(exc).lower()
    if getattr(exc, "errno", None) == 28 or "disk is full" in text:
        return DiskFullError(f"The disk is full{backups._free_mb(db_path.parent)}; free some "
                             "space, then restore again. Nothing was changed.")
    reason = getattr(exc, "strerror", None) or "a disk error"
    return StorageError(f"The backup could not be copied into place ({reason}); your practice "
                        "was not changed.")


def _set_aside(db_path: Path, now: datetime) -> Path | None:
    """Keep the current practice as a backup; returns it (None: nothing to keep)."""
    if not db_path.exists() or _size(db_path) == 0:
        return None
    try:
        return backups.backup_now(db_path, kind=backups.BEFORE_RESTORE, now=now, rotate=False).path
    except (CorruptDatabaseError, NotADatabaseError):
        pass  # too damaged to copy through SQLite: keep its exact bytes below
    folder = paths.backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    kept = backups._free_name(folder, db_path.stem, now, backups.DAMAGED)
    tmp = temp_name(kept)
    try:
        shutil.copyfile(db_path, tmp)
        storage._fsync(tmp)
        os.replace(tmp, kept)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _copy_fault(exc, db_path) from None
    return kept


def _checkpoint(db_path: Path, damaged: Path | None) -> None:
    """Leave no -wal with pages beside the practice: copy them into it (healthy file), or
    move the -wal beside the damaged file's set-aside copy ``damaged``."""
    wal = _side(db_path, "-wal")
    if not db_path.exists():
        return
    if damaged is not None:
        if wal.exists():
            tmp = temp_name(_side(damaged, "-wal"))
            try:
                shutil.copyfile(wal, tmp)
                storage._fsync(tmp)
                os.replace(tmp, _side(damaged, "-wal"))
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise _copy_fault(exc, db_path) from None
            wal.unlink()
        return
    try:
        con = storage.connect(db_path)
        try:
            con.execute(f"PRAGMA busy_timeout={storage.BUSY_TIMEOUT_MS}")
            mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        log.warning("checkpoint before a restore failed (%s)", type(exc).__name__)
        raise PracticeBusyError("Another program is using the practice file (a sync client "
                                "or CoachDesk itself?), so nothing was restored. Close it, "
                                "then restore again.") from None
    if str(mode).lower() != "delete" or _size(wal) > 0:
        raise PracticeBusyError("Another program is using the practice file, so nothing was "
                                "restored. Close it, then restore again.")


def latest_good_backup(db_path: Path | str, second_folder: Path | str | None = None) -> Path | None:
    """The newest backup, in either folder, that passes the checks and holds a practice.

    Newest by the UTC instant in the names; a copy dated in the future is never chosen.
    If every backup is dated after now, the clock is what is wrong now: the newest is
    chosen among those whose date is not wildly apart from the others'.
    """
    if second_folder is None:
        second_folder = backups.remembered_second_folder(db_path)
    found = backups.backup_files(db_path, second_folder)
    candidates = [b for b in found if not b.in_future]
    if not candidates and found:
        wild = backups.unplaceable(found, datetime(9000, 1, 1, tzinfo=UTC))
        candidates = [b for b in found if id(b) not in wild]
    for candidate in candidates:
        if candidate.kind == backups.DAMAGED:
            continue
        try:
            state = storage.inspect_file(candidate.path)
        except StorageError:
            continue
        if not state.empty:
            return candidate.path
    return None
