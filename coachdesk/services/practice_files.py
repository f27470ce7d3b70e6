"""What an erasure leaves to finish, and the practice's own report folder, at open and close.

An erasure deletes rows and then files; a crash (or a kill) can come between the two.
So the files it is about to delete are listed in the practice itself, in the same
transaction as the rows' deletion (setting ``erasure_pending_files``, a JSON list of
absolute paths), and struck off once deleted. Likewise the practice file is marked for
compaction (setting ``erasure_compact_pending``) until a VACUUM and a WAL checkpoint
(TRUNCATE) have both completed: another program reading the file can hold the journal
back, and until then the erased text is still in the file's bytes.

:func:`on_open` (called by the app and the commands when they open a practice) finishes
both, and adopts the report PDFs and e-mails an earlier version kept in the folders shared
by every practice file beside it (coachdesk.report_mirror, coachdesk.mail.mail_dir); :func:`on_close` (the app closing)
finishes a compaction left waiting and removes the app's private temp folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time as time_module
from pathlib import Path

from sqlalchemy import select

from .. import debris, paths, report_mirror, tempfiles
from ..errors import CoachDeskError
from ..models import ReportLog, Setting
from ..storage import Database
from .report_log import sha256_of

log = logging.getLogger(__name__)

PENDING_FILES_KEY = "erasure_pending_files"
COMPACT_PENDING_KEY = "erasure_compact_pending"
CHECKPOINT_TRIES = 10
CHECKPOINT_PAUSE_S = 0.05
#: how long one checkpoint waits for readers (SQLite's busy handler), instead of the
#: connection's usual busy timeout: a reader is waited for about a second in all
CHECKPOINT_BUSY_MS = 50


# -- pending deletions -----------------------------------------------------------------------


def _read_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(p) for p in value] if isinstance(value, list) else []


def add_pending(session, files, compact: bool = True) -> None:
    """Inside the caller's transaction (a SQLAlchemy session): add ``files`` to the list of
    files to delete, and mark the practice for compaction. Committed with the caller's
    work, or not at all."""
    row = session.get(Setting, PENDING_FILES_KEY)
    listed = _read_list(row.value if row is not None else None)
    listed += [str(p) for p in files if str(p) not in listed]
    session.merge(Setting(key=PENDING_FILES_KEY, value=json.dumps(listed, ensure_ascii=False)))
    if compact:
        session.merge(Setting(key=COMPACT_PENDING_KEY, value="1"))


def pending_files(db: Database) -> list[Path]:
    """The files an erasure has yet to delete."""
    with db.session() as s:
        row = s.get(Setting, PENDING_FILES_KEY)
        return [Path(p) for p in _read_list(row.value if row is not None else None)]


def compaction_pending(db: Database) -> bool:
    with db.session() as s:
        return s.get(Setting, COMPACT_PENDING_KEY) is not None


def complete_pending(db: Database) -> list[Path]:
    """Delete the files an erasure listed; strike off those that are gone. Returns the
    ones that could not be deleted (still listed, tried again at the next open)."""
    listed = pending_files(db)
    if not listed:
        return []
    left = []
    for path in listed:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            left.append(path)
        except OSError:
            log.warning("a file of an erased client could not be deleted yet")  # its name is theirs
            left.append(path)
    for parent in {p.parent for p in listed}:
        _remove_if_empty(parent)
    with db.session() as s:
        conn = s.connection()
        conn.exec_driver_sql("PRAGMA secure_delete=ON")  # the list named the client's files
        try:
            if left:
                s.merge(Setting(key=PENDING_FILES_KEY,
                                value=json.dumps([str(p) for p in left], ensure_ascii=False)))
            else:
                row = s.get(Setting, PENDING_FILES_KEY)
                if row is not None:
                    s.delete(row)
            s.flush()
        finally:
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
    return left


def _remove_if_empty(folder: Path) -> None:
    """An engagement's report folder, once its last file is gone (never anything else:
    rmdir refuses a folder that is not empty)."""
    if folder.name.isdigit():
        try:
            folder.rmdir()
        except OSError:
            pass


# -- compaction ------------------------------------------------------------------------------


def compact(db: Database) -> bool:
    """Merge the search index, rewrite the file (VACUUM) and empty the WAL journal
    (checkpoint TRUNCATE). Returns True when all of it completed: no deleted page is left
    in the file or its journal. False when another connection's read held the journal back
    (tried for about a second): the practice stays marked for compaction, finished by
    :func:`on_close` or :func:`on_open`. Raises CoachDeskError when SQLite refused (the file
    busy with another writer, a full disk); the mark stays then too."""
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        con.commit()
        has_index = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                                "AND name='search_index'").fetchone()
        if has_index:
            con.execute("INSERT INTO search_index(search_index) VALUES('optimize')")
            con.commit()
        # The mark goes before VACUUM, so that its own row is rewritten away too; it comes
        # back below if the journal cannot be emptied.
        con.execute("DELETE FROM setting WHERE key = ?", (COMPACT_PENDING_KEY,))
        con.commit()
        con.execute("VACUUM")
        usual = con.execute("PRAGMA busy_timeout").fetchone()[0]
        con.execute(f"PRAGMA busy_timeout={int(CHECKPOINT_BUSY_MS)}")
        try:
            for attempt in range(CHECKPOINT_TRIES):
                busy, _frames, _done = con.execute(
                    "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
                if attempt + 1 < CHECKPOINT_TRIES:
                    time_module.sleep(CHECKPOINT_PAUSE_S)
        finally:
            con.execute(f"PRAGMA busy_timeout={int(usual)}")
        con.execute("INSERT OR REPLACE INTO setting(key, value) VALUES(?, '1')",
                    (COMPACT_PENDING_KEY,))
        con.commit()
        return False
    except sqlite3.Error as exc:
        try:
            con.rollback()
            con.execute("INSERT OR REPLACE INTO setting(key, value) VALUES(?, '1')",
                        (COMPACT_PENDING_KEY,))
            con.commit()
        except sqlite3.Error:
            pass  # still marked from the erasure's own transaction, unless this wrote
        log.warning("compacting the practice file failed (%s)", type(exc).__name__)
        raise CoachDeskError("The practice file could not be cleaned just now (another "
                             "program may be using it); CoachDesk will finish it when the "
                             "practice is next closed or opened.") from exc
    finally:
        raw.close()


def finish_compaction(db: Database) -> bool | None:
    """Compact if an erasure left that to do. None when nothing was waiting, else whether
    it completed now. Never raises."""
    try:
        if not compaction_pending(db):
            return None
        return compact(db)
    except Exception as exc:  # noqa: BLE001 - a file that cannot be read now: tried later
        log.warning("compacting after an erasure failed (%s)", type(exc).__name__)
        return False


# -- the report folder of earlier versions ---------------------------------------------------


def adopt_legacy_reports(db: Database) -> int:
    """Give this practice its own copy of every report PDF its log lists that an earlier
    version kept in the folder shared by all the practice files beside it (or in a backup
    folder's shared mirror). A copy is made only when its bytes match the SHA-256 the log
    holds, as a hard link where the disk allows (no extra space), else a copy written
    atomically. The shared files stay: another practice file may list them too. Returns
    how many were adopted; never raises (a file not adopted is adopted at the next open)."""
    legacy = report_mirror.legacy_reports_folder(db.path)
    legacy_mirror = report_mirror.legacy_mirror_folder(paths.backup_dir(db.path))
    if not (_has_engagement_folders(legacy) or _has_engagement_folders(legacy_mirror)):
        return 0
    own = report_mirror.reports_folder(db.path)
    with db.session() as s:
        rows = s.execute(select(ReportLog.pdf_file, ReportLog.sha256)).all()
    adopted = 0
    for rel, digest in rows:
        if not rel or (own / rel).exists():
            continue
        for source in (legacy / rel, legacy_mirror / rel):
            if link_or_copy(source, own / rel, digest):
                adopted += 1
                break
    return adopted


def adopt_legacy_mail(db: Database) -> int:
    """Move into this practice's own mail folder (coachdesk.mail.mail_dir) each message an
    earlier version kept in the ``mail`` folder shared by every practice beside it, when
    the report it carries is one this practice's log lists (by SHA-256). Messages carrying
    another practice's report stay where they are, for that practice to take. Moves keep
    the outbox an outbox and a draft a draft. Returns how many moved; never raises."""
    if not (db.path.parent / "mail").is_dir():  # nothing to take over: no mail import at start
        return 0
    from .. import mail

    try:
        waiting = mail.legacy_messages(db.path)
    except OSError:
        return 0
    if not waiting:
        return 0
    with db.session() as s:
        ours = {digest for digest, in s.execute(select(ReportLog.sha256)) if digest}
    moved = 0
    for source, dest in waiting:
        try:
            if dest.exists() or not (mail.attached_pdf_digests(source) & ours):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, dest)
            moved += 1
        except OSError as exc:
            log.warning("an earlier version's e-mail was not moved (errno %s)", exc.errno)
    return moved


def _has_engagement_folders(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(p.name.isdigit() and p.is_dir() for p in folder.iterdir())
    except OSError:
        return False


def link_or_copy(source: Path, dest: Path, digest: str | None = None) -> bool:
    """Put ``source``'s bytes at ``dest`` (a hard link, else an atomic copy) unless ``dest``
    exists or ``source``'s SHA-256 is not ``digest``. True when ``dest`` now holds them."""
    try:
        if dest.exists():
            return dest.is_file()
        if not source.is_file() or (digest is not None and sha256_of(source) != digest):
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, dest)
            return True
        except FileExistsError:
            return True
        except OSError:
            pass  # no hard links here (another disk, FAT): a copy
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return True
    except OSError:
        log.warning("a stored report could not be moved into its practice's own folder")
        return False


