"""The new passphrase offered after the recovery key opened a practice (coach finding 3 of
issue 17) follows the rule of every new passphrase (``coachdesk.passphrase_rules``): at
least ``MIN_LENGTH`` characters with the hint saying why, typed twice, "Show what I type"."""

from __future__ import annotations

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from ui_helpers import keys
from unlock_helpers import no_keyring, press, press_enter, show  # noqa: F401

from coachdesk import encryption, passphrase_rules
from ui.dialogs import new_passphrase
from ui.dialogs.unlock import UnlockDialog

LONG_ENOUGH = "kettle river tuesday"


@pytest.fixture
def recovered(qtbot, practice_templates, db_path):
    """The unlock dialog on its new-passphrase page: the key file was lost and the
    recovery key typed."""
    recovery = encrypted_copy(practice_templates["new"], db_path)
    encryption.key_path(db_path).unlink()
    encryption.forget()
    dialog = show(qtbot, UnlockDialog(db_path, key_file_missing=True))
    keys(qtbot, recovery)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: dialog.new_field.hasFocus(), timeout=10_000)
    return dialog, db_path


def test_a_short_new_passphrase_is_refused_with_the_reason(qtbot, recovered):
    dialog, path = recovered
    hint = dialog.findChild(QWidget, "unlockNewPassphraseHint")
    assert hint is not None and hint.isVisible()
    assert hint.text() == passphrase_rules.LENGTH_HINT
    keys(qtbot, "abc")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.again_field
    keys(qtbot, "abc")
    press_enter(qtbot)
    assert dialog.status.text() == passphrase_rules.TOO_SHORT and dialog.is_error_shown()
    assert dialog.page_index() == 1 and dialog.isVisible()
    assert dialog.new_field.hasFocus() and dialog.again_field.text() == ""
    qtbot.wait(100)
    assert not encryption.key_path(path).exists(), "a too short passphrase was saved"


def test_a_long_enough_new_passphrase_is_saved_and_opens_it_next_time(qtbot, recovered):
    dialog, path = recovered
    keys(qtbot, LONG_ENOUGH)
    press(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, LONG_ENOUGH)
    press_enter(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.new_field.text() == dialog.again_field.text() == ""
    encryption.forget()
    encryption.unlock(path, LONG_ENOUGH)


def test_show_what_i_type_shows_both_new_fields(qtbot, recovered):
    dialog, _ = recovered
    box = dialog.pages[1].show_box
    assert box.isVisible() and box.text().replace("&", "") == "Show what I type"
    press(qtbot, Qt.Key.Key_Tab)  # to the second field
    press(qtbot, Qt.Key.Key_Tab)  # to the box
    assert QApplication.focusWidget() is box
    press(qtbot, Qt.Key.Key_Space)
    assert {f.echoMode() for f in (dialog.new_field, dialog.again_field)} == {
        QLineEdit.EchoMode.Normal}
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.new_field.echoMode() == QLineEdit.EchoMode.Password


def test_one_rule_for_every_new_passphrase():
    assert new_passphrase.MIN_LENGTH == passphrase_rules.MIN_LENGTH == 10
    assert new_passphrase.check_new is passphrase_rules.check_new_passphrase
    assert new_passphrase.TOO_SHORT == passphrase_rules.TOO_SHORT
