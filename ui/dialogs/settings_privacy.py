"""Settings, tab "Privacy & lock": whether the practice is encrypted, said in words, with
the actions that apply (Encrypt this practice…, Change passphrase…, Decrypt this
practice…), "Remember on this computer" (only where the system has a keyring; the
practice's key is kept there, not the passphrase), and how many idle minutes before the window locks.

The encryption actions and the keyring box act at once (each asks for the passphrase in
its own dialog, ``ui.encrypt_flow``); Cancel on Settings does not undo them. The idle-lock
delay is saved with the other settings on Save (``settings_service.set_lock_minutes``);
whoever runs the lock reads it again on ``ctx.notify("settings")``.

``add_tab(dialog)`` is the one line ``SettingsDialog`` calls, as for the business tab.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from coachdesk import encryption, passphrase_keyring
from coachdesk.services import settings as settings_service

from .. import encrypt_flow
from ..widgets.fields import name_widget

LOCK_NEEDS_PASSPHRASE = "Locking needs a passphrase: encrypt this practice first."


def minutes_words(minutes: int) -> str:
    """The idle delay in words: "Never" (0), "1 minute idle", "10 minutes idle"."""
    if minutes <= 0:
        return "Never"
    return f"{minutes} minute idle" if minutes == 1 else f"{minutes} minutes idle"


class MinutesBox(QSpinBox):
    """Whole minutes, said with the right singular or plural ("1 minute idle"), 0 = Never.
    Typing a number (with or without the words) sets it."""

    def textFromValue(self, value: int) -> str:  # noqa: N802 (Qt name)
        return minutes_words(value)

    def valueFromText(self, text: str) -> int:  # noqa: N802 (Qt name)
        digits = re.search(r"\d+", text)
        return int(digits.group()) if digits else 0

    def validate(self, text: str, pos: int):
        digits = re.search(r"\d+", text)
        if text.strip().lower() in ("never", "") or (digits and int(digits.group()) == 0):
            state = QValidator.State.Acceptable if text.strip() else QValidator.State.Intermediate
        elif digits and self.minimum() <= int(digits.group()) <= self.maximum():
            state = QValidator.State.Acceptable
        elif "never".startswith(text.strip().lower()):
            state = QValidator.State.Intermediate
        else:
            state = QValidator.State.Invalid
        return state, text, pos


ENCRYPTED_TEXT = ("This practice is encrypted: the file and its backups open only with your "
                  "passphrase or your recovery key. An export you seal opens only with the "
                  "passphrase it was sealed with.")


REMEMBERED_TEXT = ("On this computer it also opens without asking while “Remember on this "
                   "computer” is ticked.")


def key_file_text(path: Path) -> str:
    """Where the key of the encrypted practice at ``path`` lives, and what to copy."""
    return (f"CoachDesk keeps the key of this practice in {encryption.key_path(path).name} "
            f"beside {path.name}: when you copy the practice by hand, copy both files. "
            "File → Export the whole practice… makes one sealed file instead, which opens "
            "with your passphrase.")
PLAIN_TEXT = ("This practice is not encrypted: anyone with the file (or a backup of it) can "
              "read it.")


class PrivacyTab:
    """The widgets of the tab, bound to ``dialog`` (a ``SettingsDialog``)."""

    def __init__(self, dialog):
        self.dialog = dialog
        ctx = dialog.ctx
        dialog._new_tab("Privacy && lock")
        dialog._section("Encryption")
        self.state = QLabel()
        self.state.setObjectName("settingsEncryptionState")
        self.state.setWordWrap(True)
        dialog.form.addRow(self.state)
        self.key_file = QLabel()  # an encrypted practice only: the .key file beside it
        self.key_file.setObjectName("settingsKeyFile")
        self.key_file.setWordWrap(True)
        dialog.form.addRow(self.key_file)
        self.encrypt_button = name_widget(QPushButton("Encrypt this practice…"),
                                          "settingsEncrypt", "Encrypt this practice")
        self.change_button = name_widget(QPushButton("Change passphrase…"),
                                         "settingsChangePassphrase", "Change passphrase")
        self.decrypt_button = name_widget(QPushButton("Decrypt this practice…"),
                                          "settingsDecrypt", "Decrypt this practice")
        row_widget = QWidget()
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.encrypt_button, self.change_button, self.decrypt_button):
            row.addWidget(button)
        row.addStretch(1)
        dialog.form.addRow(row_widget)
        self.remember = name_widget(QCheckBox("Remember on this computer"),
                                    "settingsRememberPassphrase", "Remember on this computer")
        self.remember.setToolTip("CoachDesk keeps this practice's key in this computer's "
                                 "keyring, so you are not asked at start. Anyone who can log "
                                 "in here as you can then open it.")
        dialog.form.addRow(self.remember)
        note = QLabel("These take effect at once: the buttons, and ticking Remember, first "
                      "ask for your passphrase. "
                      "If you lose both your passphrase and your recovery key, nobody can "
                      "recover an encrypted practice.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        dialog.form.addRow(note)

        dialog._section("Lock")
        self.lock_minutes = MinutesBox()
        self.lock_minutes.setRange(0, settings_service.LOCK_MINUTES_MAX)
        self.lock_minutes.setValue(settings_service.lock_minutes(ctx.db))
        self.lock_minutes.setToolTip("An encrypted practice hides its window and asks for the "
                                     "passphrase after this long without a key press or mouse "
                                     "move. 0 = never.")
        self.lock_minutes.setMinimumWidth(170)
        lock_row = QWidget()
        row = QHBoxLayout(lock_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.lock_minutes)
        never = QLabel("0 = never")
        never.setStyleSheet("color: palette(placeholder-text);")
        row.addWidget(never)
        row.addStretch(1)
        dialog.add_field("Lock after", settings_service.LOCK_MINUTES_KEY, lock_row,
                         "settingsLockAfter")
        self.lock_minutes.setObjectName("settingsLockMinutes")
        self.lock_minutes.setAccessibleName("Lock after, minutes idle (0 = never)")
        # A plain practice never locks: the field stays in sight (so the coach learns the
        # lock exists) but greyed, with the reason under it.
        self.lock_needs = QLabel(LOCK_NEEDS_PASSPHRASE)
        self.lock_needs.setObjectName("settingsLockNeedsPassphrase")
        self.lock_needs.setWordWrap(True)
        self.lock_needs.setStyleSheet("color: palette(placeholder-text);")
        dialog.form.addRow("", self.lock_needs)

        self.encrypt_button.clicked.connect(self._encrypt)
        self.change_button.clicked.connect(self._change)
        self.decrypt_button.clicked.connect(self._decrypt)
        self.remember.toggled.connect(self._remember_toggled)
        self.refresh()

    # -- state ---------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(self.dialog.ctx.db.path)

    def refresh(self) -> None:
        """Words and buttons for what the practice is now."""
        encrypted = encryption.is_encrypted(self.path)
        read_only = self.dialog.ctx.read_only
        self.state.setText(ENCRYPTED_TEXT if encrypted else PLAIN_TEXT)
        self.key_file.setText(key_file_text(self.path) if encrypted else "")
        self.key_file.setVisible(encrypted)
        self.lock_minutes.setEnabled(encrypted)
        self.lock_needs.setVisible(not encrypted)
        self.encrypt_button.setVisible(not encrypted and not read_only)
        self.change_button.setVisible(encrypted and not read_only)
        self.decrypt_button.setVisible(encrypted and not read_only)
        keyring = encrypted and passphrase_keyring.available()
        self.remember.setVisible(keyring)
        self.remember.blockSignals(True)  # a checkbox, no model: only our own handler listens
        self.remember.setChecked(keyring and passphrase_keyring.is_remembered(self.path))
        self.remember.blockSignals(False)
        if self.remember.isChecked():  # said in the words, not only in a tooltip
            self.state.setText(ENCRYPTED_TEXT + " " + REMEMBERED_TEXT)
        self.dialog.mark_field_clean(self.remember)  # acted at once: nothing for Cancel to undo

    # -- actions -------------------------------------------------------------------------
    def _encrypt(self) -> None:
        encrypt_flow.ask_and_encrypt(self.dialog.ctx, self.dialog)
        self.refresh()

    def _change(self) -> None:
        encrypt_flow.change_passphrase(self.dialog.ctx, self.dialog)
        self.refresh()

    def _decrypt(self) -> None:
        encrypt_flow.ask_and_decrypt(self.dialog.ctx, self.dialog)
        self.refresh()

    def _remember_toggled(self, on: bool) -> None:
        if on:
            encrypt_flow.remember_passphrase(self.dialog.ctx, self.dialog)
        else:
            passphrase_keyring.forget(self.path)
            self.dialog.ctx.say("This practice is no longer remembered on this computer; "
                                "CoachDesk will ask for its passphrase at start.")
        self.refresh()

    # -- saved with Settings -------------------------------------------------------------
    def save(self) -> None:
        settings_service.set_lock_minutes(self.dialog.ctx.db, self.lock_minutes.value())


def add_tab(dialog) -> PrivacyTab:
    """Add the tab to ``dialog``; its Save saves the idle-lock delay after the other tabs."""
    tab = PrivacyTab(dialog)
    dialog.privacy_tab = tab
    # Six tabs no longer fit 680 px: every tab stays in sight (the dialog widens to hold
    # them) rather than behind scroll arrows that Tab would stop at.
    dialog.tabs.setUsesScrollButtons(False)
    submit_others = dialog.submit

    def submit():
        result = submit_others()  # checks and saves the other tabs, then says "settings"
        tab.save()
        dialog.ctx.notify("settings")  # again, so the lock reads the delay just saved
        return result

    dialog.submit = submit
    return tab
