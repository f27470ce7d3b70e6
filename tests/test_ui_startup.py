"""Start-up with a file that cannot be used: a plain message and a way out, nothing overwritten."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from coachdesk import demo, storage
from coachdesk.services import clients
from ui import app as ui_app
from ui.dialogs import db_problem


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def good_file_with_backup(db_path):
    db = storage.open_database(db_path)
    demo.populate(db)
    db.close()
    backup = storage.backup_file(db_path, reason="manual")
    return db_path, backup


def corrupt(path):
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 1024):
        data[offset:offset + 200] = b"\xde\xad\xbe\xef" * 50
    path.write_bytes(bytes(data))


def test_corrupt_file_quit_leaves_it_untouched(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    corrupt(path)
    before = sha(path)
    asked = []
    db, _ = ui_app.open_practice(path, ask=lambda msg, backup, **k: asked.append((msg, backup)) or
                                 db_problem.QUIT)
    assert db is None
    assert "damaged" in asked[0][0]
    assert asked[0][1] is not None  # a good backup was offered
    assert sha(path) == before


def test_corrupt_file_restore_latest_backup(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    corrupt(path)
    damaged_bytes = path.read_bytes()
    db, opened = ui_app.open_practice(path, ask=lambda msg, backup: db_problem.RESTORE)
    assert db is not None and opened == path
    assert clients.count(db) == 12
    db.close()
    # The damaged file's bytes were kept aside, not thrown away.
    kept = [p for p in storage.paths.backup_dir(path).iterdir() if p.read_bytes() == damaged_bytes]
    assert kept


def test_not_a_database_choose_another_file(qtbot, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("Dear diary, this is not a database")
    before = sha(bad)
    other = tmp_path / "fresh" / "practice.db"
    messages = []

    def ask(msg, backup):
        messages.append(msg)
        return db_problem.CHOOSE

    db, opened = ui_app.open_practice(bad, ask=ask, choose_file=lambda: str(other))
    assert "not a CoachDesk file" in messages[0]
    assert opened == other and db is not None
    db.close()
    assert sha(bad) == before


def test_newer_version_file_is_refused_in_plain_words(qtbot, db_path):
    db = storage.open_database(db_path)
    db.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    con.commit()
    con.close()
    before = sha(db_path)
    messages = []
    db, _ = ui_app.open_practice(db_path, ask=lambda m, b, **k: messages.append(m) or db_problem.QUIT)
    assert db is None
    assert "newer version of CoachDesk" in messages[0]
    assert sha(db_path) == before


def test_read_only_file_is_refused(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    path.chmod(0o444)
    try:
        messages = []
        db, _ = ui_app.open_practice(path, ask=lambda m, b, **k: messages.append(m) or db_problem.QUIT)
        assert db is None
        assert "read-only" in messages[0]
    finally:
        path.chmod(0o644)


def test_instance_lock_refuses_a_second_holder(qtbot, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    first = ui_app.InstanceLock(db_path)
    second = ui_app.InstanceLock(db_path)
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()
