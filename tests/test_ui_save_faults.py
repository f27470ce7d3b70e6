"""Nothing claims "saved" unless it is (issue 12, item 1): autosave under a lock held by a
second connection, retried until it works; leaving with text that could not be saved asks."""

from __future__ import annotations

import logging
import sqlite3
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

from coachdesk import storage
from coachdesk.errors import PracticeBusyError
from coachdesk.services import clients, sessions
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.widgets.autosave import AutoSaver
from ui.widgets.saved_state import NOT_SAVED_YET, SAVED

CANARY = "canary-7f3a <b>&</b> 保密 سري"


def test_a_save_that_fails_stays_unsaved_and_is_tried_again_until_it_works(qtbot):
    outcomes = [False, RuntimeError("disk"), True]
    calls = []

    def save():
        calls.append(1)
        result = outcomes.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    saver = AutoSaver(save)
    saver.changed()
    with qtbot.waitSignal(saver.failed, timeout=1000):
        assert saver.flush() is False
    assert saver.dirty and saver.failing  # nothing claims "saved"
    with qtbot.waitSignal(saver.failed, timeout=3000):  # retried after a second: raises
        pass
    assert saver.dirty and len(calls) == 2
    with qtbot.waitSignal(saver.saved, timeout=5000):  # then two seconds later: works
        pass
    assert not saver.dirty and not saver.failing and len(calls) == 3


@pytest.fixture
def busy_win(qtbot, db_path, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 200)  # a lock "held for long" = 0.2 s
    from coachdesk import demo

    db = storage.open_database(db_path)
    demo.populate(db, clients=12, seed=7)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    db.close()


def _session_with_typing(qtbot, win) -> int:
    jose = next(r.id for r in clients.list_rows(win.ctx.db) if r.name.startswith("José"))
    session = [s for s in sessions.list_for_client(win.ctx.db, jose)
               if s.status.value == "held"][-1]
    win.open_session(session.id)
    win.activateWindow()
    win.windowHandle().requestActivate()
    qtbot.waitUntil(win.isActiveWindow)
    notes = win.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, " typed while the file is held")
    notes.insertPlainText(CANARY)  # pasted: non-Latin text, markup and all
    return session.id


def _hold_the_lock(db) -> sqlite3.Connection:
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a second program holds the write lock
    return other


def test_notes_typed_while_another_program_holds_the_file_are_saved_when_it_lets_go(
        qtbot, busy_win, caplog):
    win = busy_win
    page = win.session_page
    session_id = _session_with_typing(qtbot, win)
    other = _hold_the_lock(win.ctx.db)
    caplog.set_level(logging.DEBUG)
    page.saver.flush()
    assert page.saved_label.text() == NOT_SAVED_YET  # not "All changes saved"
    assert page.private_notes.toPlainText().endswith(CANARY)  # still on screen
    assert CANARY not in sessions.get(win.ctx.db, session_id).private_notes
    assert "keeps trying" in win.statusBar().currentMessage()
    other.rollback()  # the other program lets go: the retry saves
    qtbot.waitUntil(lambda: page.saved_label.text() == SAVED, timeout=5000)
    assert sessions.get(win.ctx.db, session_id).private_notes.endswith(CANARY)
    said = caplog.text + win.statusBar().currentMessage()
    assert "canary-7f3a" not in said  # the coach's words reach no log and no message
    other.close()


def test_an_autosave_waits_only_briefly_for_another_programs_lock(qtbot, db, monkeypatch):
    """The GUI thread never sits out the engine's full busy timeout (5 s) at each try
    while a sync client holds the file: autosave gives up after SAVE_PATIENCE_MS and
    retries later; other threads (a worker's export) keep the usual wait."""
    import threading
    import time

    from ui.widgets import autosave

    seen = {}

    def pragma() -> int:
        with db.session() as s:
            return s.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()

    def save():
        seen["gui"] = pragma()
        worker = threading.Thread(target=lambda: seen.update(worker=pragma()))
        worker.start()
        worker.join()
        clients.create(db, name="Written under a lock")
        return True

    other = _hold_the_lock(db)
    saver = AutoSaver(save)
    saver.changed()
    started = time.monotonic()
    assert saver.flush() is False  # the lock is held: not saved, retried later
    waited = time.monotonic() - started
    assert seen == {"gui": autosave.SAVE_PATIENCE_MS, "worker": storage.BUSY_TIMEOUT_MS}
    assert waited < storage.BUSY_TIMEOUT_MS / 1000 / 2  # far below the full 5 s
    assert saver.dirty and saver.failing
    other.rollback()
    other.close()
    with qtbot.waitSignal(saver.saved, timeout=5000):  # the retry gets through
        pass
    assert pragma() == storage.BUSY_TIMEOUT_MS  # outside a save: the usual wait again
    assert any(r.name == "Written under a lock" for r in clients.list_rows(db))


