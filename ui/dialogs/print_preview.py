"""Print a GROW worksheet: choose what, preview the PDF (QtPdf), then print or save.

One layout serves paper and PDF: the preview shows the very file that is
printed or saved. The PDF is built off the GUI thread.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
)

from coachdesk import dates, tempfiles
from coachdesk.errors import CoachDeskError
from coachdesk.files import atomic_write

from .. import files
from ..context import AppContext
from ..plain import as_plain
from ..widgets import fit
from ..widgets.fields import name_widget
from ..workers import Job

log = logging.getLogger(__name__)


class PdfJob(Job):
    """Builds a PDF with ``build()`` (returns its path) off the GUI thread;
    ``signals.done`` carries the path as text."""

    def __init__(self, build):
        super().__init__(build, "The PDF could not be made.")
        self.build = build

    def call(self) -> str:
        return str(self.build())

    def failure_text(self, exc: Exception) -> str:
        return f"The PDF could not be made: {exc}"


class WorksheetChoiceDialog(QDialog):
    """Filled in (the session's, named by its ``day`` when given) or blank."""

    def __init__(self, has_session: bool, parent=None, day=None):
        super().__init__(parent)
        self.setWindowTitle("Print GROW worksheet")
        self.setObjectName("worksheetChoice")
        which = (f"The worksheet of the session of {dates.short_weekday(day)}, filled in"
                 if has_session and day is not None else "This session's worksheet, filled in")
        self.filled = name_widget(QRadioButton(which), "printFilled", "Filled worksheet")
        self.blank = name_widget(QRadioButton("A blank worksheet to take into the room"),
                                 "printBlank", "Blank worksheet")
        self.include_private = name_widget(QCheckBox("Include my private notes"),
                                           "includePrivate", "Include my private notes")
        self.include_private.setToolTip("Off by default: the worksheet then carries no private note.")
        self.filled.setEnabled(has_session)
        (self.filled if has_session else self.blank).setChecked(True)
        self.filled.toggled.connect(self.include_private.setEnabled)
        self.include_private.setEnabled(has_session)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("previewButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filled)
        layout.addWidget(self.include_private)
        layout.addWidget(self.blank)
        layout.addWidget(buttons)


class PdfPreviewDialog(QDialog):
    """Shows a PDF with Print… and Save as PDF…

    ``kind`` names the sort of file for ``ui.files``: Save as PDF opens in the folder
    last used for it (else Documents) and says where the file went.
    """

    def __init__(self, pdf_path: str, suggested_name: str, parent=None, *, kind: str = "pdf"):
        super().__init__(parent)
        self.file_kind = kind
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.setWindowTitle("Preview")
        self.setObjectName("pdfPreview")
        self.resize(QSize(820, 900).boundedTo(fit.room_for(self)))  # Print/Close stay on screen
        self.pdf_path = pdf_path
        self.suggested_name = suggested_name
        self.document = QPdfDocument(self)
        self.document.load(pdf_path)
        self.view = name_widget(QPdfView(self), "pdfView", "Preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = name_widget(buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole),
                                        "printPdf", "Print")
        self.save_button = name_widget(buttons.addButton("Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole),
                                       "savePdf", "Save as PDF")
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{self.document.pageCount()} page(s)"))
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def page_count(self) -> int:
        return self.document.pageCount()

    def proposed_path(self) -> Path:
        """Where Save as PDF… opens: the last folder for this kind of file, the suggested name."""
        name = files.safe_name(self.suggested_name)
        return files.proposed_path(self.file_kind, name if name.lower().endswith(".pdf")
                                   else name + ".pdf")

    def save_as(self, target: str | None = None) -> str | None:
        """Copy the PDF to ``target`` (asked for when not given); the path, or None when
        the coach cancelled or the file could not be written (then a plain sentence says so)."""
        if not target:
            chosen = files.ask_save_path(self, self.file_kind, "Save as PDF",
                                         self.proposed_path().name, "PDF files (*.pdf)", ".pdf")
            if chosen is None:
                return None
            target = str(chosen)
        try:
            with open(self.pdf_path, "rb") as source, atomic_write(target, binary=True) as out:
                shutil.copyfileobj(source, out)
        except (CoachDeskError, OSError) as exc:
            log.warning("saving a PDF failed: %s", type(exc).__name__)
            QMessageBox.warning(self, "Save as PDF", as_plain(files.failure_text("The PDF", exc)))
            return None
        self.saved_notice = files.show_saved(self, self.file_kind, target, title="Save as PDF")
        return target

    def print_document(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.render_to(printer)

    def render_to(self, printer) -> None:
        """Draw every page at the printer's resolution."""
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Print", "The printer could not be started.")
            return
        try:
            for i in range(self.document.pageCount()):
                if i:
                    printer.newPage()
                rect = painter.viewport()
                size = self.document.pagePointSize(i)
                scale = min(rect.width() / size.width(), rect.height() / size.height())
                image = self.document.render(i, (size * scale).toSize())
                painter.drawImage(0, 0, image)
        finally:
            painter.end()


def build_worksheet_pdf(db, session_id: int | None, include_private: bool, out: Path) -> Path:
    from coachdesk.reports import worksheet

    paper = worksheet.get_paper_size(db)
    prompts = worksheet.get_prompts(db)
    if session_id is None:
        return worksheet.build_blank_worksheet(out, prompts=prompts, paper=paper)
    data = worksheet.worksheet_data(db, session_id, include_private=include_private)
    return worksheet.build_filled_worksheet(out, data, prompts=prompts, paper=paper)


def worksheet_file_name(client_name: str | None, day) -> str:
    """"GROW worksheet — José Álvarez — 2026-08-28.pdf", or "Blank GROW worksheet.pdf"."""
    if client_name is None:
        return "Blank GROW worksheet.pdf"
    return files.file_name("GROW worksheet", client_name, day.isoformat(), suffix=".pdf")


def session_on_screen(window):
    """The session whose worksheet Ctrl+P offers: the one open on the session page, or the
    one selected in the client page's list while the coach can see it; else None."""
    current = window.stack.currentWidget()
    if current is window.session_page:
        return window.session_page.session
    page = window.client_page
    if current is not page or page.client is None or not page.session_table.isVisible():
        return None
    rows = page.session_table.selectionModel().selectedRows()
    row = page.session_model.row_at(rows[0].row()) if rows else None
    if row is None:
        return None
    from coachdesk.services import sessions

    try:
        return sessions.get(window.ctx.db, row.id)
    except CoachDeskError:  # deleted meanwhile: a blank worksheet is still offered
        return None


def print_worksheet(ctx: AppContext, parent, session=None, *, choice=None, on_ready=None):
    """Ask what to print, build it off the GUI thread, then show the preview."""
    dialog = choice or WorksheetChoiceDialog(session is not None, parent,
                                             session.session_date if session else None)
    if choice is None and not dialog.exec():
        return None
    filled = dialog.filled.isChecked() and session is not None
    include_private = filled and dialog.include_private.isChecked()
    try:  # the app's private temp folder, removed on close (coachdesk.tempfiles)
        out = tempfiles.new_folder() / "worksheet.pdf"
    except OSError:
        QMessageBox.warning(parent, "Print", "The worksheet could not be prepared: CoachDesk "
                            "could not write to its data folder. Check that the disk is not "
                            "full.")
        return None
    job = PdfJob(lambda: tempfiles.seal(build_worksheet_pdf(
        ctx.db, session.id if filled else None, include_private, out)))
    progress = QProgressBar(parent)
    progress.setRange(0, 0)
    client_name = None
    if filled:
        from coachdesk.services import clients

        client_name = clients.get(ctx.db, session.client_id).name
    ctx.say("Preparing the worksheet…")

    def ready(path: str):
        name = worksheet_file_name(client_name, session.session_date if filled else None)
        preview = PdfPreviewDialog(path, name, parent, kind="worksheet")
        ctx.say("")  # the work is done: "Preparing…" must not stay behind the preview
        if on_ready is not None:
            on_ready(preview)
        else:
            preview.exec()

    def failed(message: str):
        ctx.say("The worksheet could not be made.")
        QMessageBox.warning(parent, "Print", as_plain(message))

    job.signals.done.connect(ready)
    job.signals.failed.connect(failed)
    job.start()
    return job
