"""Unlocking an encrypted practice from the open window (issue 17): File → Open asks with
the unlock dialog (Cancel keeps the current practice; a remembered key opens it without
the dialog or scrypt; an older remembered passphrase is checked in the dialog and replaced
by the key, a wrong one forgotten), and restoring a backup whose key is not known here asks
for its passphrase first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_practice
from encrypt_ui_helpers import when_named
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from PySide6.QtCore import Qt
from ui_helpers import keys, when_modal
from unlock_helpers import (  # noqa: F401 - fixtures
    focused_field,
    never_asked,
    no_keyring,
    press,
    press_enter,
    ready,
    use_keyring,
    visible_names,
    watch,
)

from coachdesk import encryption, passphrase_keyring, practice_crypto, storage
from coachdesk.services import clients
from ui import app as ui_app
from ui.dialogs import unlock as unlock_dialog

# -- File → Open ---------------------------------------------------------------------------------


@pytest.fixture
def other_locked(practice_templates, tmp_path) -> Path:
    """Another practice, encrypted, with one client of its own."""
    other = copy_practice(practice_templates["new"], tmp_path / "other" / "second.db")
    db = storage.open_database(other)
    clients.create(db, "Wilhelmina Quorrtz")
    db.close()
    practice_crypto.encrypt_practice(other, PASSPHRASE)
    encryption.forget()
    return other


def test_file_open_asks_and_cancel_keeps_the_current_practice(qtbot, win, other_locked):
    current = win.ctx.db.path
    state = when_modal(lambda dialog: ready(qtbot, dialog) or press(qtbot, Qt.Key.Key_Escape))
    assert not win.switch_practice(other_locked)
    watch(state)
    assert win.ctx.db.path == current and clients.count(win.ctx.db) == 12
    again = ui_app.InstanceLock(other_locked)
    assert again.acquire(), "the lock of the practice not opened was kept"
    again.release()


def test_file_open_of_an_encrypted_practice_opens_it_with_its_passphrase(qtbot, win, other_locked):
    old_path = win.ctx.db.path

    def type_it(dialog):
        ready(qtbot, dialog)
        assert dialog.cancel.text() == "Cancel"
        focused_field(dialog)
        keys(qtbot, PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_it)
    assert win.switch_practice(other_locked)
    watch(state)
    assert Path(win.ctx.db.path) == other_locked.resolve()
    qtbot.waitUntil(lambda: visible_names(win) == ["Wilhelmina Quorrtz"])
    assert encryption.key_for(old_path) is None  # the plain practice left behind


def test_file_open_with_a_remembered_key_opens_it_without_the_dialog_or_scrypt(
        qtbot, win, other_locked, monkeypatch):
    use_keyring()
    encryption.unlock(other_locked, PASSPHRASE)
    passphrase_keyring.save(other_locked.resolve(), encryption.key_for(other_locked))
    encryption.forget(other_locked)

    def refuse(*_args, **_kwargs):
        raise AssertionError("scrypt ran")

    monkeypatch.setattr(encryption, "_kek", refuse)
    monkeypatch.setattr(unlock_dialog, "ask_to_unlock", never_asked)
    assert win.switch_practice(other_locked)
    qtbot.waitUntil(lambda: visible_names(win) == ["Wilhelmina Quorrtz"])


def test_file_open_with_an_older_remembered_passphrase_checks_it_in_the_dialog(
        qtbot, win, other_locked):
    ring = use_keyring()
    user = passphrase_keyring._user(other_locked)
    ring.set_password(passphrase_keyring.SERVICE, user, PASSPHRASE)
    assert win.switch_practice(other_locked)  # the dialog closes itself once it opens
    qtbot.waitUntil(lambda: visible_names(win) == ["Wilhelmina Quorrtz"])
    assert ring.kept[(passphrase_keyring.SERVICE, user)] == (
        passphrase_keyring.PREFIX + encryption.key_for(other_locked).hex())  # replaced


def test_file_open_with_a_wrong_remembered_passphrase_forgets_it_and_asks(qtbot, win, other_locked):
    ring = use_keyring()
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(other_locked),
                      "the passphrase before it was changed")  # an older CoachDesk's entry
    seen = {}

    def type_it(dialog):
        ready(qtbot, dialog)
        qtbot.waitUntil(lambda: "no longer opens" in dialog.status.text())
        seen["error"] = dialog.is_error_shown()
        seen["kept"] = dict(ring.kept)
        focused_field(dialog)
        keys(qtbot, PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_it)
    assert win.switch_practice(other_locked)
    watch(state)
    assert seen == {"error": False, "kept": {}}
    qtbot.waitUntil(lambda: visible_names(win) == ["Wilhelmina Quorrtz"])


# -- restoring an encrypted backup whose key this CoachDesk does not know ------------------------


@pytest.fixture
def locked_backup(practice_templates, tmp_path) -> Path:
    """An encrypted copy of the demo practice kept elsewhere (e.g. from before a decryption)."""
    backup = tmp_path / "usb" / "coachdesk-2026-01-05-1800-manual.db"
    encrypted_copy(practice_templates["demo"], backup)
    encryption.forget()
    return backup


def test_restoring_a_locked_backup_asks_for_its_passphrase_first(qtbot, win, locked_backup):
    from ui.dialogs.backups_dialog import restore_into_app

    def type_it(dialog):
        ready(qtbot, dialog)
        assert dialog.cancel.text() == "Cancel"
        keys(qtbot, PASSPHRASE)
        press_enter(qtbot)

    state = when_modal(type_it)
    # after the restore: the backup's passphrase is the practice's now, said in a box
    note = when_named("restoredKeyNote", lambda box: box.accept())
    kept = restore_into_app(win.ctx, locked_backup, win)
    watch(state)
    watch(note)
    assert kept is not False
    assert encryption.is_encrypted(win.ctx.db.path)
    assert encryption.key_path(win.ctx.db.path).exists()
    assert clients.count(win.ctx.db) == 12


def test_cancelling_the_passphrase_of_a_backup_restores_nothing(qtbot, win, locked_backup):
    from ui.dialogs.backups_dialog import restore_into_app

    practice = Path(win.ctx.db.path)
    db_before = win.ctx.db
    state = when_modal(lambda dialog: ready(qtbot, dialog) or press(qtbot, Qt.Key.Key_Escape))
    assert restore_into_app(win.ctx, locked_backup, win) is False
    watch(state)
    assert win.ctx.db is db_before and not encryption.is_encrypted(practice)
    assert not encryption.key_path(practice).exists()
