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


def default_db_path() -> Path:
    env = os.environ.get("COACHDESK_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME


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
