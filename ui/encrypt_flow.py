"""Turning the OPEN practice encrypted or plain, from Settings → Privacy & lock and from the
welcome page's "Protect this practice with a passphrase".

One order for both directions (``_convert``):

1. the pages save what is typed (``leave()``) and the timers that write (daily backup) pause;
2. the ``Database`` is closed; the instance lock (``ctx.lock``) stays held throughout, so
   no other CoachDesk or writing command gets in between;
3. ``practice_crypto.encrypt_practice`` / ``decrypt_practice`` runs off the GUI thread
   behind a "please wait" the coach cannot close half-way, then the practice is opened
   again there (``storage.open_database``; its key is known in this process);
4. ``ctx.db`` is swapped and ``ctx.database_replaced`` emitted: the pages read it again.

The engine keeps the file whole at every step (a verified backup first; a checked copy
renamed over the file in one step), and raises a ``StorageError`` with a plain sentence
when it cannot convert: the practice is then as it was, and the closed ``Database`` is
simply used again (its engine reconnects when next used). The coach reads the engine's
sentence and that nothing was lost; the passphrase never reaches a message or the log.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from coachdesk import encryption, key_files, passphrase_keyring, practice_crypto, storage
from coachdesk.errors import CoachDeskError

from .plain import as_plain

log = logging.getLogger(__name__)

ENCRYPT_TITLE = "Encrypt this practice"
DECRYPT_TITLE = "Decrypt this practice"
PASSPHRASE_CHANGED = ("Your passphrase was changed. Your recovery key stays the same: keep "
                      "using the one you printed.")
DECRYPT_WARNING = ("After this, the practice file and the backups made from now on can be "
                   "read by anyone who has a copy of them, as before it was encrypted.")


def _window_of(parent: QWidget | None):
    """The main window (its pages and timers) that ``parent`` belongs to, if any."""
    widget = parent
    while widget is not None:
        if hasattr(widget, "client_page"):
            return widget
        widget = widget.parentWidget()
    return None


def _leave_pages(window) -> None:
    for name in ("client_page", "session_page"):
        page = getattr(window, name, None)
        if page is not None:
            page.leave()  # what the coach typed is committed before the file is closed


def _pause_timers(window) -> list:
    paused = []
    for name in ("backup_timer", "first_backup_check"):
        timer = getattr(window, name, None)
        if timer is not None and timer.isActive():
            timer.stop()
            paused.append(timer)
    return paused


def _convert(ctx, parent, title: str, text: str, convert, failure: str):
    """Close the practice, ``convert()`` it off the GUI thread, open it again; returns what
    ``convert`` returned. Raises the engine's ``CoachDeskError`` when the conversion did not
    happen (the practice is then open again as it was). A failure after the converted file
    took the practice's place (a last flush refused) still opens the converted practice and
    raises ``ConvertedButError`` carrying the engine's sentence."""
    from .dialogs.busy_work import run_busy

    window = _window_of(parent)
    if window is not None:
        _leave_pages(window)
    paused = _pause_timers(window) if window is not None else []
    path = Path(ctx.db.path)
    was_encrypted = encryption.is_encrypted(path)
    old = ctx.db
    old.close()

    def work():
        result = convert()
        try:
            return result, storage.open_database(path), None
        except CoachDeskError as exc:  # converted, but it does not open: said below
            return result, None, str(exc)

    try:
        try:
            result, database, problem = run_busy(parent, title, text, work, failure)
        except CoachDeskError as exc:
            if encryption.is_encrypted(path) == was_encrypted:
                raise  # not converted: the closed Database reconnects to the same file
            result, problem = None, str(exc)
            try:
                database = storage.open_database(path)
            except CoachDeskError as again:
                database, problem = None, str(again)
            if database is not None:
                _swap(ctx, database)
            raise ConvertedButError(problem) from None
    finally:
        for timer in paused:
            timer.start()
    if database is None:
        log.warning("the converted practice did not open again")
        QMessageBox.warning(parent, title, as_plain(
            f"The change was made, but the practice could not be opened again: {problem}\n\n"
            "Please close CoachDesk and start it again."))
        return result
    _swap(ctx, database)
    return result


class ConvertedButError(CoachDeskError):
    """The practice was converted, but a step after the file took its place failed."""


def _swap(ctx, database) -> None:
    ctx.db = database
    ctx.database_replaced.emit()
    ctx.notify("all")


def _failed(parent, title: str, exc: CoachDeskError) -> None:
    log.info("%s did not happen (%s)", title.lower(), type(exc).__name__)
    QMessageBox.warning(parent, title, as_plain(
        f"{exc}\n\nYour practice is open as it was; nothing in it was lost."))


def encrypt_open_practice(ctx, parent, passphrase: str, remember: bool = False, *,
                          note: str = "") -> bool:
    """Encrypt the open practice with ``passphrase``, show its recovery key once (with
    ``note`` above it, if given) and any warnings; remember its key in the keyring
    when asked. True when encrypted."""
    path = Path(ctx.db.path)
    try:
        done = _convert(ctx, parent, ENCRYPT_TITLE,
                        "Encrypting your practice and its backups. This can take a minute "
                        "for a large practice; please do not switch the computer off.",
                        lambda: practice_crypto.encrypt_practice(path, passphrase),
                        "The practice could not be encrypted; nothing was changed.")
    except ConvertedButError as exc:  # encrypted all the same: its key is known here
        log.info("encrypting finished with a late problem")
        done = practice_crypto.Encrypted(encryption.recovery_key_text(encryption.key_for(path)),
                                         [f"The practice was encrypted, but: {exc}"])
    except CoachDeskError as exc:
        _failed(parent, ENCRYPT_TITLE, exc)
        return False
    notes = list(done.warnings)
    if remember:
        try:
            passphrase_keyring.save_known(path)  # its data key, not the passphrase
        except CoachDeskError as exc:
            notes.append(str(exc))
    show_recovery_key(parent, done.recovery_key, path.name, note=note,
                      older_backups=key_files.backups_with_other_key(path))
    if notes:
        QMessageBox.information(parent, ENCRYPT_TITLE, as_plain("\n\n".join(notes)))
    ctx.say("This practice is now encrypted.")
    return True


