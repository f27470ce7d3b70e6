"""File → Import clients: pick a file, match the columns, check the rows, import (pytest-qt)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from sqlmodel import select
from ui_helpers import when_modal

from coachdesk.models import Client
from coachdesk.services import clients
from ui.context import AppContext
from ui.dialogs import import_clients as dialog_module
from ui.dialogs.import_clients import ImportClientsDialog, PreviewModel
from ui.main_window import MainWindow

DATA = Path(__file__).parent / "data" / "import"


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def column(model, title: str) -> list[str]:
    c = PreviewModel.HEADERS.index(title)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def ticks(model) -> list[bool]:
    return [model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            for r in range(model.rowCount())]


def checksum(db) -> str:
    with db.session() as s:
        rows = s.connection().exec_driver_sql("SELECT * FROM client ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_import_from_the_file_menu_with_a_changed_mapping(qtbot, window, demo_db, monkeypatch,
                                                         tmp_path):
    path = tmp_path / "coaching list.csv"
    shutil.copy(DATA / "two_emails.csv", path)
    monkeypatch.setattr(dialog_module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    before = clients.count(demo_db)
    seen = {}

    def drive(dialog):
        assert isinstance(dialog, ImportClientsDialog)
        # how many steps is known once the file is read (a vCard has two, a CSV three)
        assert dialog.step_label.text() == "Step 1 · Choose the file"
        click(qtbot, dialog.findChild(type(dialog.next_button), "importBrowse"))
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=5000)
        assert dialog.step_label.text().startswith("Step 2 of 3 · ")
        assert "coaching list.csv · 4 rows" in dialog.file_info.text()
        email = dialog.combos["email"]
        assert email.currentText().startswith("Work e-mail")  # the guess
        email.setCurrentIndex(email.findData(2))  # the coach wants the home address
        assert dialog.combos["organization"].currentText().startswith("Company")
        click(qtbot, dialog.next_button)
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
        model = dialog.table.model()
        assert column(model, "Name") == ["Imani Clarke", "Tomás Ruiz", "", "Björn Eriksson"]
        assert column(model, "E-mail")[0] == "imani.home@example.com"
        problems = column(model, "Problems")
        assert problems[0] == "No problem"
        assert "does not look like an e-mail address" in problems[1]
        assert "tomas(at)example.com" not in problems[1]  # the message never quotes the data
        assert problems[2] == "The client's name cannot be empty."
        assert problems[3] == "Already in CoachDesk: a client named Björn Eriksson."
        assert ticks(model) == [True, False, False, False]
        assert dialog.import_button.text() == "Import 1 client"
        # Unticking "Skip rows with problems" offers the duplicate, never the unusable rows.
        click(qtbot, dialog.skip_problems)
        assert ticks(model) == [True, False, False, True]
        assert dialog.import_button.text() == "Import 2 clients"
        click(qtbot, dialog.skip_problems)
        assert dialog.import_button.text() == "Import 1 client"
        # The coach knows this Björn is someone else: ticks that row (space on the tick).
        dialog.table.setFocus()
        dialog.table.setCurrentIndex(model.index(3, 0))
        qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
        assert ticks(model) == [True, False, False, True]
        # A row without a name cannot be ticked: its box is greyed out.
        assert not model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsUserCheckable
        assert not model.setData(model.index(2, 0), Qt.CheckState.Checked,
                                 Qt.ItemDataRole.CheckStateRole)
        assert ticks(model) == [True, False, False, True]
        assert dialog.import_button.text() == "Import 2 clients"
        seen["summary"] = dialog.summary.text()
        click(qtbot, dialog.import_button)
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=5000)
        seen["result"] = dialog.result_label.text()
        assert dialog.close_button.text() == "Close" and not dialog.import_button.isVisible()
        click(qtbot, dialog.close_button)

    state = when_modal(drive)
    window.findChild(QAction, "actionImportClients").trigger()
    assert state["done"] and state["error"] is None, state["error"]
    assert seen["summary"].startswith("4 rows in the file; 3 with a problem")
    assert seen["result"].startswith("2 clients imported, 2 rows skipped; 1 new organisation.")
    assert clients.count(demo_db) == before + 2
    with demo_db.session() as s:
        imani = s.exec(select(Client).where(Client.name == "Imani Clarke")).one()
    assert imani.email == "imani.home@example.com"
    page = window.clients_page
    names = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert "Imani Clarke" in names  # the list refreshed itself
    assert "Tomás Ruiz" not in names


def test_a_refused_file_says_why_and_changes_nothing(qtbot, demo_db):
    dialog = ImportClientsDialog(AppContext(demo_db), None, path=DATA / "picture.csv")
    qtbot.addWidget(dialog)
    dialog.show()
    before = checksum(demo_db)
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.stack.currentIndex() == 0
    assert dialog.file_message.isVisible()
    assert dialog.file_message.text() == \
        "“picture.csv” is a picture (PNG), not a spreadsheet (CSV) or vCard file."
    assert dialog.file_message.textFormat() == Qt.TextFormat.PlainText
    assert checksum(demo_db) == before


def test_a_vcard_skips_the_mapping_step_and_shows_hostile_text_as_typed(qtbot, db, tmp_path):
    path = tmp_path / "friends.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:<b>Bold</b> & \"Ω\" 🎯\r\n"
                    "EMAIL:bold@example.com\r\nORG:<i>Acme</i>\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:راشد\r\nEMAIL:rashid@example.com\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    dialog = ImportClientsDialog(AppContext(db), None, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    assert dialog.step_label.text() == "Step 2 of 2 · Check and import"
    model = dialog.table.model()
    assert column(model, "Row") == ["Card 1", "Card 2"]
    assert column(model, "Name") == ['<b>Bold</b> & "Ω" 🎯', "راشد"]
    assert column(model, "Organisation") == ["<i>Acme</i>", ""]
    assert dialog.table.isColumnHidden(PreviewModel.HEADERS.index("Phone"))  # none in the file
    click(qtbot, dialog.back_button)  # back goes to the file, there is no mapping for a vCard
    assert dialog.stack.currentIndex() == 0
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    with qtbot.waitSignal(dialog.finished_import, timeout=5000) as blocker:
        click(qtbot, dialog.import_button)
    assert blocker.args == ["2 clients imported; 1 new organisation."]
    assert {c.name for c in clients_in(db)} == {'<b>Bold</b> & "Ω" 🎯', "راشد"}


def clients_in(db):
    with db.session() as s:
        return list(s.exec(select(Client)))


def test_next_needs_a_name_column(qtbot, db):
    dialog = ImportClientsDialog(AppContext(db), None, path=DATA / "duplicates.csv")
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=5000)
    assert dialog.next_button.isEnabled()
    dialog.combos["name"].setCurrentIndex(0)  # "— not in this file —"
    assert not dialog.next_button.isEnabled()
    assert "name" in dialog.next_button.toolTip()


CP1251 = Path(__file__).parent / "data" / "imports" / "excel-cp1251.csv"


def choose_encoding(qtbot, dialog, typed: str) -> None:
    """Type the start of an encoding's name into the closed box, as a person would."""
    combo = dialog.encoding_combo
    combo.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new search, not a continued one
    qtbot.keyClicks(combo, typed)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)


