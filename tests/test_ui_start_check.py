"""The window's full check after it shows (ui/start_check.py): damage it finds comes over the
window with the start's choices, Restore works in the running window, a save typed during
the check lands after "ok" and is refused (kept on screen) after damage, closing or locking
during the check neither hangs nor leaves writes held."""

from __future__ import annotations

import logging
import shutil
import threading

import pytest
import ui_helpers
from conftest import copy_practice
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401 - autouse fixture
from PySide6.QtWidgets import QApplication, QPushButton
from test_start_check import damage_search_index, files_of, slow_check  # noqa: F401 - fixture
from ui_helpers import keys, when_modal

from coachdesk import encryption, practice_crypto, start_check, storage
from coachdesk.services import clients, sessions
from ui import lock
from ui import start_check as ui_start_check
from ui.dialogs import db_problem
from ui.main_window import MainWindow
from ui.widgets.saved_state import NOT_SAVED_YET, SAVED

TYPED = " typed while the practice is checked, canary-5e1d"


@pytest.fixture
def quits(monkeypatch):
    asked = []
    monkeypatch.setattr(ui_start_check, "quit_app", lambda: asked.append(True))
    return asked


def window_on(qtbot, db) -> MainWindow:
    return ui_helpers.shown_window(qtbot, db)


def reopened_later(qtbot, demo_db):
    """The demo practice closed and opened again as the window's start opens an untrusted
    file (its full check left for later), in a window: (db, window)."""
    demo_db.close()
    db = storage.open_database(demo_db.path, check="later")
    return db, window_on(qtbot, db)


