"""Practice-wide lists: Sessions (upcoming, recent, without notes) and open Actions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coachdesk.services import actions, sessions

from ..context import AppContext
from ..models.action_table import ActionTableModel
from ..models.session_table import SessionTableModel
from ..widgets.fields import name_widget
from ..widgets.row_actions import row_action
from .action_marks import ActionMarks


def _table(name: str, accessible: str) -> QTableView:
    view = name_widget(QTableView(), name, accessible)
    view.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
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
            row_action(view, "Open session", ["Return", "Enter"],
                       lambda v=view, m=model: self._open(m, v.currentIndex()),
                       f"openSession_{key}")
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
    """Actions across clients: filter by owner and status, mark done (Space), drop (Del)
    or reopen; Enter or a double-click opens the session they were agreed in. A row
    just marked stays in view, changed in place, until the list is reloaded, so a wrong
    key is undone with the next one."""

    open_session = Signal(int)
    open_action = Signal(int, int)  # session id, action id: the action shown in its session

    OWNERS = (("All owners", "all"), ("Client", "client"), ("Coach", "coach"))
    STATUSES = (("Open", "open"), ("Done", "done"), ("Dropped", "dropped"), ("All", "all"))

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("actionsPage")
        self.owner = name_widget(QComboBox(), "actionsOwnerFilter", "Owner")
        for label, key in self.OWNERS:
            self.owner.addItem(label, key)
        self.status = name_widget(QComboBox(), "actionsStatusFilter", "Show")
        for label, key in self.STATUSES:
            self.status.addItem(label, key)
        self.overdue_only = name_widget(QCheckBox("Overdue only"), "overdueOnly", "Overdue only")
        self.count = QLabel()
        self.count.setObjectName("actionsCount")
        self.model = ActionTableModel(("client", "text", "owner", "due", "agreed", "status"),
                                      parent=self)
        self.view = _table("openActions", "Actions")
        self.view.setModel(self.model)
        self.view.setToolTip("Enter opens the session · Space marks done or reopens · Del drops")
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.setWordWrap(False)  # one line per action; the whole text in its tooltip
        self.view.setTabKeyNavigation(False)  # arrows move in the list, Tab moves on to its buttons
        self.open_button = name_widget(QPushButton("Open session"), "actionsOpenSession",
                                       "Open the action's session")
        self.open_button.setToolTip("Open the session this action was agreed in (Enter)")
        self.done_button = name_widget(QPushButton("Mark done"), "actionsDone", "Mark done")
        self.drop_button = name_widget(QPushButton("Drop"), "actionsDrop", "Drop action")
        self.reopen_button = name_widget(QPushButton("Reopen"), "actionsReopen", "Reopen action")
        top = QHBoxLayout()
        top.addWidget(_title("Actions"))
        top.addStretch(1)
        top.addWidget(self.count)
        filters = QHBoxLayout()
        for text, widget in (("Owner", self.owner), ("Show", self.status)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.overdue_only)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.done_button, self.drop_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.owner.currentIndexChanged.connect(self.reload)
        self.status.currentIndexChanged.connect(self.reload)
        self.overdue_only.toggled.connect(self.reload)
        self.view.doubleClicked.connect(lambda _index: self._open())
        self.open_button.clicked.connect(self._open)
        row_action(self.view, "Open session", ["Return", "Enter"], self._open, "openActionSession")
        self.marks = ActionMarks(ctx, self.view, self.model, self.done_button, self.drop_button,
                                 self.reopen_button, row_buttons=[self.open_button])
        self.marks.changed.connect(self._marked)
        self.marks.refused.connect(self._refused)
        for signal in (self.model.modelReset, self.model.dataChanged):
            signal.connect(self._update_count)
        self._own_change = False
        ctx.data_changed.connect(
            lambda what: self.reload() if self.isVisible() and not self._own_change else None)

    def reload(self, *_):
        status = self.status.currentData()
        self.overdue_only.setEnabled(status in ("open", "all"))
        rows = actions.list_actions(self.ctx.db, status, owner=self.owner.currentData(),
                                    overdue_only=self.overdue_only.isChecked()
                                    and self.overdue_only.isEnabled())
        self.model.set_rows(rows)

    def _update_count(self, *_):
        rows = self.model.rows
        by_status = {s: sum(1 for a in rows if a.status == s) for s in ("open", "done", "dropped")}
        parts = []
        if by_status["open"] or self.status.currentData() in ("open", "all"):
            parts.append(f"{by_status['open']} open, {sum(1 for a in rows if a.overdue)} overdue")
        parts += [f"{n} {s}" for s, n in by_status.items() if s != "open" and n]
        self.count.setText(", ".join(parts) or "0 actions")

    def _marked(self) -> None:
        self._own_change = True  # the other pages refresh; this one keeps the row in view
        try:
            self.ctx.notify("action")
        finally:
            self._own_change = False

    def _refused(self, message: str) -> None:
        self.ctx.say(f"Not changed: {message}")
        self.reload()

    def _open(self) -> None:
        a = self.marks.selected()
        if a is not None:
            self.open_action.emit(a.session_id, a.id)
