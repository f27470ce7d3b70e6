"""What the window says about the recovery key and the key file is true (coach findings 4
and 6 of issue 17): a sealed export opens only with its passphrase, not the recovery key;
the key opens the backups made from now on, and after a practice is encrypted again its
older backups still need the earlier key; the key file beside the practice is explained
in Settings → Privacy & lock and on the recovery key sheet and dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from encrypt_ui_helpers import keep_recovery_key, open_privacy_tab, settled, when_named
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401
from PySide6.QtWidgets import QLabel
from test_ui_recovery_key import KEY, pdf_text
from unlock_helpers import no_keyring  # noqa: F401

from coachdesk import backups, practice_crypto, storage
from coachdesk.reports import recovery_key as sheet
from ui import encrypt_flow
from ui.dialogs import practice_seal, settings_privacy
from ui.dialogs.export_seal import RECOVERY_KEY_NOTE
from ui.dialogs.recovery_key import RecoveryKeyDialog

AGAIN = "a passphrase after encrypting again"


def encrypt_open_practice(win, passphrase: str = PASSPHRASE) -> Path:
    path = Path(win.ctx.db.path)
    win.ctx.db.close()
    practice_crypto.encrypt_practice(path, passphrase)
    win.ctx.db = storage.open_database(path)
    return path


def explanation_of(dialog) -> str:
    """What the dialog says under the key (the older-backups line only when it is shown)."""
    older = dialog.findChild(QLabel, "recoveryKeyOlderBackups")
    shown = [older.text()] if older is not None and older.isVisibleTo(dialog) else []
    return "\n\n".join([*shown, dialog.findChild(QLabel, "recoveryKeyExplanation").text()])


# -- Settings → Privacy & lock -------------------------------------------------------------------


def test_privacy_tab_promises_exports_only_to_their_passphrase_and_explains_the_key_file(
        qtbot, win):
    path = encrypt_open_practice(win)
    dialog = open_privacy_tab(qtbot, win)
    tab = dialog.privacy_tab
    state = tab.state.text()
    assert "recovery key" in state and "opens only with the passphrase it was sealed" in state
    assert "exports you seal are unreadable without your passphrase or your recovery key" \
        not in state
    assert tab.key_file.isVisible()
    assert f"{path.name}.key beside {path.name}" in tab.key_file.text()
    assert "copy both files" in tab.key_file.text()


def test_privacy_tab_of_a_plain_practice_mentions_no_key_file(qtbot, win):
    dialog = open_privacy_tab(qtbot, win)
    assert not dialog.privacy_tab.key_file.isVisible()
    assert dialog.privacy_tab.state.text() == settings_privacy.PLAIN_TEXT


# -- the export of an encrypted practice ----------------------------------------------------------


def test_sealing_an_export_says_the_recovery_key_does_not_open_it(qtbot, win):
    encrypt_open_practice(win)
    dialog = practice_seal.seal_dialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.note.isVisible() and dialog.note.text() == RECOVERY_KEY_NOTE
    assert "recovery key does not open exports" in RECOVERY_KEY_NOTE
    dialog.plain_choice.setChecked(True)  # a plain file: its own warning instead
    assert "not encrypted" in dialog.note.text()


# -- the recovery key: sheet and dialog -----------------------------------------------------------


@pytest.mark.parametrize("older", [False, True])
def test_the_sheet_says_from_now_on_and_what_the_key_file_is(older):
    text = " ".join(pdf_text(sheet.recovery_pdf_bytes(
        KEY, "coachdesk.db", date(2026, 11, 30), older_backups=older)).split())
    assert "every backup of it made from now on" in text
    assert "The key file is coachdesk.db.key" in text and "copy both files" in text
    assert ("keep your earlier recovery key too" in text) is older


@pytest.mark.parametrize("older", [False, True])
def test_the_dialog_says_from_now_on_and_what_the_key_file_is(qtbot, older):
    dialog = RecoveryKeyDialog(KEY, "mine.db", day=date(2026, 11, 30), older_backups=older)
    qtbot.addWidget(dialog)
    text = explanation_of(dialog)
    assert "made from now on" in text and "mine.db.key" in text and "copy it with mine.db" in text
    assert (sheet.OLDER_BACKUPS in text) is older


def recovery_dialog_text_when_encrypting(qtbot, win, passphrase: str) -> str:
    seen: dict = {}

    def read(dialog):
        seen["text"] = explanation_of(dialog)
        seen["older"] = dialog.older_backups

    reading = when_named("recoveryKeyDialog", read)
    keeping = keep_recovery_key(qtbot, {})
    assert encrypt_flow.encrypt_open_practice(win.ctx, win, passphrase)
    settled(qtbot, reading, keeping)
    return seen["text"]


def test_encrypting_again_says_older_backups_keep_the_earlier_key(qtbot, win):
    assert sheet.OLDER_BACKUPS not in recovery_dialog_text_when_encrypting(qtbot, win,
                                                                           PASSPHRASE)
    path = Path(win.ctx.db.path)
    backups.backup_now(path)  # sealed with this first key
    win.ctx.db.close()
    practice_crypto.decrypt_practice(path, passphrase=PASSPHRASE)
    win.ctx.db = storage.open_database(path)

    assert sheet.OLDER_BACKUPS in recovery_dialog_text_when_encrypting(qtbot, win, AGAIN)
