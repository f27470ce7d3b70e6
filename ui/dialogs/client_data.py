"""The client's own data: export everything held about them, or erase them completely.

Reached from the client page ("Client's data" button) and from the retention review.
Both the export and the erasure run off the GUI thread (the erasure rewrites the whole
file), with a busy indicator; the window never freezes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError
from coachdesk.services import erasure, privacy

from .. import files, workers
from ..context import AppContext
from ..plain import as_plain
from ..theme import css
from ..widgets.fields import name_widget
from . import practice_seal

log = logging.getLogger(__name__)


# -- a job in the thread pool ---------------------------------------------------------------


class Job(workers.Job):
    """``work()`` in the thread pool (see ui/workers.py); ``what`` names it in a failure."""

    def __init__(self, work, what: str):
        super().__init__(work, f"{what} did not work.")
        self.what = what

    def failure_text(self, exc: Exception) -> str:
        return f"{self.what} did not work: {exc}"


def _short(name: str, limit: int = 60) -> str:
    one = " ".join(str(name).split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


# -- subject access export ------------------------------------------------------------------


class ExportClientData(QObject):
    """Confirm, pick a folder, write ``<name> - personal data.json`` and ``.pdf``."""

    finished = Signal(bool)

    def __init__(self, ctx: AppContext, client_id: int, name: str, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.client_id, self.name, self.parent_widget = ctx, client_id, name, parent
        self.paths: tuple[Path, Path] | None = None
        self.sealed = False  # sealed with a passphrase (an encrypted practice's choice)
        self.busy: QProgressBar | None = None
        self.job: Job | None = None

    def run(self) -> bool:
        """Ask, then start writing; ``finished`` tells when the files are there."""
        who = _short(self.name)
        answer = QMessageBox.question(
            self.parent_widget, "Export everything held about this client",
            as_plain(f"The files will hold everything CoachDesk keeps about {who}, including "
                     "your private notes (session notes, comments on readings, notes on "
                     "stakeholders).\n\nThis is right for a data-protection request: it is the "
                     "client's own data. Give the files only to the client.\n\nContinue?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        how = (practice_seal.ask_client_seal(self.parent_widget, who)
               if practice_seal.practice_is_encrypted(self.ctx) else (False, None))
        if how is None:
            return False
        self.sealed, passphrase = how
        folder = files.ask_folder(self.parent_widget, "client_data",
                                  f"Choose a folder for {who}'s data")
        if folder is None:
            return False
        json_path, pdf_path = privacy.subject_access_paths(folder, self.name)
        if self.sealed:
            json_path, pdf_path = (p.with_name(p.name + ".age") for p in (json_path, pdf_path))
        existing = [p for p in (json_path, pdf_path) if p.exists()]
        if existing:
            answer = QMessageBox.question(
                self.parent_widget, "Replace the files?",
                as_plain(f"{json_path.name} or its PDF is already in that folder. Replace them?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.ctx.say(f"Writing everything held about {who}…")
        db = self.ctx.db
        self.job = Job(lambda: privacy.write_subject_access(db, self.client_id, folder,
                                                            passphrase=passphrase),
                       "The export")
        self.job.signals.done.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.job.start()
        return True

    def _done(self, paths) -> None:
        self.paths = paths
        json_path, pdf_path = paths
        details = (f"• {json_path.name} (every record, for other software)\n"
                   f"• {pdf_path.name} (a readable summary)")
        if self.sealed:
            details += ("\n\nBoth are sealed with the passphrase you chose: give it to the "
                        "client separately. They open each file with the free age tool "
                        "(age-encryption.org), for example:\n"
                        f"    age --decrypt -o data.json \"{json_path.name}\"")
        self.ctx.say(f"Exported everything held about {_short(self.name)} to {json_path.parent}.")
        self.saved_notice = files.show_saved(
            self.parent_widget, "client_data", json_path.parent, title="Export done",
            what=f"{_short(self.name)}'s data was saved in", details=details)
        self.finished.emit(True)

    def _failed(self, message: str) -> None:
        self.ctx.say("The export did not work.")
        QMessageBox.warning(self.parent_widget, "Export", as_plain(message))
        self.finished.emit(False)


def export_client_data(ctx: AppContext, client_id: int, name: str,
                       parent: QWidget) -> ExportClientData:
    exporter = ExportClientData(ctx, client_id, name, parent)
    exporter.run()
    return exporter


# -- erasing --------------------------------------------------------------------------------


class EraseClientDialog(QDialog):
    """Names what will go, asks for a deliberate tick, offers to delete older backups.

    ``result_object`` is the ``erasure.EraseResult`` once the client is erased.
    """

    def __init__(self, ctx: AppContext, client_id: int, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.result_object = None
        self.job: Job | None = None
        self.setObjectName("eraseClientDialog")
        self.preview = erasure.erase_preview(ctx.db, client_id)
        who = _short(self.preview.name)
        self.setWindowTitle(f"Erase {who} completely")
        self.setMinimumWidth(520)

        title = QLabel(f"Erase {who} and everything about them")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        title.setStyleSheet("font-size: 15px; font-weight: 600;")
        intro = QLabel("This deletes for good, from this computer:")
        record = QLabel("• The client's record: name, contact details and background")
        lines = [f"• {line}" for line in self.preview.lines()]
        half = (len(lines) + 1) // 2
        columns = QHBoxLayout()
        self.what_labels = []
        for part in (lines[:half], lines[half:]):
            label = QLabel("\n".join(part))
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            columns.addWidget(label, 1)
            self.what_labels.append(label)
        #: everything that will go, as one text (tests and screen readers read it)
        self.what_text = "\n".join([record.text(), *lines])
        self.what_labels[0].setAccessibleName("What will be deleted")
        self.what_labels[0].setAccessibleDescription(self.what_text)
        kept = QLabel("Kept: the organisation and the sponsor (they are your business "
                      "contacts, not this client's data) and your indicator list. The search "
                      "and the file itself are cleaned so no trace of the client is left."
                      + (" " + self.preview.kept_note if self.preview.kept_note else ""))
        kept.setWordWrap(True)

        # Backups made before today still hold the client.
        try:
            self.backups = erasure.client_backups(ctx.db, client_id, self.preview.name)
        except CoachDeskError as exc:
            log.warning("could not list backups: %s", exc)
            self.backups = []
        n = len(self.backups)
        self.backups_label = name_widget(QLabel(), "eraseBackupsNote", "Backups")
        self.backups_label.setWordWrap(True)
        self.backups_label.setTextFormat(Qt.TextFormat.PlainText)
        self.delete_backups = name_widget(
            QCheckBox(f"Also delete {'these ' + str(n) + ' backups' if n != 1 else 'this backup'}"
                      " now"),
            "eraseDeleteBackups", "Also delete the backups that hold this client")
        if n == 1:
            self.backups_label.setText(
                f"1 older backup still contains {who} until it is rotated away (backups are "
                "kept up to about a year). Restoring it would bring the client back.")
        elif n:
            self.backups_label.setText(
                f"{n} older backups still contain {who} until they are rotated away (backups "
                "are kept up to about a year). Restoring one would bring the client back.")
        else:
            self.backups_label.setText("No backup holds this client.")
            self.delete_backups.hide()
        self.fresh_note = QLabel("A fresh backup without this client is made straight "
                                 "afterwards, so you are never left without one.")
        self.fresh_note.setWordWrap(True)
        self.fresh_note.setContentsMargins(22, 0, 0, 0)
        self.fresh_note.setVisible(bool(n))

        self.final_note = QLabel(f"{who} and all these records will be deleted for good.")
        self.final_note.setTextFormat(Qt.TextFormat.PlainText)
        self.final_note.setWordWrap(True)
        self.final_note.setStyleSheet(f"color: {css('red')}; font-weight: 600;")
        self.confirm = name_widget(QCheckBox("I understand this cannot be undone"),
                                   "eraseConfirm", "I understand this cannot be undone")
        self.status = name_widget(QLabel(), "eraseStatus", "Status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = name_widget(
            self.buttons.addButton("Erase for good", QDialogButtonBox.ButtonRole.DestructiveRole),
            "eraseButton", "Erase for good")
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        self.erase_button.setStyleSheet(f"QPushButton:enabled {{ color: {css('red')}; "
                                        "font-weight: 600; }")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("eraseCancel")
        cancel.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(record)
        layout.addLayout(columns)
        layout.addWidget(kept)
        layout.addSpacing(6)
        layout.addWidget(self.backups_label)
        layout.addWidget(self.delete_backups)
        layout.addWidget(self.fresh_note)
        layout.addSpacing(6)
        layout.addWidget(self.final_note)
        layout.addWidget(self.confirm)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.confirm.toggled.connect(self.erase_button.setEnabled)
        self.erase_button.clicked.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        # Word-wrapped labels: size the window for its text at a comfortable width (Qt does
        # not work out a top-level window's height from its labels' height-for-width).
        width = 600
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else 0
        self.resize(width, max(height, layout.sizeHint().height()))
        self.setMinimumHeight(max(height, layout.minimumSize().height()))

    def erase(self) -> None:
        if not self.confirm.isChecked() or self.job is not None:
            return
        db = self.ctx.db
        cid = self.client_id
        delete = [b.path for b in self.backups] if self.delete_backups.isChecked() else None

        def work():
            result = erasure.erase_client(db, cid)
            backups_note = ""
            if delete is not None:
                try:
                    deleted, fresh = erasure.delete_client_backups(db, delete)
                    backups_note = (f" {deleted} older backup{'s' if deleted != 1 else ''} "
                                    f"deleted; a fresh backup was made.")
                except CoachDeskError as exc:
                    backups_note = f" The older backups could not all be deleted: {exc}"
            return result, backups_note

        for widget in (self.confirm, self.delete_backups, self.erase_button,
                       self.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
            widget.setEnabled(False)
        self.progress.show()
        self.status.setText("Erasing and cleaning the practice file…")
        self.job = Job(work, "Erasing the client")
        self.job.signals.done.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.job.start()

    def _done(self, outcome) -> None:
        result, backups_note = outcome
        self.result_object = result
        self.progress.hide()
        self.message = result.message + backups_note
        self.ctx.notify("client")
        self.ctx.say(self.message)
        self.accept()

    def _failed(self, message: str) -> None:
        self.job = None
        self.progress.hide()
        self.status.setText(f"Nothing was erased: {message}")
        self.status.setStyleSheet(f"color: {css('red')};")
        for widget in (self.confirm, self.delete_backups,
                       self.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
            widget.setEnabled(True)
        self.erase_button.setEnabled(self.confirm.isChecked())

    def reject(self) -> None:
        if self.job is not None and self.result_object is None:
            return  # never close half-way through an erasure
        super().reject()


def erase_client_dialog(ctx: AppContext, client_id: int, parent=None) -> bool:
    """Open the erase dialog; True when the client was erased."""
    try:
        dialog = EraseClientDialog(ctx, client_id, parent)
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Erase client", as_plain(str(exc)))
        return False
    erased = bool(dialog.exec()) and dialog.result_object is not None
    result = dialog.result_object
    if erased and (result.files_left or result.files_kept or not result.compacted):
        # the coach is told the truth in a box, not only in the status bar
        QMessageBox.warning(parent, "Erase client", as_plain(dialog.message))
    return erased


def confirm_archive(parent, name: str) -> bool:
    """Ask before archiving the client ``name``; True on Yes. The name is shown as plain
    text (a name like ``<a href=…>`` is never a link) and cut to 80 characters."""
    box = QMessageBox(parent)
    box.setObjectName("confirmArchiveClient")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Archive client")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"Archive {name[:80]}?\n\nNothing is deleted: archived clients are kept with "
                "all their records, under “Archived” in the clients list, and can be "
                "unarchived at any time.")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
