"""Sealed or plain: the choices of File → Export the whole practice… and the passphrase
of File → Import a practice export… (used by ui/dialogs/practice_data.py).

An encrypted practice is exported sealed by default, with the practice's own passphrase
(checked off the GUI thread with ``encryption.unlock``). That is what a coach moving to a
new laptop needs least to think about: one passphrase, the one they already type every
morning, opens the practice here and its export there, and nothing new has to be written
down. A plain export of an encrypted practice is written only after a warning the coach
confirms. A plain practice is exported plain by default, as before; sealing it is one
choice away, with a passphrase typed twice (the practice has none to reuse).

A sealed export is an age file (``services/export_sealed``); importing one asks its
passphrase and opens it in memory: nothing decrypted is written to the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from coachdesk import encryption
from coachdesk.services import export, export_sealed
from coachdesk.storage import Database

from .. import files
from ..context import AppContext
from ..plain import as_plain
from .export_seal import RECOVERY_KEY_NOTE, SealDialog

EXPORT_TITLE = "Export the whole practice"
IMPORT_TITLE = "Import a practice export"

PLAIN_WARNING = (
    "Your practice is encrypted, but this file will not be: anyone with this file can read "
    "every private note, session and client in it, without any passphrase.\n\n"
    "Save a plain file anyway?")


def practice_is_encrypted(ctx: AppContext) -> bool:
    return encryption.is_encrypted(Path(ctx.db.path))


def _practice_passphrase(path: Path) -> Callable[[str], bool]:
    """The check of the practice's own passphrase (runs in a worker; waits on a wrong one)."""

    def check(words: str) -> bool:
        encryption.unlock(path, passphrase=words)
        return True

    return check


def seal_dialog(ctx: AppContext, parent: QWidget | None = None) -> SealDialog:
    """The dialog that asks how to export this practice (not yet shown)."""
    if practice_is_encrypted(ctx):
        return SealDialog(
            EXPORT_TITLE,
            "Your practice is encrypted. Its export holds everything, your private notes "
            "too, so CoachDesk seals it with your practice's passphrase: on your new computer "
            "you type the same passphrase to bring it in.",
            label="Your practice's &passphrase:",
            choice=("&Sealed with your practice's passphrase (recommended)",
                    "A p&lain file, not sealed"),
            sealed_by_default=True,
            notes=(RECOVERY_KEY_NOTE, "A plain file is not encrypted: anyone who gets it "
                   "can read every private note."),
            check=_practice_passphrase(Path(ctx.db.path)), parent=parent)
    return SealDialog(
        EXPORT_TITLE,
        "Your export holds everything, your private notes too. You can seal it with a "
        "passphrase, so that only someone who knows the passphrase can open it.",
        label="New &passphrase:",
        choice=("&Sealed with a passphrase you choose now", "A p&lain file (as before)"),
        sealed_by_default=False,
        notes=("Type it twice. Nobody, not even CoachDesk, can open the file without it.",
               "Keep the file as safe as your practice: anyone who gets it can read it."),
        twice=True, parent=parent)


def ask_how(ctx: AppContext, parent: QWidget | None = None
            ) -> tuple[bool, str | None, bool] | None:
    """Ask sealed or plain: (sealed, passphrase or None, the practice's own passphrase),
    or None when the coach cancelled (or declined a plain file of an encrypted practice)."""
    dialog = seal_dialog(ctx, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        own = practice_is_encrypted(ctx)
        sealed, passphrase = dialog.sealed, dialog.take_passphrase()
    finally:
        dialog.deleteLater()
    if not sealed and own:
        answer = QMessageBox.question(
            parent, EXPORT_TITLE, as_plain(PLAIN_WARNING),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
    return sealed, passphrase, own


def ask_target(parent: QWidget | None, name: str, sealed: bool) -> Path | None:
    """Where to write it; a sealed file's name ends in .age (".json.age" when typed bare)."""
    if not sealed:
        return files.ask_save_path(parent, "practice_export", EXPORT_TITLE, name,
                                   "CoachDesk exports (*.json);;All files (*)", ".json")
    target = files.ask_save_path(parent, "practice_export", EXPORT_TITLE, name,
                                 "Sealed CoachDesk exports (*.age);;All files (*)")
    if target is not None and not target.name.lower().endswith(".age"):
        ending = ".age" if target.name.lower().endswith(".json") else export_sealed.SUFFIX
        target = target.with_name(target.name + ending)
    return target


def export_work(db: Database, target: Path, passphrase: str | None) -> Callable:
    """The work of the export job: ``work(progress) -> Path``, sealed when a passphrase
    is given."""
    if passphrase is None:
        return lambda progress: export.export_practice(db, target, progress=progress)
    return lambda progress: export_sealed.export_encrypted(db, target, passphrase,
                                                           progress=progress)


def how_to_open(path: Path, sealed: bool, own_passphrase: bool) -> str:
    """The finished message's last words: what the file is and how to open it elsewhere."""
    if not sealed:
        return ("It holds everything, your private notes too: keep it as safe as your "
                "practice. On a new computer, open CoachDesk and choose “Move from another "
                "computer…” to bring it in.")
    whose = "your practice's passphrase" if own_passphrase else "the passphrase you chose"
    return (f"It is sealed with {whose}: nobody can read it without it. Open it with "
            "CoachDesk on the other computer: File → Import a practice export… (or Move "
            "from another computer…).")


def open_sealed(parent: QWidget | None, source: Path) -> tuple[dict, dict, str] | None:
    """Ask the passphrase of the sealed export ``source`` and open it in memory (in a
    worker): (document, rows ready to import, the passphrase that opened it — offered to
    protect the new practice with, then dropped), or None when the coach cancelled."""
    dialog = SealDialog(
        IMPORT_TITLE,
        f"“{source.name}” is sealed with a passphrase. Type the passphrase it was sealed "
        "with (for an encrypted practice, that practice's passphrase).",
        check=lambda words: export_sealed.load_sealed(source, words),
        checking="Opening the file…", parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        doc, ready = dialog.checked
        return doc, ready, dialog.take_passphrase()
    finally:
        dialog.deleteLater()


def ask_client_seal(parent: QWidget | None, who: str) -> tuple[bool, str | None] | None:
    """For a client's own data from an encrypted practice (ui/dialogs/client_data.py):
    plain files by default (they go to the client), sealed with a new passphrase typed
    twice when the coach wants. (sealed, passphrase or None), or None when cancelled."""
    dialog = SealDialog(
        "Export everything held about this client",
        f"Your practice is encrypted, but the files for {who} are plain by default: they "
        "are the client's own data, and a client opens them without any tool.",
        label="New &passphrase:",
        choice=("&Sealed with a passphrase you choose now",
                "A p&lain JSON file and PDF (usual for the client)"),
        sealed_by_default=False,
        notes=("Give the client the passphrase separately (by phone, not in the same "
               "e-mail). They open the files with the free age tool (age-encryption.org).",
               "These files are not encrypted: send them in a way only the client can read."),
        twice=True, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.sealed, dialog.take_passphrase()
    finally:
        dialog.deleteLater()
