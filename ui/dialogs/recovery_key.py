"""The recovery key, shown once, right after a practice is encrypted.

The key in large monospaced groups, the practice file's name and the date; Save as PDF…
(written only where the coach chooses) and Print… (the sheet is built in memory and
drawn on the printer: no copy on the disk). Done stays greyed until the coach ticks "I
have printed or saved my recovery key somewhere safe".

Esc, or the window's close button, before that box is ticked asks "Close without saving
the recovery key?", with "Go back to the key" as the default answer: the key cannot be
shown again, and without it a forgotten passphrase loses the practice for good, so one
stray key press must not lose it. The coach may still close (a key copied by hand is as
good as a printed one); CoachDesk does not hold anyone captive.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QStandardPaths, Qt
from PySide6.QtGui import QFont, QFontDatabase, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from coachdesk import dates
from coachdesk.reports import recovery_key as sheet

from .. import files
from ..widgets.fields import name_widget
from ..widgets.grow import grow_with_content

log = logging.getLogger(__name__)

CLOSE_QUESTION = "Close without saving the recovery key?"
#: the save dialog's title: where the key is best kept (not on this computer)
SAVE_CAPTION = "Save the recovery key: save it to a USB stick or print it"


def desktop_folder() -> Path:
    """The Desktop, where a saved key is seen (and moved away); home when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


