"""The dialog an error nobody foresaw brings up: a plain sentence, and a way to pass it on.

What the coach reads says that something went wrong and what is safe; the detail stays
out of sight. "Copy details" puts ``coachdesk.crash.details`` on the clipboard (versions,
system, where it happened and of which kind; never the error's message, which may quote
the coach), for whoever helps them with CoachDesk; "Open the log folder" shows the folder
where the log and ``crash.log`` are. One at a time: while it is open, a further error is
only logged (a failing timer would otherwise stack up a dialog a second).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from coachdesk import APP_NAME

from ..widgets.fields import name_widget

MESSAGE = ("Something went wrong. What the page shows as saved is saved; anything it shows "
           "as not saved yet is still on screen.")
HELP = ("If it happens again, “Copy details” copies what went wrong (no client data) so you "
        "can send it to whoever helps you with CoachDesk.")
COPIED = "The details are copied: paste them into your message."


class CrashDialog(QDialog):
    """``details``: the text "Copy details" copies; ``log_folder``: what "Open the log
    folder" opens."""

    def __init__(self, details: str, log_folder: Path, parent=None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(APP_NAME)
        self.details = details
        self.log_folder = Path(log_folder)
        self.message = name_widget(QLabel(MESSAGE), "crashMessage", "What happened")
        self.message.setWordWrap(True)
        self.help = name_widget(QLabel(HELP), "crashHelp", "What you can do")
        self.help.setWordWrap(True)
        self.status = name_widget(QLabel(""), "crashStatus", "Copied")
        self.status.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name_widget(close, "closeCrash", "Close")
        self.copy_button = name_widget(QPushButton("&Copy details"), "copyDetails",
                                       "Copy details")
        self.folder_button = name_widget(QPushButton("Open the &log folder"), "openLogFolder",
                                         "Open the log folder")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.folder_button.clicked.connect(self.open_log_folder)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.help)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        close.setDefault(True)
        close.setFocus()
        self.resize(480, self.sizeHint().height())

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.status.setText(COPIED)

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_folder)))
