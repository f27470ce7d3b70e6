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


# -- issue 12: what is not damage gets no "Restore latest backup" --------------------------


class Asked:
    """A stand-in for the start-up dialog: records what it was shown, answers in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, message, backup, **options):
        self.calls.append({"message": message, "backup": backup, **options})
        return self.answers.pop(0) if self.answers else db_problem.QUIT


def test_empty_file_offers_its_backups_first(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    path.write_bytes(b"")  # a copy or a sync that did not finish
    asked = Asked(db_problem.RESTORE)
    db, opened = ui_app.open_practice(path, ask=asked)
    first = asked.calls[0]
    assert first["message"] == ("coachdesk.db is empty (0 bytes) — probably a copy or sync "
                                "that did not finish.")
    assert first["backup"] is not None and first.get("offer_new") is True
    assert db is not None and opened == path and clients.count(db) == 12
    db.close()


def test_empty_file_without_backups_becomes_new_only_when_the_coach_says_so(qtbot, db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    asked = Asked(db_problem.QUIT)
    db, _ = ui_app.open_practice(db_path, ask=asked)
    assert db is None and db_path.read_bytes() == b"", "quitting leaves the file as it was"
    assert asked.calls[0]["backup"] is None and asked.calls[0]["offer_new"] is True

    asked = Asked(db_problem.NEW)
    db, _ = ui_app.open_practice(db_path, ask=asked)
    assert db is not None and clients.count(db) == 0
    db.close()
    assert storage.list_backups(db_path) == [], "the empty file was not backed up as a practice"


def _full_disk(monkeypatch):
    import sqlite3 as sqlite
    from collections import namedtuple

    from coachdesk import faults

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(faults.shutil, "disk_usage", lambda _p: usage(10**9, 10**9 - 7e6, 7e6))

    def refuse(_path):
        raise sqlite.OperationalError("disk I/O error")

    monkeypatch.setattr(storage, "connect_read_only", refuse)


def test_full_disk_never_offers_restore(qtbot, good_file_with_backup, monkeypatch):
    path, _ = good_file_with_backup
    before = sha(path)
    _full_disk(monkeypatch)
    asked = Asked(db_problem.RESTORE)  # even a stray "restore" answer restores nothing
    db, _ = ui_app.open_practice(path, ask=asked)
    assert db is None
    call = asked.calls[0]
    assert call["message"] == ("The disk is full (7 MB free). Free some space (empty the bin, "
                               "move large files), then open CoachDesk again.")
    assert call["backup"] is None and call.get("restorable") is False
    assert sha(path) == before


def test_read_only_file_never_offers_restore(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    path.chmod(0o444)
    try:
        asked = Asked()
        db, _ = ui_app.open_practice(path, ask=asked)
    finally:
        path.chmod(0o600)
    assert db is None
    call = asked.calls[0]
    assert call["message"].startswith("This practice is read-only")
    assert "already open" not in call["message"] and "damaged" not in call["message"]
    assert call["backup"] is None and call.get("restorable") is False


def test_problem_dialog_for_an_empty_file_and_for_a_full_disk(qtbot):
    from ui_helpers import when_modal

    seen = {}

    def look(box):
        names = {b.objectName() for b in box.buttons()}
        seen.setdefault("empty", (names, box.informativeText()))
        box.findChild(type(box.buttons()[0]), "startNewPractice").click()

    state = when_modal(look)
    answer = db_problem.ask_what_to_do("practice.db is empty (0 bytes).", "the backup (x)",
                                       offer_new=True)
    assert state["done"] and state["error"] is None and answer == db_problem.NEW
    assert {"restoreLatest", "startNewPractice", "chooseAnother", "quitApp"} <= seen["empty"][0]

    def look_full(box):
        seen["full"] = ({b.objectName() for b in box.buttons()}, box.informativeText())
        box.findChild(type(box.buttons()[0]), "quitApp").click()

    state = when_modal(look_full)
    answer = db_problem.ask_what_to_do("The disk is full (3 MB free).", None, restorable=False)
    assert state["done"] and state["error"] is None and answer == db_problem.QUIT
    names, info = seen["full"]
    assert "restoreLatest" not in names and "startNewPractice" not in names
    assert "backup" not in info


def test_a_folder_given_explicitly_that_does_not_exist_is_named(qtbot, tmp_path):
    missing = tmp_path / "a" / "missing" / "folder" / "practice.db"
    asked = Asked()
    db, _, lock = ui_app.open_locked(missing, ask=asked, explicit=True)
    assert db is None and lock is None
    message = asked.calls[0]["message"]
    assert f"The folder {missing.parent} does not exist" in message
    assert "already open" not in message
    assert not missing.parent.exists()


def test_the_apps_lock_is_the_one_commands_honour(qtbot, db_path, isolated_home):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from coachdesk.errors import PracticeInUseError
    from coachdesk.practice_lock import IN_USE, PracticeLock

    storage.open_database(db_path).close()
    storage.backup_file(db_path)
    before = sha(db_path)
    lock = ui_app.InstanceLock(db_path)
    assert lock.acquire()
    try:
        with pytest.raises(PracticeInUseError):
            PracticeLock(db_path).acquire()
        env = dict(os.environ, COACHDESK_HOME=str(isolated_home))
        done = subprocess.run([sys.executable, "-m", "coachdesk", "--db", str(db_path),
                               "restore", "latest"], capture_output=True, text=True, env=env,
                              cwd=Path(__file__).resolve().parent.parent, timeout=60)
    finally:
        lock.release()
    assert done.returncode == 1 and done.stderr == f"coachdesk: {IN_USE}\n"
    assert sha(db_path) == before


def test_an_older_copy_holding_the_qlockfile_still_refuses_this_one(qtbot, db_path):
    from PySide6.QtCore import QLockFile

    from coachdesk.practice_lock import PracticeLock

    db_path.parent.mkdir(parents=True)
    older = QLockFile(str(db_path) + ".lock")  # what an older CoachDesk holds
    assert older.tryLock(0)
    try:
        lock = ui_app.InstanceLock(db_path)
        assert not lock.acquire() and lock.error is None  # "already open", as it is
        PracticeLock(db_path).acquire().release()  # and it let go of its own lock again
    finally:
        older.unlock()


# -- issue 17: the window's start leaves the full check until the window shows -------------
# Damage only a read of every page finds now comes over the window (tests/test_ui_start_check
# .py); damage that stops the light check (no SQLite header, an unreadable schema, 0 bytes)
# and a file that needs an upgrade are still dealt with before the window, as above.


def test_damage_the_light_check_sees_still_comes_before_the_window(qtbot, good_file_with_backup):
    path, _ = good_file_with_backup
    corrupt(path)  # the schema's own pages too
    before = sha(path)
    asked = Asked(db_problem.QUIT)
    db, _, lock = ui_app.open_locked(path, ask=asked, check_later=True)
    assert db is None and lock is None
    assert "damaged" in asked.calls[0]["message"] and asked.calls[0]["backup"] is not None
    assert sha(path) == before


def test_damage_only_the_full_check_finds_opens_the_window_first(qtbot, good_file_with_backup):
    from test_start_check import damage_search_index

    path, _ = good_file_with_backup
    damage_search_index(path)
    asked = Asked()
    db, _, lock = ui_app.open_locked(path, ask=asked, check_later=True)
    try:
        assert asked.calls == [] and db is not None
        assert db.pending_check is not None and not db.pending_check.decided
    finally:
        db.close()
        lock.release()
    db, _ = ui_app.open_practice(path, ask=asked)  # any other opening: checked first
    assert db is None and "damaged" in asked.calls[0]["message"]


def test_a_file_needing_an_upgrade_is_still_checked_before_the_window(qtbot, db_path):
    from test_upgrades import make_file_at

    make_file_at(db_path, "0001_foundation")
    db, _, lock = ui_app.open_locked(db_path, ask=Asked(), check_later=True)
    try:
        assert db is not None and db.pending_check is None  # checked in full, then upgraded
    finally:
        db.close()
        lock.release()


def _main(path, home, **env_extra):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(home),
               COACHDESK_NO_DIALOGS="1", **env_extra)
    env.pop("COACHDESK_DB", None)
    if "COACHDESK_STARTUP_PROBE" not in env_extra:
        env.pop("COACHDESK_STARTUP_PROBE", None)
    return subprocess.run([sys.executable, str(root / "main.py"), "--db", str(path)], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120)


def test_main_py_reports_the_deferred_check_and_a_trusted_start_runs_none(
        good_file_with_backup, isolated_home):
    path, _ = good_file_with_backup
    first = _main(path, isolated_home, COACHDESK_STARTUP_PROBE="1")
    assert first.returncode == 0, first.stderr[-2000:]
    lines = first.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert names[:1] == ["WINDOW_SHOWN"] and "CHECK_DONE" in names, first.stdout
    shown, checked = (float(lines[names.index(n)].split()[1]) for n in ("WINDOW_SHOWN",
                                                                        "CHECK_DONE"))
    assert checked >= shown  # the full check ended after the window was on screen
    second = _main(path, isolated_home, COACHDESK_STARTUP_PROBE="1")  # closed cleanly: trusted
    assert second.returncode == 0 and "WINDOW_SHOWN" in second.stdout
    assert "CHECK_DONE" not in second.stdout


def test_main_py_on_damage_the_full_check_finds_quits_leaving_the_file_as_it_was(
        good_file_with_backup, isolated_home):
    from test_start_check import damage_search_index

    from coachdesk import verified

    path, _ = good_file_with_backup
    damage_search_index(path)
    before = sha(path)
    done = _main(path, isolated_home)  # no dialogs: the choices' answer is Quit
    assert done.returncode == 0, done.stderr[-2000:]
    assert "coachdesk.db is damaged (the integrity check found problems)." in done.stderr
    assert "Traceback" not in done.stderr
    assert sha(path) == before  # no closing backup, compaction or check wrote anything
    assert not verified.unchanged_since_check(path)
