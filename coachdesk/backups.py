"""Automatic backups, their rotation, and restoring one. No Qt here.

A backup is a self-contained copy of the practice file made with SQLite's
online backup API (``storage.copy_database``), so it can be taken while the
app is open and holds every committed row, including those still in the WAL.

Names say everything needed to list and rotate them without opening them::

    <practice stem>-<YYYYmmdd-HHMMSS-ffffff>-<kind>.db

The time in the name is the local time the copy was made (a file's own time
changes when it is copied to a USB stick; the name does not).

Kinds
    ``daily`` and ``closing`` are made by the app by itself, ``manual`` when the
    coach asks (Back up now, or ``python -m coachdesk backup``). These three are
    rotated together: the newest of each of the last 7 days, 4 ISO weeks and
    12 months that have one are kept ("grandfather-father-son").
    ``pre-migration``, ``before-restore`` and ``damaged`` are safety copies made
    before something risky; they are kept apart (the newest ``SAFETY_KEEP``)
    and never push a regular backup out.

Every new backup is checked (``PRAGMA quick_check`` on the copy) before any
older one is deleted; a copy that fails is removed and the older ones stay.

An optional second folder (a USB stick, a synced folder) receives a copy of
each backup too. If it is missing (stick unplugged), the coach is told in
plain words, and the backup in the usual folder still counts.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Sequence

from . import paths, storage
from .report_mirror import MIRROR, bring_back_reports, mirror_reports, mirrored_reports  # noqa: F401
from .errors import CorruptDatabaseError, NotADatabaseError, StorageError, ValidationError

log = logging.getLogger(__name__)

# -- kinds and policy -------------------------------------------------------------

DAILY, CLOSING, MANUAL = "daily", "closing", "manual"
PRE_MIGRATION, BEFORE_RESTORE, DAMAGED = "pre-migration", "before-restore", "damaged"
ROTATED_KINDS = frozenset({DAILY, CLOSING, MANUAL})
SAFETY_KINDS = frozenset({PRE_MIGRATION, BEFORE_RESTORE, DAMAGED})

KIND_LABELS = {
    DAILY: "Automatic (daily)",
    CLOSING: "Automatic (on closing)",
    MANUAL: "Made by you",
    PRE_MIGRATION: "Safety copy before an upgrade",
    BEFORE_RESTORE: "Safety copy before a restore",
    DAMAGED: "Damaged file set aside",
}

KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
SAFETY_KEEP = 5
DAILY_INTERVAL = timedelta(days=1)

# One backup or restore at a time in this process: a daily backup in a worker thread and
# the one made on closing must not rotate each other's fresh copy away.
_busy = threading.RLock()

# -- settings (stored in the practice's setting table) -----------------------------

SECOND_FOLDER_KEY = "backup_second_folder"
RHYTHM_KEY = "backup_rhythm"
RHYTHM_DAILY = "daily_and_on_close"
RHYTHM_ON_CLOSE = "on_close_only"
RHYTHM_OFF = "off"
RHYTHMS = {
    RHYTHM_DAILY: "Every day while CoachDesk is open, and when you close it",
    RHYTHM_ON_CLOSE: "Only when you close CoachDesk",
    RHYTHM_OFF: "Never automatically (only when I ask)",
}
DEFAULT_RHYTHM = RHYTHM_DAILY

_NAME = re.compile(r"^(?P<stem>.+)-(?P<ts>\d{8}-\d{6}(?:-\d{6})?)-(?P<kind>[a-z][a-z-]*)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file. ``when`` is the local time it was made."""

    path: Path
    when: datetime
    size: int
    kind: str
    in_second_folder: bool = False
    #: plain sentences about something that went wrong on the side (the second folder)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def is_safety(self) -> bool:
        return self.kind in SAFETY_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("-", " ").capitalize())


def _timestamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S-%f")


def parse_name(path: Path, stem: str | None = None) -> tuple[datetime, str] | None:
    """(when, kind) from a backup's file name, or None if it is not one (of ``stem``)."""
    m = _NAME.match(Path(path).name)
    if not m or (stem is not None and m.group("stem") != stem):
        return None
    ts = m.group("ts")
    try:
        when = datetime.strptime(ts, "%Y%m%d-%H%M%S-%f" if len(ts) > 15 else "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return when, m.group("kind")


def _info(path: Path, stem: str, second: bool) -> BackupInfo | None:
    parsed = parse_name(path, stem)
    if parsed is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path=path, when=parsed[0], size=size, kind=parsed[1], in_second_folder=second)


def _order(info: BackupInfo) -> tuple:
    return (info.when, info.path.name)


