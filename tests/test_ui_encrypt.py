"""Choosing encryption in the window (issue 17): the passphrase dialog typed through with
the keyboard, Settings → Privacy & lock encrypting the open practice and back, changing the
passphrase, a failed conversion, the first start's "Protect this practice", the keyring
box, and that no passphrase reaches a log.

Dialogs are driven as a coach drives them: keys typed into ``QApplication.focusWidget()``,
Tab and Enter; each modal one is answered by a watcher waiting for its object name."""

from __future__ import annotations

import errno
import logging
from pathlib import Path

import pytest
from encrypt_ui_helpers import (  # noqa: F401 (fixtures)
    CANARY,
    NEW_PASSPHRASE,
    back_to,
    client_names_shown,
    encrypted_under,
    header,
    keep_recovery_key,
    open_privacy_tab,
    opens_with_recovery_key_elsewhere,
    settled,
    type_new_passphrase,
    type_passphrase,
    when_named,
    window,
)
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from ui_helpers import keys

from coachdesk import backups, encryption, passphrase_keyring, practice_crypto, storage
from coachdesk.errors import StorageError
from coachdesk.services import clients
from ui import encrypt_flow
from ui.dialogs import settings_privacy
from ui.dialogs.new_passphrase import MISMATCH, TOO_SHORT, NewPassphraseDialog

# -- the passphrase dialog ----------------------------------------------------------------


