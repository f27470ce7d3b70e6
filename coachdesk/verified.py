"""Practice files this computer has checked and left unchanged since.

``PRAGMA quick_check`` reads every page of the file: 0.25 s for a practice of 5,000
clients, a second at 20,000, and it was most of what the window waited for at start. When
the app closes cleanly it checks the file once more (the window is gone by then) and notes
the file's size, modification time and identity here; at the next start a file that still
matches, with no write-ahead log beside it, was touched by nothing since that check (no
sync client, no copy, no other program), and opening it skips the check. Anything else,
a crash, a copy, a sync, a restore (a new file), a file from another computer, is
checked in full: at the window's start right after the window shows, with every write
held until the check's verdict (``coachdesk.start_check``, ``ui/start_check.py``), so
the coach no longer waits for it; a trusted file starts no check at all.

The notes are this computer's own (``<data folder>/verified-files.json``, private to the
user, atomic), never in the practice file, which travels. Losing them only costs one full
check. ``coachdesk check``, a restore and ``latest_good_backup`` always check in full. A
backup just written is checked as a copy (``backup_checks.verify_written_copy``): in full
when plain, by every page's HMAC when encrypted, which proves the copy faithful but not the
practice's b-trees; those are checked here at each clean close, and at the start after any
other close.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from . import paths
from .errors import CoachDeskError

log = logging.getLogger(__name__)

FILE_NAME = "verified-files.json"
KEEP = 20  # practices remembered; the oldest notes go first


def _notes_file() -> Path:
    return paths.data_dir() / FILE_NAME


def fingerprint(path: Path | str) -> list[int] | None:
    """[size in bytes, modification time in ns, inode, device] of ``path``; None when the
    file is missing or a non-empty ``-wal`` beside it holds writes not yet in the file."""
    try:
        wal = os.stat(f"{path}-wal")
        if wal.st_size > 0:
            return None
    except OSError:
        pass
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def _key(path: Path | str) -> str:
    return os.path.abspath(os.fspath(path))


def _read() -> dict:
    try:
        notes = json.loads(_notes_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return notes if isinstance(notes, dict) else {}


def unchanged_since_check(path: Path | str) -> bool:
    """True when ``path`` is exactly as it was when this computer last checked it."""
    now = fingerprint(path)
    return now is not None and _read().get(_key(path)) == now


def remember(path: Path | str) -> bool:
    """Note ``path`` as checked now. Call only right after ``quick_check`` said "ok", with
    the practice still locked. Returns False (and the next start checks) when the file has
    a write-ahead log or the note cannot be written; never raises."""
    now = fingerprint(path)
    if now is None:
        return False
    notes = _read()
    notes.pop(_key(path), None)
    notes[_key(path)] = now
    kept = dict(list(notes.items())[-KEEP:])
    from .files import atomic_write

    try:
        with atomic_write(_notes_file()) as fh:
            json.dump(kept, fh)
    except (CoachDeskError, OSError) as exc:
        log.info("the checked-file note was not written (%s)", exc.__class__.__name__)
        return False
    paths.keep_private(_notes_file())
    return True



def check_and_remember(path: Path | str) -> bool:
    """At the app's clean close, the practice closed but still locked: ``quick_check`` the
    file and note it when it says "ok". Returns whether it was noted; never raises (a file
    that fails is not noted, and the next start checks it in full and says what is wrong).
    """
    from . import encryption
    from .storage import connect_read_only

    try:
        con = connect_read_only(Path(path))
        try:
            encryption.full_read_cache(con, path)  # encrypted: each page decrypted once
            ok = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()] == ["ok"]
        finally:
            con.close()
    except Exception as exc:  # a check at closing must never become a problem of its own
        log.info("the closing check did not run (%s)", exc.__class__.__name__)
        return False
    if not ok:
        log.warning("the closing check found problems in the practice file")
        return False
    return remember(path)
