"""The start skips ``quick_check`` only for a file this computer checked at the app's last
clean close and nothing has touched since (``coachdesk.verified``); everything else is
checked in full, and damage is still found."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coachdesk import storage, verified
from coachdesk.errors import CorruptDatabaseError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def practice(demo_db) -> Path:
    path = demo_db.path
    demo_db.close()
    return path


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The statements run on the read-only connections that look at a file."""
    seen: list[str] = []
    real = storage.connect_read_only

    class Watched:
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            seen.append(sql)
            return self.con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.con, name)

    monkeypatch.setattr(storage, "connect_read_only", lambda path: Watched(real(path)))
    return seen


def _quick_checks(seen: list[str]) -> int:
    return sum("quick_check" in sql for sql in seen)


def damage_a_page(path: Path) -> None:
    """Overwrite the middle of a table's page: the header and schema still read, only
    ``quick_check`` (or reading those rows) finds it."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='coaching_session'"
                       ).fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xff" * 64)


def test_a_file_checked_at_close_and_untouched_opens_without_a_second_check(practice, checks):
    assert verified.check_and_remember(practice)
    assert verified.unchanged_since_check(practice)
    checks.clear()
    storage.open_database(practice, trust_checked=True).close()
    assert _quick_checks(checks) == 0
    storage.open_database(practice).close()  # the CLI and everything else: always checked
    assert _quick_checks(checks) == 1


def test_any_write_since_the_check_means_a_full_check(practice, checks):
    assert verified.check_and_remember(practice)
    db = storage.open_database(practice, trust_checked=True)
    from coachdesk.services import clients

    clients.create(db, "Written after the check")
    db.close()
    assert not verified.unchanged_since_check(practice)
    checks.clear()
    storage.open_database(practice, trust_checked=True).close()
    assert _quick_checks(checks) == 1


def test_damage_after_the_check_is_found_at_the_next_start(practice):
    assert verified.check_and_remember(practice)
    damage_a_page(practice)  # another program (a sync, a bad copy) changed the file
    with pytest.raises(CorruptDatabaseError):
        storage.open_database(practice, trust_checked=True)


def test_a_copy_or_a_restored_file_is_checked_in_full(practice, tmp_path, checks):
    assert verified.check_and_remember(practice)
    copy = tmp_path / "copy.db"
    shutil.copy2(practice, copy)  # same size and time, another file
    replaced = tmp_path / "replaced.db"
    shutil.copy2(practice, replaced)
    os.replace(replaced, practice)  # a restore puts a new file in its place
    checks.clear()
    for path in (copy, practice):
        storage.open_database(path, trust_checked=True).close()
    assert _quick_checks(checks) == 2


def test_a_file_with_unsaved_log_is_never_noted_and_damage_is_never_noted(practice):
    con = sqlite3.connect(practice)
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE client SET name = name || ' ' WHERE id = 1")
    con.commit()  # the change sits in -wal while this connection stays open
    assert not verified.check_and_remember(practice)
    assert not verified.unchanged_since_check(practice)
    con.close()
    damage_a_page(practice)
    assert not verified.check_and_remember(practice)
    assert not verified.unchanged_since_check(practice)


def test_the_notes_are_private_and_a_broken_note_file_only_costs_a_check(practice, checks):
    assert verified.check_and_remember(practice)
    notes = verified._notes_file()
    if os.name == "posix":
        assert stat.S_IMODE(notes.stat().st_mode) == 0o600
    notes.write_text("{not json", encoding="utf-8")
    assert not verified.unchanged_since_check(practice)
    checks.clear()
    storage.open_database(practice, trust_checked=True).close()
    assert _quick_checks(checks) == 1
    assert verified.check_and_remember(practice)  # and the next close writes it again


def test_the_app_checks_at_its_clean_close_and_skips_at_the_next_start(practice,
                                                                       isolated_home):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(isolated_home),
               COACHDESK_NO_DIALOGS="1", COACHDESK_STARTUP_PROBE="1", PYTHONPATH=str(ROOT))
    env.pop("COACHDESK_DB", None)
    assert not verified.unchanged_since_check(practice)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(practice)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "WINDOW_SHOWN" in done.stdout
    assert verified.unchanged_since_check(practice), "the clean close noted the checked file"
