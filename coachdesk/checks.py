"""``check_file``: a practice file's integrity and schema version, without changing it
(``python -m coachdesk check``). Reached as ``storage.check_file``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import storage
from .errors import StorageError


@dataclass
class CheckReport:
    path: Path
    ok: bool
    message: str
    revision: str | None = None
    head: str | None = None
    clients: int | None = None


def check_file(path: Path | str) -> CheckReport:
    """Integrity and schema version, without changing the file."""
    path = Path(path)
    head = storage.migrations.head_revision()
    if not path.exists():
        return CheckReport(path, False, f"There is no CoachDesk file at {path}.", head=head)
    try:
        state = storage.inspect_file(path)
    except StorageError as exc:
        return CheckReport(path, False, str(exc), head=head)
    if state.empty:
        return CheckReport(path, False, f"{path.name} is empty: no practice has been created in it.",
                           head=head)
    try:
        con = storage.connect_read_only(path)
        try:
            clients = con.execute("SELECT count(*) FROM client").fetchone()[0]
            fk_problems = con.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return CheckReport(path, False, f"{path.name} could not be read: {exc}.", state.revision, head)
    if fk_problems:
        return CheckReport(path, False,
                           f"{path.name} has {len(fk_problems)} broken links between records.",
                           state.revision, head, clients)
    if state.revision != head:
        return CheckReport(path, True,
                           f"OK: {path.name} is healthy; schema {state.revision} will be upgraded "
                           f"to {head} when CoachDesk opens it ({clients} clients).",
                           state.revision, head, clients)
    return CheckReport(path, True,
                       f"OK: {path.name} is healthy, schema {head} (current), {clients} clients.",
                       state.revision, head, clients)
