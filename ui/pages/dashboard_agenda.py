"""The dashboard's agenda: the sessions planned for today and tomorrow.

The rows come from the engine (``services.practice.agenda``, in ``DashboardData``):
when, who, how, and where the session stands in its engagement ("session 4 of 6").
Double-click or Enter on a row opens the session.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates
from coachdesk.services.practice import AgendaItem, day_text

from ..models.rows import RowsTableModel
from ..plain import plain_tips
from ..theme import colour
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from ..widgets.wrap_label import WrapLabel

EMPTY = "Nothing planned for today or tomorrow."
WORKING = "Working out what is planned…"


def when_text(item: AgendaItem, today: date) -> str:
    """"Today 09:30", "Tomorrow 14:00", "Today, no time set"."""
    day = "Today" if item.day == today else "Tomorrow" if item.day == today + timedelta(1) \
        else day_text(item.day)
    return f"{day} {dates.clock(item.start)}" if item.start else f"{day}, no time set"


def when_in_full(item: AgendaItem) -> str:
    """"Monday 30 Nov 2026, 09:00 to 10:00 (60 minutes)"."""
    text = dates.long(item.day)
    if item.start:
        end = datetime.combine(item.day, item.start) + timedelta(minutes=item.duration_minutes)
        text += f", {dates.clock(item.start)} to {dates.clock(end)}"
    return text + f" ({item.duration_minutes} minutes)"


@plain_tips
class AgendaModel(RowsTableModel):
    HEADERS = ("When", "Client", "Format", "Engagement")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[AgendaItem] = []
        self._today = date.today()

    def set_rows(self, rows: list[AgendaItem], today: date) -> None:
        self.beginResetModel()
        self._rows, self._today = list(rows), today
        self.endResetModel()

    def item(self, row: int) -> AgendaItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        item = self.item(index.row())
        if item is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (when_text(item, self._today), item.client_name, item.format,
                    item.usage_text)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{item.client_name}: {when_in_full(item)}, {item.format.lower()}, "
                    f"{item.usage_text}. Double-click or press Enter to open the session.")
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and item.day == self._today:
            return colour("blue")
        if role == Qt.ItemDataRole.UserRole:
            return item.session_id
        return None


class AgendaPanel(QWidget):
    """A heading and a small table; ``open_session`` carries the session's id."""

    open_session = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dashboardAgenda")
        self.title = WrapLabel("Today and tomorrow")
        self.title.setObjectName("agendaTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.model = AgendaModel(self)
        self.view = name_widget(QTableView(), "agendaTable", "Sessions planned today and tomorrow")
        self.view.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        # Widths from the font, not the contents: a practice can have dozens of sessions in
        # two days, and measuring every row on each load would slow the dashboard down.
        # Narrow (a laptop's dashboard): the format gives way first, then the usage; every
        # row's tooltip still says all of it.
        self.fit = fit_columns(self.view, 1, give_way=(2, 3), minimum={1: 90},
                               flex_wants=text_width(self.view, "Dr Siobhán Kelly"))
        self.fit.set_widths({0: text_width(self.view, "Today, no time set"),
                             2: text_width(self.view, "In person", "Format"),
                             3: text_width(self.view, "session 10 of 10")})
        self.view.activated.connect(self._open)  # double-click and Enter
        # Until the first load arrives nothing is known: "nothing planned" would be untrue
        # for a practice whose agenda is still being worked out (the new-coach trial).
        self.empty = QLabel(WORKING)
        self.empty.setObjectName("agendaEmpty")
        self.view.setVisible(False)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addStretch(0)  # below the table at its most rows, not above it

    def show_items(self, items: list[AgendaItem], today: date) -> None:
        self.model.set_rows(items, today)
        today_count = sum(1 for i in items if i.day == today)
        self.title.setText(f"Today and tomorrow · {len(items)}" if items else "Today and tomorrow")
        self.title.setToolTip(f"{today_count} session{'s' if today_count != 1 else ''} planned "
                              f"today, {len(items) - today_count} tomorrow")
        self.empty.setText(EMPTY)
        self.view.setVisible(bool(items))
        self.empty.setVisible(not items)
        if items:
            self.view.selectRow(0)

    def _open(self, index) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_session.emit(item.session_id)