def show_recovery_key(parent, recovery_key: str, practice_name: str, note: str = "", *,
                      older_backups: bool = False) -> None:
    from coachdesk.reports import worksheet

    from .dialogs.recovery_key import RecoveryKeyDialog

    ctx = getattr(_window_of(parent), "ctx", None)
    try:
        paper = worksheet.get_paper_size(ctx.db) if ctx is not None else "A4"
    except CoachDeskError:
        paper = "A4"
    RecoveryKeyDialog(recovery_key, practice_name, parent, paper=paper, note=note,
                      older_backups=older_backups).exec()


def ask_and_encrypt(ctx, parent, *, action: str = "Encrypt the practice") -> bool:
    """Ask for a new passphrase, then encrypt the open practice. False when the coach
    cancelled or it did not happen (said in a box)."""
    from .dialogs.new_passphrase import NewPassphraseDialog

    if encryption.is_encrypted(ctx.db.path):
        return True
    dialog = NewPassphraseDialog(Path(ctx.db.path).name, parent, action=action)
    if not dialog.exec():
        return False
    passphrase = dialog.take_passphrase()
    if not passphrase:
        return False
    return encrypt_open_practice(ctx, parent, passphrase, dialog.remember)


def ask_and_decrypt(ctx, parent) -> bool:
    """Warn, ask for the passphrase (or the recovery key), then turn the open practice
    back into a plain file; what the keyring remembered for it is forgotten. True when done."""
    from .dialogs.new_passphrase import CheckPassphraseDialog

    path = Path(ctx.db.path)
    box = QMessageBox(QMessageBox.Icon.Warning, DECRYPT_TITLE, "Decrypt this practice?",
                      parent=parent)
    box.setObjectName("decryptQuestion")
    box.setInformativeText(DECRYPT_WARNING + " Backups made while it was encrypted stay "
                           "encrypted and still need your passphrase or recovery key.")
    yes = box.addButton("Decrypt", QMessageBox.ButtonRole.DestructiveRole)
    yes.setObjectName("decryptYes")
    keep = box.addButton("Keep it encrypted", QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("decryptKeep")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    if box.clickedButton() is not yes:
        return False
    dialog = CheckPassphraseDialog(path, DECRYPT_TITLE, "Type your passphrase (or your "
                                   "recovery key) to decrypt this practice.", "Decrypt",
                                   parent, allow_recovery=True)
    if not dialog.exec():
        return False
    dialog.take_secret()  # checked and unlocked: the engine uses the key it now knows
    try:
        _convert(ctx, parent, DECRYPT_TITLE, "Decrypting your practice; please do not "
                 "switch the computer off.", lambda: practice_crypto.decrypt_practice(path),
                 "The practice could not be decrypted; nothing was changed.")
    except ConvertedButError as exc:
        QMessageBox.information(parent, DECRYPT_TITLE, as_plain(
            f"The practice was decrypted, but: {exc}"))
    except CoachDeskError as exc:
        _failed(parent, DECRYPT_TITLE, exc)
        return False
    passphrase_keyring.forget(path)
    ctx.say("This practice is no longer encrypted.")
    return True


def change_passphrase(ctx, parent) -> bool:
    """Change the passphrase of the open (encrypted) practice. True when changed."""
    from .dialogs.new_passphrase import ChangePassphraseDialog

    if not ChangePassphraseDialog(ctx.db.path, parent).exec():
        return False
    ctx.say(PASSPHRASE_CHANGED)
    # Said where the coach is looking (the status bar is behind Settings), in a small box.
    box = QMessageBox(QMessageBox.Icon.Information, "Change passphrase", PASSPHRASE_CHANGED,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("passphraseChangedBox")
    box.exec()
    return True


def remember_passphrase(ctx, parent) -> bool:
    """Ask for the passphrase and check it, then keep the practice's key (not the
    passphrase) in the keyring. True when remembered."""
    from .dialogs.new_passphrase import CheckPassphraseDialog

    path = Path(ctx.db.path)
    dialog = CheckPassphraseDialog(path, "Remember on this computer", "Type your passphrase "
                                   "once more: CoachDesk then keeps this practice's key in "
                                   "this computer's keyring, so you are not asked at start.",
                                   "Remember", parent)
    if not dialog.exec():
        return False
    dialog.take_secret()  # checked and unlocked: the key it opened is what is kept
    try:
        passphrase_keyring.save_known(path)  # the key the check unlocked, not the passphrase
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Remember on this computer", as_plain(str(exc)))
        return False
    ctx.say("This practice is remembered on this computer: you will not be asked at start.")
    return True


def protect_new_practice(window) -> bool:
    """First start, "Protect this practice with a passphrase" ticked: encrypt the still
    empty practice before anything is written into it. False (stay on the welcome page)
    when the coach cancelled or it did not happen."""
    ctx = window.ctx
    if ctx.read_only:
        return False
    return ask_and_encrypt(ctx, window, action="Protect and continue")
