"""A read-only practice (a chmod-444 file in a chmod-555 folder, or a read-only mount) opened
read-only in the app (issue 12, item 10; env "A read-only mount"): offered at start-up, said
in the title and a bar, nothing on screen can change it, printing and exports still work,
and closing leaves the file's bytes and its folder as they were."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from test_ui_practice_data import export_plain_as_before
from ui_helpers import keys, when_modal

from coachdesk import demo, storage
from coachdesk.errors import ReadOnlyDatabaseError
from coachdesk.services import clients, practice_files, sessions
from ui import app as ui_app
from ui import read_only
from ui.context import AppContext
from ui.dialogs import db_problem
from ui.main_window import MainWindow

DEBRIS = ("-wal", "-shm", "-journal", ".lock", ".coachdesk-lock")


def all_clients(db):
    return [clients.get(db, row.id) for row in clients.list_rows(db)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


class Asked:
    """The start-up dialog's stand-in: records what it offered, answers in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, message, backup, **options):
        self.calls.append({"message": message, "backup": backup, **options})
        return self.answers.pop(0) if self.answers else db_problem.QUIT


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    """Message boxes recorded, never shown (a box would wait for an answer nobody gives)."""
    shown = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda _parent, title, text, *a, _kind=kind, **k: shown.append((_kind, text))))
    return shown


def _demo_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = storage.open_database(path)
    demo.populate(db, clients=6, seed=3)
    db.close()
    # Folded into the file (no -wal beside it), as a file copied from a CD or a stick is.
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


@pytest.fixture(params=["chmod", "mount"])
def practice(request, tmp_path):
    """A demo practice that cannot be written: chmod 444 in a chmod 555 folder (root ignores
    the folder's mode, so as root the file's mode is what counts), or a read-only tmpfs."""
    if request.param == "chmod":
        if os.name != "posix":
            pytest.skip("file modes are POSIX")
        path = tmp_path / "cd-copy" / "coachdesk.db"
        _demo_file(path)
        path.chmod(0o444)
        path.parent.chmod(0o555)
        yield path
        path.parent.chmod(0o700)
        path.chmod(0o600)
        return
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a read-only mount needs root on Linux; the chmod case covers non-root")
    mount = tmp_path / "usb-stick"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs here")
    try:
        path = mount / "coachdesk.db"
        _demo_file(path)
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)],
                              capture_output=True).returncode == 0
        yield path
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def open_window(qtbot, path: Path):
    """As ``ui.app.run`` does after the coach chose "Open read-only"."""
    asked = Asked(db_problem.READ_ONLY)
    db, opened, lock = ui_app.open_locked(path, ask=asked)
    assert db is not None and opened == path and db.read_only
    ctx = AppContext(db, lock)
    window = MainWindow(ctx)
    read_only.follow(window)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window, asked


def close_window(window) -> None:
    window.close()
    practice_files.on_close(None if window.ctx.db.read_only else window.ctx.db)
    window.ctx.db.close()
    if window.ctx.lock is not None:
        window.ctx.lock.release()


def test_start_up_offers_open_read_only_and_nothing_else_does(qtbot, practice, tmp_path):
    before, listing = sha(practice), beside(practice)
    asked = Asked(db_problem.READ_ONLY)
    db, _path, lock = ui_app.open_locked(practice, ask=asked)
    try:
        call = asked.calls[0]
        assert call["message"].startswith("This practice is read-only")
        assert call["offer_read_only"] is True and call["restorable"] is False
        assert call["backup"] is None
        assert db.read_only and clients.count(db) == 6
        with pytest.raises(ReadOnlyDatabaseError) as refused:
            clients.create(db, "Nobody")
        assert str(refused.value) == "This practice is read-only; nothing was changed."
    finally:
        db.close()
        if lock is not None:
            lock.release()
    assert sha(practice) == before and beside(practice) == listing
    # Damage is not offered "Open read-only": the file is written, but damaged.
    broken = tmp_path / "broken" / "coachdesk.db"
    broken.parent.mkdir()
    broken.write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 4000)
    asked = Asked()
    ui_app.open_locked(broken, ask=asked)
    assert not asked.calls[0].get("offer_read_only")


def test_the_problem_dialog_has_open_read_only(qtbot):
    seen = {}

    def look(box):
        seen["names"] = {b.objectName() for b in box.buttons()}
        seen["default"] = box.defaultButton().objectName()
        box.findChild(QAbstractButton, "openReadOnly").click()

    state = when_modal(look)
    answer = db_problem.ask_what_to_do("This practice is read-only: …", None,
                                       restorable=False, offer_read_only=True)
    assert state["done"] and state["error"] is None and answer == db_problem.READ_ONLY
    assert seen["names"] == {"openReadOnly", "chooseAnother", "quitApp"}
    assert seen["default"] == "openReadOnly"