# -- open and close --------------------------------------------------------------------------


def on_open(db: Database) -> list[str]:
    """What an opened practice needs before use: the private temp folders of CoachDesk
    processes that are gone and the partial copies of a killed backup or upgrade are
    removed, an erasure cut short is finished (its files
    deleted, the file compacted), and report PDFs kept in an earlier version's shared
    folder are adopted. Returns plain sentences about what could not be finished (for the
    status bar), usually none. Never raises."""
    notes = []
    tempfiles.clean_leftovers()
    try:  # half-written copies of a backup or upgrade that was killed (issue 12, item 5)
        debris.clean_debris(db.path)
    except OSError as exc:
        log.warning("leftover partial copies were not removed (errno %s)", exc.errno)
    try:
        left = complete_pending(db)
        if left:
            notes.append(f"{len(left)} file(s) of an erased client could not be deleted yet; "
                         "CoachDesk will try again the next time it opens this practice.")
        if finish_compaction(db) is False:
            notes.append("A copy of an erased client's text remains in the practice file "
                         "until CoachDesk is closed and opened again.")
        adopt_legacy_reports(db)
        adopt_legacy_mail(db)
    except Exception as exc:  # noqa: BLE001 - the practice opens all the same; tried again
        log.warning("finishing an earlier erasure failed (%s)", type(exc).__name__)
        notes.append("An earlier erasure could not be finished yet; CoachDesk will try "
                     "again the next time it opens this practice.")
    return notes


def on_close(db: Database | None) -> None:
    """The app closing: finish a compaction an erasure left waiting (its readers are gone
    now, as a rule) and remove the app's private temp folder. Never raises."""
    if db is not None:
        try:
            complete_pending(db)
            finish_compaction(db)
        except Exception as exc:  # noqa: BLE001 - closing must close; the next open retries
            log.warning("finishing an erasure at close failed (%s)", type(exc).__name__)
    tempfiles.remove()
