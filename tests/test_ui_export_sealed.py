"""Export and import of an encrypted practice in the window (ui/dialogs/practice_seal.py,
ui/dialogs/export_seal.py): sealed by default with the practice's passphrase, checked off
the GUI thread; a plain file only after a warning; a plain practice may seal its export
with a passphrase typed twice; a sealed export comes back in with its passphrase, opened
in memory, and a wrong one imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from age_helpers import cheap_age  # noqa: F401
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox
from test_ui_practice_data import Boxes, make_window, plain, trigger
from ui_helpers import keys, when_modal

from coachdesk import passphrase_rules, paths, storage, tempfiles
from coachdesk.services import clients, export, export_sealed
from ui.dialogs import practice_data

WRONG = "Correct horse battery staple"
#: real age files at work factor 2**10 (tests/age_helpers.py): pyrage opens them in ms
pytestmark = pytest.mark.usefixtures("cheap_age")


def logs() -> str:
    return "".join(p.read_text(errors="replace") for p in paths.log_dir().rglob("*")
                   if p.is_file())


@pytest.fixture
def encrypted_db(practice_templates, db_path):
    encrypted_copy(practice_templates["demo"], db_path)
    database = storage.open_database(db_path)
    yield database
    database.close()


def save_to(monkeypatch, target: Path) -> list[str]:
    """The save dialog answers ``target``; returns the names it was offered."""
    offered: list[str] = []

    def save_dialog(parent, caption, suggested, *args, **kwargs):
        offered.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    return offered


def enter(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def settle(qtbot, dialog) -> None:
    """Wait until the dialog is the active window with the cursor in it, as a person sees."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and dialog.isAncestorOf(QApplication.focusWidget()))


def type_wrong_then_right(qtbot, seen: dict, right: str = PASSPHRASE):
    """In the passphrase dialog: a wrong passphrase first (the dialog stays open, says so,
    empties the field), then the right one."""

    def act(dialog):
        settle(qtbot, dialog)
        field = QApplication.focusWidget()
        assert isinstance(field, QLineEdit) and field.echoMode() == QLineEdit.EchoMode.Password
        keys(qtbot, WRONG)
        enter(qtbot)
        assert field.text() == "", "the field is emptied as soon as it is read"
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20000)
        seen["error"] = dialog.error.text()
        assert dialog.isVisible() and not field.isReadOnly() and dialog.ok.isDefault()
        qtbot.waitUntil(field.hasFocus)
        keys(qtbot, right)
        enter(qtbot)

    return when_modal(act)


def test_an_encrypted_practice_is_exported_sealed_with_its_passphrase(
        qtbot, encrypted_db, tmp_path, monkeypatch, cheap_keys):  # noqa: F811
    from pyrage import passphrase as age

    win = make_window(qtbot, encrypted_db)
    boxes = Boxes(monkeypatch)
    target = tmp_path / "out" / "moving.json.age"
    target.parent.mkdir()
    offered = save_to(monkeypatch, target)
    seen: dict = {}
    state = type_wrong_then_right(qtbot, seen)
    trigger(win, "actionExportPractice")
    assert state["done"] and state["error"] is None, state
    assert "not open" in seen["error"] or "passphrase" in seen["error"]
    assert len(cheap_keys) == 1, "the wrong passphrase waited, as unlock does"
    job = practice_data.last_job
    qtbot.waitUntil(lambda: getattr(job, "saved_notice", None) is not None or bool(boxes.shown),
                    timeout=30000)
    assert not boxes.shown, boxes.shown
    assert Path(offered[0]).name.endswith(".json.age")
    raw = target.read_bytes()
    assert raw.startswith(export_sealed.AGE_MAGIC) and b"Madsen" not in raw
    doc = json.loads(age.decrypt(raw, PASSPHRASE))
    assert len(doc["tables"]["client"]) == 12
    notice = job.saved_notice
    message = notice.text() + notice.informativeText()
    assert str(target) in message and "practice's passphrase" in message
    assert "File → Import a practice export" in message
    assert "age --decrypt" not in message  # a command line is for docs/encryption.md
    assert not boxes.shown, boxes.shown
    everything = message + seen["error"] + logs()
    assert PASSPHRASE not in everything and WRONG not in everything
    plain(message)


def test_a_plain_export_of_an_encrypted_practice_only_after_the_warning(
        qtbot, encrypted_db, tmp_path, monkeypatch):
    win = make_window(qtbot, encrypted_db)
    boxes = Boxes(monkeypatch, answer=QMessageBox.StandardButton.No)
    target = tmp_path / "plain.json"
    offered = save_to(monkeypatch, target)

    def choose_plain(dialog):
        settle(qtbot, dialog)
        qtbot.keyClick(QApplication.focusWidget(), "l", Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.plain_choice.isChecked)  # Alt+letter clicks it, as a mouse
        assert not dialog.passphrase.isEnabled()
        enter(qtbot)

    when_modal(choose_plain)
    trigger(win, "actionExportPractice")
    warning = boxes.of("question")[0]
    assert "anyone with this file can read every private note" in warning
    assert not offered and not target.exists(), "declined: nothing asked, nothing written"

    boxes = Boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes)
    when_modal(choose_plain)
    trigger(win, "actionExportPractice")
    job = practice_data.last_job
    qtbot.waitUntil(lambda: getattr(job, "saved_notice", None) is not None, timeout=30000)
    assert Path(offered[0]).name.endswith(".json") and not offered[0].endswith(".age")
    assert len(json.loads(target.read_text(encoding="utf-8"))["tables"]["client"]) == 12


