"""Shared by tests/test_ui_encrypt*.py: a keyring in memory (or none), watchers that answer
the modal dialogs of encrypting as a coach does (keys typed into the focused field, Tab,
Enter), and the window on the demo practice with a canary client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from encryption_helpers import PASSPHRASE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import keys, qtbot_wait, when_named  # noqa: F401 (used by the encrypt tests)

from coachdesk import practice_crypto, storage
from coachdesk.services import clients
from ui.context import AppContext
from ui.dialogs.settings_dialog import SettingsDialog
from ui.main_window import MainWindow

CANARY = "Zebulon Canarywood"
NEW_PASSPHRASE = "lantern kettle river Tuesday"





# -- driving modal dialogs ----------------------------------------------------------------


def back_to(qtbot, dialog) -> None:
    """Offscreen, a dialog stays inactive after the "please wait" over it closed."""
    if not dialog.isActiveWindow():
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)


def settled(qtbot, *states: dict) -> None:
    qtbot.waitUntil(lambda: all(s["done"] for s in states)
                    or any(s["error"] is not None for s in states), timeout=30000)
    for state in states:
        if state["error"] is not None:
            raise state["error"]


def type_new_passphrase(qtbot, passphrase: str = PASSPHRASE):
    """In the passphrase dialog: the passphrase, Tab, the same again, Enter."""
    def answer(dialog):
        assert QApplication.focusWidget() is dialog.passphrase_edit
        keys(qtbot, passphrase)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.repeat_edit
        keys(qtbot, passphrase)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    return when_named("newPassphraseDialog", answer)


def keep_recovery_key(qtbot, seen: dict):
    """In the recovery key dialog: read the key shown, tick the box, press Done."""
    def answer(dialog):
        seen["key"] = dialog.key_label.text()
        seen["done_enabled_before"] = dialog.done_button.isEnabled()
        dialog.confirm.setChecked(True)
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    return when_named("recoveryKeyDialog", answer)


def type_passphrase(qtbot, secret: str = PASSPHRASE, name: str = "checkPassphraseDialog"):
    def answer(dialog):
        keys(qtbot, secret)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    return when_named(name, answer)


def header(path: Path) -> bytes:
    return Path(path).read_bytes()[:16]


def opens_with_recovery_key_elsewhere(path: Path, recovery_key: str) -> int:
    """The number of clients a fresh process reads with the recovery key alone."""
    code = ("import sys; from coachdesk import encryption, storage; "
            "from coachdesk.services import clients; p = sys.argv[1]; "
            "encryption.unlock(p, recovery_key=sys.argv[2]); "
            "print(clients.count(storage.open_database(p)))")
    out = subprocess.run([sys.executable, "-c", code, str(path), recovery_key],
                         capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip())


@pytest.fixture
def window(qtbot, demo_db):
    clients.create(demo_db, CANARY)
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.ctx.db.close()


def encrypted_under(window) -> None:
    """The window's practice encrypted by the engine (with ``PASSPHRASE``) and reopened."""
    path = Path(window.ctx.db.path)
    window.ctx.db.close()
    practice_crypto.encrypt_practice(path, PASSPHRASE)
    window.ctx.db = storage.open_database(path)


def open_privacy_tab(qtbot, window) -> SettingsDialog:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Privacy && lock"
    return dialog


def client_names_shown(window) -> list[str]:
    model = window.clients_page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