def _scan(folder: Path, stem: str, second: bool) -> list[BackupInfo]:
    try:
        if not folder.is_dir():
            return []
        candidates = list(folder.glob(f"{glob_escape(stem)}-[0-9]*.db"))
    except OSError:
        return []
    found = [i for i in (_info(p, stem, second) for p in candidates) if i is not None]
    return sorted(found, key=_order, reverse=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def backup_files(db_path: Path | str, second_folder: Path | str | None = None) -> list[BackupInfo]:
    """Every backup of this practice, in its backups folder and the second folder, newest first.

    A second folder that is missing (unplugged) simply adds nothing.
    """
    db_path = Path(db_path)
    found = _scan(paths.backup_dir(db_path), db_path.stem, second=False)
    if second_folder:
        second = Path(second_folder)
        if not _same_folder(second, paths.backup_dir(db_path)):
            found += _scan(second, db_path.stem, second=True)
    return sorted(found, key=_order, reverse=True)


def delete_backups(paths_to_delete: Iterable[Path | str]) -> int:
    """Delete these backup files; returns how many went.

    Only files named like a backup are touched (never a practice file). Every
    one is tried; if some could not be deleted, a ``StorageError`` names them.
    """
    deleted, failed = 0, []
    for p in paths_to_delete:
        p = Path(p)
        if parse_name(p) is None:
            raise StorageError(f"{p.name} is not a CoachDesk backup; it was not deleted.")
        try:
            p.unlink()
            deleted += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not delete backup %s: %s", p, exc)
            failed.append(p.name)
    if failed:
        raise StorageError(
            f"{len(failed)} backup(s) could not be deleted ({', '.join(failed[:3])}"
            f"{'…' if len(failed) > 3 else ''}). Check that the folder is not read-only "
            "and try again.")
    return deleted


# -- rotation (pure) --------------------------------------------------------------------


def plan_rotation(backups: Sequence[BackupInfo], now: datetime) -> tuple[list[BackupInfo], list[BackupInfo]]:
    """Split one folder's backups into (keep, delete), both newest first.

    Regular backups: the newest of each of the ``KEEP_DAYS`` most recent days
    that have one, of each of the ``KEEP_WEEKS`` most recent ISO weeks, and of
    each of the ``KEEP_MONTHS`` most recent months. Safety copies: the newest
    ``SAFETY_KEEP``. A backup dated after ``now`` (the clock was wrong when it
    was made) is ranked as if made at ``now``.
    """
    def when(b: BackupInfo) -> datetime:
        return min(b.when, now)

    ordered = sorted(backups, key=lambda b: (when(b), b.path.name), reverse=True)
    regular = [b for b in ordered if b.kind not in SAFETY_KINDS]
    safety = [b for b in ordered if b.kind in SAFETY_KINDS]

    keep_ids: set[int] = set()

    def newest_per(bucket, limit: int) -> None:
        seen: list = []
        for b in regular:  # newest first, so the first of each bucket is its newest
            key = bucket(when(b))
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep_ids.add(id(b))

    newest_per(lambda d: d.date(), KEEP_DAYS)
    newest_per(lambda d: d.isocalendar()[:2], KEEP_WEEKS)
    newest_per(lambda d: (d.year, d.month), KEEP_MONTHS)
    keep_ids.update(id(b) for b in safety[:SAFETY_KEEP])

    keep = [b for b in ordered if id(b) in keep_ids]
    delete = [b for b in ordered if id(b) not in keep_ids]
    return keep, delete


def _rotate(folder: Path, stem: str, now: datetime, protect: Path | Sequence[Path] | None,
            second: bool) -> None:
    if isinstance(protect, Path):
        protect = [protect]
    spared = {p for p in (protect or []) if p is not None}
    _keep, delete = plan_rotation(_scan(folder, stem, second), now)
    for old in delete:
        if old.path in spared:
            continue
        try:
            old.path.unlink()
        except OSError as exc:  # best effort: an old backup left behind harms nothing
            log.warning("could not remove old backup %s: %s", old.path, exc)


# -- making one ---------------------------------------------------------------------------


def verify(path: Path) -> bool:
    """True when ``PRAGMA quick_check`` on the file says 'ok'."""
    try:
        con = storage.connect_read_only(Path(path))
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return [r[0] for r in rows] == ["ok"]


def _free_name(folder: Path, stem: str, now: datetime, kind: str) -> Path:
    moment = now
    while True:
        candidate = folder / f"{stem}-{_timestamp(moment)}-{kind}.db"
        if not candidate.exists():
            return candidate
        moment += timedelta(microseconds=1)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _remove_quietly(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".partial")):
        try:
            p.unlink()
        except OSError:
            pass


