"""The report dialog's earlier reports (the report log) and the preview of a new report.

:class:`EarlierReports` lists every report made for the engagement (when, period, to
whom, how) and reopens one exactly as it was made, checked against its SHA-256; one the
client's consent no longer covers is shown for the record only (no save, no print).
:class:`ReportPreviewDialog` is the preview of a freshly built report: saving or printing
it goes into the log through ``on_done``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError

from ..models.rows import ID_ROLE, RowsTableModel
from ..plain import as_plain, plain_tips
from ..theme import css
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from .print_preview import PdfPreviewDialog

METHOD_WORDS = {"saved": "Saved as PDF", "printed": "Printed", "draft": "E-mail draft",
                "smtp": "E-mailed", "outbox": "Waiting in the outbox"}
#: the same, short enough for the table's "How" column (the tooltip says it in full)
METHOD_SHORT = {"saved": "Saved", "printed": "Printed", "draft": "E-mail draft",
                "smtp": "E-mailed", "outbox": "In outbox"}


def log_module():
    from coachdesk.services import report_log

    return report_log


def short_date(d: date) -> str:
    return dates.short(d)


def period_words(start: date, end: date) -> str:
    return f"{short_date(start)} – {short_date(end)}"


def period_short(start: date, end: date) -> str:
    """'1 Aug – 29 Nov 2026' (the year once when both ends share it)."""
    if start.year == end.year:
        return f"{dates.day_month(start)} – {short_date(end)}"
    return period_words(start, end)


def _recipient_name(recipient: str) -> str:
    """'Katrin Vogel' from 'Katrin Vogel <k.vogel@…>'; the address alone when no name. The
    address is what follows the *last* '<' (a name may hold '<' itself: '<i>Sponsor</i>')."""
    text = recipient.strip()
    if not text.endswith(">") or "<" not in text:
        return text
    name, _, address = text.rpartition("<")
    return name.strip().strip('"').strip() or address.rstrip(">").strip() or text


@plain_tips
class EarlierReportsModel(RowsTableModel):
    """The report log's entries: short texts a laptop's table can show whole (the date the
    report was made, the period, the recipient's name, how it left), each said in full in
    its tooltip with the stored copy's SHA-256 and place."""

    HEADERS = ("Made", "Period", "To", "How")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry, col = self._rows[index.row()], index.column()
        if role == ID_ROLE:
            return entry.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.short(entry, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.full(entry, col)}\n\nSHA-256 {entry.sha256}\n{entry.pdf_path}"
        return None

    @staticmethod
    def short(entry, col: int) -> str:
        if col == 0:
            return short_date(entry.created_at.astimezone().date())
        if col == 1:
            return period_short(entry.period_from, entry.period_to)
        if col == 2:
            return _recipient_name(entry.recipient) if entry.recipient else "—"
        return METHOD_SHORT.get(entry.method, entry.method)

    @staticmethod
    def full(entry, col: int) -> str:
        if col == 0:
            made = entry.created_at.astimezone()
            return f"Made on {dates.long_when(made)}"
        if col == 1:
            return f"Period: {period_words(entry.period_from, entry.period_to)}"
        if col == 2:
            return f"To {entry.recipient}" if entry.recipient else "No recipient recorded"
        how = METHOD_WORDS.get(entry.method, entry.method)
        when = entry.sent_at.astimezone() if entry.sent_at else None
        if when is not None and entry.method in ("smtp", "draft"):
            how += f" on {short_date(when.date())} at {dates.clock(when)}"
        return how


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
                                as_plain(f"The PDF could not be saved there: {exc.strerror or exc}"))
            return None
        if saved:
            self.on_done("saved")
        return saved

    def render_to(self, printer) -> None:
        super().render_to(printer)
        self.on_done("printed")


