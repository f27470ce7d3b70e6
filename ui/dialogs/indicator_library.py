"""The indicator library (Edit → Indicators…): what the coach rates, in their order.

Add, edit (name, description, scale, direction, sensitive), retire and bring back, delete one
never used (a used or default one can only be retired, so no history is lost), and
move up or down. Every rule is the engine's; its refusals are shown as they are.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.models import Indicator
from coachdesk.services import indicators as indicator_service

from ..context import AppContext
from ..models.rows import RowsTableModel
from ..plain import plain_tips
from ..theme import colour
from ..widgets.fields import ErrorLabel, name_widget
from .base import FormDialog

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1


SENSITIVE_MARK = "🔒 sensitive"
SENSITIVE_TIP = ("Sensitive (like wellbeing or intent to stay): never ticked for you in a "
                 "sponsor's report; you may still choose it there, one report at a time.")


@plain_tips
class IndicatorLibraryModel(RowsTableModel):
    HEADERS = ["Indicator", "Scale", "Direction", "Used", "Status", "Sponsor's report"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Indicator] = []
        self._counts: dict[int, int] = {}

    def set_rows(self, rows: list[Indicator], counts: dict[int, int]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._counts = counts
        self.endResetModel()

    def indicator(self, row: int) -> Indicator | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, indicator_id: int) -> int:
        return next((n for n, i in enumerate(self._rows) if i.id == indicator_id), -1)

    def used(self, indicator_id: int) -> int:
        return self._counts.get(indicator_id, 0)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ind = self._rows[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return ind.id
        if role == Qt.ItemDataRole.DisplayRole:
            used = self.used(ind.id)
            return [
                ind.name,
                f"{ind.scale_min} to {ind.scale_max}",
                "higher is better" if ind.higher_is_better else "lower is better",
                f"{used} reading{'s' if used != 1 else ''}" if used else "not yet",
                "retired" if ind.retired else ("default" if ind.key else "your own"),
                SENSITIVE_MARK if ind.sensitive else "chosen one by one",
            ][col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0 and ind.description:
            return ind.description
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return SENSITIVE_TIP if ind.sensitive else (
                "Never in a sponsor's report unless you tick it for that report.")
        if role == Qt.ItemDataRole.ForegroundRole and ind.retired:
            return colour("grey")
        if role == Qt.ItemDataRole.FontRole and ind.retired:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class IndicatorDialog(FormDialog):
    """Add an indicator, or change one's name, description, scale and direction."""

    def __init__(self, ctx: AppContext, indicator: Indicator | None = None, used: int = 0,
                 parent=None):
        super().__init__("Edit indicator" if indicator else "New indicator", "indicatorDialog",
                         parent)
        self.ctx = ctx
        self.indicator = indicator
        self.resize(560, 0)
        self.name = self.add_field("Name *", "name", QLineEdit(), "indicatorName")
        self.name.setMaxLength(200)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(110)
        self.description.setPlaceholderText(
            "What it means and how to rate it: what the low end, the middle and the high end "
            "look like.")
        self.add_field("Description", "description", self.description, "indicatorDescription")
        scale = QWidget()
        row = QHBoxLayout(scale)
        row.setContentsMargins(0, 0, 0, 0)
        self.scale_min = name_widget(QSpinBox(), "indicatorScaleMin", "Lowest value")
        self.scale_max = name_widget(QSpinBox(), "indicatorScaleMax", "Highest value")
        for box in (self.scale_min, self.scale_max):
            box.setRange(-indicator_service.SCALE_LIMIT, indicator_service.SCALE_LIMIT)
        row.addWidget(QLabel("from"))
        row.addWidget(self.scale_min)
        row.addWidget(QLabel("to"))
        row.addWidget(self.scale_max)
        row.addStretch(1)
        self.add_field("Scale", "scale", scale, "indicatorScale")
        # The engine names the end of the scale it refused; both ends show beside the scale.
        self.errors["scale_min"] = self.errors["scale_max"] = self.errors["scale"]
        self.direction = QComboBox()
        self.direction.addItem("Higher is better", True)
        self.direction.addItem("Lower is better", False)
        self.add_field("Direction", "higher_is_better", self.direction, "indicatorDirection")
        self.sensitive = QCheckBox("Sensitive: never ticked for you in a sponsor's report")
        self.sensitive.setToolTip(SENSITIVE_TIP)
        self.add_field("Sponsor's report", "sensitive", self.sensitive, "indicatorSensitive")
        if indicator is not None:
            self.name.setText(indicator.name)
            self.description.setPlainText(indicator.description)
            self.scale_min.setValue(indicator.scale_min)
            self.scale_max.setValue(indicator.scale_max)
            self.direction.setCurrentIndex(0 if indicator.higher_is_better else 1)
            self.sensitive.setChecked(bool(indicator.sensitive))
            if used:
                note = QLabel(f"Already rated {used} time{'s' if used != 1 else ''}: the scale "
                              "can only widen to keep every reading on it.")
                note.setWordWrap(True)
                self.form.addRow("", note)
        else:
            self.scale_min.setValue(1)
            self.scale_max.setValue(10)

    def values(self) -> dict:
        return {"name": self.name.text(), "description": self.description.toPlainText(),
                "scale_min": self.scale_min.value(), "scale_max": self.scale_max.value(),
                "higher_is_better": self.direction.currentData(),
                "sensitive": self.sensitive.isChecked()}

    def submit(self):
        if self.indicator is None:
            result = indicator_service.create(self.ctx.db, **self.values())
        else:
            result = indicator_service.update(self.ctx.db, self.indicator.id, **self.values())
        self.ctx.notify("indicator")
        return result


class IndicatorLibraryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Indicators")
        self.setObjectName("indicatorLibraryDialog")
        self.resize(820, 520)

        intro = QLabel("What you rate for each client, in the order the rating form and the "
                       "charts use. An indicator already rated can be retired (hidden from new "
                       "ratings, its history kept) but not deleted.")
        intro.setWordWrap(True)
        self.model = IndicatorLibraryModel(self)
        self.table = name_widget(QTableView(), "indicatorLibrary", "Indicators")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit)

        self.add_button = name_widget(QPushButton("Add…"), "addIndicator", "Add indicator")
        self.edit_button = name_widget(QPushButton("Edit…"), "editIndicator", "Edit indicator")
        self.retire_button = name_widget(QPushButton("Retire"), "retireIndicator", "Retire indicator")
        self.delete_button = name_widget(QPushButton("Delete…"), "deleteIndicator",
                                         "Delete indicator")
        self.up_button = name_widget(QPushButton("Move up"), "moveIndicatorUp", "Move up")
        self.down_button = name_widget(QPushButton("Move down"), "moveIndicatorDown", "Move down")
        side = QVBoxLayout()
        for b in (self.add_button, self.edit_button, self.retire_button, self.delete_button):
            side.addWidget(b)
        side.addSpacing(16)
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addStretch(1)
        self.error = ErrorLabel("indicatorLibrary")
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeIndicators")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(close)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.retire_button.clicked.connect(self.toggle_retired)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.reload()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        select = select if select is not None else self.selected_id()
        self.model.set_rows(indicator_service.list_all(self.ctx.db, include_retired=True),
                            indicator_service.reading_counts(self.ctx.db))
        if select is not None:
            self.select(select)
        self._update_buttons()

    def select(self, indicator_id: int) -> None:
        row = self.model.row_of(indicator_id)
        if row >= 0:
            self.table.selectionModel().select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.scrollTo(self.model.index(row, 0))

    def selected_id(self) -> int | None:
        sm = self.table.selectionModel()
        rows = sm.selectedRows() if sm is not None else []
        return rows[0].data(ID_ROLE) if rows else None

    def selected(self) -> Indicator | None:
        iid = self.selected_id()
        return self.model.indicator(self.model.row_of(iid)) if iid is not None else None

    def _update_buttons(self, *_):
        ind = self.selected()
        for b in (self.edit_button, self.retire_button, self.delete_button, self.up_button,
                  self.down_button):
            b.setEnabled(ind is not None)
        if ind is None:
            return
        self.retire_button.setText("Bring back" if ind.retired else "Retire")
        self.retire_button.setAccessibleName(
            "Bring back indicator" if ind.retired else "Retire indicator")
        self.up_button.setEnabled(not ind.retired)
        self.down_button.setEnabled(not ind.retired)

    def _changed(self, select: int | None, message: str) -> None:
        self.error.show_error(None)
        self.ctx.notify("indicator")
        self.ctx.say(message)
        self.reload(select)

    def _refused(self, exc: CoachDeskError) -> None:
        self.error.show_error(str(exc))
        self.reload()

    # -- actions ----------------------------------------------------------------------------

    def add(self) -> None:
        dialog = IndicatorDialog(self.ctx, parent=self)
        if dialog.exec():
            self._changed(dialog.result_object.id, "Indicator added.")

    def edit(self, *_):
        ind = self.selected()
        if ind is None:
            return
        dialog = IndicatorDialog(self.ctx, ind, self.model.used(ind.id), parent=self)
        if dialog.exec():
            self._changed(ind.id, "Indicator saved.")

    def toggle_retired(self) -> None:
        ind = self.selected()
        if ind is None:
            return
        try:
            if ind.retired:
                indicator_service.unretire(self.ctx.db, ind.id)
            else:
                indicator_service.retire(self.ctx.db, ind.id)
        except CoachDeskError as exc:
            self._refused(exc)
            return
        self._changed(ind.id, f"{ind.name} {'is back in use' if ind.retired else 'retired'}.")

    def delete(self) -> None:
        ind = self.selected()
        if ind is None:
            return
        try:
            deletable = indicator_service.can_delete(self.ctx.db, ind.id)
        except CoachDeskError as exc:
            self._refused(exc)
            return
        if not deletable:
            self._offer_retire(ind)
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete indicator",
                          f"Delete “{ind.name}”? It has never been rated.", parent=self)
        box.setObjectName("confirmDeleteIndicator")
        box.setTextFormat(Qt.TextFormat.PlainText)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return
        try:
            indicator_service.delete(self.ctx.db, ind.id)
        except ValidationError:  # rated in the meantime: the same offer as above
            self._offer_retire(ind)
            return
        except CoachDeskError as exc:
            self._refused(exc)
            return
        self._changed(None, "Indicator deleted.")

    def _offer_retire(self, ind: Indicator) -> None:
        """A used or default indicator: say why it stays, and offer to retire it."""
        try:
            indicator_service.delete(self.ctx.db, ind.id)  # refused: its message says why
        except ValidationError as exc:
            reason = str(exc)
        except CoachDeskError as exc:
            self._refused(exc)
            return
        else:  # nothing stood in the way after all
            self._changed(None, "Indicator deleted.")
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Delete indicator", reason, parent=self)
        box.setObjectName("offerRetireIndicator")
        box.setTextFormat(Qt.TextFormat.PlainText)
        retire = None
        if not ind.retired:
            retire = box.addButton("Retire it", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if retire is not None and box.clickedButton() is retire:
            try:
                indicator_service.retire(self.ctx.db, ind.id)
            except CoachDeskError as exc:
                self._refused(exc)
                return
            self._changed(ind.id, f"{ind.name} retired.")

    def move(self, steps: int) -> None:
        ind = self.selected()
        if ind is None:
            return
        try:
            indicator_service.move(self.ctx.db, ind.id, steps)
        except CoachDeskError as exc:
            self._refused(exc)
            return
        self._changed(ind.id, "Order saved.")
