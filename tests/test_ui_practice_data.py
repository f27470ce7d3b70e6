"""Whole-practice export and import in the app (ui/dialogs/practice_data.py, the welcome page)."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from coachdesk import storage
from coachdesk.services import clients, export
from ui.context import AppContext
from ui.dialogs import practice_data
from ui.main_window import MainWindow

PYTHON_WORDS = ("Traceback", "Error:", "Exception", "errno", "File \"")


class Boxes:
    """QMessageBox's static calls, recorded instead of shown."""

    def __init__(self, monkeypatch, answer=QMessageBox.StandardButton.Yes):
        self.shown: list[tuple[str, str, str]] = []
        for kind in ("information", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, kind, staticmethod(self._record(kind)))

        def question(parent, title, text, *args, **kwargs):
            self.shown.append(("question", title, text))
            return answer

        monkeypatch.setattr(QMessageBox, "question", staticmethod(question))

    def _record(self, kind):
        def show(parent, title, text, *args, **kwargs):
            self.shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return show

    def of(self, kind) -> list[str]:
        return [text for k, _title, text in self.shown if k == kind]


def make_window(qtbot, db) -> MainWindow:
    win = MainWindow(AppContext(db))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def trigger(win, name: str) -> None:
    action = win.findChild(QAction, name)
    assert action is not None, name
    action.trigger()


def export_plain_as_before() -> dict:
    """The export's first question (sealed or plain, ui/dialogs/export_seal.py): a plain
    practice is exported plain by default, so Continue goes on as before. Waits for that
    dialog itself (another modal, such as a print preview, may still be open)."""
    from PySide6.QtWidgets import QApplication
    from ui_helpers import TEST_GENERATION, later

    from ui.dialogs.export_seal import SealDialog

    state = {"done": False, "error": None}
    generation = TEST_GENERATION[0]

    def poll(remaining=250):
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SealDialog):
            if remaining:
                later(lambda: poll(remaining - 1), generation)
            return
        try:
            assert dialog.plain_choice.isChecked() and not dialog.passphrase.isEnabled()
            assert dialog.ok.isEnabled()
            dialog.ok.click()
        except AssertionError as exc:
            state["error"] = exc
            dialog.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def plain(message: str) -> None:
    for word in PYTHON_WORDS:
        assert word not in message, message


@pytest.fixture
def demo_export(tmp_path) -> Path:
    """An export of the demo practice, made from a practice of its own."""
    from coachdesk import demo

    source = storage.open_database(tmp_path / "elsewhere" / "coachdesk.db")
    try:
        demo.populate(source, clients=12, seed=7)
        return export.export_practice(source, tmp_path / "moving" / "CoachDesk export.json")
    finally:
        source.close()


# -- export ---------------------------------------------------------------------------------


def test_export_through_the_menu_writes_a_file_that_parses(qtbot, demo_db, tmp_path,
                                                           monkeypatch):
    win = make_window(qtbot, demo_db)
    boxes = Boxes(monkeypatch)
    target = tmp_path / "out" / "my practice.json"
    target.parent.mkdir()
    offered = []

    def save_dialog(parent, caption, suggested, *args, **kwargs):
        offered.append(suggested)
        return str(target), "CoachDesk exports (*.json)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    # Hold the worker at its start, to see the window answer while the export runs.
    gate = threading.Event()
    real = export.export_practice

    def held(*args, **kwargs):
        assert gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "export_practice", held)
    asked = export_plain_as_before()
    trigger(win, "actionExportPractice")
    assert asked["done"] and asked["error"] is None, asked
    job = practice_data.last_job
    assert job is not None and not job.finished
    ticks = []
    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2000)  # the event loop runs: the window is alive
    assert job.dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: getattr(job, "saved_notice", None) is not None, timeout=20000)

    assert Path(offered[0]).name == f"CoachDesk export — {date.today().isoformat()}.json"
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["format"] == "coachdesk-practice"
    assert len(doc["tables"]["client"]) == clients.count(demo_db) == 12
    done, total = job.seen[-1]
    assert done == total == len(export.exported_tables())
    assert job.percent == 100 and not job.dialog.isVisible()
    notice = job.saved_notice  # "Saved to …" with Open folder, not blocking the coach
    message = notice.text() + notice.informativeText()
    assert str(target) in message and "KB" in message and not notice.isModal()
    assert not boxes.of("warning") and not boxes.of("information")


def test_export_into_a_folder_that_cannot_be_written_says_so(qtbot, demo_db, tmp_path,
                                                             monkeypatch):
    win = make_window(qtbot, demo_db)
    boxes = Boxes(monkeypatch)
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x")
    target = blocker / "export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    export_plain_as_before()
    trigger(win, "actionExportPractice")
    assert boxes.of("warning"), boxes.shown
    message = boxes.of("warning")[0]
    assert "not saved" in message and "choose" in message.lower()
    plain(message)
    assert blocker.read_text() == "x"


def test_export_names_have_the_date_and_sizes_read_plainly():
    assert practice_data.default_export_name(date(2026, 3, 9)) == \
        "CoachDesk export — 2026-03-09.json"
    assert practice_data.size_words(512) == "512 bytes"
    assert practice_data.size_words(2048) == "2 KB"
    assert practice_data.size_words(5 * 1024 * 1024) == "5.0 MB"