class EarlierReports(QGroupBox):
    """The engagement's report log as a table, with Open.

    ``show(dialog)`` runs a preview (the report dialog's, so tests can take it);
    ``say(text, colour)`` puts a sentence in the report dialog's status line."""

    def __init__(self, ctx, engagement_id: int, show, say, parent=None):
        super().__init__("Earlier reports", parent)
        self.ctx, self.engagement_id, self.show_dialog, self.say = ctx, engagement_id, show, say
        self.model = EarlierReportsModel(self)
        self.table = name_widget(QTableView(), "reportLog", "Earlier reports")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # The date, the period and the way are shown whole (as wide as what they hold: a
        # log has a few rows); the recipient takes what they leave, shortened with "…"
        # and in full in its tooltip, as is a period that spans two years on a laptop.
        view = self.table
        self.fit = fit_columns(view, 2, shrink=(1,), minimum={
            1: text_width(view, "1 Aug – 29 Nov 2026"), 2: text_width(view, "Katrin Vogel")})
        self._fit_widths()
        self.empty = QLabel("No report made yet for this engagement.")
        self.empty.setObjectName("reportLogEmpty")
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.open_button = name_widget(QPushButton("Open"), "reportOpenEarlier",
                                       "Open the earlier report")
        self.open_button.setEnabled(False)
        self.table.doubleClicked.connect(lambda *_: self.open())
        self.open_button.clicked.connect(lambda: self.open())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(self.selected_entry_id() is not None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)

    def load(self) -> None:
        try:
            rows = log_module().entries(self.ctx.db, self.engagement_id)
        except CoachDeskError as exc:
            self.say(str(exc), "red")
            rows = []
        self.model.set_rows(rows)
        self._fit_widths()
        self.empty.setVisible(not rows)
        self.open_button.setEnabled(self.selected_entry_id() is not None)

    def _fit_widths(self) -> None:
        shown = {c: [self.model.short(e, c) for e in self.model.rows] for c in (0, 1, 3)}
        self.fit.set_widths({0: text_width(self.table, "29 Sep 2026", *shown[0]),
                             1: text_width(self.table, "1 Aug – 29 Nov 2026", *shown[1]),
                             3: text_width(self.table, "Printed", *shown[3])})

    def selected_entry_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        entry = self.model.row_at(index.row())
        return entry.id if entry is not None else None

    def open(self, entry_id: int | None = None):
        """Reopen an earlier report as it was made; say so when its file has changed."""
        entry_id = entry_id if entry_id is not None else self.selected_entry_id()
        if entry_id is None:
            return None
        rlog = log_module()
        try:
            entry = rlog.get(self.ctx.db, entry_id)
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Open report", as_plain(str(exc)))
            return None
        if not Path(entry.pdf_path).exists():
            self.say(f"The stored copy of this report is missing: {entry.pdf_path}. "
                     "It may have been moved or deleted outside CoachDesk.", "red")
            return None
        dialog = PdfPreviewDialog(str(entry.pdf_path), Path(entry.pdf_path).name, self.window())
        dialog.setWindowTitle(f"Report of {short_date(entry.created_at.astimezone().date())} "
                              f"({period_words(entry.period_from, entry.period_to)})")
        if rlog.verify(entry):
            note = QLabel("This is the report exactly as it was made (its SHA-256 matches the log).")
            self.say("")
        else:
            note = QLabel("Careful: this file has changed since the report was made (its SHA-256 "
                          "no longer matches the log), so it may not be what was sent.")
            note.setStyleSheet(f"color: {css('red')}; font-weight: 600;")
            self.say("The stored copy of this report has changed since it was made.", "red")
        note.setObjectName("earlierReportNote")
        note.setWordWrap(True)
        dialog.layout().insertWidget(0, note)
        self._hold_back(dialog, entry)
        self.show_dialog(dialog)
        return dialog

    def _hold_back(self, dialog, entry) -> None:
        """A report the consent in force no longer covers is shown for the coach's records
        only: it is not saved or printed again (``consent.covers_earlier``)."""
        from coachdesk.services import consent

        try:
            covered = consent.covers_earlier(self.ctx.db, entry.engagement_id, entry.sections,
                                             entry.created_at)
        except CoachDeskError:
            covered = False
        if covered:
            return
        dialog.print_button.setEnabled(False)
        dialog.save_button.setEnabled(False)
        held = QLabel("The client's consent has changed since this report was made, so it may "
                      "share what they no longer agree to. It is shown for your records; "
                      "saving and printing it are turned off. Make a new report instead.")
        held.setObjectName("earlierReportConsent")
        held.setWordWrap(True)
        held.setStyleSheet(f"color: {css('red')};")
        dialog.layout().insertWidget(1, held)