def _editors_locked(window) -> list[str]:
    """Every visible editor a coach could type into that is neither read-only nor disabled
    (searches and filters are reading, and stay usable)."""
    open_ = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            continue
        if not widget.isVisible() or not widget.isEnabled() or widget.isReadOnly():
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(),
                                                        (QComboBox, QAbstractSpinBox)):
            continue
        if read_only.ReadOnlyGuard._searching(widget):
            continue
        open_.append(widget.objectName() or type(widget).__name__)
    for page in (window.client_page, window.session_page):
        for box in page.findChildren(QComboBox):
            if box.isVisible() and box.isEnabled() \
                    and box.objectName() not in read_only.VIEW_CHOICES:
                open_.append(box.objectName())
    return open_


def test_the_window_says_read_only_and_nothing_on_it_can_change_the_file(qtbot, practice,
                                                                         boxes):
    before, listing = sha(practice), beside(practice)
    window, _ = open_window(qtbot, practice)
    assert window.windowTitle().startswith("coachdesk.db (read-only)")
    bar = window.findChild(read_only.QFrame, "readOnlyBar")
    assert bar is not None and bar.isVisible()
    assert "This practice is read-only" in bar.findChild(read_only.QLabel).text()
    assert not window.backup_timer.isActive() and not window.first_backup_check.isActive()
    actions = {a.objectName(): a for a in window.findChildren(QAction)}
    for name in ("actionNewClient", "actionNewSession", "actionImportPractice",
                 "actionRestore", "actionBackup", "actionSettings"):
        assert not actions[name].isEnabled(), name
    for name in ("actionPrint", "actionProgressReport", "actionExportPractice",
                 "actionSearchEverything", "actionOpenPracticeFile", "actionQuit"):
        assert actions[name].isEnabled(), name
    db = window.ctx.db
    for key, _label in (("sessions", 0), ("actions", 0), ("dashboard", 0), ("people", 0)):
        window.go_to(key)
        qtbot.wait(50)
        assert _editors_locked(window) == [], key
    window.show_clients()
    assert window.clients_page.search.isEnabled() and not window.clients_page.search.isReadOnly()
    typed = []
    for client in all_clients(db)[:3]:
        window.open_client(client.id)
        for tab in range(window.client_page.tabs.count()):
            window.client_page.tabs.setCurrentIndex(tab)
            qtbot.wait(20)
            assert _editors_locked(window) == [], (client.id, tab)
        window.client_page.name.setFocus()
        keys(qtbot, "zz")
        typed.append(window.client_page.name.text())
        for session in sessions.list_for_client(db, client.id)[:2]:
            window.open_session(session.id)
            page = window.session_page
            for tab in range(page.tabs.count()):
                page.tabs.setCurrentIndex(tab)
                qtbot.wait(20)
                assert _editors_locked(window) == [], (session.id, tab)
            page.private_notes.setFocus()
            focus = QApplication.focusWidget()
            keys(qtbot, "leaked?")
            assert "leaked?" not in (focus.toPlainText() if hasattr(focus, "toPlainText")
                                     else focus.text())
            assert page.private_notes.toPlainText() == (sessions.get(db, session.id)
                                                        .private_notes or "")
    assert boxes == []  # reading the practice wrote nothing, so nothing was refused
    assert all("zz" not in name for name in typed)
    assert [c.name for c in all_clients(db)] == [c.name for c in
                                                          all_clients(db)]
    qtbot.wait(1200)  # any autosave would have run by now
    assert "Not saved yet" not in window.statusBar().currentMessage()
    close_window(window)
    assert sha(practice) == before and beside(practice) == listing
    assert not list(storage.paths.backup_dir(practice).glob("*.db")) \
        if storage.paths.backup_dir(practice).exists() else True


def test_printing_and_exports_still_work(qtbot, practice, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from ui.dialogs import practice_data
    from ui.dialogs.print_preview import WorksheetChoiceDialog, print_worksheet

    before = sha(practice)
    window, _ = open_window(qtbot, practice)
    db = window.ctx.db
    client = all_clients(db)[0]
    session = sessions.list_for_client(db, client.id)[0]
    window.open_session(session.id)
    choice = WorksheetChoiceDialog(True, window.session_page)
    qtbot.addWidget(choice)
    assert choice.filled.isEnabled()  # a printing choice is reading
    previews = []
    print_worksheet(window.ctx, window.session_page, window.session_page.session, choice=choice,
                    on_ready=previews.append)
    qtbot.waitUntil(lambda: bool(previews), timeout=15000)
    qtbot.addWidget(previews[0])
    saved = previews[0].save_as(str(tmp_path / "worksheet.pdf"))
    assert PdfReader(saved).pages

    target = tmp_path / "out" / "practice.json"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda *a, **k: None))
    export_plain_as_before()  # the export's sealed-or-plain question: plain, as before
    window.findChild(QAction, "actionExportPractice").trigger()
    job = practice_data.last_job
    qtbot.waitUntil(lambda: getattr(job, "saved_notice", None) is not None, timeout=20000)
    assert target.is_file() and target.stat().st_size > 0  # the whole practice went out

    out = tmp_path / "for the client"
    out.mkdir()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window.open_client(client.id)
    page = window.client_page
    assert page.export_data_action.isEnabled()
    page.export_data_action.trigger()
    qtbot.waitUntil(lambda: getattr(page._exporter, "saved_notice", None) is not None,
                    timeout=20000)
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".pdf"]
    close_window(window)
    assert sha(practice) == before


