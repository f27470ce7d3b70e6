"""When the practice file cannot be opened: say why, offer a way out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

RESTORE, CHOOSE, QUIT = "restore", "choose", "quit"


def describe_backup(path: Path) -> str:
    """'the backup of Monday 3 February 2025 at 18:00 (name), in FOLDER' in plain words."""
    from coachdesk import backups

    parsed = backups.parse_name(Path(path))
    when = f"of {parsed[0]:%A %d %B %Y at %H:%M} " if parsed else ""
    return f"the backup {when}(“{Path(path).name}”), in {Path(path).parent}"


def ask_what_to_do(message: str, backup_name: str | None, parent=None) -> str:
    box = QMessageBox(parent)
    box.setObjectName("databaseProblem")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("CoachDesk cannot open your practice")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message)
    info = "Nothing has been changed in that file."
    if backup_name:
        info += (f"\n\nThe newest backup that passes its check is {backup_name}. Restoring it "
                 "sets the damaged file aside first; work entered after that backup is not in it.")
    else:
        info += "\n\nNo good backup of it was found."
    box.setInformativeText(info)
    restore = None
    if backup_name:
        restore = box.addButton("Restore latest backup", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restoreLatest")
    choose = box.addButton("Choose another file…", QMessageBox.ButtonRole.ActionRole)
    choose.setObjectName("chooseAnother")
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    quit_button.setObjectName("quitApp")
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE
    if clicked is choose:
        return CHOOSE
    return QUIT
