"""Settings never keep a mail login that would cross the network unencrypted (issue 12, item 16)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_helpers import type_text

from coachdesk import mail
from ui.context import AppContext

SECRET = "pw-UI-CANARY-16-a41f"




@pytest.fixture
def dialog(qtbot, demo_db, memory_keyring):
    from ui.dialogs.settings_dialog import SettingsDialog

    d = SettingsDialog(AppContext(demo_db))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.tabs.setCurrentIndex(1)
    return d


def fill(qtbot, d, server: str, security: str) -> None:
    qtbot.keyClicks(d.smtp_server, server)
    d.smtp_security.setCurrentIndex(d.smtp_security.findData(security))
    qtbot.keyClicks(d.smtp_user, "anne@example.org")
    type_text(d.smtp_password, SECRET)
    qtbot.keyClicks(d.smtp_sender, "Anne <anne@example.org>")


def test_a_login_with_security_none_is_explained_at_once_and_not_saved(qtbot, dialog, demo_db,
                                                                        memory_keyring):
    warning = dialog.errors["security"]
    fill(qtbot, dialog, "smtp.example.org", "none")
    assert warning.isVisible() and warning.text() == mail.PLAIN_LOGIN_REFUSED
    assert warning.textFormat() == Qt.TextFormat.PlainText
    assert "encrypted connection (SSL/TLS or STARTTLS)" in warning.text()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.isVisible()
    assert warning.isVisible() and warning.text() == mail.PLAIN_LOGIN_REFUSED
    assert mail.get_smtp_settings(demo_db) == mail.SmtpSettings(), "nothing saved"
    assert memory_keyring.store == {}, "the password was not kept either"

    # choosing an encrypted connection takes the sentence away, and then it saves
    dialog.smtp_security.setCurrentIndex(dialog.smtp_security.findData("starttls"))
    assert not warning.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = mail.get_smtp_settings(demo_db)
    assert (saved.server, saved.security, saved.user) == ("smtp.example.org", "starttls",
                                                          "anne@example.org")
    assert memory_keyring.store == {("CoachDesk SMTP", "anne@example.org"): SECRET}


def test_emptying_the_user_name_takes_the_warning_away(qtbot, dialog):
    fill(qtbot, dialog, "smtp.example.org", "none")
    assert dialog.errors["security"].isVisible()
    dialog.smtp_user.clear()
    assert not dialog.errors["security"].isVisible()


def test_a_relay_on_this_computer_may_be_used_without_encryption(qtbot, dialog, demo_db):
    fill(qtbot, dialog, "localhost", "none")
    assert not dialog.errors["security"].isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = mail.get_smtp_settings(demo_db)
    assert (saved.server, saved.security, saved.user) == ("localhost", "none", "anne@example.org")
