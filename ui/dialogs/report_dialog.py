"""The sponsor progress report of one engagement: choose, preview, save, print, e-mail.

The PDF is built off the GUI thread (``PdfJob``) from the engine's read model
(shareable fields only). Whatever the coach does with a built report (save,
print, a draft, SMTP) is written to the report log, which keeps the exact PDF;
earlier reports reopen from there, checked against their SHA-256.
"""

from __future__ import annotations

import inspect
import logging
import re
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.reports import progress
from coachdesk.reports.worksheet import get_paper_size
from coachdesk.services import clients, engagements, sponsors
from coachdesk.services.settings import get_setting

from ..context import AppContext
from ..theme import css
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget, with_error
from .print_preview import PdfJob, PdfPreviewDialog

log = logging.getLogger(__name__)

METHOD_WORDS = {"saved": "Saved as PDF", "printed": "Printed", "draft": "E-mail draft",
                "smtp": "E-mailed", "outbox": "Waiting in the outbox"}


def _log_module():
    from coachdesk.services import report_log

    return report_log


def short_date(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


def period_words(start: date, end: date) -> str:
    return f"{short_date(start)} – {short_date(end)}"


def _file_stem(text: str) -> str:
    clean = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    return " ".join(clean.split())[:120] or "report"


class ReportPreviewDialog(PdfPreviewDialog):
    """The preview of a freshly built report: saving or printing it goes into the log."""

    def __init__(self, pdf_path: str, suggested_name: str, on_done, parent=None):
        super().__init__(pdf_path, suggested_name, parent)
        self.setWindowTitle("Progress report — preview")
        self.on_done = on_done

    def save_as(self, target: str | None = None) -> str | None:
        try:
            saved = super().save_as(target)
        except OSError as exc:
            QMessageBox.warning(self, "Save as PDF",
                                f"The PDF could not be saved there: {exc.strerror or exc}")
            return None
        if saved:
            self.on_done("saved")
        return saved

    def render_to(self, printer) -> None:
        super().render_to(printer)
        self.on_done("printed")


class ReportDialog(QDialog):
    def __init__(self, ctx: AppContext, engagement_id: int, parent=None, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.engagement = engagements.get(ctx.db, engagement_id)
        self.client = clients.get(ctx.db, self.engagement.client_id)
        self.sponsor = (sponsors.get(ctx.db, self.engagement.sponsor_id)
                        if self.engagement.sponsor_id else None)
        self.today = today
        #: tests set this to receive preview dialogs instead of running them modally
        self.on_preview = None
        self.job: PdfJob | None = None
        self.built: tuple[Path, object] | None = None  # (pdf, ReportData) of the last build
        self.built_key = None  # the choices it was built from
        self.entry = None  # the log entry of the last build, once it went somewhere
        self.setWindowTitle(f"Progress report — {self.client.name[:80]}")
        self.setObjectName("reportDialog")
        self.setModal(True)
        self.resize(980, 700)

        title = QLabel(f"{self.client.name} · {engagements.describe(self.engagement)}")
        title.setObjectName("reportTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        title.setWordWrap(True)

        # -- period and contents ------------------------------------------------------------
        start, end = _log_module().default_period(ctx.db, self.engagement.id, today)
        self.date_from = name_widget(OptionalDateEdit(allow_empty=False), "reportFrom", "From")
        self.date_to = name_widget(OptionalDateEdit(allow_empty=False), "reportTo", "To")
        self.date_from.set_value(start)
        self.date_to.set_value(end)
        self.errors = {"date_from": ErrorLabel("reportFrom"), "date_to": ErrorLabel("reportTo"),
                       "to": ErrorLabel("reportRecipient")}
        period = QHBoxLayout()
        period.addWidget(with_error(self.date_from, self.errors["date_from"]))
        period.addWidget(QLabel("to"))
        period.addWidget(with_error(self.date_to, self.errors["date_to"]))
        period.addStretch(1)

        self.section_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, key in enumerate(progress.SECTIONS):
            box = name_widget(QCheckBox(progress.SECTION_TITLES[key]), f"section_{key}",
                              progress.SECTION_TITLES[key])
            box.setChecked(True)
            self.section_boxes[key] = box
            grid.addWidget(box, i // 2, i % 2)
        self.include_stakeholders = name_widget(
            QCheckBox("Include the stakeholder map (your working material: off unless you "
                      "mean to share it)"), "includeStakeholders", "Include the stakeholder map")
        self.include_stakeholders.setChecked(False)
        self.include_stakeholders.setEnabled(self._engine_has_stakeholders())
        if not self.include_stakeholders.isEnabled():
            self.include_stakeholders.setToolTip("This version of the report cannot show it yet.")
        grid.addWidget(self.include_stakeholders, (len(progress.SECTIONS) + 1) // 2, 0, 1, 2)

        self.summary = name_widget(QPlainTextEdit(), "reportSummary", "Coach's summary")
        self.summary.setPlaceholderText("Your summary for the sponsor: what moved, what it means. "
                                        "It is printed as typed.")
        self.next_steps = name_widget(QPlainTextEdit(), "reportNextSteps", "Next steps")
        self.next_steps.setPlaceholderText("What comes next, as agreed with your client.")
        for edit in (self.summary, self.next_steps):
            edit.setTabChangesFocus(True)
        self.summary.setMinimumHeight(110)
        self.next_steps.setMinimumHeight(70)

        sponsor_name = self.sponsor.name if self.sponsor else ""
        self.recipient_name = name_widget(QLabel(sponsor_name or "No sponsor on this engagement"),
                                          "reportRecipientName", "Sponsor")
        self.recipient_name.setTextFormat(Qt.TextFormat.PlainText)
        self.recipient_email = name_widget(QLineEdit(self.sponsor.email if self.sponsor else ""),
                                           "reportRecipientEmail", "Sponsor's e-mail")
        self.recipient_email.setPlaceholderText("sponsor@example.org (none on file)")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Period", period)
        form.addRow("Sections", grid)
        form.addRow("Coach's summary", self.summary)
        form.addRow("Next steps", self.next_steps)
        form.addRow("For", self.recipient_name)
        form.addRow("E-mail", with_error(self.recipient_email, self.errors["to"]))
        left = QGroupBox("This report")
        left.setLayout(form)

        # -- earlier reports ------------------------------------------------------------------
        self.log_model = QStandardItemModel(0, 4, self)
        self.log_model.setHorizontalHeaderLabels(["Made", "Period", "To", "How"])
        self.log_table = name_widget(QTableView(), "reportLog", "Earlier reports")
        self.log_table.setModel(self.log_model)
        self.log_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.log_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log_table.verticalHeader().hide()
        self.log_table.setWordWrap(False)
        header = self.log_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty_log = QLabel("No report made yet for this engagement.")
        self.empty_log.setObjectName("reportLogEmpty")
        self.empty_log.setStyleSheet("color: palette(placeholder-text);")
        self.open_button = name_widget(QPushButton("Open"), "reportOpenEarlier",
                                       "Open the earlier report")
        self.open_button.setEnabled(False)
        self.log_table.doubleClicked.connect(lambda *_: self.open_earlier())
        self.open_button.clicked.connect(lambda: self.open_earlier())
        self.log_table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(self._selected_entry_id() is not None))
        right = QGroupBox("Earlier reports")
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.empty_log)
        right_layout.addWidget(self.log_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        right_layout.addLayout(row)

        # -- buttons ----------------------------------------------------------------------------
        self.status = name_widget(QLabel(), "reportStatus", "Report status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("reportClose")
        self.preview_button = name_widget(
            buttons.addButton("Preview…", QDialogButtonBox.ButtonRole.ActionRole),
            "reportPreview", "Preview")
        self.email_button = name_widget(
            buttons.addButton("E-mail to sponsor…", QDialogButtonBox.ButtonRole.ActionRole),
            "reportEmail", "E-mail to sponsor")
        self.preview_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(lambda: self.preview())
        self.email_button.clicked.connect(lambda: self.email())

        body = QHBoxLayout()
        body.addWidget(left, 3)
        body.addWidget(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.load_log()

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _engine_has_stakeholders() -> bool:
        try:
            return "include_stakeholders" in inspect.signature(progress.report_data).parameters
        except (TypeError, ValueError):
            return False

    def _say(self, text: str, colour: str | None = None) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {css(colour)};" if colour else "")

    def choices(self) -> dict:
        kw = dict(date_from=self.date_from.value(), date_to=self.date_to.value(),
                  sections=tuple(k for k, b in self.section_boxes.items() if b.isChecked()),
                  coach_summary=self.summary.toPlainText(),
                  next_steps=self.next_steps.toPlainText())
        if self.include_stakeholders.isEnabled():
            kw["include_stakeholders"] = self.include_stakeholders.isChecked()
        return kw

    def recipient(self) -> str:
        email = self.recipient_email.text().strip()
        name = self.sponsor.name if self.sponsor else ""
        if email and name:
            return f"{name} <{email}>"
        return email or name

    def _suggested_name(self, data) -> str:
        return _file_stem(f"Progress report {self.client.name} {data.period_from}"
                          f" to {data.period_to}") + ".pdf"

    # -- building ----------------------------------------------------------------------------------
    def build(self, then) -> PdfJob | None:
        """Build the PDF off the GUI thread, then call ``then(path, data)``; a build with the
        same choices as the last one is reused (same file, same log entry)."""
        for label in self.errors.values():
            label.show_error(None)
        kw = self.choices()
        if kw["date_to"] < kw["date_from"]:
            self.errors["date_to"].show_error("The period ends before it starts.")
            return None
        if not kw["sections"]:
            self._say("Tick at least one section: the report would be only its cover.", "red")
            return None
        key = repr(sorted(kw.items()))
        if self.built is not None and key == self.built_key and self.built[0].exists():
            then(*self.built)
            return None
        if self.job is not None:
            return self.job  # one build at a time
        db, eid, today = self.ctx.db, self.engagement.id, self.today
        paper = get_paper_size(db)
        folder = Path(tempfile.mkdtemp(prefix="coachdesk-report-"))
        made: dict = {}

        def work():
            data = progress.report_data(db, eid, today=today, **kw)
            out = folder / self._suggested_name(data)
            made["data"] = data
            return progress.build_report_pdf(out, data, paper)

        job = PdfJob(work)
        self.job = job
        self.preview_button.setEnabled(False)
        self.email_button.setEnabled(False)
        self._say("Preparing the report…")

        def finished():
            self.job = None
            self.preview_button.setEnabled(True)
            self.email_button.setEnabled(True)

        def done(path: str):
            finished()
            self._say("")
            self.built = (Path(path), made["data"])
            self.built_key = key
            self.entry = None
            then(Path(path), made["data"])

        def failed(message: str):
            finished()
            self._say(message, "red")

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        job.start()
        return job

    # -- the log -------------------------------------------------------------------------------------
    def record(self, method: str, recipient: str | None = None):
        """Write what happened to the last built report into the log (one entry per build)."""
        if self.built is None:
            return None
        rlog = _log_module()
        recipient = self.recipient() if recipient is None else recipient
        if method in ("saved", "printed") and self.entry is not None:
            return self.entry  # already in the log; the stored copy is the same file
        if self.entry is None:
            self.entry = rlog.record(self.ctx.db, self.engagement.id, self.built[0], self.built[1],
                                     recipient=recipient, method=method)
        else:
            self.entry = rlog.mark_sent(self.ctx.db, self.entry.id, method, recipient)
        self.load_log()
        self.ctx.notify("report")
        return self.entry

    def load_log(self) -> None:
        self.log_model.removeRows(0, self.log_model.rowCount())
        try:
            rows = _log_module().entries(self.ctx.db, self.engagement.id)
        except CoachDeskError as exc:
            self._say(str(exc), "red")
            rows = []
        for entry in rows:
            made = entry.created_at.astimezone()
            when = entry.sent_at.astimezone() if entry.sent_at else None
            how = METHOD_WORDS.get(entry.method, entry.method)
            if when is not None and entry.method in ("smtp", "draft"):
                how += f" {short_date(when.date())} {when:%H:%M}"
            items = [QStandardItem(f"{short_date(made.date())} {made:%H:%M}"),
                     QStandardItem(period_words(entry.period_from, entry.period_to)),
                     QStandardItem(entry.recipient or "—"), QStandardItem(how)]
            for item in items:
                item.setData(entry.id, Qt.ItemDataRole.UserRole)
                item.setToolTip(f"SHA-256 {entry.sha256}\n{entry.pdf_path}")
            self.log_model.appendRow(items)
        self.empty_log.setVisible(not rows)
        self.open_button.setEnabled(self._selected_entry_id() is not None)

    def _selected_entry_id(self) -> int | None:
        index = self.log_table.currentIndex()
        if not index.isValid() or not self.log_table.selectionModel().hasSelection():
            return None
        return self.log_model.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)

    # -- what the coach does -------------------------------------------------------------------------
    def _show(self, dialog) -> None:
        if self.on_preview is not None:
            self.on_preview(dialog)
        else:
            dialog.exec()

    def preview(self) -> PdfJob | None:
        def ready(path: Path, data):
            dialog = ReportPreviewDialog(str(path), self._suggested_name(data),
                                         lambda method: self._record_safely(method), self)
            self._show(dialog)

        return self.build(ready)

    def unkept_words(self) -> bool:
        """Has the coach written a summary or next steps that no report in the log holds?"""
        typed = (self.summary.toPlainText().strip(), self.next_steps.toPlainText().strip())
        if not any(typed):
            return False
        if self.entry is None:
            return True
        return typed != (self.entry.coach_summary.strip(), self.entry.next_steps.strip())

    def reject(self) -> None:
        """Close (Esc, the Close button, the window's ×): never lose the coach's summary
        without asking. It is kept only in a report, so closing first asks."""
        if self.unkept_words():
            answer = QMessageBox.question(
                self, "Close the report",
                "Your summary and next steps are not in any report yet: closing now loses "
                "them.\n\nTo keep them, stay and save the report as PDF or e-mail it.",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def _record_safely(self, method: str, recipient: str | None = None):
        try:
            return self.record(method, recipient)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Report log", f"The report log could not be updated: {exc}")
        except Exception as exc:  # logged, never a traceback
            log.exception("recording the report failed")
            QMessageBox.warning(self, "Report log", f"The report log could not be updated: {exc}")
        return None

    def email(self) -> PdfJob | None:
        def ready(path: Path, data):
            from .email_dialog import EmailDialog

            dialog = EmailDialog(
                self.ctx, path, to=self.recipient_email.text().strip(),
                sponsor_name=self.sponsor.name if self.sponsor else "",
                client_name=self.client.name, period=period_words(data.period_from, data.period_to),
                coach_name=data.coach_name or (get_setting(self.ctx.db, "coach_name") or ""),
                record=lambda method, to: self.record(method, to), parent=self)
            self._show(dialog)

        return self.build(ready)

    def open_earlier(self, entry_id: int | None = None):
        entry_id = entry_id if entry_id is not None else self._selected_entry_id()
        if entry_id is None:
            return None
        rlog = _log_module()
        try:
            entry = rlog.get(self.ctx.db, entry_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Open report", str(exc))
            return None
        if not Path(entry.pdf_path).exists():
            self._say(f"The stored copy of this report is missing: {entry.pdf_path}. "
                      "It may have been moved or deleted outside CoachDesk.", "red")
            return None
        dialog = PdfPreviewDialog(str(entry.pdf_path), Path(entry.pdf_path).name, self)
        dialog.setWindowTitle(f"Report of {short_date(entry.created_at.astimezone().date())} "
                              f"({period_words(entry.period_from, entry.period_to)})")
        if rlog.verify(entry):
            note = QLabel("This is the report exactly as it was made (its SHA-256 matches the log).")
            self._say("")
        else:
            note = QLabel("Careful: this file has changed since the report was made (its SHA-256 "
                          "no longer matches the log), so it may not be what was sent.")
            note.setStyleSheet(f"color: {css('red')}; font-weight: 600;")
            self._say("The stored copy of this report has changed since it was made.", "red")
        note.setObjectName("earlierReportNote")
        note.setWordWrap(True)
        dialog.layout().insertWidget(0, note)
        self._show(dialog)
        return dialog


def open_report_dialog(ctx: AppContext, engagement_id: int, parent=None) -> ReportDialog | None:
    try:
        dialog = ReportDialog(ctx, engagement_id, parent)
    except CoachDeskError as exc:
        QMessageBox.warning(parent, "Progress report", str(exc))
        return None
    except ImportError:  # the report log is not installed in this build
        QMessageBox.warning(parent, "Progress report", "Reports are not available in this version.")
        return None
    dialog.exec()
    return dialog