def test_the_passphrase_dialog_explains_refuses_short_and_different_and_forgets(
        qtbot, no_keyring):  # noqa: F811
    dialog = NewPassphraseDialog("coachdesk.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    words = " ".join(lab.text() for lab in dialog.findChildren(QLabel))
    assert "If you lose both your passphrase and this recovery key, nobody can open" in words
    assert "backups" in words and "At least 10 characters" in words
    assert dialog.passphrase_edit.echoMode() == dialog.passphrase_edit.EchoMode.Password
    assert dialog.remember_box is None  # no keyring on this computer: not offered

    keys(qtbot, "short")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    keys(qtbot, "short")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.errors["passphrase"].text() == TOO_SHORT
    assert QApplication.focusWidget() is dialog.passphrase_edit

    keys(qtbot, " and longer now")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    keys(qtbot, "short and longer")  # Tab selected "short": typed over, ≠ the first
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.errors["repeat"].text() == MISMATCH
    assert QApplication.focusWidget() is dialog.repeat_edit
    assert dialog.repeat_edit.text() == ""  # emptied, to be typed again

    # Show what I type: both fields readable; then typed right
    dialog.show_box.setChecked(True)
    assert dialog.repeat_edit.echoMode() == dialog.repeat_edit.EchoMode.Normal
    dialog.repeat_edit.setFocus()
    keys(qtbot, "short and longer now")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible(), [e.text() for e in dialog.errors.values()]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.passphrase_edit.text() == "" and dialog.repeat_edit.text() == ""
    assert dialog.take_passphrase() == "short and longer now"
    assert dialog.take_passphrase() is None  # given once


def test_remember_is_offered_only_with_a_keyring(qtbot, memory_keyring):  # noqa: F811
    dialog = NewPassphraseDialog("coachdesk.db")
    qtbot.addWidget(dialog)
    assert dialog.remember_box is not None and not dialog.remember_box.isChecked()


# -- Settings → Encrypt, and back ---------------------------------------------------------


def test_settings_encrypts_the_open_practice_shows_the_key_and_decrypts_it_back(
        qtbot, window, caplog, no_keyring):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    path = Path(window.ctx.db.path)
    before = clients.count(window.ctx.db)
    dialog = open_privacy_tab(qtbot, window)
    tab = dialog.privacy_tab
    assert "not encrypted" in tab.state.text()
    assert tab.encrypt_button.isVisible() and not tab.decrypt_button.isVisible()
    assert not tab.change_button.isVisible() and not tab.remember.isVisible()

    seen: dict = {}
    steps = [type_new_passphrase(qtbot), keep_recovery_key(qtbot, seen)]
    qtbot.mouseClick(tab.encrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)

    # On disk: no SQLite header, no canary; a safety copy, encrypted too
    assert header(path) != encryption.SQLITE_HEADER
    assert CANARY.encode() not in path.read_bytes()
    assert encryption.key_path(path).exists()
    safety = [b for b in backups.backup_files(path) if b.kind == backups.BEFORE_ENCRYPTION]
    assert safety and all(encryption.is_encrypted(b.path) for b in safety)
    # The window works on, on the encrypted file
    assert encryption.is_encrypted(window.ctx.db.path)
    assert clients.count(window.ctx.db) == before
    qtbot.waitUntil(lambda: CANARY in client_names_shown(window))
    assert "This practice is encrypted" in tab.state.text()
    assert tab.decrypt_button.isVisible() and tab.change_button.isVisible()
    # The key shown, once, opens the practice in a fresh process
    assert seen["done_enabled_before"] is False
    key = "-".join(seen["key"].split())
    assert len(key.split("-")) == 11
    assert opens_with_recovery_key_elsewhere(path, key) == before

    # Decrypt: warned, the passphrase asked, then plain again with every client
    warned: list[str] = []

    def agree(box):
        warned.append(box.informativeText())
        box.findChild(type(box.defaultButton()), "decryptYes").click()
    steps = [when_named("decryptQuestion", agree), type_passphrase(qtbot)]
    qtbot.mouseClick(tab.decrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)
    qtbot.waitUntil(lambda: header(path) == encryption.SQLITE_HEADER, timeout=30000)
    assert "readable" in warned[0] or "read by anyone" in warned[0]
    assert not encryption.key_path(path).exists()
    assert clients.count(window.ctx.db) == before
    assert "not encrypted" in tab.state.text()
    qtbot.waitUntil(lambda: CANARY in client_names_shown(window))
    assert PASSPHRASE not in caplog.text and key not in caplog.text


def test_remembered_when_encrypting_and_forgotten_after_decrypting_with_the_recovery_key(
        qtbot, window, memory_keyring):  # noqa: F811
    path = Path(window.ctx.db.path)
    dialog = open_privacy_tab(qtbot, window)

    def choose(d):
        assert d.remember_box is not None
        d.remember_box.setChecked(True)
        d.passphrase_edit.setFocus()
        keys(qtbot, PASSPHRASE)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        keys(qtbot, PASSPHRASE)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    seen: dict = {}
    steps = [when_named("newPassphraseDialog", choose), keep_recovery_key(qtbot, seen)]
    qtbot.mouseClick(dialog.privacy_tab.encrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)
    assert encryption.is_encrypted(path)
    assert passphrase_keyring.remembered_key(path) == encryption.key_for(path)
    assert PASSPHRASE not in str(memory_keyring.kept)  # the key, never the passphrase
    assert dialog.privacy_tab.remember.isChecked()

    typed = seen["key"].lower().replace("\n", " ")  # as a coach might type it from paper
    steps = [when_named("decryptQuestion", lambda b: b.findChild(
        type(b.defaultButton()), "decryptYes").click()), type_passphrase(qtbot, typed)]
    qtbot.mouseClick(dialog.privacy_tab.decrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)
    qtbot.waitUntil(lambda: header(path) == encryption.SQLITE_HEADER, timeout=30000)
    assert not passphrase_keyring.is_remembered(path)
    assert not dialog.privacy_tab.remember.isVisible()
    assert CANARY in [r.name for r in clients.list_rows(window.ctx.db)]


def test_a_wrong_passphrase_before_decrypting_is_said_under_the_field(
        qtbot, window, cheap_keys, no_keyring):  # noqa: F811
    path = Path(window.ctx.db.path)
    encrypted_under(window)
    dialog = open_privacy_tab(qtbot, window)
    said: dict = {}

    def wrong_then_cancel(d):
        keys(qtbot, "not my passphrase")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(d.errors["secret"].text()), timeout=10000)
        said["text"] = d.errors["secret"].text()
        d.reject()
    steps = [when_named("decryptQuestion", lambda b: b.findChild(
        type(b.defaultButton()), "decryptYes").click()),
        when_named("checkPassphraseDialog", wrong_then_cancel)]
    qtbot.mouseClick(dialog.privacy_tab.decrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, *steps)
    assert "does not open this practice" in said["text"]
    assert encryption.WRONG_DELAY in cheap_keys  # the short wait, made
    assert encryption.is_encrypted(path) and clients.count(window.ctx.db) > 0


