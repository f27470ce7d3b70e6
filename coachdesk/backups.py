"""Automatic backups, their rotation, and restoring one. No Qt here.

A backup is a self-contained copy of the practice file made with SQLite's
online backup API (``storage.copy_database``), so it can be taken while the
app is open and holds every committed row, including those still in the WAL.

Names say everything needed to list and rotate them without opening them::

    <practice stem>-<YYYYmmdd-HHMMSS-ffffff>Z-<kind>.db

The time in the name is the UTC time the copy was made (a file's own time
changes when it is copied to a USB stick; the name does not). Older versions
wrote the local time without the ``Z``; such names are still read, as local
time in the computer's current zone (see ``coachdesk.backup_names``).

Time is untrusted
    Backups are ordered by the UTC instant in their names. One dated after now
    (the clock was wrong when it was made) is never "latest" and is never
    rotated; nor is one whose date lies more than a year from every other
    backup's (a clock set to 2001). A wrong clock can only make CoachDesk keep
    more, never delete history.

Debris
    A copy is written to '<name>.<pid>.partial' and renamed into place when
    whole. One left by a process that died (killed, power cut) is removed by
    ``clean_debris``, which every backup, rotation and restore runs first.

Kinds
    ``daily`` and ``closing`` are made by the app by itself, ``manual`` when the
    coach asks (Back up now, or ``python -m coachdesk backup``). These three are
    rotated together: the newest of each of the last 7 days, 4 ISO weeks and
    12 months that have one are kept ("grandfather-father-son").
    ``pre-migration``, ``before-restore`` and ``damaged`` are safety copies made
    before something risky; they are kept apart (the newest ``SAFETY_KEEP``)
    and never push a regular backup out.

Every new backup is checked before any older one is deleted; a copy that fails is
removed and the older ones stay. A plain copy gets the full ``PRAGMA quick_check``; an
encrypted one, whose pages are copied raw, the HMAC of every page (``backup_checks``:
``verify_written_copy``, and why ``verify`` stays the full check elsewhere).

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from . import encryption, paths, storage
from .backup_checks import verify, verify_written_copy, write_checked_copy  # noqa: F401 - API
from .backup_names import (  # noqa: F401 - parse_name, name_stem: part of this module's API
    FUTURE_NOTE,
    FUTURE_SLACK,
    WILD_GAP,
    backup_name,
    name_stem,
    parse_instant,
    parse_name,
    temp_name,
    to_local,
    to_utc,
    utcnow,
)
from .debris import STALE_PARTIAL, clean_debris, clean_debris_in  # noqa: F401
from .errors import CorruptDatabaseError, StorageError, ValidationError
from .faults import crash_point
from .report_mirror import MIRROR, bring_back_reports, mirror_reports, mirrored_reports  # noqa: F401

log = logging.getLogger(__name__)

# -- kinds and policy -------------------------------------------------------------

DAILY, CLOSING, MANUAL = "daily", "closing", "manual"
PRE_MIGRATION, BEFORE_RESTORE, DAMAGED = "pre-migration", "before-restore", "damaged"
BEFORE_ENCRYPTION = "before-encryption"  # before encrypting or decrypting (practice_crypto)
ROTATED_KINDS = frozenset({DAILY, CLOSING, MANUAL})
SAFETY_KINDS = frozenset({PRE_MIGRATION, BEFORE_RESTORE, DAMAGED, BEFORE_ENCRYPTION})

KIND_LABELS = {
    DAILY: "Automatic (daily)",
    CLOSING: "Automatic (on closing)",
    MANUAL: "Made by you",
    PRE_MIGRATION: "Safety copy before an upgrade",
    BEFORE_RESTORE: "Safety copy before a restore",
    BEFORE_ENCRYPTION: "Safety copy before encrypting or decrypting",
    DAMAGED: "Damaged file set aside",
}

KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
# The newest few whatever their day: quitting three times a day keeps the morning's copy
# (a mistake made at noon and noticed at five is not in it).
KEEP_RECENT = 3
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

@dataclass(frozen=True)
class BackupInfo:
    """One backup file. ``when`` is the local time it was made (naive, for showing);
    ``instant`` the same moment in UTC (aware), which orders backups. ``in_future``:
    dated after now when listed, so the clock was wrong when it was made."""

    path: Path
    when: datetime
    size: int
    kind: str
    in_second_folder: bool = False
    #: plain sentences about something that went wrong on the side (the second folder)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    instant: datetime | None = field(default=None, compare=False)
    in_future: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.instant is None:
            object.__setattr__(self, "instant", to_utc(self.when))

    @property
    def note(self) -> str:
        """Why this copy is not "latest" although its date is newest, or ''."""
        return FUTURE_NOTE if self.in_future else ""

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def is_safety(self) -> bool:
        return self.kind in SAFETY_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("-", " ").capitalize())


def _info(path: Path, stem: str, second: bool, now: datetime | None = None) -> BackupInfo | None:
    parsed = parse_instant(path, stem)
    if parsed is None:
        return None
    try:
        size = path.stat().st_size
        when = to_local(parsed[0])
    except (OSError, ValueError, OverflowError):
        return None
    future = parsed[0] > to_utc(now or utcnow()) + FUTURE_SLACK
    return BackupInfo(path=path, when=when, size=size, kind=parsed[1], in_second_folder=second,
                      instant=parsed[0], in_future=future)


def _order(info: BackupInfo) -> tuple:
    return (info.instant, info.path.name)


def _scan(folder: Path, stem: str, second: bool) -> list[BackupInfo]:
    try:
        if not folder.is_dir():
            return []
        candidates = list(folder.glob(f"{glob_escape(name_stem(stem))}-[0-9]*.db"))
    except OSError:
        return []
    found = [i for i in (_info(p, stem, second) for p in candidates) if i is not None]
    return sorted(found, key=_order, reverse=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def backup_files(db_path: Path | str, second_folder: Path | str | None = None) -> list[BackupInfo]:
    """Every backup of this practice, in its backups folder and the second folder, newest
    first by the UTC instant in their names (``in_future`` set on those dated after now).

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
            encryption.key_path(p).unlink(missing_ok=True)  # an encrypted backup's key file
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


