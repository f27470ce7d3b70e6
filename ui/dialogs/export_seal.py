"""Sealed or plain, and the passphrase: asked before an export is written or a sealed one
is opened (ui/dialogs/practice_data.py, ui/dialogs/client_data.py).

``SealDialog`` shows, when asked, the choice "sealed with a passphrase" / "a plain file",
then one passphrase field (or two, for a new passphrase typed twice). A ``check`` given
by the caller (the practice's own passphrase, or opening the sealed file) runs off the
GUI thread while the dialog stays open: a wrong passphrase is said under the field, the
field is emptied, and the coach tries again without starting over.

The passphrase is a secret: the fields echo dots, are emptied as soon as the dialog has
read them, and the caller takes the words once with ``take_passphrase()``. Nothing here
logs it or puts it in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import passphrase_rules, paths
from coachdesk.errors import ValidationError

from .. import workers
from ..widgets.fields import ErrorLabel, name_widget
from ..widgets.grow import grow_with_content
from ..widgets.secret_field import SecretField

#: said where an export is sealed with the practice's passphrase: the recovery key is the
#: practice's data key, which an export never holds
RECOVERY_KEY_NOTE = ("To open it you will need this passphrase — the recovery key does not "
                     "open exports.")


class _Check(workers.Job):
    """The caller's check in a worker; something unexpected reads as one plain sentence
    (its detail is in the log, never the passphrase)."""

    def __init__(self, work: Callable[[], Any]):
        super().__init__(work, "CoachDesk could not check the passphrase.")

    def failure_text(self, exc: Exception) -> str:
        return f"{self.failure} The details are in the log folder: {paths.log_dir()}"


class SealDialog(QDialog):
    """Ask how to write (or open) a file and the passphrase for it.

    ``choice``: the words of the two choices (sealed, plain), or None to ask only the
    passphrase. ``twice``: a new passphrase, typed twice. ``check(passphrase)`` runs in a
    worker and returns what the caller wants (kept in ``checked``); a ``CoachDeskError``
    it raises is shown under the field and the dialog stays open.
    After ``exec()`` returns Accepted: ``sealed`` (bool), ``take_passphrase()`` (str, or
    None for a plain file) and ``checked``.
    """

    def __init__(self, title: str, intro: str, *, label: str = "&Passphrase:",
                 choice: tuple[str, str] | None = None, sealed_by_default: bool = True,
                 notes: tuple[str, str] = ("", ""), twice: bool = False,
                 check: Callable[[str], Any] | None = None,
                 checking: str = "Checking the passphrase…",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("sealDialog")
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self._check = check
        self._checking_words = checking
        self._notes = notes
        self._passphrase: str | None = None
        self.checked: Any = None
        self.job: workers.Job | None = None
        self.sealed = True

        layout = QVBoxLayout(self)
        self.intro = name_widget(QLabel(intro), "sealIntro", "What this is")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)

        self.sealed_choice = self.plain_choice = None
        if choice is not None:
            self.sealed_choice = name_widget(QRadioButton(choice[0]), "sealedChoice",
                                             "Sealed with a passphrase")
            self.plain_choice = name_widget(QRadioButton(choice[1]), "plainChoice",
                                            "A plain file")
            group = QButtonGroup(self)
            for button in (self.sealed_choice, self.plain_choice):
                group.addButton(button)
                layout.addWidget(button)
            (self.sealed_choice if sealed_by_default else self.plain_choice).setChecked(True)
            group.buttonToggled.connect(lambda *_: self._follow_choice())
        self.note = name_widget(QLabel(), "sealNote", "About this choice")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)

        form = QFormLayout()
        self.passphrase = self._secret_field("sealPassphrase", "Passphrase")
        first = QLabel(label)
        first.setBuddy(self.passphrase)
        form.addRow(first, self.passphrase)
        self.again = None
        if twice:
            self.again = self._secret_field("sealPassphraseAgain", "Passphrase again")
            second = QLabel("&Again:")
            second.setBuddy(self.again)
            form.addRow(second, self.again)
        layout.addLayout(form)
        self.error = ErrorLabel("sealPassphrase")
        layout.addWidget(self.error)
        self.busy = name_widget(QLabel(""), "sealBusy", "Working")
        self.busy.setTextFormat(Qt.TextFormat.PlainText)
        self.busy.hide()
        layout.addWidget(self.busy)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Continue")
        name_widget(self.ok, "sealContinue", "Continue")
        name_widget(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "sealCancel",
                    "Cancel")
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self._continue)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._follow_choice()
        grow_with_content(self)  # a red sentence or a long note gets its room

    def _secret_field(self, name: str, words: str) -> QLineEdit:
        field = name_widget(SecretField(), name, words)
        field.textEdited.connect(lambda _text: self.error.show_error(None))
        return field

    def _fields(self) -> list[QLineEdit]:
        return [f for f in (self.passphrase, self.again) if f is not None]

    def _follow_choice(self) -> None:
        self.sealed = self.sealed_choice is None or self.sealed_choice.isChecked()
        for field in self._fields():
            field.setEnabled(self.sealed)
        self.note.setText(self._notes[0 if self.sealed else 1])
        self.note.setVisible(bool(self.note.text()))
        self.error.show_error(None)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        start = self.passphrase if self.sealed else self.plain_choice
        start.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear(self) -> None:
        for field in self._fields():
            field.clear()

    def _refuse(self, sentence: str) -> None:
        self._clear()
        self.error.show_error(sentence)
        self.passphrase.setFocus()

    def _continue(self) -> None:
        if self.job is not None:
            return  # a check is running
        if not self.sealed:
            self._clear()
            self.accept()
            return
        words = self.passphrase.text()
        if not words:
            self.error.show_error("Please type the passphrase.")
            self.passphrase.setFocus()
            return
        if self.again is not None:  # a new passphrase: the rule of every new one
            try:
                passphrase_rules.check_new_passphrase(words, self.again.text())
            except ValidationError as exc:
                self._refuse(str(exc))
                return
        self._clear()
        if self._check is None:
            self._passphrase = words
            self.accept()
            return
        self._set_busy(True)
        check = self._check
        job = _Check(lambda: check(words))
        self.job = job
        job.signals.done.connect(lambda result: self._checked(words, result))
        job.signals.failed.connect(self._check_failed)
        job.start()

    def _set_busy(self, busy: bool) -> None:
        """While the check runs: the fields are read-only (the cursor stays in them, so
        Enter can never reach Cancel) and Continue waits; Cancel still works."""
        self.busy.setText(self._checking_words if busy else "")
        self.busy.setVisible(busy)
        for field in self._fields():
            field.setReadOnly(busy)
        for choice in (self.sealed_choice, self.plain_choice):
            if choice is not None:
                choice.setEnabled(not busy)
        self.ok.setEnabled(not busy)
        self.ok.setDefault(True)

    def _checked(self, words: str, result: Any) -> None:
        if not shiboken6.isValid(self) or not self.isVisible():  # cancelled meanwhile
            return
        self.job = None
        self._set_busy(False)
        self._passphrase = words
        self.checked = result
        self.accept()

    def _check_failed(self, sentence: str) -> None:
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self.job = None
        self._set_busy(False)
        self._refuse(sentence)

    def reject(self) -> None:
        self._clear()
        self._passphrase = None
        super().reject()

    def take_passphrase(self) -> str | None:
        """The passphrase typed (once: the dialog forgets it); None for a plain file."""
        words, self._passphrase = self._passphrase, None
        return words if self.sealed else None