def _write_verified(db_path: Path, dest: Path) -> None:
    try:
        storage.copy_database(db_path, dest)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(dest)
        if isinstance(exc, sqlite3.DatabaseError) and not verify(db_path):
            raise CorruptDatabaseError(
                f"{db_path.name} is damaged, so no backup was made from it and your older "
                "backups were kept. Restore the newest good one from File → Backups.") from exc
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StorageError(
            f"The backup could not be written to {dest.parent} ({reason}). "
            "Your older backups were kept. Check there is free space and try again.") from exc
    if not verify(dest):
        _remove_quietly(dest)
        if not verify(db_path):
            raise CorruptDatabaseError(
                f"{db_path.name} is damaged, so no backup was made from it and your older "
                "backups were kept. Restore the newest good one from File → Backups.")
        raise StorageError(
            "The new backup did not pass its check, so it was removed and your older backups "
            "were kept. Please try again; if it happens again, restart your computer.")


def _check_header(db_path: Path) -> None:
    try:
        with open(db_path, "rb") as fh:
            header = fh.read(len(storage.SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"CoachDesk cannot read {db_path}: {exc.strerror or exc}.") from exc
    if header != storage.SQLITE_HEADER:
        raise NotADatabaseError(
            f"{db_path.name} is not a CoachDesk file (it is not a database at all).")


def _copy_to_second(made: Path, second: Path, stem: str, now: datetime) -> str | None:
    """Copy a verified backup into the second folder. Returns a plain problem, or None."""
    if not second.is_dir():
        return (f"The second backup folder {second} could not be found (is the USB stick or "
                "drive plugged in?). The backup was still made in the usual folder.")
    dest = second / made.name
    tmp = dest.with_name(dest.name + ".partial")
    try:
        shutil.copyfile(made, tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        _remove_quietly(dest)
        return (f"The backup could not be copied to the second folder {second} "
                f"({exc.strerror or exc}). It was still made in the usual folder.")
    if not verify(dest):
        _remove_quietly(dest)
        return (f"The copy in the second folder {second} did not pass its check and was removed. "
                "The backup was still made in the usual folder.")
    _rotate(second, stem, now, protect=dest, second=True)
    return None


def backup_now(db_path: Path | str, *, kind: str = MANUAL, second_folder: Path | str | None = None,
               now: datetime | None = None, rotate: bool = True) -> BackupInfo:
    """Make one verified backup, then rotate older ones away. Returns it.

    Problems with the second folder come back in ``BackupInfo.warnings`` and
    never fail the backup itself.
    """
    db_path = Path(db_path)
    now = now or datetime.now()
    if not re.fullmatch(r"[a-z][a-z-]*", kind):
        raise ValueError(f"bad backup kind {kind!r}")
    if not db_path.exists():
        raise StorageError(f"There is no CoachDesk file at {db_path} to back up.")
    _check_header(db_path)  # the full check is done once, on the copy
    folder = paths.backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"CoachDesk cannot create the backups folder {folder} "
                           f"({exc.strerror or exc}).") from exc
    with _busy:
        dest = _free_name(folder, db_path.stem, now, kind)
        _write_verified(db_path, dest)
        log.info("backup written to %s", dest)
        if rotate:
            _rotate(folder, db_path.stem, now, protect=dest, second=False)
        warnings: list[str] = []
        problem = mirror_reports(db_path, folder)
        if problem:
            log.warning("report mirror: %s", problem)
            warnings.append(problem)
        if second_folder and not _same_folder(Path(second_folder), folder):
            problem = _copy_to_second(dest, Path(second_folder), db_path.stem, now)
            if problem is None:
                problem = mirror_reports(db_path, Path(second_folder))
            if problem:
                log.warning("second backup folder: %s", problem)
                warnings.append(problem)
        info = _info(dest, db_path.stem, second=False)
    assert info is not None
    return replace(info, warnings=tuple(warnings))


def backup_due(db, now: datetime | None = None) -> bool:
    """Is a daily backup due? Only with the daily rhythm, and when the newest
    regular backup (daily, on closing or made by the coach) is a day old or more."""
    now = now or datetime.now()
    if get_rhythm(db) != RHYTHM_DAILY:
        return False
    for b in backup_files(db.path):
        # One dated in the future (the clock was wrong then) says nothing about today.
        if b.kind in ROTATED_KINDS and b.when <= now + timedelta(minutes=5):
            return now - b.when >= DAILY_INTERVAL
    return True


def closing_backup_wanted(db) -> bool:
    return get_rhythm(db) != RHYTHM_OFF


# -- restore ------------------------------------------------------------------------------


def restore_backup(backup: Path | str, db_path: Path | str, *,
                   now: datetime | None = None) -> Path | None:
    """Replace the practice file with ``backup``; returns where the replaced file was kept.

    The backup is checked first and nothing changes if it is not good. The file
    it replaces is first kept as a 'before-restore' safety backup, or, if it is
    too damaged to copy that way, its exact bytes are set aside as 'damaged'.
    The caller must have closed every connection to ``db_path``.
    """
    with _busy:
        return _restore(Path(backup), Path(db_path), now or datetime.now())


def _restore(backup: Path, db_path: Path, now: datetime) -> Path | None:
    if not backup.exists():
        raise StorageError(f"There is no backup at {backup}.")
    state = storage.inspect_file(backup)
    if state.empty:
        raise StorageError(f"{backup.name} holds no practice; nothing was restored.")
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise StorageError("That backup is the practice file itself; nothing was restored.")
    folder = paths.backup_dir(db_path)
    kept: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            kept = backup_now(db_path, kind=BEFORE_RESTORE, now=now, rotate=False).path
        except StorageError:
            # Unreadable: keep the exact bytes (and its journal) aside instead.
            folder.mkdir(parents=True, exist_ok=True)
            kept = _free_name(folder, db_path.stem, now, DAMAGED)
            shutil.copy2(db_path, kept)
            wal = Path(str(db_path) + "-wal")
            if wal.exists():
                shutil.copy2(wal, Path(str(kept) + "-wal"))
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            side.unlink()
    try:
        storage.copy_database(backup, db_path)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"The backup could not be copied into place ({exc}). "
                           f"Your previous practice is kept at {kept}.") from exc
    # The stored report PDFs the data folder lacks (a new computer, a lost folder) come
    # back from the mirror beside the backup; none is ever overwritten.
    bring_back_reports(backup.parent, db_path)
    # Only now, with the restored file in place, may old safety copies go (never the two
    # this restore is about).
    _rotate(folder, db_path.stem, now, protect=[kept, backup], second=False)
    return kept