def unplaceable(backups: Sequence[BackupInfo], now: datetime) -> set[int]:
    """``id()`` of the backups whose date cannot place them in time: dated after ``now``
    (plus ``FUTURE_SLACK``), or more than ``WILD_GAP`` from both neighbours in date order
    (the only backup dated 2001 among 2026's; the first after a long pause, too, which
    costs one file kept). Rotation keeps them all; "latest" never picks a future one."""
    now_u = to_utc(now)
    out = {id(b) for b in backups if b.instant > now_u + FUTURE_SLACK}
    placed = sorted((b for b in backups if id(b) not in out), key=_order)
    for i, b in enumerate(placed):
        gaps = []
        if i > 0:
            gaps.append(b.instant - placed[i - 1].instant)
        if i + 1 < len(placed):
            gaps.append(placed[i + 1].instant - b.instant)
        if gaps and min(gaps) > WILD_GAP:
            out.add(id(b))
    return out


def plan_rotation(backups: Sequence[BackupInfo], now: datetime) -> tuple[list[BackupInfo], list[BackupInfo]]:
    """Split one folder's backups into (keep, delete), both newest first.

    ``now``: aware, or naive local time. Regular backups: the ``KEEP_RECENT`` newest, and
    the newest of each of the ``KEEP_DAYS`` most recent days that have one, of each of the ``KEEP_WEEKS`` most
    recent ISO weeks, and of each of the ``KEEP_MONTHS`` most recent months (days in the
    computer's current zone). Safety copies: the newest ``SAFETY_KEEP``. Backups the
    clock cannot place (see ``unplaceable``) are all kept and take no one's slot, so a
    clock set wrong never deletes history.
    """
    ordered = sorted(backups, key=_order, reverse=True)
    wild = unplaceable(ordered, now)
    regular = [b for b in ordered if b.kind not in SAFETY_KINDS and id(b) not in wild]
    safety = [b for b in ordered if b.kind in SAFETY_KINDS and id(b) not in wild]

    keep_ids: set[int] = set(wild)

    def newest_per(bucket, limit: int) -> None:
        seen: list = []
        for b in regular:  # newest first, so the first of each bucket is its newest
            key = bucket(to_local(b.instant))
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep_ids.add(id(b))

    keep_ids.update(id(b) for b in regular[:KEEP_RECENT])
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
    clean_debris_in(folder, stem)
    _keep, delete = plan_rotation(_scan(folder, stem, second), now)
    for old in delete:
        if old.path in spared:
            continue
        try:
            old.path.unlink()
            encryption.key_path(old.path).unlink(missing_ok=True)
        except OSError as exc:  # best effort: an old backup left behind harms nothing
            log.warning("could not remove an old backup (%s)", exc.strerror or type(exc).__name__)
        crash_point("rotate:after-delete")