def test_a_plain_practice_exports_plain_by_default_or_sealed_with_a_new_passphrase(
        qtbot, demo_db, tmp_path, monkeypatch):
    from pyrage import passphrase as age

    win = make_window(qtbot, demo_db)
    Boxes(monkeypatch)
    target = tmp_path / "sealed"  # typed without an ending: .json.age is added
    offered = save_to(monkeypatch, target)
    seen: dict = {}

    def seal_twice(dialog):
        settle(qtbot, dialog)
        assert dialog.plain_choice.isChecked() and dialog.plain_choice.hasFocus()
        qtbot.keyClick(QApplication.focusWidget(), "s", Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.sealed_choice.isChecked)
        dialog.passphrase.setFocus()

        def type_twice(first: str, repeat: str) -> None:  # field, Tab, repeat, Enter
            qtbot.waitUntil(dialog.passphrase.hasFocus)
            keys(qtbot, first)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            keys(qtbot, repeat)
            enter(qtbot)

        type_twice("abc", "abc")  # the rule of every new passphrase: at least 10 characters
        seen["short"] = dialog.error.text()
        assert dialog.isVisible() and dialog.passphrase.text() == dialog.again.text() == ""
        type_twice("new words 🙂", "new words")
        seen["error"] = dialog.error.text()
        assert dialog.isVisible() and dialog.passphrase.text() == dialog.again.text() == ""
        type_twice("new words 🙂", "new words 🙂")

    state = when_modal(seal_twice)
    trigger(win, "actionExportPractice")
    assert state["error"] is None, state["error"]
    assert seen["short"] == passphrase_rules.TOO_SHORT
    assert seen["error"] == passphrase_rules.MISMATCH
    job = practice_data.last_job
    qtbot.waitUntil(lambda: getattr(job, "saved_notice", None) is not None, timeout=30000)
    written = tmp_path / "sealed.json.age"
    assert Path(offered[0]).name.endswith(".json.age") and written.is_file()
    assert json.loads(age.decrypt(written.read_bytes(), "new words 🙂"))["tables"]["client"]
    message = job.saved_notice.text() + job.saved_notice.informativeText()
    assert "the passphrase you chose" in message and "new words" not in message + logs()


@pytest.fixture
def sealed_export(practice_templates, tmp_path) -> Path:
    """The demo practice, encrypted, exported sealed with its passphrase."""
    source_path = tmp_path / "old laptop" / "coachdesk.db"
    encrypted_copy(practice_templates["demo"], source_path)
    source = storage.open_database(source_path)
    try:
        return export_sealed.export_encrypted(source, tmp_path / "moving" / "practice.json.age",
                                              PASSPHRASE)
    finally:
        source.close()


def test_a_sealed_export_comes_in_with_its_passphrase_opened_in_memory(
        qtbot, db, sealed_export, monkeypatch, tmp_path):
    win = make_window(qtbot, db)
    boxes = Boxes(monkeypatch)
    offered_filters = []

    def open_dialog(parent, caption, folder, filters, *args, **kwargs):
        offered_filters.append(filters)
        return str(sealed_export), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_dialog))
    seen: dict = {}
    state = type_wrong_then_right(qtbot, seen)
    # Then: protect this practice with the same passphrase? No (tests/test_ui_f2_move.py
    # follows Yes): the import goes into the plain practice as before.
    from encrypt_ui_helpers import when_named

    plain_here = when_named("protectImportQuestion", lambda box: next(
        b for b in box.buttons() if b.objectName() == "protectImportNo").click())
    qtbot.mouseClick(win.welcome_page.move_button, Qt.MouseButton.LeftButton)
    assert state["error"] is None, state["error"]
    qtbot.waitUntil(lambda: plain_here["done"], timeout=30000)
    qtbot.waitUntil(lambda: bool(boxes.of("information") or boxes.of("warning")), timeout=30000)
    assert not boxes.of("warning"), boxes.shown
    assert "*.age" in offered_filters[0]
    assert "does not open" in seen["error"]
    assert "12 clients" in boxes.of("question")[0] and sealed_export.name in boxes.of("question")[0]
    assert clients.count(db) == 12
    assert win.stack.currentWidget() is win.clients_page
    # No decrypted export anywhere: not beside the file, not in the data or temp folders.
    json_left = [p for p in tmp_path.rglob("*") if p.is_file()
                 and b'"coachdesk-practice"' in p.read_bytes()]
    assert json_left == [], json_left
    temp = tempfiles.root()  # this test's data folder's private temp folders
    assert not [p for p in temp.rglob("*") if p.is_file()] if temp.exists() else True
    assert sorted(p.name for p in sealed_export.parent.iterdir()) == [sealed_export.name]
    assert PASSPHRASE not in logs() and WRONG not in logs()


