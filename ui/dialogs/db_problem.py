"""When the practice file cannot be opened: say why, offer a way out.

"Restore latest backup" is offered only where a backup is the answer (damage, a file emptied
by a failed copy); "Start a new empty practice" only for an empty (0-byte) file; "Open
read-only" only for a read-only file, folder or drive; choosing another file and quitting always.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

RESTORE, CHOOSE, QUIT, NEW, READ_ONLY = "restore", "choose", "quit", "new", "read-only"


def describe_backup(path: Path) -> str:
    """'the backup of Monday 3 February 2025 at 18:00 (name), in FOLDER' in plain words."""
    from coachdesk import backups, dates

    parsed = backups.parse_name(Path(path))
    when = f"of {dates.long_when(parsed[0])} " if parsed else ""
    return f"the backup {when}(“{Path(path).name}”), in {Path(path).parent}"


#: The choices' title at start or on File → Open, and over a practice already on screen whose
#: check after the window showed found damage (``ui.start_check``).
CANNOT_OPEN = "CoachDesk cannot open your practice"
FOUND_DAMAGE = "CoachDesk found damage in your practice"


def ask_what_to_do(message: str, backup_name: str | None, parent=None, *,
                   offer_new: bool = False, restorable: bool = True,
                   offer_read_only: bool = False, offer_choose: bool = True,
                   title: str = CANNOT_OPEN) -> str:
    """Show ``message`` with the ways out; returns RESTORE, NEW, READ_ONLY, CHOOSE or QUIT.

    ``backup_name`` (``describe_backup``) offers "Restore latest backup"; ``offer_new``
    offers "Start a new empty practice" (an empty file); ``offer_read_only`` offers "Open
    read-only" (a read-only file, folder or drive); ``offer_choose`` False leaves out "Choose
    another file…" (File → Open: the coach just chose one); ``restorable`` False leaves out any
    word on backups (a full disk, a read-only or busy file: a backup is no answer there);
    ``title``: the window's title (``FOUND_DAMAGE`` over a practice already open). With ``COACHDESK_NO_DIALOGS`` set (scripts, tests) the message goes to stderr and the
    answer is QUIT.
    """
    if os.environ.get("COACHDESK_NO_DIALOGS"):
        print(message, file=sys.stderr)
        return QUIT
    box = QMessageBox(parent)
    box.setObjectName("databaseProblem")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message)
    info = "Nothing has been changed in that file."
    if backup_name:
        info += (f"\n\nThe newest backup that passes its check is {backup_name}. Restoring it "
                 "sets this file aside first; work entered after that backup is not in it.")
    elif restorable:
        info += "\n\nNo good backup of it was found."
    box.setInformativeText(info)
    restore = new = read_only = None
    if offer_read_only:
        read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
        read_only.setObjectName("openReadOnly")
        info += ("\n\nOpened read-only, you can read, search and print it; changes cannot "
                 "be saved.")
        box.setInformativeText(info)
    if backup_name:
        restore = box.addButton("Restore latest backup", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restoreLatest")
    if offer_new:
        new = box.addButton("Start a new empty practice", QMessageBox.ButtonRole.DestructiveRole)
        new.setObjectName("startNewPractice")
    choose = None
    if offer_choose:
        choose = box.addButton("Choose another file…", QMessageBox.ButtonRole.ActionRole)
        choose.setObjectName("chooseAnother")
    quit_button = box.addButton("Quit" if offer_choose else "Cancel",
                                QMessageBox.ButtonRole.RejectRole)
    quit_button.setObjectName("quitApp")
    if read_only is not None:
        box.setDefaultButton(read_only)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE
    if read_only is not None and clicked is read_only:
        return READ_ONLY
    if new is not None and clicked is new:
        return NEW
    if choose is not None and clicked is choose:
        return CHOOSE
    return QUIT
