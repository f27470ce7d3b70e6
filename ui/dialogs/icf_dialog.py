"""The ICF coaching log: choose a period and whose hours, see the rows, save the CSV.

The rows and totals come from ``coachdesk.services.icf`` (held sessions only; pro bono
when the session or its engagement is), and the preview shows exactly the rows the CSV
will hold, with the paid and pro bono hours added up under it.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.hours import minutes_as_hours
from coachdesk.services import clients, engagements, icf

from .. import files
from ..context import AppContext
from ..plain import as_plain, plain_tips
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget

log = logging.getLogger(__name__)

ALL, ONE_CLIENT, ONE_ENGAGEMENT = "all", "client", "engagement"
WHOLE, LAST_12, THIS_YEAR, LAST_YEAR, CUSTOM = "whole", "last12", "this_year", "last_year", "custom"

COLUMNS = ["Client name", "Contact information", "Individual/group", "Number in group",
           "Start date", "End date", "Paid hours", "Pro bono hours"]
NUMERIC = {3, 6, 7}


def period_for(choice: str, today: date) -> tuple[date | None, date | None]:
    """The dates a quick choice stands for (None: open-ended)."""
    if choice == LAST_12:
        try:
            start = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28)
        return start, today
    if choice == THIS_YEAR:
        return date(today.year, 1, 1), today
    if choice == LAST_YEAR:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


def hours_text(minutes: int) -> str:
    """A cell of the table: as in the CSV it previews (two decimals, the ICF form's way)."""
    return f"{minutes / 60:.2f}"


@plain_tips
class IcfTableModel(QAbstractTableModel):
    """The log's rows as the CSV will hold them (names shown exactly as typed)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[icf.IcfRow] = []
        self.per_engagement = False

    def set_rows(self, rows: list[icf.IcfRow], per_engagement: bool) -> None:
        self.beginResetModel()
        self.rows = rows
        self.per_engagement = per_engagement
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS) + (1 if self.per_engagement else 0)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return COLUMNS[section] if section < len(COLUMNS) else "Engagement"

    def value(self, row: icf.IcfRow, column: int) -> str:
        return [
            row.client_name,
            row.contact,
            row.kind,
            str(row.group_size) if row.is_group else "",
            row.start_date.isoformat(),
            row.end_date.isoformat(),
            hours_text(row.paid_minutes),
            hours_text(row.pro_bono_minutes),
            row.engagement_label,
        ][column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # One line per cell: a name typed over two lines stays on one, as in the CSV.
            return " ".join(self.value(row, index.column()).split("\n"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class IcfLogDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None, *, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or date.today()
        self.rows: list[icf.IcfRow] = []
        self.setWindowTitle("ICF coaching log")
        self.setObjectName("icfLogDialog")
        self.resize(1120, 640)

        intro = QLabel("The client coaching hours an ICF credential application asks for, from "
                       "the sessions marked as held. Sessions of a pro bono engagement, or marked "
                       "pro bono themselves, count as pro bono hours. The ICF asks you to leave "
                       "off clients who have not agreed to be named.")
        intro.setWordWrap(True)

        self.period = name_widget(QComboBox(), "icfPeriod", "Period")
        for label, key in (("Whole history", WHOLE), ("Last 12 months", LAST_12),
                           ("This year", THIS_YEAR), ("Last year", LAST_YEAR),
                           ("Chosen dates", CUSTOM)):
            self.period.addItem(label, key)
        self.date_from = name_widget(OptionalDateEdit(allow_empty=True), "icfFrom", "From")
        self.date_to = name_widget(OptionalDateEdit(allow_empty=True), "icfTo", "To")
        self.date_from.setSpecialValueText("The first session")
        self.date_to.setSpecialValueText("The last session")
        dates = QWidget()
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        dates_row.addWidget(self.period)
        dates_row.addSpacing(12)
        dates_row.addWidget(QLabel("from"))
        dates_row.addWidget(self.date_from)
        dates_row.addWidget(QLabel("to"))
        dates_row.addWidget(self.date_to)
        dates_row.addStretch(1)

        self.scope = name_widget(QComboBox(), "icfScope", "Whose hours")
        self.scope.addItem("All clients", ALL)
        self.scope.addItem("One client", ONE_CLIENT)
        self.scope.addItem("One engagement", ONE_ENGAGEMENT)
        self.client = name_widget(QComboBox(), "icfClient", "Client")
        self.client.setMinimumContentsLength(24)
        self.client.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for row in clients.list_rows(ctx.db):
            self.client.addItem(row.name, row.id)
        self.engagement = name_widget(QComboBox(), "icfEngagement", "Engagement")
        self.engagement.setMinimumContentsLength(24)
        self.engagement.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.per_engagement = name_widget(QCheckBox("A row per engagement"), "icfPerEngagement",
                                          "A row per engagement")
        scope = QWidget()
        scope_row = QHBoxLayout(scope)
        scope_row.setContentsMargins(0, 0, 0, 0)
        scope_row.addWidget(self.scope)
        scope_row.addWidget(self.client, 3)
        scope_row.addWidget(self.engagement, 3)
        scope_row.addWidget(self.per_engagement)
        scope_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Period", dates)
        form.addRow("Whose hours", scope)

        self.error = ErrorLabel("icfLog")
        self.model = IcfTableModel(self)
        self.table = name_widget(QTableView(), "icfPreview", "Rows of the coaching log")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.model.modelReset.connect(self._size_columns)
        self._size_columns()

        self.totals = QLabel()
        self.totals.setObjectName("icfTotals")
        self.totals.setAccessibleName("Totals")
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.totals.setStyleSheet("font-weight: 600;")
        self.totals.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("Save CSV…", QDialogButtonBox.ButtonRole.ActionRole)
        name_widget(self.save_button, "icfSaveCsv", "Save CSV")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("icfClose")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_csv)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(buttons)

        self.period.currentIndexChanged.connect(self._period_chosen)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.client.currentIndexChanged.connect(self._client_changed)
        self.engagement.currentIndexChanged.connect(self.refresh)
        self.per_engagement.toggled.connect(self.refresh)
        self._setting_period = False
        self._fill_engagements()
        self._scope_changed()

    def _size_columns(self) -> None:
        # Fixed widths (measuring 5,000 rows would be slow); contact information takes the rest.
        header = self.table.horizontalHeader()
        widths = [170, None, 110, 110, 88, 88, 80, 105]
        if self.model.per_engagement:  # the engagement's label takes the rest instead
            widths[1] = 180
            widths.append(None)
        for column in range(self.model.columnCount()):
            if widths[column] is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(column, widths[column])

    # -- choices --------------------------------------------------------------------------------
    def _period_chosen(self, *_):
        key = self.period.currentData()
        if key != CUSTOM:
            start, end = period_for(key, self.today)
            self._setting_period = True
            self.date_from.set_value(start)
            self.date_to.set_value(end)
            self._setting_period = False
        self.refresh()

    def _dates_edited(self, *_):
        if self._setting_period:
            return
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData(CUSTOM))
        self.period.blockSignals(False)
        self.refresh()

    def _fill_engagements(self) -> None:
        self.engagement.blockSignals(True)
        self.engagement.clear()
        client_id = self.client.currentData()
        if client_id is not None:
            for e in engagements.list_all(self.ctx.db, client_id=client_id, include_archived=True):
                self.engagement.addItem(
                    f"{engagements.describe(e)}, from {dates.short(e.start_date)}", e.id)
        self.engagement.blockSignals(False)

    def _client_changed(self, *_):
        self._fill_engagements()
        self.refresh()

    def _scope_changed(self, *_):
        scope = self.scope.currentData()
        self.client.setVisible(scope != ALL)
        self.engagement.setVisible(scope == ONE_ENGAGEMENT)
        self.per_engagement.setVisible(scope != ONE_ENGAGEMENT)
        self.refresh()

    def choose_client(self, client_id: int) -> None:
        self.scope.setCurrentIndex(self.scope.findData(ONE_CLIENT))
        self.client.setCurrentIndex(self.client.findData(client_id))

    # -- the rows -------------------------------------------------------------------------------
    def query(self) -> dict:
        scope = self.scope.currentData()
        args = {"date_from": self.date_from.value(), "date_to": self.date_to.value(),
                "per_engagement": scope == ONE_ENGAGEMENT or self.per_engagement.isChecked()}
        if scope in (ONE_CLIENT, ONE_ENGAGEMENT):
            args["client_id"] = self.client.currentData()
        if scope == ONE_ENGAGEMENT:
            args["engagement_id"] = self.engagement.currentData()
        return args

    def refresh(self, *_):
        args = self.query()
        self.error.show_error(None)
        rows: list[icf.IcfRow] = []
        if args.get("client_id", 0) is None or ("engagement_id" in args
                                                and args["engagement_id"] is None):
            message = ("Choose a client." if args.get("client_id", 0) is None
                       else "This client has no engagement yet.")
            self.error.show_error(message)
        else:
            try:
                rows = icf.coaching_log(self.ctx.db, args["date_from"], args["date_to"],
                                        client_id=args.get("client_id"),
                                        engagement_id=args.get("engagement_id"),
                                        per_engagement=args["per_engagement"])
            except CoachDeskError as exc:
                self.error.show_error(str(exc))
        self.rows = rows
        self.model.set_rows(rows, args["per_engagement"])
        total = icf.totals(rows)
        held = sum(r.sessions for r in rows)
        if rows:
            self.totals.setText(
                f"Paid: {minutes_as_hours(total.paid_minutes)} hours    "
                f"Pro bono: {minutes_as_hours(total.pro_bono_minutes)} hours    "
                f"Total: {minutes_as_hours(total.paid_minutes + total.pro_bono_minutes)} hours    "
                f"({total.clients} client{'s' if total.clients != 1 else ''}, "
                f"{held} session{'s' if held != 1 else ''} held)")
        else:
            self.totals.setText("No session held in this period: the log is empty.")
        self.save_button.setEnabled(bool(rows))

    def suggested_name(self) -> str:
        args = self.query()
        start = args["date_from"].isoformat() if args["date_from"] else "start"
        end = (args["date_to"] or self.today).isoformat()
        return files.file_name("ICF coaching log", f"{start} to {end}", suffix=".csv")

    def save_csv(self, *_):
        if not self.rows:
            return None
        target = files.ask_save_path(self, "icf_log", "Save the ICF coaching log",
                                     self.suggested_name(),
                                     "CSV files (*.csv);;All files (*)", ".csv")
        if target is None:
            return None
        try:
            out = icf.write_csv(target, self.rows)
        except (CoachDeskError, OSError) as exc:
            self.ctx.say("The ICF coaching log was not saved.")
            QMessageBox.warning(self, "ICF coaching log",
                                as_plain(files.failure_text("The coaching log", exc)))
            return None
        self.ctx.say(f"ICF coaching log saved to {out}")
        self.saved_notice = files.show_saved(
            self, "icf_log", out, title="ICF coaching log",
            details="It opens in Excel, Numbers or LibreOffice; copy its rows into the ICF's "
                    "coaching log template.")
        return out