def test_leaving_with_notes_not_saved_yet_asks_and_can_keep_them_in_a_private_file(
        qtbot, busy_win, tmp_path, monkeypatch):
    win = busy_win
    page = win.session_page
    session_id = _session_with_typing(qtbot, win)
    other = _hold_the_lock(win.ctx.db)
    answers = iter(["stayButton", "fileButton"])
    asked = []

    def answer(box):
        asked.append(box.text())
        box.findChild(QPushButton, next(answers)).click()

    from ui_helpers import when_named

    kept = tmp_path / "kept.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(kept), "")))
    state = when_named("leaveUnsavedQuestion", answer)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: state["done"])
    assert win.stack.currentWidget() is page  # Stay: nothing left, nothing lost
    assert page.private_notes.toPlainText().endswith(CANARY)
    state = when_named("leaveUnsavedQuestion", answer)
    win.close()  # quitting asks the same
    qtbot.waitUntil(lambda: state["done"])
    assert "not saved yet" in asked[0]
    text = kept.read_text(encoding="utf-8")
    assert CANARY in text and "Private notes (never to be shared)" in text
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # the coach's own file
    other.rollback()
    other.close()
    assert CANARY not in sessions.get(win.ctx.db, session_id).private_notes  # as chosen


def test_a_lock_held_too_long_is_a_plain_sentence_for_every_caller(db, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 100)
    client = clients.create(db, "Ada")
    fresh = storage.open_database(db.path)
    other = _hold_the_lock(fresh)
    with pytest.raises(PracticeBusyError) as raised:
        clients.update(fresh, client.id, background=CANARY)
    assert "Another program is using the practice file" in str(raised.value)
    assert CANARY not in str(raised.value) and raised.value.__cause__ is None
    other.rollback()
    other.close()
    fresh.close()


@pytest.mark.parametrize("message, kind, words", [
    ("database or disk is full", "DiskFullError", "The disk is full ("),
    ("database is locked", "PracticeBusyError", "Another program is using"),
    ("disk I/O error", "StorageError", "a disk error"),
])
def test_sqlite_faults_become_plain_sentences(tmp_path, message, kind, words):
    fault = storage.write_fault(sqlite3.OperationalError(message), tmp_path / "coachdesk.db")
    assert type(fault).__name__ == kind and words in str(fault)
    assert "MB free" in str(fault) or kind != "DiskFullError"
    assert storage.write_fault(sqlite3.OperationalError("no such table: x"), tmp_path) is None