def latest_good_backup(db_path: Path | str, second_folder: Path | str | None = None) -> Path | None:
    """The newest backup, in either folder, that passes the checks and holds a practice."""
    if second_folder is None:
        second_folder = remembered_second_folder(db_path)
    for candidate in backup_files(db_path, second_folder):
        if candidate.kind == DAMAGED:
            continue
        try:
            state = storage.inspect_file(candidate.path)
        except StorageError:
            continue
        if not state.empty:
            return candidate.path
    return None


# -- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    rhythm: str = DEFAULT_RHYTHM
    second_folder: Path | None = None


def get_rhythm(db) -> str:
    from .services.settings import get_setting

    value = get_setting(db, RHYTHM_KEY)
    return value if value in RHYTHMS else DEFAULT_RHYTHM


def get_second_folder(db) -> Path | None:
    from .services.settings import get_setting

    value = get_setting(db, SECOND_FOLDER_KEY)
    return Path(value) if value else None


def get_settings(db) -> BackupSettings:
    return BackupSettings(rhythm=get_rhythm(db), second_folder=get_second_folder(db))


def save_settings(db, rhythm: str, second_folder: Path | str | None) -> BackupSettings:
    """Check and save the backup rhythm and second folder (``None`` or "" for none)."""
    from .services.settings import put_setting

    if rhythm not in RHYTHMS:
        raise ValidationError("Please choose when CoachDesk makes backups.", "rhythm")
    folder: Path | None = None
    if second_folder not in (None, ""):
        folder = Path(second_folder).expanduser()
        if not folder.is_dir():
            raise ValidationError(f"The folder {folder} could not be found. Plug in the drive "
                                  "or choose another folder.", "second_folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ValidationError(f"CoachDesk may not write into {folder}. Choose a folder "
                                  "you can save files in.", "second_folder")
        if _same_folder(folder, paths.backup_dir(db.path)) or _same_folder(folder, db.path.parent):
            raise ValidationError("The second backup folder must be somewhere else than the "
                                  "practice and its usual backups folder (another drive, a USB "
                                  "stick or a synced folder).", "second_folder")
        folder = folder.resolve()
    put_setting(db, RHYTHM_KEY, rhythm)
    put_setting(db, SECOND_FOLDER_KEY, str(folder) if folder else None)
    return BackupSettings(rhythm=rhythm, second_folder=folder)


def remembered_second_folder(db_path: Path | str) -> Path | None:
    """The second folder's setting, read without opening the practice normally.

    Used when the practice file is damaged: the setting is read from the file
    if that still works, else from the newest readable backup beside it.
    """
    db_path = Path(db_path)
    candidates = [db_path] + [b.path for b in backup_files(db_path)[:5]]
    for candidate in candidates:
        try:
            con = storage.connect_read_only(candidate)
            try:
                row = con.execute("SELECT value FROM setting WHERE key=?",
                                  (SECOND_FOLDER_KEY,)).fetchone()
            finally:
                con.close()
        except (sqlite3.Error, OSError):
            continue
        return Path(row[0]) if row and row[0] else None
    return None