class Asked:
    """The choices' dialog stand-in: records what it was shown, answers in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, message, backup, **options):
        self.calls.append({"message": message, "backup": backup, **options})
        return self.answers.pop(0) if self.answers else db_problem.QUIT


def type_notes(qtbot, window) -> int:
    """Open a held session of José and type into its private notes; returns its id."""
    jose = next(r.id for r in clients.list_rows(window.ctx.db) if r.name.startswith("José"))
    session = [s for s in sessions.list_for_client(window.ctx.db, jose)
               if s.status.value == "held"][-1]
    window.open_session(session.id)
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)
    notes = window.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, TYPED)
    return session.id


def test_damage_found_after_the_window_shows_comes_over_it_and_restore_brings_the_backup_back(
        qtbot, db_path, practice_templates):
    copy_practice(practice_templates["demo"], db_path)
    storage.backup_file(db_path)  # 12 clients
    db = storage.open_database(db_path)
    clients.create(db, name="Added after the backup")
    db.close()
    damage_search_index(db_path)
    damaged_bytes = db_path.read_bytes()

    db = storage.open_database(db_path, check="later")  # the light check passes
    window = window_on(qtbot, db)
    assert window.clients_page.model.rowCount() == 13  # the window shows the practice
    seen = {}

    def restore(box):
        seen["parent"] = box.parentWidget()
        seen["text"] = box.text()
        seen["buttons"] = {b.objectName() for b in box.buttons()}
        seen["window_visible"] = window.isVisible()
        box.findChild(QPushButton, "restoreLatest").click()

    state = when_modal(restore, attempts=400)
    runner = ui_start_check.install(window)
    qtbot.waitUntil(lambda: state["done"], timeout=20000)
    assert state["error"] is None
    assert seen["parent"] is window and seen["window_visible"]
    assert seen["text"] == "coachdesk.db is damaged (the integrity check found problems)."
    assert {"restoreLatest", "chooseAnother", "quitApp"} <= seen["buttons"]
    qtbot.waitUntil(lambda: window.ctx.db is not db, timeout=10000)
    assert window.ctx.db.pending_check is None  # the backup was checked as it opened
    qtbot.waitUntil(lambda: window.clients_page.model.rowCount() == 12, timeout=5000)
    assert "Backup restored." in window.statusBar().currentMessage()
    kept = [p for p in storage.paths.backup_dir(db_path).iterdir()
            if p.is_file() and p.read_bytes() == damaged_bytes]
    assert kept, "the damaged file is kept aside, not thrown away"
    clients.create(window.ctx.db, name="Written after the restore")  # writes go on
    assert not runner.running


def test_a_save_typed_during_a_slow_check_lands_after_the_verdict_ok(
        qtbot, demo_db, slow_check):  # noqa: F811 (fixture)
    release, started = slow_check
    db, window = reopened_later(qtbot, demo_db)
    runner = ui_start_check.install(window)
    assert started.wait(10)
    page = window.session_page
    session_id = type_notes(qtbot, window)
    page.saver.flush()  # an autosave during the check: held, not lost
    assert page.saved_label.text() == NOT_SAVED_YET
    assert page.private_notes.toPlainText().endswith(TYPED)
    assert TYPED not in sessions.get(db, session_id).private_notes
    release.set()
    qtbot.waitUntil(lambda: not runner.running, timeout=20000)
    qtbot.waitUntil(lambda: page.saved_label.text() == SAVED, timeout=10000)  # the retry
    assert sessions.get(db, session_id).private_notes.endswith(TYPED)
    db.close()


def test_after_damage_the_typed_text_stays_in_its_editor_and_nothing_is_written(
        qtbot, db_path, practice_templates, slow_check, quits, caplog):  # noqa: F811 (fixture)
    release, started = slow_check
    caplog.set_level(logging.DEBUG)
    copy_practice(practice_templates["demo"], db_path)
    damage_search_index(db_path)
    db = storage.open_database(db_path, check="later")
    window = window_on(qtbot, db)
    asked = Asked(db_problem.QUIT)
    runner = ui_start_check.install(window, ask=asked)
    assert started.wait(10)
    page = window.session_page
    type_notes(qtbot, window)
    before = files_of(db_path)
    page.saver.flush()
    release.set()
    qtbot.waitUntil(lambda: bool(quits), timeout=20000)
    assert not runner.running
    call = asked.calls[0]
    assert call["message"] == "coachdesk.db is damaged (the integrity check found problems)."
    assert call["parent"] is window and call["backup"] is None  # no backup was made
    assert call["title"] == db_problem.FOUND_DAMAGE  # the practice is open: not "cannot open"
    page.saver.flush()  # a save after the verdict: refused
    assert page.saved_label.text() == NOT_SAVED_YET
    assert page.private_notes.toPlainText().endswith(TYPED)  # still in its editor
    assert files_of(db_path) == before  # nothing was written into the damaged file
    assert ui_start_check.unsound_at_close(window.ctx.db)  # run(): no closing check
    assert "canary-5e1d" not in caplog.text + window.statusBar().currentMessage()
    db.close()


def test_closing_the_window_during_the_check_waits_for_it_then_closes(
        qtbot, demo_db, slow_check):  # noqa: F811 (fixture)
    release, started = slow_check
    db, window = reopened_later(qtbot, demo_db)
    runner = ui_start_check.install(window)
    assert started.wait(10)
    window.close()
    assert window.isVisible() and runner.close_wanted
    assert window.statusBar().currentMessage() == ui_start_check.CLOSING
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    db.close()


def test_a_quick_check_says_nothing(qtbot, demo_db):
    db, window = reopened_later(qtbot, demo_db)
    said = []
    window.ctx.status_message.connect(said.append)
    runner = ui_start_check.install(window)
    qtbot.waitUntil(lambda: not runner.running, timeout=20000)
    qtbot.wait(ui_start_check.SLOW_MS + 100)
    assert db.pending_check.ok and runner.last.error is None
    assert ui_start_check.CHECKING not in said
    db.close()


def test_a_slow_check_says_so_in_the_status_bar_until_its_verdict(
        qtbot, demo_db, slow_check, monkeypatch):  # noqa: F811 (fixture)
    release, started = slow_check
    monkeypatch.setattr(ui_start_check, "SLOW_MS", 50)
    db, window = reopened_later(qtbot, demo_db)
    runner = ui_start_check.install(window)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == ui_start_check.CHECKING,
                    timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not runner.running, timeout=20000)
    assert window.statusBar().currentMessage() == ""
    db.close()


def test_a_trusted_file_starts_no_check(qtbot, demo_db):
    from coachdesk import verified

    demo_db.close()
    assert verified.check_and_remember(demo_db.path)
    db = storage.open_database(demo_db.path, trust_checked=True, check="later")
    window = window_on(qtbot, db)
    runner = ui_start_check.install(window)
    assert db.pending_check is None and not runner.running and runner.last is None
    db.close()


@pytest.fixture
def encrypted(tmp_path, practice_templates):
    """The encrypted demo practice as a kill left it: committed work still in its journal."""
    path = copy_practice(practice_templates["demo"], tmp_path / "live" / "coachdesk.db")
    practice_crypto.encrypt_practice(path, PASSPHRASE)
    live = storage.connect(path)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("INSERT INTO setting(key, value) VALUES('crash-test', 'in the journal')")
    live.commit()
    crashed = tmp_path / "practice" / "coachdesk.db"
    crashed.parent.mkdir()
    for suffix in ("", "-wal", ".key"):
        shutil.copyfile(f"{path}{suffix}", f"{crashed}{suffix}")
    live.close()
    assert (crashed.parent / "coachdesk.db-wal").stat().st_size > 0
    return crashed


def test_locking_during_the_check_stops_it_and_unlocking_runs_it_again(
        qtbot, encrypted, monkeypatch):
    """The lock drops the key: the running check is interrupted (no verdict, writes still
    held), and after the passphrase it runs again from the start and says "ok"."""
    real = start_check.quick_check
    in_check, runs = threading.Event(), []

    def endless_first(con, path, **kw):
        runs.append(path)
        if len(runs) == 1:
            in_check.set()
            con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                        "SELECT count(*) FROM n").fetchone()  # until interrupted
        real(con, path, **kw)

    monkeypatch.setattr(start_check, "quick_check", endless_first)
    db = storage.open_database(encrypted, check="later")
    window = window_on(qtbot, db)
    locker = lock.install(window, watch_system=False)
    runner = ui_start_check.install(window)
    assert in_check.wait(10)
    assert db.pending_check.guarded  # the crash's journal stays out of the file meanwhile
    qtbot.wait(100)
    assert locker.lock()
    qtbot.waitUntil(lambda: not runner.running, timeout=10000)
    assert not db.pending_check.decided  # stopped: no verdict
    assert not db.pending_check.guarded  # no connection holding the key while locked
    qtbot.waitUntil(lambda: getattr(QApplication.focusWidget(), "objectName", str)()
                    == "lockPassphrase")
    keys(qtbot, PASSPHRASE)
    from PySide6.QtCore import Qt

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not locker.locked, timeout=10000)
    qtbot.waitUntil(lambda: db.pending_check.ok, timeout=20000)
    assert len(runs) == 2 and not db.pending_check.guarded  # "ok": let go
    clients.create(window.ctx.db, name="Written after the check")
    db.close()
    encryption.forget()


def test_the_helpers_damage_passes_the_light_check_and_fails_the_full_one(db_path, practice_templates):
    """The damage these tests make passes the light check (the window opens) and fails the
    full one: the tests above prove what they claim only while this holds."""
    copy_practice(practice_templates["demo"], db_path)
    damage_search_index(db_path)
    storage.open_database(db_path, check="later").close()
    with pytest.raises(storage.CorruptDatabaseError):
        storage.open_database(db_path).close()
    shutil.rmtree(db_path.parent)


def test_the_choices_title_says_what_happened_at_start_and_over_an_open_practice(qtbot):
    from PySide6.QtWidgets import QPushButton
    from ui_helpers import when_named

    titles = []

    def look(box):
        titles.append(box.windowTitle())
        box.findChild(QPushButton, "quitApp").click()

    for options in ({}, {"title": db_problem.FOUND_DAMAGE}):
        state = when_named("databaseProblem", look)
        assert db_problem.ask_what_to_do("x.db is damaged.", None, **options) == db_problem.QUIT
        assert state["done"] and state["error"] is None
    assert titles == [db_problem.CANNOT_OPEN, db_problem.FOUND_DAMAGE]