@pytest.mark.skipif(__import__("os").name != "posix", reason="file modes are POSIX's")
def test_every_file_a_command_writes_is_the_coachs_alone(tmp_path):
    """Issue 12, item 12: the practice file, what SQLite keeps beside it, backups, PDFs
    and their folders are 0600 / 0700, also under a umask that would leave them readable."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    home = tmp_path / "home"
    env = dict(os.environ, COACHDESK_HOME=str(home), PYTHONPATH=str(root))
    env.pop("COACHDESK_DB", None)
    worksheet = tmp_path / "blank.pdf"
    for args in (["demo"], ["backup"], ["worksheet", "--blank", "--out", str(worksheet)]):
        done = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                               "from coachdesk.cli import main; sys.exit(main(sys.argv[1:]))",
                               *args], env=env, cwd=root, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    written = [p for p in home.rglob("*")] + [worksheet]
    assert any(p.name == "coachdesk.db" for p in written)
    assert any("backup" in str(p) for p in written if p.is_file())
    loose = [f"{p.relative_to(tmp_path)} {stat.S_IMODE(p.stat().st_mode):o}" for p in written
             if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert not loose, loose


@pytest.mark.skipif(__import__("os").name != "posix", reason="file modes are POSIX's")
def test_a_practice_left_readable_by_an_older_version_is_made_private_on_open(db_path):
    first = storage.open_database(db_path)
    clients.create(first, "Ada")
    first.close()
    db_path.chmod(0o644)
    db_path.parent.chmod(0o755)
    again = storage.open_database(db_path)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert [c.name for c in clients.list_rows(again)] == ["Ada"]  # nothing else changed
    again.close()


def test_a_clients_profile_not_saved_yet_can_be_kept_in_a_file_when_leaving(
        qtbot, busy_win, tmp_path, monkeypatch):
    win = busy_win
    jose = next(r.id for r in clients.list_rows(win.ctx.db) if r.name.startswith("José"))
    win.open_client(jose)
    page = win.client_page
    other = _hold_the_lock(win.ctx.db)
    page.background.setFocus()
    page.background.moveCursor(page.background.textCursor().MoveOperation.End)
    page.background.insertPlainText(" " + CANARY)
    kept = tmp_path / "profile.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(kept), "")))
    from ui_helpers import when_named

    state = when_named("leaveUnsavedQuestion",
                             lambda box: box.findChild(QPushButton, "fileButton").click())
    win.show_nav("sessions")
    qtbot.waitUntil(lambda: state["done"])
    assert win.stack.currentWidget() is win.sessions_page  # left, as chosen
    text = kept.read_text(encoding="utf-8")
    assert "Background:\n" in text and CANARY in text and "E-mail:\n" in text
    other.rollback()
    other.close()


def test_try_again_says_it_tried_and_leaving_without_the_text_stops_the_keeps_trying(
        qtbot, busy_win):
    win = busy_win
    page = win.session_page
    _session_with_typing(qtbot, win)
    other = _hold_the_lock(win.ctx.db)
    answers = iter(["retryButton", "discardButton"])
    asked = []

    def answer(box):
        asked.append(box.text())
        box.findChild(QPushButton, next(answers)).click()
        if len(asked) == 1:  # the next box comes once this one has gone
            state.update(when_named("leaveUnsavedQuestion", answer))

    from ui_helpers import when_named

    state = when_named("leaveUnsavedQuestion", answer)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10000)
    assert not asked[0].startswith("Tried again")
    assert asked[1].startswith("Tried again: still not written.")  # the retry was real
    qtbot.waitUntil(lambda: win.stack.currentWidget() is not page)
    assert win.statusBar().currentMessage() == ("The text that was not saved yet was left "
                                                "out, as you chose.")
    other.rollback()
    other.close()


def test_a_failing_save_is_tried_at_least_every_five_seconds(qtbot):
    """Once the other program lets go, the text is saved within seconds, not after a
    back-off of half a minute (a coach who stopped typing saw "retrying" for 25 s)."""
    saver = AutoSaver(lambda: False)
    intervals = []
    for _ in range(8):
        saver.changed()
        saver.flush()
        intervals.append(saver._retry.interval())
    assert intervals[:3] == [1000, 2000, 4000] and max(intervals) == 5000


def test_typing_says_saving_until_the_save_is_made_never_saved_before(qtbot, busy_win):
    """Seen by a coach: "All changes saved ✓" stayed on screen for the ~0.4 s before a save,
    so a crash then lost words the page had called saved."""
    from ui.widgets.saved_state import SAVING

    win = busy_win
    page = win.session_page
    session_id = _session_with_typing(qtbot, win)
    assert page.saved_label.text() == SAVING and page.saver.dirty  # typed, not saved yet
    qtbot.waitUntil(lambda: page.saved_label.text() == SAVED, timeout=3000)
    assert sessions.get(win.ctx.db, session_id).private_notes.endswith(CANARY)

    # the worksheet saved while the notes are still waiting: not "saved" either
    qtbot.keyClicks(QApplication.focusWidget(), " more")
    page.grow.saver.changed()
    page.grow.saver.flush()
    assert page.saver.dirty and page.saved_label.text() == SAVING
    qtbot.waitUntil(lambda: page.saved_label.text() == SAVED, timeout=3000)

    win.show_clients()
    jose = next(r.id for r in clients.list_rows(win.ctx.db) if r.name.startswith("José"))
    win.open_client(jose)
    client_page = win.client_page
    client_page.job_title.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is client_page.job_title)
    qtbot.keyClicks(QApplication.focusWidget(), " (interim)")
    assert client_page.saved_label.text() == SAVING and client_page.saver.dirty
    qtbot.waitUntil(lambda: client_page.saved_label.text() == SAVED, timeout=3000)
    assert not client_page.saver.dirty