# -- making one ---------------------------------------------------------------------------


def _free_name(folder: Path, stem: str, now: datetime, kind: str) -> Path:
    moment = to_utc(now)
    while True:
        candidate = folder / backup_name(stem, moment, kind)
        if not candidate.exists():
            return candidate
        moment += timedelta(microseconds=1)


def _free_mb(folder: Path) -> str:
    try:
        return f" ({shutil.disk_usage(folder).free / 1e6:.0f} MB free)"
    except OSError:
        return ""


def copy_problem(exc: BaseException, folder: Path) -> str:
    """A plain sentence for a copy into ``folder`` that failed with ``exc``."""
    import errno

    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code == errno.ENOSPC or "disk is full" in text:
        return (f"The disk is full{_free_mb(folder)}, so the backup was not made. "
                "Free some space, then try again.")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text:
        return (f"CoachDesk cannot write into {folder} (the drive or folder is read-only), "
                "so the backup was not made. Choose another folder.")
    if code == errno.ENAMETOOLONG:
        return ("The practice file's name is too long for a backup name on this drive, so the "
                "backup was not made. Rename the practice file to something shorter.")
    if isinstance(exc, sqlite3.Error):
        return (f"The backup could not be written to {folder} (this drive does not support "
                "what CoachDesk needs). Choose a folder on your computer's own disk.")
    reason = getattr(exc, "strerror", None) or "a disk error"
    return f"The backup could not be written to {folder} ({reason}). Please try again."


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _write_verified(db_path: Path, dest: Path) -> None:
    try:
        checked = write_checked_copy(db_path, dest)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(dest)
        if isinstance(exc, sqlite3.DatabaseError) and not verify(db_path):
            raise CorruptDatabaseError(
                f"{db_path.name} is damaged, so no backup was made from it and your older "
                "backups were kept. Restore the newest good one from File → Backups.") from exc
        log.warning("a backup could not be written (%s)", type(exc).__name__)
        raise StorageError(copy_problem(exc, dest.parent) + " Your older backups were kept.") from None
    if not checked:
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
    if header != storage.SQLITE_HEADER:  # encrypted and unlocked, or refused plainly
        encryption.key_for(db_path)


def _copy_to_second(made: Path, second: Path, stem: str, now: datetime) -> str | None:
    """Copy a verified backup into the second folder. Returns a plain problem, or None."""
    if not second.is_dir():
        return (f"The second backup folder {second} could not be found (is the USB stick or "
                "drive plugged in?). The backup was still made in the usual folder.")
    dest = second / made.name
    tmp = temp_name(dest)
    clean_debris_in(second, stem)
    try:
        shutil.copyfile(made, tmp)
        storage._fsync(tmp)
        encryption.place_key_file(made, dest)
        os.replace(tmp, dest)
    except OSError as exc:
        _remove_quietly(tmp)
        return (f"The backup could not be copied to the second folder {second} "
                f"({exc.strerror or exc}). It was still made in the usual folder.")
    if not verify_written_copy(dest, made):
        _remove_quietly(dest)
        encryption.key_path(dest).unlink(missing_ok=True)
        return (f"The copy in the second folder {second} did not pass its check and was removed. "
                "The backup was still made in the usual folder.")
    _rotate(second, stem, now, protect=dest, second=True)
    return None