class RecoveryKeyDialog(QDialog):
    """Shows ``recovery_key`` (``encryption.recovery_key_text``) of ``practice_name``, what
    the practice's key file is, and, with ``older_backups`` (the practice was encrypted
    before with another key: ``key_files.backups_with_other_key``), that older backups
    still need the earlier recovery key."""

    def __init__(self, recovery_key: str, practice_name: str, parent=None, *,
                 day: date | None = None, paper: str = "A4", note: str = "",
                 older_backups: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Your recovery key")
        self.setObjectName("recoveryKeyDialog")
        self.setModal(True)
        self._key = recovery_key
        self.practice_name = practice_name
        self.day = day or date.today()
        self.paper = paper
        self.older_backups = older_backups  # encrypted before with another key: said
        self.saved_to: str | None = None
        self.printed = False

        heading = QLabel("Your practice is now encrypted. This is its recovery key.")
        heading.setObjectName("recoveryKeyHeading")
        heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        heading.setWordWrap(True)
        where = QLabel(f"Practice file: {practice_name}  ·  {dates.long(self.day)}")
        where.setObjectName("recoveryKeyPractice")
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setStyleSheet("color: palette(placeholder-text);")

        self.key_label = name_widget(QLabel("\n".join(sheet.key_lines(recovery_key))),
                                     "recoveryKeyText", "Recovery key")
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(20)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setContentsMargins(18, 14, 18, 14)

        what = [sheet.EXPLANATION[0], sheet.key_file_text(practice_name, short=True)]
        explanation = QLabel("\n\n".join([" ".join(what), sheet.EXPLANATION[1],
                                           sheet.EXPLANATION[3]])
                             + "\n\nThis key is shown only now.")
        #: after a decryption and a new encryption: the older backups' key is another one
        self.older_note = QLabel(sheet.OLDER_BACKUPS)
        self.older_note.setObjectName("recoveryKeyOlderBackups")
        self.older_note.setWordWrap(True)
        self.older_note.setStyleSheet("font-weight: 600;")
        self.older_note.setVisible(older_backups)
        explanation.setObjectName("recoveryKeyExplanation")
        explanation.setWordWrap(True)

        self.confirm = name_widget(
            QCheckBox("I have printed or saved my recovery key somewhere safe"),
            "recoveryKeyConfirm", "I have printed or saved my recovery key somewhere safe")
        self.buttons = QDialogButtonBox()
        self.save_button = name_widget(
            self.buttons.addButton("Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole),
            "recoveryKeySave", "Save the recovery key as a PDF")
        self.print_button = name_widget(
            self.buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole),
            "recoveryKeyPrint", "Print the recovery key")
        self.done_button = name_widget(
            self.buttons.addButton("Done", QDialogButtonBox.ButtonRole.AcceptRole),
            "recoveryKeyDone", "Done")
        self.done_button.setEnabled(False)
        self.confirm.toggled.connect(self.done_button.setEnabled)
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.print_button.clicked.connect(self.print_key)
        self.buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(where)
        if note:  # e.g. after a move: the other computer's key does not open this one
            extra = QLabel(note)
            extra.setObjectName("recoveryKeyNote")
            extra.setWordWrap(True)
            extra.setStyleSheet("font-weight: 600;")
            layout.addWidget(extra)
        layout.addSpacing(8)
        layout.addWidget(self.key_label)
        layout.addSpacing(8)
        layout.addWidget(self.older_note)
        layout.addWidget(explanation)
        layout.addSpacing(6)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(680)  # wide rather than tall: 640-pixel-high screens keep the title bar
        grow_with_content(self)  # every sentence shown, "shown only now" too
        self.confirm.setFocus()

    # -- keeping it ----------------------------------------------------------------------
    def suggested_name(self) -> str:
        stem = self.practice_name.rsplit(".", 1)[0] or "practice"
        return files.safe_name(f"CoachDesk recovery key - {stem}.pdf")

    def save_pdf(self, target: str | None = None) -> str | None:
        """Write the sheet where the coach chooses (asked when ``target`` is None, opened on
        the Desktop, or where the last one went); the path, or None (cancelled, or refused:
        said in a box)."""
        key, name, day, paper = self._key, self.practice_name, self.day, self.paper
        older = self.older_backups
        if not target:
            start = (files.last_folder("recovery-key") or desktop_folder()) / self.suggested_name()
            chosen, _filter = QFileDialog.getSaveFileName(self, SAVE_CAPTION, str(start),
                                                          "PDF files (*.pdf)")
            if not chosen:
                return None
            target = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
        saved = files.save_file(
            self, "recovery-key", lambda path: sheet.write_recovery_pdf(
                path, key, name, day, paper, older_backups=older),
            title="Save the recovery key", what="The recovery key", name=self.suggested_name(),
            file_filter="PDF files (*.pdf)", suffix=".pdf", target=target,
            details="Print it, or copy it to a USB stick you keep away from this computer; "
                    "then delete it from this computer.")
        if saved:
            self.saved_to = saved
        return saved

    def pdf_document(self):
        """The sheet as a ``QPdfDocument`` read from memory (kept alive by ``self``)."""
        from PySide6.QtPdf import QPdfDocument

        data = sheet.recovery_pdf_bytes(self._key, self.practice_name, self.day, self.paper,
                                        older_backups=self.older_backups)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        document.load(self._buffer)
        return document

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.render_to(printer)

    def render_to(self, printer) -> bool:
        """Draw the sheet on ``printer`` (a QPrinter or any QPagedPaintDevice)."""
        document = self.pdf_document()
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Print", "The printer could not be started. Save the "
                                "key as a PDF instead, or copy it by hand.")
            return False
        try:
            for i in range(document.pageCount()):
                if i:
                    printer.newPage()
                rect = painter.viewport()
                size = document.pagePointSize(i)
                scale = min(rect.width() / size.width(), rect.height() / size.height())
                painter.drawImage(0, 0, document.render(i, (size * scale).toSize()))
        finally:
            painter.end()
            document.close()
        self.printed = True
        return True

    # -- closing -------------------------------------------------------------------------
    # Esc and the window's close button ask first while the box is unticked; reject() and
    # close() called from code close without asking, as in every form (ui/dialogs/base.py).
    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            if self.confirm.isChecked() or self.ask_close_anyway():
                self.reject()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event):  # noqa: N802
        if (event.spontaneous() and self.isVisible() and not self.confirm.isChecked()
                and not self.ask_close_anyway()):
            event.ignore()
            return
        super().closeEvent(event)

    def ask_close_anyway(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Your recovery key", CLOSE_QUESTION,
                          parent=self)
        box.setObjectName("recoveryKeyCloseQuestion")
        box.setInformativeText("It will not be shown again. Without it, a forgotten "
                               "passphrase means your practice cannot be opened by anyone.")
        leave = box.addButton("Close without it", QMessageBox.ButtonRole.DestructiveRole)
        leave.setObjectName("recoveryKeyCloseAnyway")
        back = box.addButton("Go back to the key", QMessageBox.ButtonRole.RejectRole)
        back.setObjectName("recoveryKeyGoBack")
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is leave

    def done(self, result: int) -> None:
        self._key = ""  # no copy of the key stays in the dialog once it is closed
        self.key_label.clear()
        super().done(result)
