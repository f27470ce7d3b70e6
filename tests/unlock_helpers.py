"""Shared by tests/test_ui_unlock*.py: a keyring in memory, a locked encrypted practice,
and the keys a coach presses in the unlock dialog."""

from __future__ import annotations

import keyring
import keyring.backend
import pytest
from keyring_helpers import MemoryKeyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.dialogs.unlock import UnlockDialog


@pytest.fixture(autouse=True)
def no_keyring():
    """No keyring unless a test installs one (``use_keyring``), whatever this machine has."""
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def use_keyring(refuse: bool = False) -> MemoryKeyring:
    """A keyring in memory for this test (``no_keyring`` puts the one before back)."""
    ring = MemoryKeyring(refuse)
    keyring.set_keyring(ring)
    return ring


def never_asked(*_args, **_kwargs):
    raise AssertionError("the coach was asked")


def no_problem(message, backup, **_options):
    raise AssertionError(f"a start-up problem was shown: {message}")


def ready(qtbot, dialog) -> None:
    """The dialog is the active window, the cursor in its field (as at a real start)."""
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def focused_field(dialog) -> QLineEdit:
    field = QApplication.focusWidget()
    assert field is dialog.field, f"the cursor is in {field and field.objectName()}"
    return field


def press(qtbot, key) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    qtbot.keyClick(widget, key)


def press_enter(qtbot) -> None:
    press(qtbot, Qt.Key.Key_Return)


def show(qtbot, dialog: UnlockDialog) -> UnlockDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(dialog.field.hasFocus)
    return dialog


def visible_names(window) -> list[str]:
    proxy = window.clients_page.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def watch(state) -> None:
    assert state["done"], "no unlock dialog was shown"
    if state["error"] is not None:
        raise state["error"]
