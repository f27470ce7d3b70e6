"""When the practice file cannot be opened: say why, offer a way out."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

RESTORE, CHOOSE, QUIT = "restore", "choose", "quit"


def ask_what_to_do(message: str, backup_name: str | None, parent=None) -> str:
    box = QMessageBox(parent)
    box.setObjectName("databaseProblem")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("CoachDesk cannot open your practice")
    box.setText(message)
    info = "Nothing has been changed in that file."
    if backup_name:
        info += f"\n\nThe most recent good backup is “{backup_name}”."
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
