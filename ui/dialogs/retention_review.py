"""Retention review: archived clients kept longer than the chosen period, for the coach to
open or erase one by one. Nothing is deleted here without the erase dialog's confirmation.

Opened from Edit → Retention review… (``MainWindow.retention_review``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.services import erasure

from ..context import AppContext
from ..plain import as_plain, plain_tips
from ..widgets.fields import name_widget
from .client_data import erase_client_dialog

COLUMNS = ["Client", "Organisation", "Ended on", "Years since", "Engagements"]


def _years_since(day: date, today: date) -> str:
    years = (today - day).days / 365.25
    return f"{years:.1f}"


@plain_tips
class RetentionModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[erasure.RetentionCandidate] = []
        self.today = date.today()

    def set_rows(self, rows: list[erasure.RetentionCandidate], today: date) -> None:
        self.beginResetModel()
        self._rows, self.today = list(rows), today
        self.endResetModel()

    def candidate(self, row: int) -> erasure.RetentionCandidate | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                one = " ".join(c.name.split())
                return one if len(one) <= 120 else one[:119] + "…"
            if col == 1:
                return " ".join(c.organization.split())[:120]
            if col == 2:
                return dates.short(c.ended_on)
            if col == 3:
                return _years_since(c.ended_on, self.today)
            return str(c.engagements)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (2, 3):
                return f"{c.basis}: {dates.long(c.ended_on)}"
            if col == 0:
                return c.name[:500]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RetentionReviewDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.setObjectName("retentionReviewDialog")
        self.setWindowTitle("Retention review")
        self.resize(760, 460)

        intro = QLabel(
            "Archived clients whose last engagement ended longer ago than the period you keep "
            "records for. Review each one: open the client to check, or erase them completely. "
            "Nothing is deleted unless you erase a client and confirm.")
        intro.setWordWrap(True)

        self.years = name_widget(QSpinBox(), "retentionYears", "Retention period in years")
        self.years.setRange(1, erasure.MAX_RETENTION_YEARS)
        self.years.setSuffix(" years")
        self.years.setValue(erasure.retention_years(ctx.db))
        period = QHBoxLayout()
        label = QLabel("Keep records for")
        label.setBuddy(self.years)
        period.addWidget(label)
        period.addWidget(self.years)
        period.addWidget(QLabel("after a client's last engagement ends"))
        period.addStretch(1)

        self.model = RetentionModel(self)
        self.table = name_widget(QTableView(), "retentionTable", "Clients past the retention period")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.count = name_widget(QLabel(), "retentionCount", "How many clients are listed")
        self.count.setWordWrap(True)

        self.open_button = name_widget(QPushButton("Open client"), "retentionOpen", "Open client")
        self.erase_button = name_widget(QPushButton("Erase completely…"), "retentionErase",
                                        "Erase client completely")
        close = name_widget(QPushButton("Close"), "retentionClose", "Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(period)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addLayout(buttons)

        # Saved and applied a moment after the coach stops changing the number.
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(300)
        self._apply_timer.timeout.connect(self._apply_years)
        self.years.valueChanged.connect(lambda _v: self._apply_timer.start())
        self.open_button.clicked.connect(self.open_selected)
        self.erase_button.clicked.connect(self.erase_selected)
        self.table.doubleClicked.connect(self.open_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        close.clicked.connect(self.accept)
        self.reload()

    def _apply_years(self) -> None:
        try:
            erasure.set_retention_years(self.ctx.db, self.years.value())
        except CoachDeskError as exc:
            QMessageBox.warning(self, "Retention review", as_plain(str(exc)))
            return
        self.reload()

    def reload(self) -> None:
        today = self.today or date.today()
        rows = erasure.retention_candidates(self.ctx.db, self.years.value(), today)
        self.model.set_rows(rows, today)
        n = len(rows)
        years = self.years.value()
        if n:
            self.count.setText(f"{n} archived client{'s' if n != 1 else ''} ended more than "
                               f"{years} year{'s' if years != 1 else ''} ago.")
        else:
            self.count.setText(f"No archived client ended more than {years} "
                               f"year{'s' if years != 1 else ''} ago: nothing to review.")
        if n:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> erasure.RetentionCandidate | None:
        index = self.table.currentIndex()
        return self.model.candidate(index.row()) if index.isValid() else None

    def _update_buttons(self, *_):
        has = self.selected() is not None
        self.open_button.setEnabled(has)
        self.erase_button.setEnabled(has)

    def open_selected(self, *_):
        c = self.selected()
        if c is None:
            return
        window = self.parent()
        if window is not None and hasattr(window, "open_client"):
            self.accept()
            window.open_client(c.client_id)

    def erase_selected(self) -> None:
        c = self.selected()
        if c is None:
            return
        if erase_client_dialog(self.ctx, c.client_id, self):
            self.reload()
