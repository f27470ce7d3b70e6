"""Every folder CoachDesk uses, in one place.

The database lives in the platform's user data folder unless ``--db PATH`` or
the ``COACHDESK_DB`` environment variable says otherwise.  ``COACHDESK_HOME``
moves the whole data folder (used by tests and by coaches who keep their
practice on an encrypted volume).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from . import APP_NAME

DB_FILENAME = "coachdesk.db"


def data_dir() -> Path:
    """The folder for the database, backups and logs (created on demand)."""
    override = os.environ.get("COACHDESK_HOME")
    base = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    return base


REMEMBERED = "last-practice.txt"
MACHINE_SETTINGS = "machine-settings.ini"


def machine_settings_file() -> Path | None:
    """Where the app keeps this machine's own state (window size, column widths, the last
    folder a file was saved in): inside ``COACHDESK_HOME`` when that is set (tests, the
    bench, a practice kept on a removable or encrypted volume), else ``None`` for the
    platform's usual place. Never inside the practice file, which travels."""
    override = os.environ.get("COACHDESK_HOME")
    return Path(override) / MACHINE_SETTINGS if override else None


def default_db_path() -> Path:
    """``COACHDESK_DB``, else the practice file the coach last opened in the app (if it is
    still there), else ``coachdesk.db`` in the data folder."""
    env = os.environ.get("COACHDESK_DB")
    if env:
        return Path(env).expanduser()
    remembered = remembered_practice()
    return remembered if remembered is not None else data_dir() / DB_FILENAME


def remembered_practice() -> Path | None:
    try:
        # surrogateescape: a folder named in another encoding (Latin-1) comes back as it was
        text = (data_dir() / REMEMBERED).read_text(encoding="utf-8",
                                                   errors="surrogateescape").strip()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        path = Path(text) if text else None
        return path if path is not None and path.is_absolute() and path.is_file() else None
    except (OSError, ValueError):  # e.g. a NUL byte in a garbled marker
        return None


def remember_practice(path: Path) -> None:
    """The app opens ``path`` next time (and the command line works on it) unless told
    otherwise; the default file is remembered by forgetting."""
    marker = data_dir() / REMEMBERED
    try:
        if Path(path).resolve() == (data_dir() / DB_FILENAME).resolve():
            marker.unlink(missing_ok=True)
        else:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(Path(path).resolve()) + "\n", encoding="utf-8",
                              errors="surrogateescape")
    except OSError:  # remembering is a convenience, never a failure
        pass


def resolve_db_path(cli_value: str | os.PathLike | None) -> Path:
    """``--db`` wins over ``COACHDESK_DB``, which wins over the default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    return default_db_path().resolve()


def backup_dir(db_path: Path) -> Path:
    """Backups sit in a ``backups`` folder beside the database file."""
    return Path(db_path).parent / "backups"


def log_dir() -> Path:
    return data_dir() / "logs"


# -- private files ---------------------------------------------------------------------

#: what the process takes away from every file and folder it creates (POSIX): nothing for
#: the group or others, so a new file is 0600 and a new folder 0700
PRIVATE_UMASK = 0o077


def make_private() -> None:
    """From now on, every file and folder this process creates (the practice file and the
    -wal/-shm SQLite makes beside it, backups, logs, PDFs, mail drafts) is the coach's
    alone: 0600 files in 0700 folders. POSIX only; Windows gives the user's profile
    folder its own access rules. Called first by the app and by the CLI."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def keep_private(path: Path) -> None:
    """A file or folder from before (0644 in 0755, as older versions left them) made the
    coach's alone; nothing happens where the mode cannot be changed (a FAT stick, a file
    of another user), and on Windows."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
        wanted = mode & ~PRIVATE_UMASK & 0o7777
        if wanted != mode & 0o7777:
            path.chmod(wanted)
    except OSError:
        pass