def test_a_wrong_passphrase_then_cancel_imports_nothing(qtbot, db, sealed_export, monkeypatch):
    win = make_window(qtbot, db)
    boxes = Boxes(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(sealed_export), "")))
    seen: dict = {}

    def wrong_then_cancel(dialog):
        settle(qtbot, dialog)
        keys(qtbot, WRONG)
        enter(qtbot)
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20000)
        seen["error"] = dialog.error.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    state = when_modal(wrong_then_cancel)
    trigger(win, "actionImportPractice")
    assert state["done"] and state["error"] is None, state
    plain(seen["error"])
    assert "does not open" in seen["error"] and WRONG not in seen["error"]
    assert not boxes.shown, "no question, no message: the coach cancelled"
    assert export.is_empty(db)
    assert win.stack.currentWidget() is win.welcome_page


# -- a client's own data (subject access) from an encrypted practice ------------------------


def client_export(qtbot, win, monkeypatch, folder: Path, answer) -> object:
    """Open the first client and export their data into ``folder``; ``answer(dialog)``
    answers the sealed-or-plain question. Returns the exporter once its files are there."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    row = clients.list_rows(win.ctx.db)[0]
    win.open_client(row.id)
    page = win.client_page
    state = when_modal(answer)
    page.export_data_action.trigger()
    assert state["done"] and state["error"] is None, state
    qtbot.waitUntil(lambda: getattr(page._exporter, "saved_notice", None) is not None,
                    timeout=30000)
    return page._exporter


def test_a_clients_data_from_an_encrypted_practice_is_plain_by_default(
        qtbot, encrypted_db, tmp_path, monkeypatch):
    win = make_window(qtbot, encrypted_db)
    Boxes(monkeypatch)
    folder = tmp_path / "for the client"
    folder.mkdir()
    seen = {}

    def plain_files(dialog):
        settle(qtbot, dialog)
        assert dialog.plain_choice.isChecked() and not dialog.passphrase.isEnabled()
        seen["note"] = dialog.note.text()
        enter(qtbot)

    exporter = client_export(qtbot, win, monkeypatch, folder, plain_files)
    assert "not encrypted" in seen["note"]
    assert sorted(p.suffix for p in folder.iterdir()) == [".json", ".pdf"]
    assert not exporter.sealed


def test_a_clients_data_can_be_sealed_with_a_passphrase(qtbot, encrypted_db, tmp_path,
                                                        monkeypatch):
    from pyrage import passphrase as age

    win = make_window(qtbot, encrypted_db)
    Boxes(monkeypatch)
    folder = tmp_path / "for the client"
    folder.mkdir()

    def sealed_files(dialog):
        settle(qtbot, dialog)
        qtbot.keyClick(QApplication.focusWidget(), "s", Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.sealed_choice.isChecked)
        dialog.passphrase.setFocus()
        qtbot.waitUntil(dialog.passphrase.hasFocus)
        keys(qtbot, "Kiwi lantern 42")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        keys(qtbot, "Kiwi lantern 42")
        enter(qtbot)

    exporter = client_export(qtbot, win, monkeypatch, folder, sealed_files)
    names = sorted(p.name for p in folder.iterdir())
    assert [Path(n).suffixes[-2:] for n in names] == [[".json", ".age"], [".pdf", ".age"]]
    json_file, pdf_file = (folder / n for n in names)
    doc = json.loads(age.decrypt(json_file.read_bytes(), "Kiwi lantern 42"))
    assert doc["client"]["name"] and doc["client"]["name"].encode() not in json_file.read_bytes()
    assert age.decrypt(pdf_file.read_bytes(), "Kiwi lantern 42").startswith(b"%PDF")
    message = exporter.saved_notice.text() + exporter.saved_notice.informativeText()
    assert "age --decrypt" in message and "Kiwi" not in message + logs()
    temp = tempfiles.root()  # the PDF was built there, then removed once sealed
    assert not [p for p in temp.rglob("*") if p.is_file()] if temp.exists() else True


def test_cancel_while_the_sealed_file_is_being_opened_imports_nothing(
        qtbot, db, sealed_export, monkeypatch):
    win = make_window(qtbot, db)
    boxes = Boxes(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(sealed_export), "")))
    seen: dict = {}

    def right_then_cancel(dialog):
        settle(qtbot, dialog)
        keys(qtbot, PASSPHRASE)
        enter(qtbot)
        seen["busy"] = dialog.busy.isVisible() and not dialog.ok.isEnabled()
        dialog.reject()  # Cancel while age opens the file (about a second)

    state = when_modal(right_then_cancel)
    trigger(win, "actionImportPractice")
    assert state["error"] is None, state["error"]
    assert seen["busy"]
    # the opening ends meanwhile and its result, delivered, goes nowhere: a job leaves
    # ui.workers._running once its done/failed signal has reached the GUI thread
    from ui import workers

    qtbot.waitUntil(lambda: not workers._running, timeout=30000)
    qtbot.wait(50)
    assert export.is_empty(db) and not boxes.shown
    assert win.stack.currentWidget() is win.welcome_page