def test_the_encoding_box_re_reads_the_file_and_keeps_the_mapping(qtbot, db):
    dialog = ImportClientsDialog(AppContext(db), None, path=CP1251)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=5000)
    dialog.combos["organization"].setCurrentIndex(0)  # the coach leaves the company out
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    combo, model = dialog.encoding_combo, dialog.table.model()
    assert combo.isEnabled()
    assert combo.currentText() == "Cyrillic (Windows-1251) — detected"
    assert [combo.itemText(i) for i in range(combo.count())].count(
        "Cyrillic (Windows-1251) — detected") == 1
    assert "Cyrillic (Windows-1251)" not in [combo.itemText(i) for i in range(combo.count())]
    label = next(lb for lb in dialog.findChildren(type(dialog.summary)) if lb.buddy() is combo)
    assert label.text() == "&Encoding"
    assert column(model, "Name") == ["Игорь Загорский", "Ольга Белова"]

    choose_encoding(qtbot, dialog, "Western")
    assert combo.currentText() == "Western (Windows-1252)"
    names = column(model, "Name")
    assert names[0] != "Игорь Загорский"
    assert names[0] == "Èãîðü Çàãîðñêèé"  # what cp1251 bytes look like read as cp1252
    assert dialog.stack.currentIndex() == 2
    assert dialog.combos["organization"].currentData() is None  # the coach's choice stays
    assert dialog.table.isColumnHidden(PreviewModel.HEADERS.index("Organisation"))
    click(qtbot, dialog.back_button)  # the mapping step shows the file as now read
    assert dialog.stack.currentIndex() == 1
    assert dialog.combos["email"].currentText().startswith("Ýë. ïî÷òà")
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    assert column(model, "Name")[0] == "Èãîðü Çàãîðñêèé"

    choose_encoding(qtbot, dialog, "Cyrillic")
    assert combo.currentText() == "Cyrillic (Windows-1251) — detected"
    assert column(model, "Name") == ["Игорь Загорский", "Ольга Белова"]
    with qtbot.waitSignal(dialog.finished_import, timeout=5000):
        click(qtbot, dialog.import_button)
    stored = {c.name: c for c in clients_in(db)}
    assert set(stored) == {"Игорь Загорский", "Ольга Белова"}
    assert stored["Игорь Загорский"].email == "igor.z@example.org"


def test_an_encoding_that_does_not_fit_says_so_and_keeps_the_preview(qtbot, db, caplog):
    dialog = ImportClientsDialog(AppContext(db), None, path=CP1251)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=5000)
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    choose_encoding(qtbot, dialog, "Unicode")  # cp1251 bytes are not UTF-8
    message = dialog.encoding_message
    assert message.isVisible()
    assert message.text() == ("“excel-cp1251.csv” cannot be read as utf-8: some of its bytes "
                              "are not text in that encoding. Choose another one.")
    assert dialog.encoding_combo.currentText() == "Cyrillic (Windows-1251) — detected"
    assert column(dialog.table.model(), "Name") == ["Игорь Загорский", "Ольга Белова"]
    assert dialog.stack.currentIndex() == 2
    assert "Игорь" not in caplog.text
    choose_encoding(qtbot, dialog, "Western")  # a later choice that fits clears the message
    assert not message.isVisible()


def test_a_vcard_has_no_encoding_choice(qtbot, db, tmp_path):
    path = tmp_path / "one.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n",
                    encoding="utf-8")
    dialog = ImportClientsDialog(AppContext(db), None, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.next_button)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    assert not dialog.encoding_combo.isEnabled()
    assert dialog.encoding_combo.toolTip()
