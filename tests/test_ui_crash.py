"""Errors nobody foresaw (issue 15): the crash dialog with "Copy details", the hooks for the
GUI thread and other threads, faulthandler's crash log, and what is logged at start."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from coachdesk import __version__, crash, identity, paths
from ui import app as app_module
from ui.dialogs.crash import COPIED, MESSAGE, CrashDialog

ROOT = Path(__file__).resolve().parent.parent
CANARY = "cnry7Q-Ana-Müller"  # a client's words an error message might carry


@pytest.fixture
def hooks(monkeypatch, qapp):
    """The app's hooks installed for one test; Python's and pytest-qt's back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.delenv("COACHDESK_NO_DIALOGS", raising=False)
    app_module.install_excepthook()
    yield app_module._reporter
    if app_module._reporter.dialog is not None:
        app_module._reporter.dialog.close()
        app_module._reporter.dialog.deleteLater()
        app_module._reporter.dialog = None


def _dialog(qtbot, reporter) -> CrashDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    return reporter.dialog


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_the_dialog_and_copy_details_carries_no_client_text(
        qtbot, hooks):
    button = QPushButton("Save")
    qtbot.addWidget(button)

    def save_notes():
        notes = {"client": CANARY}
        raise ValueError(f"could not save the note of {notes['client']}")

    button.clicked.connect(save_notes)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, hooks)
    assert dialog.message.text() == MESSAGE
    assert dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.details and dialog.status.text() == COPIED
    assert f"CoachDesk {__version__}" in copied
    assert "Qt: 6." in copied and "Python: 3." in copied and "System: " in copied
    assert "in save_notes" in copied and "ValueError (message not logged)" in copied
    assert CANARY not in copied and "cnry7Q" not in copied
    for label in (dialog.message, dialog.help, dialog.status):
        assert "ValueError" not in label.text() and "Traceback" not in label.text()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_another_thread_reaches_the_gui_thread(qtbot, hooks):
    def work():
        raise RuntimeError(CANARY)

    worker = threading.Thread(target=work, name="report-builder")
    worker.start()
    worker.join()
    dialog = _dialog(qtbot, hooks)
    assert dialog.thread() is QApplication.instance().thread()
    assert "Thread: report-builder" in dialog.details
    assert "RuntimeError (message not logged)" in dialog.details
    assert CANARY not in dialog.details


@pytest.mark.qt_no_exception_capture
def test_one_dialog_at_a_time(qtbot, hooks):
    for _ in range(3):
        try:
            raise KeyError(CANARY)
        except KeyError:
            sys.excepthook(*sys.exc_info())
    first = _dialog(qtbot, hooks)
    qtbot.wait(50)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, CrashDialog) and w.isVisible()]
    assert dialogs == [first]


def test_no_dialog_for_scripts_only_the_log(qtbot, monkeypatch, qapp):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setenv("COACHDESK_NO_DIALOGS", "1")
    app_module.install_excepthook()
    opened = []
    monkeypatch.setattr(CrashDialog, "open", lambda self: opened.append(self))
    try:
        raise KeyError(CANARY)
    except KeyError:
        sys.excepthook(*sys.exc_info())
    qtbot.wait(50)
    assert opened == []


def test_open_the_log_folder(qtbot, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = CrashDialog("details", tmp_path / "logs")
    qtbot.addWidget(dialog)
    dialog.folder_button.click()
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "logs")]


def test_faulthandler_writes_a_hard_crash_into_the_log_folder(tmp_path):
    """A segfault (faulthandler's own test crash) in a child process: its stack is in
    crash.log in the log folder, after the start line."""
    home = tmp_path / "home"
    code = ("from coachdesk import crash; crash.enable_faulthandler(); "
            "import faulthandler; faulthandler._sigsegv()")
    env = dict(os.environ, COACHDESK_HOME=str(home), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          timeout=60)
    assert done.returncode != 0
    text = (home / "logs" / crash.CRASH_LOG).read_text(encoding="utf-8")
    assert f"--- CoachDesk {__version__} started" in text
    assert "Fatal Python error: Segmentation fault" in text
    assert "<string>" in text  # the frame that crashed
    if os.name == "posix":
        assert (home / "logs" / crash.CRASH_LOG).stat().st_mode & 0o077 == 0


def test_crash_log_that_cannot_be_written_changes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert crash.enable_faulthandler(blocker / "logs") is None


def test_a_large_crash_log_is_moved_aside(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / crash.CRASH_LOG).write_bytes(b"x" * (crash.CRASH_LOG_MAX + 1))
    try:
        assert crash.enable_faulthandler(logs) == logs / crash.CRASH_LOG
    finally:
        crash.disable_faulthandler()
    assert (logs / (crash.CRASH_LOG + ".1")).stat().st_size == crash.CRASH_LOG_MAX + 1
    assert (logs / crash.CRASH_LOG).stat().st_size < 200


def test_version_qt_and_system_are_logged_at_start(qapp):
    try:
        app_module.setup_logging()
        app_module.log_start()
    finally:
        crash.disable_faulthandler()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (paths.log_dir() / "coachdesk.log").read_text(encoding="utf-8")
    import platform

    line = next(x for x in text.splitlines() if "starting CoachDesk" in x)
    assert __version__ in line and "Qt 6." in line and "PySide6 " in line
    assert platform.platform() in line and f"Python {platform.python_version()}" in line


def test_the_window_icon_and_application_id(qapp):
    try:
        app_module.apply_identity(qapp)
        icon = qapp.windowIcon()
        sizes = {s.width() for s in icon.availableSizes()}
        assert set(identity.ICON_SIZES) <= sizes
        assert QGuiApplication.desktopFileName() == identity.APP_ID
    finally:
        qapp.setWindowIcon(QGuiApplication.windowIcon().__class__())
        QGuiApplication.setDesktopFileName("")


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_pool_job_reaches_the_gui_thread(qtbot, hooks):
    """A QRunnable that raises: PySide6 reports it through sys.excepthook in its pool
    thread; the dialog still comes up in the GUI thread."""
    from PySide6.QtCore import QRunnable, QThreadPool

    class Failing(QRunnable):
        def run(self):
            raise LookupError(CANARY)

    QThreadPool.globalInstance().start(Failing())
    dialog = _dialog(qtbot, hooks)
    assert "LookupError (message not logged)" in dialog.details
    assert "Thread: " in dialog.details and CANARY not in dialog.details


def test_ctrl_c_is_no_crash(qtbot, hooks, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *a: seen.append(a[0]))
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
    qtbot.wait(50)
    assert seen == [KeyboardInterrupt] and hooks.dialog is None