# -- import ---------------------------------------------------------------------------------


def test_moving_in_through_the_welcome_page_shows_the_clients(qtbot, db, demo_export,
                                                              monkeypatch):
    win = make_window(qtbot, db)
    assert win.stack.currentWidget() is win.welcome_page
    boxes = Boxes(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(demo_export), "")))
    qtbot.mouseClick(win.welcome_page.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes.of("information") or boxes.of("warning")), timeout=20000)
    assert not boxes.of("warning"), boxes.shown

    question = boxes.of("question")[0]
    assert "12 clients" in question and demo_export.name in question
    assert "12 clients" in boxes.of("information")[0]
    assert win.stack.currentWidget() is win.clients_page
    model = win.clients_page.model
    names = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert len(names) == 12 and "Søren Madsen" in names
    assert clients.count(db) == 12
    assert practice_data.last_job.percent == 100


def test_saying_no_after_the_check_imports_nothing(qtbot, db, demo_export, monkeypatch):
    win = make_window(qtbot, db)
    boxes = Boxes(monkeypatch, answer=QMessageBox.StandardButton.No)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(demo_export), "")))
    trigger(win, "actionImportPractice")
    qtbot.waitUntil(lambda: bool(boxes.of("question")), timeout=20000)
    qtbot.wait(100)
    assert export.is_empty(db)
    assert win.stack.currentWidget() is win.welcome_page


def test_import_is_refused_into_a_practice_with_clients(qtbot, demo_db, demo_export,
                                                        monkeypatch):
    win = make_window(qtbot, demo_db)
    boxes = Boxes(monkeypatch)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: asked.append(1) or (str(demo_export), "")))
    before = clients.count(demo_db)
    trigger(win, "actionImportPractice")
    message = boxes.of("information")[0]
    assert "already holds clients" in message and "Nothing was changed" in message
    assert "Open or create a practice file" in message and str(demo_db.path) in message
    assert "Move from another computer" in message
    plain(message)
    assert not asked, "no file is asked for when the import cannot happen"
    assert clients.count(demo_db) == before


def test_a_broken_file_chosen_on_the_welcome_page_gets_one_message(qtbot, db, tmp_path,
                                                                   monkeypatch):
    win = make_window(qtbot, db)
    boxes = Boxes(monkeypatch)
    broken = tmp_path / "half.json"
    broken.write_text('{"format": "coachdesk-practice", "version": 1, "tab', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(broken), "")))
    qtbot.mouseClick(win.welcome_page.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes.of("warning")), timeout=20000)
    assert len(boxes.shown) == 1
    message = boxes.of("warning")[0]
    assert "Nothing was imported" in message and "half.json" in message
    assert "truncated or damaged" in message
    plain(message)
    assert export.is_empty(db)
    assert win.stack.currentWidget() is win.welcome_page


def test_a_practice_with_clients_moves_in_through_a_new_practice_file_and_back(
        qtbot, demo_db, demo_export, monkeypatch, tmp_path):
    """The refusal's advice, followed in the app: a new practice file, import there, and
    back to the first practice, each file locked while open and the last one remembered."""
    from coachdesk import paths
    from ui.app import InstanceLock

    win = make_window(qtbot, demo_db)
    first = demo_db.path
    boxes = Boxes(monkeypatch)
    new_file = tmp_path / "moved" / "coachdesk-moved"  # no suffix typed: .db is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(new_file), "")))
    trigger(win, "actionOpenPracticeFile")
    opened = new_file.with_suffix(".db").resolve()
    assert win.ctx.db.path.resolve() == opened
    assert win.stack.currentWidget() is win.welcome_page, "an empty practice starts welcome"
    assert paths.remembered_practice() == opened
    assert not InstanceLock(opened).acquire(), "the open file is locked"
    assert InstanceLock(first).acquire(), "the file left behind is free again"

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(demo_export), "")))
    qtbot.mouseClick(win.welcome_page.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes.of("information") or boxes.of("warning")), timeout=20000)
    assert not boxes.of("warning"), boxes.shown
    assert clients.count(win.ctx.db) == 12

    # And back: the first practice, with its own clients, as it was.
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(first), "")))
    trigger(win, "actionOpenPracticeFile")
    assert win.ctx.db.path.resolve() == first.resolve()
    assert win.stack.currentWidget() is win.clients_page
    assert paths.remembered_practice() is None or paths.remembered_practice() == first.resolve()
    win.ctx.db.close()


def test_a_file_that_is_not_a_practice_is_refused_and_the_practice_stays_open(
        qtbot, demo_db, monkeypatch, tmp_path):
    win = make_window(qtbot, demo_db)
    boxes = Boxes(monkeypatch)
    picture = tmp_path / "holiday.db"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 2048)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(picture), "")))
    trigger(win, "actionOpenPracticeFile")
    message = boxes.of("warning")[0]
    assert "holiday.db could not be opened" in message and "nothing was changed" in message
    plain(message)
    assert win.ctx.db is demo_db and clients.count(demo_db) > 0
    assert picture.read_bytes().startswith(b"\x89PNG"), "the refused file is left untouched"