def backup_now(db_path: Path | str, *, kind: str = MANUAL, second_folder: Path | str | None = None,
               now: datetime | None = None, rotate: bool = True) -> BackupInfo:
    """Make one verified backup, then rotate older ones away. Returns it.

    ``now`` (aware, or naive local time) defaults to the clock ``utcnow``. Problems
    with the second folder come back in ``BackupInfo.warnings`` and never fail the
    backup itself. Raises ``StorageError`` (a plain sentence) when no backup was made.
    """
    db_path = Path(db_path)
    now = to_utc(now or utcnow())
    if not re.fullmatch(r"[a-z][a-z-]*", kind):
        raise ValueError(f"bad backup kind {kind!r}")
    if not db_path.exists():
        raise StorageError(f"There is no CoachDesk file at {db_path} to back up.")
    _check_header(db_path)  # the copy is checked once written (verify_written_copy)
    folder = paths.backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"CoachDesk cannot create the backups folder {folder} "
                           f"({exc.strerror or exc}).") from exc
    with _busy:
        clean_debris(db_path)
        dest = _free_name(folder, db_path.stem, now, kind)
        _write_verified(db_path, dest)
        log.info("backup written (%s)", kind)
        crash_point("backup:before-rotation")
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
        info = _info(dest, db_path.stem, second=False, now=now)
    assert info is not None
    return replace(info, warnings=tuple(warnings))


def backup_due(db, now: datetime | None = None) -> bool:
    """Is a daily backup due? Only with the daily rhythm, and when the newest
    regular backup (daily, on closing or made by the coach) is a day old or more."""
    now = to_utc(now or utcnow())
    if get_rhythm(db) != RHYTHM_DAILY:
        return False
    for b in backup_files(db.path):
        # One dated in the future (the clock was wrong then) says nothing about today.
        if b.kind in ROTATED_KINDS and b.instant <= now + FUTURE_SLACK:
            return now - b.instant >= DAILY_INTERVAL
    return True


def closing_backup_wanted(db) -> bool:
    return get_rhythm(db) != RHYTHM_OFF


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
    """This machine's second backup folder for the practice, or None. It lives per machine
    (``coachdesk.machine_state``), not in the practice file, which travels; an older
    version's setting in the file moves there when its folder is on this machine."""
    from . import machine_state

    if machine_state.knows_second_folder(db.path):
        return machine_state.second_folder(db.path)
    return machine_state.adopt_old_second_folder(db, SECOND_FOLDER_KEY)


def get_settings(db) -> BackupSettings:
    return BackupSettings(rhythm=get_rhythm(db), second_folder=get_second_folder(db))


def save_settings(db, rhythm: str, second_folder: Path | str | None) -> BackupSettings:
    """Check and save the backup rhythm (in the practice) and second folder (``None`` or
    "" for none; on this machine, ``coachdesk.machine_state``). Raises ``ValidationError``
    on a wrong choice, ``StorageError`` when this machine's settings cannot be written."""
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
    from . import machine_state

    machine_state.set_second_folder(db.path, folder)  # this machine's; StorageError if not
    put_setting(db, RHYTHM_KEY, rhythm)
    put_setting(db, SECOND_FOLDER_KEY, None)  # an older version's copy in the file: gone
    return BackupSettings(rhythm=rhythm, second_folder=folder)


def remembered_second_folder(db_path: Path | str) -> Path | None:
    """The second folder's setting, read without opening the practice normally.

    Used when the practice file is damaged, and by the command line: this machine's choice
    (``coachdesk.machine_state``); failing that, an older version's setting, read from the
    file if that still works, else from the newest readable backup beside it, and only if
    that folder is on this machine.
    """
    from . import machine_state

    db_path = Path(db_path)
    if machine_state.knows_second_folder(db_path):
        return machine_state.second_folder(db_path)
    candidates = [db_path] + [b.path for b in backup_files(db_path)[:5]]
    for candidate in candidates:
        try:
            con = storage.connect_read_only(candidate)
            try:
                row = con.execute("SELECT value FROM setting WHERE key=?",
                                  (SECOND_FOLDER_KEY,)).fetchone()
            finally:
                con.close()
        except (sqlite3.Error, OSError, StorageError):  # StorageError: encrypted, locked
            continue
        folder = Path(row[0]) if row and row[0] else None
        return folder if folder is not None and folder.is_dir() else None
    return None


# Restoring lives in its own module; these names stay reachable from here.
from .restore import latest_good_backup, restore_backup  # noqa: F401
