"""Practice-wide lists: Sessions (upcoming, recent, without notes) and open Actions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coachdesk.services import actions, sessions

from ..context import AppContext
from ..models.session_table import SessionTableModel
from ..theme import colour
from ..widgets.fields import name_widget


def _table(name: str, accessible: str) -> QTableView:
    view = name_widget(QTableView(), name, accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 20px; font-weight: 600;")
    return label


class SessionsPage(QWidget):
    open_session = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("sessionsPage")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sessionsTabs")
        self.models = {}
        self.views = {}
        for key, label in (("upcoming", "Upcoming (next 14 days)"), ("recent", "Recent (30 days)"),
                           ("without_notes", "Held, without notes")):
            model = SessionTableModel(with_client=True, parent=self)
            view = _table(f"sessions_{key}", label)
            view.setModel(model)
            view.doubleClicked.connect(lambda index, m=model: self._open(m, index))
            self.models[key], self.views[key] = model, view
            self.tabs.addTab(view, label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(_title("Sessions"))
        layout.addWidget(self.tabs, 1)
        ctx.data_changed.connect(lambda what: self.reload() if self.isVisible() else None)

    def reload(self) -> None:
        self.models["upcoming"].set_rows(sessions.upcoming(self.ctx.db))
        self.models["recent"].set_rows(sessions.recent(self.ctx.db))
        self.models["without_notes"].set_rows(sessions.without_notes(self.ctx.db))
        for key, index in (("upcoming", 0), ("recent", 1), ("without_notes", 2)):
            count = self.models[key].rowCount()
            base = self.tabs.tabText(index).split(" · ")[0]
            self.tabs.setTabText(index, f"{base} · {count}")

    def _open(self, model, index) -> None:
        row = model.row_at(index.row())
        if row is not None:
            self.open_session.emit(row.id)


class ActionsPage(QWidget):
    open_session = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("actionsPage")
        self.overdue_only = name_widget(QCheckBox("Overdue only"), "overdueOnly", "Overdue only")
        self.count = QLabel()
        self.count.setObjectName("actionsCount")
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(["Client", "Action", "Owner", "Due", "Agreed on"])
        self.view = _table("openActions", "Open actions")
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setStretchLastSection(False)
        top = QHBoxLayout()
        top.addWidget(_title("Open actions"))
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.overdue_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.overdue_only.toggled.connect(self.reload)
        self.view.doubleClicked.connect(self._open)
        self._sessions: list[int] = []
        ctx.data_changed.connect(lambda what: self.reload() if self.isVisible() else None)

    def reload(self, *_):
        rows = actions.open_actions(self.ctx.db, overdue_only=self.overdue_only.isChecked())
        self.model.removeRows(0, self.model.rowCount())
        self._sessions = []
        for a in rows:
            due = QStandardItem(a.due_date.strftime("%d %b %Y") if a.due_date else "—")
            if a.overdue:
                due.setText(due.text() + "  overdue")
                due.setForeground(colour("red"))
            self.model.appendRow([QStandardItem(a.client_name), QStandardItem(a.text),
                                  QStandardItem(a.owner.capitalize()), due,
                                  QStandardItem(a.session_date.strftime("%d %b %Y"))])
            self._sessions.append(a.session_id)
        overdue = sum(1 for a in rows if a.overdue)
        self.count.setText(f"{len(rows)} open, {overdue} overdue")

    def _open(self, index) -> None:
        if 0 <= index.row() < len(self._sessions):
            self.open_session.emit(self._sessions[index.row()])
