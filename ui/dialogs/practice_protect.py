"""Protecting a new practice as a sealed export comes in (File → Import a practice
export…, the welcome page's "Move from another computer…").

A coach moving to a new computer typed the export's passphrase a moment ago: the calm
default is that the practice here is protected with the same one, so a sealed export never
turns into a plain file of private notes without a question. Before anything is written,
one question (Yes by default); on Yes the still-empty practice is encrypted with that
passphrase (``ui.encrypt_flow``) and its recovery key shown once: the data key is new here,
so the recovery key of the other computer does not open this practice. With the welcome
page's "Protect this practice with a passphrase" ticked, the export's passphrase is used
without a second question or a passphrase typed twice more; a plain export with that box
ticked asks for a new passphrase, as the demo and "Start my practice" do.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from coachdesk import encryption

from .. import encrypt_flow
from ..context import AppContext

TITLE = "Protect this practice"
QUESTION = ("This export was protected with a passphrase. Protect this practice on this "
            "computer with the same passphrase? (recommended)")
DETAIL = ("Your practice file and its backups here are then unreadable without that "
          "passphrase. With No, this practice is stored as a plain file, as before.")
NEW_KEY_NOTE = ("This practice has a new recovery key: the recovery key of your other "
                "computer does not open it. Keep this one too.")


def is_protected(path) -> bool:
    """Whether the practice file at ``path`` is encrypted (for the import's last words)."""
    return encryption.is_encrypted(Path(path))


def _ask(parent: QWidget | None) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, TITLE, QUESTION, parent=parent)
    box.setObjectName("protectImportQuestion")
    box.setInformativeText(DETAIL)
    yes = box.addButton(QMessageBox.StandardButton.Yes)
    yes.setObjectName("protectImportYes")
    no = box.addButton(QMessageBox.StandardButton.No)
    no.setObjectName("protectImportNo")
    box.setDefaultButton(yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def protect_before_import(ctx: AppContext, parent: QWidget | None, passphrase: str | None,
                          protect: bool) -> bool:
    """Encrypt the open (still empty) practice before an import, as chosen.

    ``passphrase``: the sealed export's (None for a plain export); ``protect``: the welcome
    page's box was ticked. True to go on importing (protected, or plain as chosen); False
    when a protection the coach asked for did not happen (cancelled or refused, said in a
    box): nothing is imported then."""
    if ctx.read_only or encryption.is_encrypted(Path(ctx.db.path)):
        return True
    if passphrase is None:
        if not protect:
            return True
        return encrypt_flow.ask_and_encrypt(ctx, parent, action="Protect and continue")
    if not protect and not _ask(parent):
        return True
    return encrypt_flow.encrypt_open_practice(ctx, parent, passphrase, note=NEW_KEY_NOTE)
