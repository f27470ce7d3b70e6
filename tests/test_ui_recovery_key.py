"""The recovery key, shown once: the sheet's text (pypdf), the dialog's Done that waits
for "I have printed or saved…", Esc that asks before the key is lost, Save as PDF… where
the coach chooses, and Print… drawn from memory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QMessageBox

from coachdesk import encryption
from coachdesk.reports import recovery_key as sheet
from ui.dialogs.recovery_key import CLOSE_QUESTION, RecoveryKeyDialog

KEY = "OBRVV-3XTZM-D4YON-EPWV7-PFOYH-LU54O-QQRHU-NNMZ4-IQ2QD-JPUKE-C752A"


def pdf_text(path_or_bytes) -> str:
    import io

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(source).pages)


def test_the_sheet_holds_the_key_groups_the_file_name_and_what_to_do(tmp_path):
    out = sheet.write_recovery_pdf(tmp_path / "key.pdf", KEY, "coachdesk.db", date(2026, 11, 30))
    text = pdf_text(out)
    for group in KEY.split("-"):
        assert group in text
    assert "coachdesk.db" in text and "2026" in text
    assert "even if you forget your passphrase" in " ".join(text.split())  # any line breaks
    assert "on paper" in text and "away from your laptop" in text
    assert "If you lose both your passphrase and this recovery key, nobody can open" in text
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 1 and reader.metadata.title == sheet.TITLE
    # The key printed parses back to the same data key
    lines = [line for line in text.splitlines() if line.replace(" ", "").isalnum()
             and line.replace(" ", "").isupper() and len(line.split()) >= 3]
    assert encryption.parse_recovery_key(" ".join(lines)) == encryption.parse_recovery_key(KEY)
    assert not list(tmp_path.glob("*.partial")) and sorted(p.name for p in tmp_path.iterdir()) == [
        "key.pdf"]


def test_the_sheet_carries_nothing_of_the_practice(demo_db, tmp_path, monkeypatch):
    """Built from the key and the file's name alone: no client, no note can reach it; built
    in memory for printing, it leaves no file behind."""
    from coachdesk.services import clients

    names = [row.name for row in clients.list_rows(demo_db)]
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    text = pdf_text(sheet.recovery_pdf_bytes(KEY, Path(demo_db.path).name))
    assert names and not any(name in text for name in names)
    assert all(group in text for group in KEY.split("-"))
    assert list(here.iterdir()) == []


@pytest.fixture
def dialog(qtbot):
    shown = RecoveryKeyDialog(KEY, "coachdesk.db", day=date(2026, 11, 30))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    return shown


def test_the_key_is_shown_large_in_groups_and_done_waits_for_the_box(qtbot, dialog):
    shown = dialog.key_label.text()
    assert shown.split() == KEY.split("-")
    from PySide6.QtGui import QFontDatabase

    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert dialog.key_label.font().pointSize() >= 18 and dialog.key_label.font().family() == fixed
    assert "coachdesk.db" in dialog.findChild(type(dialog.key_label), "recoveryKeyPractice").text()
    assert not dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    assert dialog.key_label.text() == ""  # nothing of the key stays in the closed dialog


def answer_close_question(button_name: str, seen: list) -> None:
    def poll(left=200):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "recoveryKeyCloseQuestion":
            seen.append((box.text(), box.defaultButton().objectName()))
            box.findChild(QAbstractButton, button_name).click()
        elif left:
            QTimer.singleShot(20, lambda: poll(left - 1))
    QTimer.singleShot(0, poll)


def test_esc_before_the_box_asks_and_go_back_keeps_the_key(qtbot, dialog):
    seen: list = []
    answer_close_question("recoveryKeyGoBack", seen)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0] == (CLOSE_QUESTION, "recoveryKeyGoBack")  # going back is the default
    assert dialog.isVisible() and dialog.key_label.text()

    answer_close_question("recoveryKeyCloseAnyway", seen)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Rejected


def test_esc_after_the_box_closes_without_asking(qtbot, dialog):
    dialog.confirm.setChecked(True)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_save_as_pdf_writes_only_where_the_coach_chose(qtbot, dialog, tmp_path, monkeypatch):
    target = tmp_path / "chosen" / "my key"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF files (*.pdf)")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = target.with_name("my key.pdf")
    assert dialog.saved_to == str(saved) and saved.is_file()
    assert all(group in pdf_text(saved) for group in KEY.split("-"))
    others = [p for p in tmp_path.rglob("*.pdf") if p != saved]
    assert others == []  # no copy anywhere else (the data folder is under tmp_path too)


def test_a_refused_save_is_one_plain_sentence(qtbot, dialog, tmp_path, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: told.append(text)))
    assert dialog.save_pdf(str(tmp_path / "no such folder" / "key.pdf")) is None
    assert told and "was not saved" in told[0] and "Traceback" not in told[0]
    assert KEY not in told[0]


def test_print_draws_the_sheet_from_memory(qtbot, dialog, tmp_path):
    from PySide6.QtGui import QPdfWriter

    out = tmp_path / "printed.pdf"
    writer = QPdfWriter(str(out))
    assert dialog.render_to(writer)
    del writer
    assert dialog.printed and out.stat().st_size > 1000
    assert len(pypdf.PdfReader(str(out)).pages) == 1
