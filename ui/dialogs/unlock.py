"""Unlocking an encrypted practice in the window: at start and on File → Open.

``UnlockDialog`` asks for the passphrase (or the printed recovery key) of one practice
file and checks it with ``encryption.unlock`` in a worker (scrypt and the wait after a
wrong passphrase take seconds: the window keeps painting meanwhile). Accepted means the
practice's data key is now known to this process, so ``storage.open_database(path)``
opens it; rejected means nothing was unlocked and nothing was written.

After a recovery key opened it (the key file beside the practice was lost, or the coach
forgot the passphrase) the dialog offers a new passphrase, typed twice:
``practice_crypto.change_passphrase`` writes a new key file. "Not now" opens the practice
this time anyway.

``unlock_at_start`` (``ui.app``) and ``open_asking`` (File → Open) first try the practice's
key remembered in the system keyring (``passphrase_keyring``: a page read, no scrypt, no
worker), silently; one that no longer opens it is forgotten and the coach asked. With
``COACHDESK_NO_DIALOGS`` (scripts, tests) nothing is asked: the plain sentence goes to
stderr and the practice stays locked.

The passphrase is a secret: it never reaches a log, a message or a setting, and the
fields are cleared when the dialog closes.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import encryption, passphrase_keyring
from coachdesk.encryption import (
    KeyFileMissingError,
    PassphraseNeededError,
    UnsupportedEncryptionError,
    WrongPassphraseError,
)
from coachdesk.errors import CoachDeskError, StorageError, ValidationError
from coachdesk.passphrase_keyring import FORGOTTEN, NOTHING, UNLOCKED
from coachdesk.passphrase_rules import MISMATCH

from .. import startup_probe
from ..theme import css
from ..widgets import secret_field
from ..widgets.elided import Elider
from ..widgets.grow import grow_with_content
from ..widgets.wrap_label import WrapLabel
from ..workers import Job
from .unlock_new_passphrase import NewPassphrasePage

log = logging.getLogger(__name__)

PASSPHRASE, RECOVERY = "passphrase", "recovery"
TITLE = "Unlock your practice"
CHECKING = "Checking…"
WRONG = encryption.WRONG_PASSPHRASE  # one sentence everywhere
NOT_SAME = MISMATCH  #: the words of every new passphrase (coachdesk.passphrase_rules)
#: The shape of a recovery key, shown in its empty field.
RECOVERY_SHAPE = secret_field.RECOVERY_SHAPE  # groups separated by spaces
#: said in the dialog when what the keyring kept no longer opens the practice
KEYRING_FORGOTTEN = ("What this computer remembered for this practice no longer opens it (it "
                     "was encrypted again since), so it was forgotten. Type the passphrase.")
_UNEXPECTED = ("CoachDesk could not check it because of an unexpected problem (the log "
               "has the details). Try again; if it keeps happening, restart CoachDesk.")


def _safely(work: Callable[[], str | None]) -> Callable[[], object]:
    """``work`` as a job's work: its plain ``StorageError`` (or a note string) comes back
    as the result. Anything unexpected is logged by its type only (its message could
    quote the passphrase) and becomes a plain ``StorageError``."""
    def run():
        try:
            return work()
        except StorageError as exc:
            return exc
        except OSError as exc:
            log.warning("unlocking: a file error (%s)", type(exc).__name__)
            return StorageError(f"A file beside the practice could not be written "
                                f"({exc.strerror or 'a file error'}).")
        except Exception as exc:  # noqa: BLE001 - the type is logged, never the message
            log.error("unlocking failed unexpectedly (%s)", type(exc).__name__)
            return StorageError(_UNEXPECTED)
    return run


def _remember(path: Path, key: bytes) -> str | None:
    """Keep the data ``key`` in the keyring (never the passphrase); the sentence when it cannot."""
    try:
        passphrase_keyring.save(path, key)
    except CoachDeskError as exc:
        return str(exc)
    return None


class _CapsLockWatch(QObject):
    """Shows ``hint`` while the letters typed come out in capitals without Shift (or small
    with it): Caps Lock is on. Qt has no call that reads Caps Lock itself, so the typed
    letters tell; nothing typed is kept."""

    def __init__(self, hint: QLabel):
        super().__init__(hint)
        self.hint = hint

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress:
            text = event.text()
            if watched.echoMode() != QLineEdit.EchoMode.Password:  # a recovery key: any case
                self.hint.hide()
            elif len(text) == 1 and text.isalpha() and text.upper() != text.lower():
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.hint.setVisible(text.isupper() != shift)
        elif event.type() == QEvent.Type.FocusOut:
            self.hint.hide()
        return False


class UnlockDialog(QDialog):
    """Asks for the passphrase (or recovery key) of the practice at ``path``.

    ``key_file_missing``: it opens on the recovery key and says why. ``remembered``: a
    passphrase an older CoachDesk kept in the keyring, checked first as the dialog opens
    (in the worker: scrypt), then replaced there by the key; a wrong one is forgotten and
    the coach asked. ``note``: a sentence shown as it opens. ``cancel_text``: "Quit" at
    start, "Cancel" from File → Open. ``offer_new`` False: no new passphrase after the recovery key
    (a backup about to be restored). ``exec()`` is Accepted once the practice is unlocked.
    """

    def __init__(self, path: Path | str, parent: QWidget | None = None, *,
                 key_file_missing: bool = False, remembered: str | None = None,
                 cancel_text: str = "Quit", offer_new: bool = True, note: str | None = None):
        super().__init__(parent)
        self.offer_new = offer_new
        self.path = Path(path)
        self.mode = RECOVERY if key_file_missing else PASSPHRASE
        self.key_file_missing = key_file_missing
        self.unlocked = False
        self._busy = False
        self._job: Job | None = None
        self._remembered = remembered
        self.setObjectName("unlockDialog")
        self.setWindowTitle(TITLE)
        self.setModal(True)  # no minimum width of its own: its layout's (the key's field) holds

        layout = QVBoxLayout(self)
        name = QLabel(self.path.name)
        name.setObjectName("unlockFileName")
        name.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(name.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.2)
        name.setFont(bold)
        layout.addWidget(name)
        folder = QLabel()
        folder.setObjectName("unlockFolder")
        folder.setStyleSheet(f"color: {css('grey')};")
        Elider(folder, mode=Qt.TextElideMode.ElideMiddle).set_text(f"in {self.path.parent}")
        layout.addWidget(folder)

        #: the unlock page, then the new passphrase's (one shown at a time, each its own size)
        self.pages = [self._unlock_page(), self._new_page()]
        for page in self.pages:
            layout.addWidget(page)

        self.status = WrapLabel()
        self.status.setObjectName("unlockStatus")
        self.status.setAccessibleName("Unlock status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        layout.addWidget(self.status)  # right under the field(s)
        self.remember = QCheckBox("&Remember on this computer")
        self.remember.setObjectName("rememberPassphrase")
        self.remember.setAccessibleName("Remember on this computer")
        self.remember.setToolTip("CoachDesk keeps this practice's key in this computer's "
                                 "keyring, so you are not asked at start.")
        layout.addWidget(self.remember)

        bottom = QHBoxLayout()
        self.switch = QPushButton()
        self.switch.setObjectName("useRecoveryKey")
        self.switch.setFlat(True)
        self.switch.setAutoDefault(False)
        self.switch.setCursor(Qt.CursorShape.PointingHandCursor)
        self.switch.setStyleSheet(f"color: {css('blue')}; text-align: left; padding: 2px 0;")
        self.switch.clicked.connect(self._toggle_mode)
        bottom.addWidget(self.switch)
        bottom.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("unlockButton")
        self.cancel = self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel.setObjectName("cancelUnlock")
        for button in (self.ok, self.cancel):
            button.setAccessibleName(button.text())
        self.ok.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.ok.setDefault(True)
        self._show_page(0)
        self._show_mode()
        self._say(note)
        grow_with_content(self)  # a red sentence gets its room

    # -- the pages -------------------------------------------------------------------------
    def _unlock_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("unlockPage")
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        self.explain = WrapLabel()
        self.explain.setObjectName("unlockExplanation")
        self.explain.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.explain)
        form = QFormLayout()
        self.field = secret_field.SecretField()
        self.field.setObjectName("passphraseField")
        self.field_label = QLabel()
        self.field_label.setBuddy(self.field)
        form.addRow(self.field_label, self.field)
        box.addLayout(form)
        self.caps = QLabel("Caps Lock seems to be on.")
        self.caps.setObjectName("capsLockHint")
        self.caps.setStyleSheet(f"color: {css('amber')};")
        self.caps.hide()
        box.addWidget(self.caps)
        self.field.installEventFilter(_CapsLockWatch(self.caps))
        return page

    def _new_page(self) -> QWidget:
        page = NewPassphrasePage()  # the same rule and hint as every new passphrase
        self.new_explain, self.new_field, self.again_field = (
            page.explain, page.new_field, page.again_field)
        return page

    def page_index(self) -> int:
        """0: the unlock page; 1: the new passphrase's."""
        return 1 if self.pages[1].isVisibleTo(self) else 0

    def _show_page(self, index: int) -> None:
        """Page 0 (unlock) or 1 (a new passphrase)."""
        for i, page in enumerate(self.pages):
            page.setVisible(i == index)
        self.remember.setVisible(passphrase_keyring.available()
                                 and (index == 1 or self.mode == PASSPHRASE))
        self.switch.setVisible(index == 0 and not self.key_file_missing)
        if self.isVisible():
            self.adjustSize()

    def _show_mode(self) -> None:
        """The field, its label, the explanation and the switch for the current mode."""
        field = self.field
        field.clear()
        if self.mode == PASSPHRASE:
            self.explain.setText("This practice is protected with a passphrase. Type it "
                                 "to open the practice.")
            self.field_label.setText("&Passphrase:")
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setFont(self.font())
            field.setPlaceholderText("")
            field.setAccessibleName("Passphrase")
            self.switch.setText("Use the recovery key instead")
        else:
            if self.key_file_missing:
                self.explain.setText(
                    f"The key file that belongs beside this practice "
                    f"({encryption.key_path(self.path).name}) is missing, so only the "
                    "printed recovery key can open it.")
            else:
                self.explain.setText("Type the recovery key printed when the practice "
                                     "was protected: 11 groups of 5 letters and digits.")
            self.field_label.setText("Recovery &key:")
            field.setEchoMode(QLineEdit.EchoMode.Normal)
            mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            mono.setPointSizeF(self.font().pointSizeF())
            field.setFont(mono)
            field.setPlaceholderText(RECOVERY_SHAPE)
            field.setAccessibleName("Recovery key")
            self.switch.setText("Use the passphrase instead")
        field.setMinimumWidth(field.fontMetrics().horizontalAdvance(RECOVERY_SHAPE) + 16)
        self.caps.hide()
        self.remember.setVisible(self.mode == PASSPHRASE and passphrase_keyring.available())
        self.switch.setVisible(not self.key_file_missing)
        self.switch.setAccessibleName(self.switch.text())
        self._say(None)

    def _toggle_mode(self) -> None:
        self.mode = RECOVERY if self.mode == PASSPHRASE else PASSPHRASE
        self._show_mode()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()

    # -- what the coach sees ---------------------------------------------------------------
    def _say(self, message: str | None, *, error: bool = False) -> None:
        if not message:
            self.status.clear()
            self.status.hide()
            return
        self.status.setStyleSheet(f"color: {css('red')};" if error else "")
        self.status.setText(message)
        self.status.show()

    def is_error_shown(self) -> bool:
        return self.status.isVisible() and "color" in self.status.styleSheet()

    def _set_busy(self, busy: bool, message: str = CHECKING) -> None:
        self._busy = busy
        for widget in (self.ok, self.cancel, self.switch, self.remember):
            widget.setEnabled(not busy)
        for field in (self.field, self.new_field, self.again_field):
            field.setReadOnly(busy)  # read-only, not disabled: the cursor stays in it
        if busy:
            self._say(message)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.activateWindow()  # at start no other window is there to hand the keyboard over
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._remembered:
            remembered, self._remembered = self._remembered, None
            self._check(PASSPHRASE, remembered, remember=False, from_keyring=True)
        elif startup_probe.mode():  # benchmarks only: says when it shows (its first show)
            startup_probe.unlock_dialog_shown(self)

    # -- checking -----------------------------------------------------------------------------
    def _submit(self) -> None:
        if self._busy:
            return
        if self.unlocked:
            if self.page_index() == 1:
                self._save_new()
            else:
                self.accept()
            return
        text = self.field.text()
        if not text.strip():
            self._say("Type the passphrase first." if self.mode == PASSPHRASE
                      else "Type the recovery key first.", error=True)
            self.field.setFocus()
            return
        self._check(self.mode, text, remember=self.remember.isVisible()
                    and self.remember.isChecked())

    def _check(self, mode: str, text: str, *, remember: bool, from_keyring: bool = False) -> None:
        path = self.path

        def work():
            if mode == RECOVERY:
                key = encryption.unlock(path, recovery_key=text)
            else:
                key = encryption.unlock(path, passphrase=text, delay=0 if from_keyring else None)
            if from_keyring:  # an older CoachDesk's passphrase: the key takes its place
                passphrase_keyring.upgrade(path, key)
            return _remember(path, key) if remember else None

        self._set_busy(True, "Checking the passphrase remembered on this computer…"
                       if from_keyring else CHECKING)
        self._start(work, lambda result: self._checked(result, mode, from_keyring))

    def _start(self, work, then) -> None:
        job = Job(_safely(work), "CoachDesk could not check it.")
        job.signals.done.connect(then)
        job.signals.failed.connect(lambda sentence: then(StorageError(_UNEXPECTED)))
        self._job = job.start()

    def _checked(self, result, mode: str, from_keyring: bool) -> None:
        self._job = None
        self._set_busy(False)
        self._say(None)
        if isinstance(result, StorageError):
            self._refused(result, mode, from_keyring)
            return
        self.unlocked = True
        self.field.clear()
        log.info("the practice was unlocked (%s)", "keyring" if from_keyring else mode)
        if mode == RECOVERY and self.offer_new:
            self._offer_new_passphrase(result)
        elif result:  # the keyring could not keep it: said, not fatal
            self._opened_with_note(result)
        else:
            self.accept()

    def _refused(self, problem: StorageError, mode: str, from_keyring: bool) -> None:
        field = self.field
        if from_keyring:  # a remembered passphrase that no longer opens it: forget it, ask
            if isinstance(problem, WrongPassphraseError):
                passphrase_keyring.forget(self.path)
                self._say("The passphrase remembered on this computer no longer opens this "
                          "practice, so it was forgotten. Type the passphrase.")
            field.setFocus()
            if not isinstance(problem, WrongPassphraseError):
                self._refused(problem, mode, from_keyring=False)
            return
        if isinstance(problem, UnsupportedEncryptionError):  # no retry can open it
            self._say(str(problem), error=True)
            field.clear()
            for widget in (field, self.ok, self.switch, self.remember):
                widget.setEnabled(False)
            self.cancel.setFocus()
            return
        if isinstance(problem, KeyFileMissingError) and mode == PASSPHRASE:
            self.key_file_missing = True
            self.mode = RECOVERY
            self._show_mode()
            self._say(str(problem), error=True)
            field.setFocus()
            return
        self._say(WRONG if isinstance(problem, WrongPassphraseError) and mode == PASSPHRASE
                  else str(problem), error=True)
        field.setFocus()
        field.selectAll()

    # -- after the recovery key: a new passphrase -------------------------------------------
    def _offer_new_passphrase(self, note: str | None) -> None:
        self.remember.setChecked(False)
        if self.key_file_missing:
            self.new_explain.setText(
                "The recovery key opened the practice. Choose a new passphrase: CoachDesk "
                "writes a new key file beside the practice, so the passphrase opens it again.")
        else:
            self.new_explain.setText(
                "The recovery key opened the practice. If you have forgotten the passphrase, "
                "choose a new one now; the recovery key stays valid.")
        self.ok.setText("Save new passphrase")
        self.cancel.setText("Not now")
        for button in (self.ok, self.cancel):
            button.setAccessibleName(button.text())
        self._say(note)
        self._show_page(1)  # after the new texts: the dialog is sized for them
        self.new_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_new(self) -> None:
        try:
            new = self.pages[1].checked()
        except ValidationError as exc:
            self._say(str(exc), error=True)
            return
        path, remember = self.path, self.remember.isVisible() and self.remember.isChecked()
        available = passphrase_keyring.available()

        def work():
            from coachdesk import practice_crypto

            practice_crypto.change_passphrase(path, new)
            if remember:
                return _remember(path, encryption.key_for(path))
            if available:  # unticked: nothing kept for it (the coach sees the box empty)
                passphrase_keyring.forget(path)
            return None

        self._set_busy(True, "Saving the new passphrase…")
        self._start(work, self._new_saved)

    def _new_saved(self, result) -> None:
        self._job = None
        self._set_busy(False)
        if isinstance(result, StorageError):
            self._say(f"{result} The practice opens this time with the recovery key; you "
                      "can try again or choose Not now.", error=True)
            self.new_field.setFocus()
            return
        self.key_file_missing = False
        log.info("a new passphrase was set after the recovery key")
        if result:
            self._show_page(0)
            self._opened_with_note(f"The new passphrase was saved. {result}")
        else:
            self.accept()

    def _opened_with_note(self, note: str) -> None:
        """Unlocked, with something to say first (the keyring could not keep it)."""
        self._say(note)
        self.ok.setText("Continue")
        self.ok.setAccessibleName("Continue")
        self.cancel.hide()
        self.field.setEnabled(False)
        self.switch.hide()
        self.remember.hide()
        self.ok.setFocus()
        self.adjustSize()

    # -- closing --------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._busy:
            return  # the check finishes first (seconds at most)
        if self.unlocked:  # "Not now", Esc or the close button once unlocked: open it
            self.accept()
            return
        super().reject()

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.field.clear()  # the secret goes with the dialog
        self.pages[1].clear()
        super().done(result)


