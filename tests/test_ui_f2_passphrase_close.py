"""The passphrase dialogs close at once (coach finding 11): Esc, Cancel and the window's
close button, after typing, close without "Discard what you typed?" and empty the fields.
A passphrase being typed is nothing to keep; the coach types it again. (These forms are
left out of tests/test_ui_forms.py's asking checks through ``CLOSE_AT_ONCE``.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from ui_helpers import answer_discard, keys

#: the form dialogs that close at once (tests/test_ui_forms.py skips its questions for them)
CLOSE_AT_ONCE = {f"ui.dialogs.new_passphrase.{kind}PassphraseDialog"
                 for kind in ("New", "Change", "Check")}


def make(kind: str, path: str) -> QDialog:
    from ui.dialogs import new_passphrase

    if kind == "New":
        return new_passphrase.NewPassphraseDialog("x.db")
    if kind == "Change":
        return new_passphrase.ChangePassphraseDialog(path)
    return new_passphrase.CheckPassphraseDialog(path, "Decrypt this practice",
                                                "Type your passphrase.", "Decrypt",
                                                allow_recovery=True)


def shown(qtbot, dialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def cancel_button(dialog):
    return next(b for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()
                if b.objectName() == "dialogCancel")


CLOSERS = {
    "Esc": lambda qtbot, d: qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape),
    "Cancel": lambda qtbot, d: qtbot.mouseClick(cancel_button(d), Qt.MouseButton.LeftButton),
    "close button": lambda qtbot, d: QApplication.sendEvent(d.windowHandle(), QCloseEvent()),
}


@pytest.mark.parametrize("how", sorted(CLOSERS))
@pytest.mark.parametrize("kind", ["New", "Change", "Check"])
def test_a_passphrase_dialog_closes_at_once_and_forgets(qtbot, db_path, kind, how):
    dialog = make(kind, str(db_path))
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    field = dialog.secret_fields[0]
    assert QApplication.focusWidget() is field
    keys(qtbot, "Zoë secret words")
    assert field.text() == "Zoë secret words"
    asked: list[str] = []
    answer_discard(qtbot, "keepEditingButton", asked)  # would answer, were a question asked
    CLOSERS[how](qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not asked and dialog.result() == QDialog.DialogCode.Rejected
    assert all(not edit.text() for edit in dialog.secret_fields)
