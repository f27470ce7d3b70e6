"""Passphrase dialogs of an encrypted practice, for the window's choices (first start,
Settings → Privacy & lock):

- ``NewPassphraseDialog``: "Protect this practice with a passphrase": what encryption
  protects and what is lost without the passphrase and the recovery key, the passphrase
  typed twice (at least ``MIN_LENGTH`` characters, the reason said), and "Remember on this
  computer" when the system has a keyring;
- ``ChangePassphraseDialog``: the current passphrase, the new one twice;
  ``practice_crypto.change_passphrase`` (only the key file changes; the recovery key
  stays valid); the practice's key remembered in the keyring stays valid (an older
  CoachDesk's remembered passphrase is replaced by the key);
- ``CheckPassphraseDialog``: the passphrase (or, where allowed, the recovery key) checked
  with ``encryption.unlock`` before an action that needs it (decrypting, remembering).

A passphrase is a secret: it is never logged, never part of a message, and the fields
are emptied as soon as the dialog closes. The slow parts (scrypt, and the short wait after
a wrong passphrase) run off the GUI thread (``busy_work.run_busy``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from coachdesk import encryption, passphrase_keyring, practice_crypto
from coachdesk.errors import ValidationError
from coachdesk.passphrase_rules import (  # noqa: F401 - MIN_LENGTH: part of this module's words
    LENGTH_HINT,
    MIN_LENGTH,
    MISMATCH,
    TOO_SHORT,
    check_new_passphrase,
)
from coachdesk.reports import recovery_key as recovery_sheet

from ..widgets.fields import name_widget
from ..widgets.grow import grow_with_content
from ..widgets.secret_field import SecretField
from .base import FormDialog
from .busy_work import run_busy

EXPLANATION = (
    "With a passphrase, your practice file, its backups and the exports you seal are "
    "unreadable to anyone without it: a lost laptop or USB stick reveals nothing.\n\n"
    "After this you will print or save a recovery key. " + recovery_sheet.BOTH_LOST)

WRONG_CURRENT = "That is not the current passphrase. Nothing was changed; please try again."


#: the rule and its sentences live in one place (``coachdesk.passphrase_rules``)
check_new = check_new_passphrase


def _checked_twice(first: QLineEdit, repeat: QLineEdit, field: str = "passphrase") -> str:
    """``check_new`` on two fields; the repeat field is emptied when they differ, so the
    coach types it again rather than hunting for one wrong letter among dots."""
    try:
        return check_new(first.text(), repeat.text(), field, "repeat")
    except ValidationError as exc:
        if exc.field == "repeat":
            repeat.clear()
        raise


def _secret_field() -> QLineEdit:
    return SecretField()


class _SecretFields:
    """For a ``FormDialog`` of passphrase fields (listed before it among the bases): a
    "Show what I type" box, and the fields emptied whenever the dialog closes."""

    secret_fields: list[QLineEdit]

    def _start_secrets(self) -> None:
        self.secret_fields = []
        self.setMinimumWidth(520)
        grow_with_content(self)  # a red sentence under a field gets its room

    def _intro(self, text: str, name: str) -> QLabel:
        label = name_widget(QLabel(text), name, "Explanation")
        label.setWordWrap(True)
        self.layout().insertWidget(0, label)
        return label

    def _secret(self, label: str, field: str, object_name: str) -> QLineEdit:
        edit = self.add_field(label, field, _secret_field(), object_name)
        self.secret_fields.append(edit)
        return edit

    def _show_box(self) -> QCheckBox:
        box = name_widget(QCheckBox("Show what I type"), f"{self.objectName()}Show",
                          "Show what I type")
        box.toggled.connect(self._show)
        self.form.addRow("", box)
        self.show_box = box
        return box

    def _show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in self.secret_fields:
            edit.setEchoMode(mode)

    def may_close(self) -> bool:
        """Esc, Cancel and the close button close at once: a passphrase being typed is
        nothing to keep (the coach types it again), so no "Discard what you typed?"."""
        return True

    def done(self, result: int) -> None:
        for edit in self.secret_fields:  # nothing of the secret stays in a widget
            edit.clear()
        super().done(result)


class NewPassphraseDialog(_SecretFields, FormDialog):
    """Choose the passphrase of a practice about to be encrypted.

    After ``exec()`` returns Accepted, ``take_passphrase()`` gives the passphrase once
    (then forgets it) and ``remember`` says whether to keep it in the keyring."""

    def __init__(self, practice_name: str = "", parent=None, *,
                 action: str = "Encrypt the practice"):
        super().__init__("Protect this practice with a passphrase", "newPassphraseDialog",
                         parent)
        self._start_secrets()
        self._intro(EXPLANATION, "newPassphraseExplanation")
        if practice_name:
            name = QLabel(f"Practice file: {practice_name}")
            name.setObjectName("newPassphrasePractice")
            name.setStyleSheet("color: palette(placeholder-text);")
            self.layout().insertWidget(1, name)
        self.passphrase_edit = self._secret("Passphrase", "passphrase", "newPassphrase")
        hint = QLabel(LENGTH_HINT)
        hint.setObjectName("newPassphraseHint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", hint)
        self.repeat_edit = self._secret("Repeat it", "repeat", "newPassphraseRepeat")
        self._show_box()
        self.remember_box: QCheckBox | None = None
        if passphrase_keyring.available():
            self.remember_box = name_widget(QCheckBox("Remember on this computer"),
                                            "newPassphraseRemember", "Remember on this computer")
            self.remember_box.setToolTip(
                "CoachDesk keeps this practice's key in this computer's keyring, so you are "
                "not asked at start. Anyone who can log in to this computer as you can then "
                "open the practice.")
            self.form.addRow("", self.remember_box)
        self.save_button.setText(action)
        self.save_button.setAccessibleName(action)
        self._passphrase: str | None = None
        self.remember = False

    def submit(self):
        self._passphrase = _checked_twice(self.passphrase_edit, self.repeat_edit)
        self.remember = bool(self.remember_box and self.remember_box.isChecked())
        return True

    def take_passphrase(self) -> str | None:
        """The chosen passphrase, once (None when cancelled or already taken)."""
        passphrase, self._passphrase = self._passphrase, None
        return passphrase


class ChangePassphraseDialog(_SecretFields, FormDialog):
    """Change the passphrase of the encrypted practice at ``path`` (saved on Change)."""

    def __init__(self, path: Path | str, parent=None):
        super().__init__("Change the passphrase", "changePassphraseDialog", parent)
        self._start_secrets()
        self.path = Path(path)
        self._intro("Your recovery key stays the same. Backups made before keep the "
                    "passphrase they were made with (or open with the recovery key).",
                    "changePassphraseExplanation")
        self.current_edit = self._secret("Current passphrase", "current", "currentPassphrase")
        self.new_edit = self._secret("New passphrase", "new", "changedPassphrase")
        hint = QLabel(LENGTH_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", hint)
        self.repeat_edit = self._secret("Repeat the new one", "repeat",
                                        "changedPassphraseRepeat")
        self._show_box()
        self.save_button.setText("Change")
        self.save_button.setAccessibleName("Change the passphrase")

    def submit(self):
        current = self.current_edit.text()
        if not current:
            raise ValidationError("Please type the current passphrase.", "current")
        new = _checked_twice(self.new_edit, self.repeat_edit, "new")
        path = self.path
        try:
            run_busy(self, "Change the passphrase", "Checking the current passphrase and "
                     "sealing the practice's key with the new one…",
                     lambda: practice_crypto.change_passphrase(path, new, old=current),
                     "The passphrase could not be changed; nothing was changed.")
        except encryption.WrongPassphraseError:
            raise ValidationError(WRONG_CURRENT, "current") from None
        # A remembered key stays valid (the data key does not change); an older
        # CoachDesk's remembered passphrase would no longer open it: the key replaces it.
        passphrase_keyring.upgrade(path, encryption.key_for(path))
        return True


class CheckPassphraseDialog(_SecretFields, FormDialog):
    """Ask for the passphrase of the encrypted practice at ``path`` and check it
    (``encryption.unlock``: the practice's key is then known in this process).

    ``allow_recovery``: the recovery key typed instead is accepted too (told apart by its
    shape and checksum). After Accepted, ``take_secret()`` gives what was typed, once, and
    ``used_recovery_key`` says which it was."""

    def __init__(self, path: Path | str, title: str, text: str, action: str, parent=None,
                 *, allow_recovery: bool = False):
        super().__init__(title, "checkPassphraseDialog", parent)
        self._start_secrets()
        self.path = Path(path)
        self.allow_recovery = allow_recovery
        self._intro(text, "checkPassphraseExplanation")
        label = "Passphrase or recovery key" if allow_recovery else "Passphrase"
        self.secret_edit = self._secret(label, "secret", "checkPassphrase")
        self._show_box()
        self.save_button.setText(action)
        self.save_button.setAccessibleName(action)
        self._secret_text: str | None = None
        self.used_recovery_key = False

    def _is_recovery_key(self, text: str) -> bool:
        if not self.allow_recovery:
            return False
        try:
            encryption.parse_recovery_key(text)
        except encryption.WrongPassphraseError:
            return False
        return True

    def submit(self):
        text = self.secret_edit.text()
        if not text:
            raise ValidationError("Please type your passphrase.", "secret")
        recovery = self._is_recovery_key(text)
        path = self.path
        if recovery:
            work = lambda: encryption.unlock(path, recovery_key=text)  # noqa: E731
        else:
            work = lambda: encryption.unlock(path, passphrase=text)  # noqa: E731
        try:
            run_busy(self, self.windowTitle(), "Checking the passphrase…", work,
                     "The passphrase could not be checked.")
        except encryption.KeyFileMissingError as exc:
            raise ValidationError(str(exc), "secret") from None
        except encryption.WrongPassphraseError:
            raise ValidationError(
                "That recovery key does not open this practice." if recovery else
                encryption.WRONG_PASSPHRASE,
                "secret") from None
        self._secret_text, self.used_recovery_key = text, recovery
        return True

    def take_secret(self) -> str | None:
        secret, self._secret_text = self._secret_text, None
        return secret
