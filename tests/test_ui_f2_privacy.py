"""Settings → Privacy & lock, the idle-lock delay (coach finding 9): greyed with its reason
on a plain practice (which never locks), in use on an encrypted one, and said in words
with the right singular or plural ("1 minute idle", "Never" for 0)."""

from __future__ import annotations

from encrypt_ui_helpers import (  # noqa: F401 (fixtures)
    encrypted_under,
    open_privacy_tab,
    window,
)
from encryption_helpers import cheap_keys  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import keys

from coachdesk.services import settings as settings_service
from ui.dialogs.settings_privacy import LOCK_NEEDS_PASSPHRASE, minutes_words


def test_minutes_are_said_in_words():
    assert minutes_words(0) == "Never"
    assert minutes_words(1) == "1 minute idle"
    assert minutes_words(10) == "10 minutes idle"


def test_a_plain_practice_shows_the_lock_delay_greyed_with_its_reason(
        qtbot, window, no_keyring):  # noqa: F811
    dialog = open_privacy_tab(qtbot, window)
    tab = dialog.privacy_tab
    assert not tab.lock_minutes.isEnabled()
    assert tab.lock_needs.isVisible() and tab.lock_needs.text() == LOCK_NEEDS_PASSPHRASE
    dialog.grab().save("/tmp/wip-f2-privacy-plain.png")


def test_an_encrypted_practice_takes_the_delay_typed(
        qtbot, window, no_keyring, cheap_keys):  # noqa: F811
    encrypted_under(window)
    dialog = open_privacy_tab(qtbot, window)
    tab = dialog.privacy_tab
    assert tab.lock_minutes.isEnabled() and not tab.lock_needs.isVisible()
    tab.lock_minutes.setValue(1)
    assert tab.lock_minutes.text() == "1 minute idle"
    tab.lock_minutes.setValue(0)
    assert tab.lock_minutes.text() == "Never"
    tab.lock_minutes.setFocus()
    qtbot.waitUntil(tab.lock_minutes.hasFocus)
    tab.lock_minutes.selectAll()
    keys(qtbot, "25")
    assert tab.lock_minutes.value() == 25
    dialog.grab().save("/tmp/wip-f2-privacy-encrypted.png")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter saves Settings
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert settings_service.lock_minutes(window.ctx.db) == 25