# -- change passphrase ---------------------------------------------------------------------


def test_change_passphrase_wrong_current_then_right_old_fails_new_works(
        qtbot, window, cheap_keys, memory_keyring):  # noqa: F811
    path = Path(window.ctx.db.path)
    encrypted_under(window)
    key = encryption.key_for(path)
    passphrase_keyring.save(path, key)
    dialog = open_privacy_tab(qtbot, window)
    assert dialog.privacy_tab.remember.isVisible() and dialog.privacy_tab.remember.isChecked()
    said: dict = {}

    def change(d):
        keys(qtbot, "wrong current one")
        for typed in (NEW_PASSPHRASE, NEW_PASSPHRASE):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            keys(qtbot, typed)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(d.errors["current"].text()), timeout=10000)
        said["wrong"] = d.errors["current"].text()
        back_to(qtbot, d)
        assert QApplication.focusWidget() is d.current_edit
        d.current_edit.clear()
        keys(qtbot, PASSPHRASE)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    step = when_named("changePassphraseDialog", change)

    def changed(box):
        said["changed"] = box.text()
        box.accept()
    told = when_named("passphraseChangedBox", changed)
    qtbot.mouseClick(dialog.privacy_tab.change_button, Qt.MouseButton.LeftButton)
    settled(qtbot, step, told)
    assert "not the current passphrase" in said["wrong"]
    assert said["changed"] == encrypt_flow.PASSPHRASE_CHANGED  # in a box, not only the bar
    encryption.forget()
    with pytest.raises(encryption.WrongPassphraseError):
        encryption.unlock(path, PASSPHRASE)
    encryption.unlock(path, NEW_PASSPHRASE)
    encryption.forget()  # the key kept in the keyring is the same: it still opens it
    assert passphrase_keyring.remembered_key(path) == key
    assert passphrase_keyring.unlock_remembered(path) == passphrase_keyring.UNLOCKED


# -- a conversion that fails -----------------------------------------------------------------


@pytest.mark.parametrize("fault", ["refused", "disk full", "held by another program"])
def test_a_failed_encryption_says_so_plainly_and_the_practice_stays_open(
        qtbot, window, monkeypatch, fault, no_keyring):  # noqa: F811
    import sqlite3

    path = Path(window.ctx.db.path)
    real = practice_crypto.encrypt_practice
    other = None
    if fault == "held by another program":  # the real engine meets a second program's lock
        monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 300)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

    def failing(p, passphrase):
        if other is not None:
            return real(p, passphrase)
        if fault == "refused":
            raise StorageError("Another program is using the practice file, so nothing was "
                               "changed. Close it and try again.")
        backups.backup_now(p, kind=backups.BEFORE_ENCRYPTION, rotate=False)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(practice_crypto, "encrypt_practice", failing)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: told.append(text)))
    dialog = open_privacy_tab(qtbot, window)
    step = type_new_passphrase(qtbot)
    qtbot.mouseClick(dialog.privacy_tab.encrypt_button, Qt.MouseButton.LeftButton)
    settled(qtbot, step)
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    text = told[0]
    assert "nothing in it was lost" in text
    assert "Errno" not in text and "Error" not in text and "Traceback" not in text
    if fault == "disk full":
        assert "No space left on device" in text
    if other is not None:
        assert "Another program is using the practice file" in text
        other.rollback()
        other.close()
    assert PASSPHRASE not in text
    # Still open, plain, and writable
    assert header(path) == encryption.SQLITE_HEADER
    clients.create(window.ctx.db, "Written after the failure")
    assert any(r.name == "Written after the failure" for r in clients.list_rows(window.ctx.db))
    assert "not encrypted" in dialog.privacy_tab.state.text()
    monkeypatch.setattr(practice_crypto, "encrypt_practice", real)


# -- the keyring box ---------------------------------------------------------------------------