# -- the callers ---------------------------------------------------------------------------------


def ask_to_unlock(path: Path | str, parent: QWidget | None = None, *, key_file_missing: bool = False,
                  message: str = "", remembered: str | None = None,
                  cancel_text: str = "Quit", offer_new: bool = True,
                  note: str | None = None) -> bool:
    """Show ``UnlockDialog``; True once the practice is unlocked. With
    ``COACHDESK_NO_DIALOGS`` set, ``message`` goes to stderr and the answer is False."""
    if os.environ.get("COACHDESK_NO_DIALOGS"):
        print(f"{message or 'This practice is protected with a passphrase.'} CoachDesk was "
              "started without dialogs, so it cannot ask for the passphrase.", file=sys.stderr)
        return False
    dialog = UnlockDialog(path, parent, key_file_missing=key_file_missing, note=note,
                          remembered=remembered, cancel_text=cancel_text, offer_new=offer_new)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.unlocked
    finally:
        dialog.deleteLater()


def _from_keyring(path: Path, missing: bool, *, old_form: bool) -> str:
    """``passphrase_keyring.unlock_remembered``, silently: UNLOCKED, FORGOTTEN or NOTHING. A
    missing key file is never got round this way: the dialog says so and offers a new one."""
    if missing or not passphrase_keyring.available():
        return NOTHING
    try:
        return passphrase_keyring.unlock_remembered(path, old_form=old_form)
    except StorageError as exc:  # a newer or unreadable key file: the dialog will say it
        log.warning("the remembered key was not tried (%s)", type(exc).__name__)
        return NOTHING