def test_an_autosave_that_meets_a_read_only_practice_is_not_retried(qtbot):
    from ui.widgets import autosave

    told = []

    def save():
        raise ReadOnlyDatabaseError(storage.READ_ONLY_WRITE)

    saver = autosave.AutoSaver(save)
    failed = []
    saver.failed.connect(lambda: failed.append(1))
    old, autosave.tell_read_only = autosave.tell_read_only, told.append
    try:
        saver.changed()
        assert saver.flush() is False
    finally:
        autosave.tell_read_only = old
    assert not saver.dirty and not saver.failing and not failed
    assert told == ["This practice is read-only; nothing was changed."]
    assert not saver._retry.isActive()


def test_file_open_offers_read_only_and_a_writable_practice_gives_everything_back(
        qtbot, practice, db_path, monkeypatch):
    from ui import practice_file

    db = storage.open_database(db_path)
    demo.populate(db, clients=3, seed=1)
    window = MainWindow(AppContext(db))
    read_only.follow(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    first = all_clients(db)[0].id
    window.open_client(first)
    assert not window.client_page.name.isReadOnly()
    offered = []

    def ask(message, backup, parent=None, **options):
        offered.append(options)
        return db_problem.READ_ONLY

    monkeypatch.setattr(db_problem, "ask_what_to_do", ask)
    assert practice_file.switch_practice(window, practice)
    assert offered[0]["offer_read_only"] and window.ctx.db.read_only
    assert "(read-only)" in window.windowTitle()
    assert window.findChild(read_only.QFrame, "readOnlyBar").isVisible()
    window.open_client(all_clients(window.ctx.db)[0].id)
    assert window.client_page.name.isReadOnly()
    assert not window.findChild(QAction, "actionNewClient").isEnabled()

    assert practice_file.switch_practice(window, db_path)
    assert not window.ctx.db.read_only and "(read-only)" not in window.windowTitle()
    assert not window.findChild(read_only.QFrame, "readOnlyBar").isVisible()
    window.open_client(first)
    assert not window.client_page.name.isReadOnly()
    assert window.findChild(QAction, "actionNewClient").isEnabled()
    close_window(window)


def test_start_up_through_open_practice_and_an_older_read_only_file(qtbot, practice, tmp_path):
    """``open_practice`` (File → Open's start-up twin) opens it read-only too. A read-only file
    from an older CoachDesk cannot be upgraded without writing: it is not opened, and the
    coach is told in plain words to copy it first (nothing is written to it)."""
    from test_upgrades import make_file_at

    db, opened = ui_app.open_practice(practice, ask=Asked(db_problem.READ_ONLY))
    assert db is not None and db.read_only and opened == practice
    db.close()

    old = make_file_at(tmp_path / "old" / "coachdesk.db", "0002_sessions")
    for extra in ("-wal", "-shm"):
        Path(f"{old}{extra}").unlink(missing_ok=True)
    old.chmod(0o444)
    before = sha(old)
    asked = Asked(db_problem.READ_ONLY)
    try:
        db, _ = ui_app.open_practice(old, ask=asked)
    finally:
        old.chmod(0o600)
    assert db is None
    said = asked.calls[1]["message"]
    assert "older CoachDesk" in said and "Copy it to a folder you can write to" in said
    assert sha(old) == before


def test_a_report_from_a_read_only_practice_is_made_and_not_logged(qtbot, practice, boxes,
                                                                   tmp_path):
    """The report dialog: its choices work, nothing is kept as a draft or logged, and no
    "Not saved yet" appears; the preview's PDF is made."""
    from ui.dialogs.report_dialog import ReportDialog

    window, _ = open_window(qtbot, practice)
    db = window.ctx.db
    from coachdesk.services import engagements

    engagement = engagements.list_all(db)[0]
    dialog = ReportDialog(window.ctx, engagement.id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.summary.isReadOnly() and not dialog.date_from.edit.isReadOnly()
    box = next(iter(dialog.section_boxes.values()))
    assert box.isEnabled()
    box.toggle()
    qtbot.wait(700)
    assert dialog.save_draft() and not dialog.draft_retry.isActive()
    built = []
    dialog.build(lambda path, data: built.append(path))
    qtbot.waitUntil(lambda: bool(built), timeout=20000)
    assert built[0].is_file()
    assert dialog.record("saved") is None
    assert "not in its report log" in window.statusBar().currentMessage()
    dialog.reject()
    assert boxes == []
    close_window(window)
