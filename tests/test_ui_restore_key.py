"""Restoring a backup of an encrypted practice from the window (coach finding 1 of issue
17): a backup made before a passphrase change opens with the passphrase of now, and no
note is shown; a backup made before a decryption and a new encryption brings back its own
passphrase, and the window says so in a box after the restore."""

from __future__ import annotations

from pathlib import Path

from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401
from ui_helpers import when_modal
from unlock_helpers import no_keyring, press_enter, ready, watch  # noqa: F401

from coachdesk import backups, encryption, practice_crypto, storage
from coachdesk.services import clients
from ui.dialogs.backups_dialog import OLDER_KEY_NOTE, restore_into_app

NEWER = "the passphrase chosen later on"


def encrypt_open_practice(win, passphrase: str) -> Path:
    path = Path(win.ctx.db.path)
    win.ctx.db.close()
    practice_crypto.encrypt_practice(path, passphrase)
    win.ctx.db = storage.open_database(path)
    return path


def opens_with(win, path: Path, passphrase: str) -> bool:
    win.ctx.db.close()
    encryption.forget()
    try:
        encryption.unlock(path, passphrase)
    except encryption.WrongPassphraseError:
        return False
    return True


def test_a_backup_from_before_a_passphrase_change_keeps_the_new_one_and_says_nothing(
        qtbot, win):
    path = encrypt_open_practice(win, PASSPHRASE)
    made = backups.backup_now(path).path
    practice_crypto.change_passphrase(path, NEWER, old=PASSPHRASE)
    shown = when_modal(lambda box: box.reject())

    assert restore_into_app(win.ctx, made, win) is not False

    qtbot.wait(200)
    assert not shown["done"], "a box was shown after the restore"
    assert clients.count(win.ctx.db) == 12
    assert opens_with(win, path, NEWER) and not opens_with(win, path, PASSPHRASE)


def test_a_backup_from_before_a_new_encryption_says_its_passphrase_is_back(qtbot, win):
    path = encrypt_open_practice(win, PASSPHRASE)
    made = backups.backup_now(path).path
    win.ctx.db.close()
    practice_crypto.decrypt_practice(path, passphrase=PASSPHRASE)
    practice_crypto.encrypt_practice(path, NEWER)
    win.ctx.db = storage.open_database(path)
    encryption.unlock(made, PASSPHRASE)  # known here, as after typing it for the restore
    seen = {}

    def read_it(box):
        ready(qtbot, box)
        seen.update(name=box.objectName(), text=box.text())
        press_enter(qtbot)

    state = when_modal(read_it)
    assert restore_into_app(win.ctx, made, win) is not False
    watch(state)
    assert seen == {"name": "restoredKeyNote", "text": OLDER_KEY_NOTE}
    assert "Settings → Privacy & lock" in OLDER_KEY_NOTE
    assert clients.count(win.ctx.db) == 12
    assert opens_with(win, path, PASSPHRASE) and not opens_with(win, path, NEWER)


def test_the_restore_offered_at_start_says_the_backups_passphrase_is_back(
        qtbot, practice_templates, db_path):
    from conftest import copy_practice
    from encrypt_ui_helpers import when_named
    from test_ui_startup import corrupt

    from ui import app as ui_app
    from ui.dialogs import db_problem

    copy_practice(practice_templates["demo"], db_path)
    practice_crypto.encrypt_practice(db_path, PASSPHRASE)
    made = backups.backup_now(db_path).path
    practice_crypto.decrypt_practice(db_path, passphrase=PASSPHRASE)
    encryption.forget()
    encryption.unlock(made, PASSPHRASE)  # its key known here: the restore can offer it
    corrupt(db_path)  # the plain practice is damaged
    note = when_named("restoredKeyNote", lambda box: box.accept())

    db, opened = ui_app.open_practice(db_path, ask=lambda message, backup, **_: db_problem.RESTORE)

    watch(note)
    assert db is not None and clients.count(db) == 12
    db.close()
    assert encryption.is_encrypted(db_path) and encryption.key_path(db_path).exists()