def unlock_at_start(path: Path | str, problem: PassphraseNeededError,
                    ask: Callable[..., bool] | None = None) -> bool:
    """Unlock the practice at ``path`` that ``storage.open_database`` found locked.

    First the key remembered in the keyring, silently (a page read: no scrypt, no window
    yet; an older CoachDesk's passphrase is checked once with scrypt and replaced by the
    key). What no longer opens it is forgotten. Else ``ask(path, key_file_missing=,
    message=, note=)`` (default: the dialog). True once unlocked; False: the coach chose Quit.
    """
    path = Path(path)
    missing = isinstance(problem, KeyFileMissingError)
    outcome = _from_keyring(path, missing, old_form=True)
    if outcome == UNLOCKED:
        log.info("the practice was unlocked with the key kept in the keyring")
        return True
    return (ask or ask_to_unlock)(path, key_file_missing=missing, message=str(problem),
                                  note=KEYRING_FORGOTTEN if outcome == FORGOTTEN else None)


def open_asking(window: QWidget, path: Path, open_it: Callable[[Path], object]):
    """``open_it(path)``; an encrypted practice is unlocked first: with its remembered key
    (no scrypt), else an older CoachDesk's remembered passphrase checked in the dialog's
    worker (the window keeps painting), else the coach is asked. The open ``Database``, or
    None when the coach chose Cancel. Other ``StorageError``s pass through."""
    try:
        return open_it(path)
    except PassphraseNeededError as exc:
        missing = isinstance(exc, KeyFileMissingError)
        outcome = _from_keyring(Path(path), missing, old_form=False)
        old = (passphrase_keyring.old_passphrase(path)
               if outcome == NOTHING and not missing and passphrase_keyring.available() else None)
        if outcome != UNLOCKED and not ask_to_unlock(
                path, window, key_file_missing=missing, message=str(exc), remembered=old,
                note=KEYRING_FORGOTTEN if outcome == FORGOTTEN else None, cancel_text="Cancel"):
            return None
    return open_it(path)


def unlock_backup(parent: QWidget | None, backup: Path) -> bool:
    """Before a restore: True when ``backup`` can be read (plain, its key known here, or
    the coach typed its passphrase or recovery key now); False when the coach chose Cancel.
    A backup with another problem is left to the restore, which says what it is."""
    try:
        encryption.key_for(backup)
        return True
    except PassphraseNeededError as exc:
        return ask_to_unlock(backup, parent, key_file_missing=isinstance(exc, KeyFileMissingError),
                             message=str(exc), cancel_text="Cancel", offer_new=False)
    except StorageError:
        return True