def test_remember_in_the_keyring_checks_the_passphrase_and_unticking_forgets(
        qtbot, window, cheap_keys, memory_keyring, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    path = Path(window.ctx.db.path)
    encrypted_under(window)
    dialog = open_privacy_tab(qtbot, window)
    box = dialog.privacy_tab.remember
    assert box.isVisible() and not box.isChecked()

    said: dict = {}

    def wrong_then_right(d):
        keys(qtbot, "wrong passphrase here")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(d.errors["secret"].text()), timeout=10000)
        said["wrong"] = d.errors["secret"].text()
        back_to(qtbot, d)
        assert QApplication.focusWidget() is d.secret_edit
        d.secret_edit.clear()
        keys(qtbot, PASSPHRASE)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    step = when_named("checkPassphraseDialog", wrong_then_right)
    box.click()
    settled(qtbot, step)
    assert "does not open" in said["wrong"]
    assert passphrase_keyring.remembered_key(path) == encryption.key_for(path)
    assert PASSPHRASE not in str(memory_keyring.kept) and box.isChecked()
    # acted at once: nothing for Cancel to "discard", and the words say it opens by itself
    assert not dialog.is_changed()
    assert settings_privacy.REMEMBERED_TEXT in dialog.privacy_tab.state.text()

    box.click()  # untick: forgotten at once
    assert not passphrase_keyring.is_remembered(path) and not box.isChecked()
    assert not dialog.is_changed()
    assert settings_privacy.REMEMBERED_TEXT not in dialog.privacy_tab.state.text()

    step = when_named("checkPassphraseDialog", lambda d: d.reject())
    box.click()  # ticked, then cancelled: not remembered, not ticked
    settled(qtbot, step)
    assert not passphrase_keyring.is_remembered(path) and not box.isChecked()
    assert PASSPHRASE not in caplog.text
    back_to(qtbot, dialog)
    assert QApplication.focusWidget() is not None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # no "Discard…?" question
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def test_the_lock_delay_is_saved_with_settings(qtbot, window, no_keyring):  # noqa: F811
    from coachdesk.services import settings as settings_service

    dialog = open_privacy_tab(qtbot, window)
    heard: list[int] = []
    window.ctx.data_changed.connect(
        lambda what: heard.append(settings_service.lock_minutes(window.ctx.db))
        if what == "settings" else None)
    spin = dialog.privacy_tab.lock_minutes
    assert spin.value() == 10
    spin.setValue(0)
    assert spin.text() == "Never"  # finding 9: "Never" for 0, "1 minute idle"
    spin.setValue(25)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert settings_service.lock_minutes(window.ctx.db) == 25
    assert heard and heard[-1] == 25  # the lock hears the delay just saved


# -- nothing typed is lost ---------------------------------------------------------------------


def test_notes_typed_just_before_encrypting_are_in_the_encrypted_practice(
        qtbot, window, no_keyring):  # noqa: F811
    from coachdesk.services import sessions
    from ui import encrypt_flow

    jose = next(r.id for r in clients.list_rows(window.ctx.db) if r.name.startswith("José"))
    session = [s for s in sessions.list_for_client(window.ctx.db, jose)
               if s.status.value == "held"][-1]
    window.open_session(session.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    notes = window.session_page.private_notes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    keys(qtbot, " typed just before encrypting")  # not saved yet: the save waits ~0.5 s
    steps = [type_new_passphrase(qtbot), keep_recovery_key(qtbot, {})]
    QTimer.singleShot(0, lambda: encrypt_flow.ask_and_encrypt(window.ctx, window))
    settled(qtbot, *steps)
    qtbot.waitUntil(lambda: encryption.is_encrypted(window.ctx.db.path), timeout=30000)
    saved = sessions.get(window.ctx.db, session.id).private_notes
    assert saved.endswith(" typed just before encrypting")
    assert b"typed just before encrypting" not in Path(window.ctx.db.path).read_bytes()
    # Typing goes on, into the encrypted practice
    back_to(qtbot, window)
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    keys(qtbot, " and after")
    window.session_page.saver.flush()
    assert sessions.get(window.ctx.db, session.id).private_notes.endswith(" and after")
