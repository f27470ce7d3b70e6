"""The GROW worksheet, this session's actions, and follow-up of earlier ones."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError
from coachdesk.models import ActionStatus
from coachdesk.services import actions, grow

from ..context import AppContext
from ..theme import colour
from ..widgets.autosave import AutoSaver
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget, with_error
from ..widgets.text import FocusOutPlainTextEdit

FALLBACK_PROMPTS = {
    "goal": ["What do you want to achieve by the end of this session?"],
    "reality": ["What is happening now?"],
    "options": ["What else could you do?"],
    "will": ["What will you do, and when?"],
}


def load_prompts(db) -> dict[str, list[str]]:
    try:
        from coachdesk.reports.worksheet import get_prompts
    except ImportError:  # pragma: no cover - reports not installed
        return FALLBACK_PROMPTS
    prompts = get_prompts(db)
    return {k.lower(): v for k, v in prompts.items()}


def _prompt_label(lines: list[str]) -> QLabel:
    label = QLabel("\n".join(f"• {q}" for q in lines))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(mid); font-style: italic;")
    return label


class GrowPanel(QScrollArea):
    will_to_action = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("growPanel")
        self.worksheet = None
        self.session_id = None
        self.saver = AutoSaver(self._save, self)
        self.edits: dict[str, FocusOutPlainTextEdit] = {}
        self.prompt_labels: dict[str, QLabel] = {}
        body = QWidget()
        layout = QVBoxLayout(body)

        def stage(key: str, title: str, fields: list[tuple[str, str]]) -> QGroupBox:
            box = QGroupBox(title)
            box.setObjectName(f"grow{key.capitalize()}")
            v = QVBoxLayout(box)
            self.prompt_labels[key] = _prompt_label([])
            v.addWidget(self.prompt_labels[key])
            form = QFormLayout()
            for field, label in fields:
                edit = name_widget(FocusOutPlainTextEdit(), f"grow_{field}", label)
                edit.setFixedHeight(70)
                edit.textChanged.connect(self.saver.changed)
                edit.focus_lost.connect(self.saver.flush)
                self.edits[field] = edit
                form.addRow(label, edit)
            v.addLayout(form)
            return box

        layout.addWidget(stage("goal", "G — Goal", [("goal_session", "For this session"),
                                                    ("goal_long_term", "Longer term")]))
        layout.addWidget(stage("reality", "R — Reality", [("reality_facts", "What is happening"),
                                                          ("reality_tried", "Tried so far"),
                                                          ("reality_obstacles", "Obstacles")]))
        # Options: a small editable table (chosen, option, notes).
        options_box = QGroupBox("O — Options")
        options_box.setObjectName("growOptions")
        ov = QVBoxLayout(options_box)
        self.prompt_labels["options"] = _prompt_label([])
        ov.addWidget(self.prompt_labels["options"])
        self.options_model = QStandardItemModel(0, 3, self)
        self.options_model.setHorizontalHeaderLabels(["Chosen", "Option", "Notes"])
        self.options_view = name_widget(QTableView(), "growOptionsTable", "Options")
        self.options_view.setModel(self.options_model)
        self.options_view.verticalHeader().hide()
        self.options_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.options_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.options_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.options_view.setMinimumHeight(120)
        ov.addWidget(self.options_view)
        add_row = QHBoxLayout()
        self.new_option = name_widget(QLineEdit(), "newOption", "New option")
        self.new_option.setPlaceholderText("Another option the client sees… (Enter to add)")
        self.add_option_button = name_widget(QPushButton("Add option"), "addOption", "Add option")
        self.remove_option_button = name_widget(QPushButton("Remove"), "removeOption",
                                                "Remove option")
        add_row.addWidget(self.new_option, 1)
        add_row.addWidget(self.add_option_button)
        add_row.addWidget(self.remove_option_button)
        ov.addLayout(add_row)
        self.option_error = ErrorLabel("growOption")
        ov.addWidget(self.option_error)
        layout.addWidget(options_box)

        will_box = stage("will", "W — Will", [("will_what", "What will you do"),
                                              ("will_when", "By when")])
        commit_row = QHBoxLayout()
        self.commitment = name_widget(QSpinBox(), "growCommitment", "Commitment from 1 to 10")
        self.commitment.setRange(0, 10)
        self.commitment.setSpecialValueText("not rated")
        self.commitment.setSuffix(" / 10")
        self.commitment.valueChanged.connect(self.saver.changed)
        self.to_action_button = name_widget(QPushButton("Turn into an action item"), "willToAction",
                                            "Turn Will into an action item")
        commit_row.addWidget(QLabel("How committed is the client?"))
        commit_row.addWidget(self.commitment)
        commit_row.addStretch(1)
        commit_row.addWidget(self.to_action_button)
        will_box.layout().addLayout(commit_row)
        layout.addWidget(will_box)
        layout.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)

        self.add_option_button.clicked.connect(self._add_option)
        self.new_option.returnPressed.connect(self._add_option)
        self.remove_option_button.clicked.connect(self._remove_option)
        self.options_model.itemChanged.connect(self._option_edited)
        self.to_action_button.clicked.connect(
            lambda: self.will_to_action.emit(self.edits["will_what"].toPlainText().strip()))

    def load(self, session_id: int) -> None:
        self.saver.flush()
        self.session_id = session_id
        self.worksheet = grow.for_session(self.ctx.db, session_id)
        self.refresh_prompts()
        with self.saver.suspend():
            for field, edit in self.edits.items():
                edit.setPlainText(getattr(self.worksheet, field))
            self.commitment.setValue(self.worksheet.commitment or 0)
        self._load_options()

    def refresh_prompts(self) -> None:
        prompts = load_prompts(self.ctx.db)
        for key, label in self.prompt_labels.items():
            label.setText("\n".join(f"• {q}" for q in prompts.get(key, [])))
            label.setVisible(bool(prompts.get(key)))

    def _load_options(self) -> None:
        self.options_model.blockSignals(True)
        self.options_model.removeRows(0, self.options_model.rowCount())
        for option in grow.options(self.ctx.db, self.worksheet.id):
            chosen = QStandardItem()
            chosen.setCheckable(True)
            chosen.setEditable(False)
            chosen.setCheckState(Qt.CheckState.Checked if option.chosen else Qt.CheckState.Unchecked)
            chosen.setData(option.id, Qt.ItemDataRole.UserRole)
            self.options_model.appendRow([chosen, QStandardItem(option.text),
                                          QStandardItem(option.notes)])
        self.options_model.blockSignals(False)
        self.options_view.resizeRowsToContents()

    def _add_option(self) -> None:
        self.option_error.show_error(None)
        try:
            grow.add_option(self.ctx.db, self.worksheet.id, self.new_option.text())
        except CoachDeskError as exc:
            self.option_error.show_error(str(exc))
            return
        self.new_option.clear()
        self._load_options()
        self.ctx.notify("worksheet")

    def _remove_option(self) -> None:
        index = self.options_view.currentIndex()
        if not index.isValid():
            return
        option_id = self.options_model.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        grow.remove_option(self.ctx.db, option_id)
        self._load_options()

    def _option_edited(self, item: QStandardItem) -> None:
        row = item.row()
        option_id = self.options_model.item(row, 0).data(Qt.ItemDataRole.UserRole)
        self.option_error.show_error(None)
        try:
            grow.update_option(
                self.ctx.db, option_id,
                chosen=self.options_model.item(row, 0).checkState() == Qt.CheckState.Checked,
                text=self.options_model.item(row, 1).text(),
                notes=self.options_model.item(row, 2).text())
        except CoachDeskError as exc:
            self.option_error.show_error(str(exc))

    def _save(self) -> None:
        if self.worksheet is None:
            return
        values = {field: edit.toPlainText() for field, edit in self.edits.items()}
        values["commitment"] = self.commitment.value() or None
        try:
            self.worksheet = grow.update(self.ctx.db, self.worksheet.id, **values)
        except CoachDeskError as exc:
            self.ctx.say(f"Worksheet not saved: {exc}")


class ActionsPanel(QWidget):
    """This session's action items: add, and mark done or dropped."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.session = None
        self.setObjectName("actionsPanel")
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Action", "Owner", "Due", "Status"])
        self.view = name_widget(QTableView(), "sessionActions", "Action items")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.text = name_widget(QLineEdit(), "newActionText", "New action")
        self.text.setPlaceholderText("What will be done…")
        self.owner = name_widget(QComboBox(), "newActionOwner", "Owner")
        self.owner.addItem("Client", "client")
        self.owner.addItem("Coach", "coach")
        self.due = name_widget(OptionalDateEdit(), "newActionDue", "Due date")
        self.add_button = name_widget(QPushButton("Add action"), "addAction", "Add action")
        self.done_button = name_widget(QPushButton("Mark done"), "actionDone", "Mark done")
        self.drop_button = name_widget(QPushButton("Drop"), "actionDrop", "Drop action")
        self.reopen_button = name_widget(QPushButton("Reopen"), "actionReopen", "Reopen action")
        self.error = ErrorLabel("newAction")
        form = QHBoxLayout()
        form.addWidget(self.text, 1)
        form.addWidget(self.owner)
        form.addWidget(QLabel("due"))
        form.addWidget(self.due)
        form.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.drop_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self._add)
        self.text.returnPressed.connect(self._add)
        self.done_button.clicked.connect(lambda: self._set_status("done"))
        self.drop_button.clicked.connect(lambda: self._set_status("dropped"))
        self.reopen_button.clicked.connect(lambda: self._set_status("open"))

    def load(self, session) -> None:
        self.session = session
        self.error.show_error(None)
        self.model.removeRows(0, self.model.rowCount())
        for a in actions.for_session(self.ctx.db, session.id):
            cells = [QStandardItem(a.text), QStandardItem(a.owner.value.capitalize()),
                     QStandardItem(a.due_date.strftime("%d %b %Y") if a.due_date else "—"),
                     QStandardItem(a.status.value.capitalize()
                                   + (f" {a.status_changed_on:%d %b}" if a.status_changed_on
                                      and a.status != ActionStatus.open else ""))]
            cells[0].setData(a.id, Qt.ItemDataRole.UserRole)
            self.model.appendRow(cells)

    def prefill(self, text: str) -> None:
        """Will → action: the text is offered, the coach sets owner and date and adds it."""
        self.text.setText(text[:2000])
        self.text.setFocus()

    def _add(self) -> None:
        self.error.show_error(None)
        try:
            actions.create(self.ctx.db, self.session.id, self.text.text(),
                           owner=self.owner.currentData(), due_date=self.due.value())
        except CoachDeskError as exc:
            self.error.show_error(str(exc))
            return
        self.text.clear()
        self.due.set_value(None)
        self.load(self.session)
        self.ctx.notify("action")
        self.changed.emit()

    def _set_status(self, status: str) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        action_id = self.model.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        actions.set_status(self.ctx.db, action_id, status)
        self.load(self.session)
        self.ctx.notify("action")


class FollowUpPanel(QGroupBox):
    """Open actions from this client's earlier sessions, to follow up now."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Follow up from earlier sessions", parent)
        self.ctx = ctx
        self.setObjectName("followUp")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Open action", "Agreed on", "Due"])
        self.view = name_widget(QTableView(), "followUpTable", "Open actions to follow up")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setMaximumHeight(130)
        self.done_button = name_widget(QPushButton("Done"), "followUpDone", "Mark followed-up action done")
        self.drop_button = name_widget(QPushButton("Dropped"), "followUpDrop", "Drop followed-up action")
        buttons = QVBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.drop_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.done_button.clicked.connect(lambda: self._close("done"))
        self.drop_button.clicked.connect(lambda: self._close("dropped"))
        self.session_id = None

    def load(self, session_id: int) -> None:
        self.session_id = session_id
        self.model.removeRows(0, self.model.rowCount())
        from coachdesk.services import sessions as session_service

        items = actions.open_before(self.ctx.db, session_id)
        dates = {}
        for a in items:
            if a.session_id not in dates:
                dates[a.session_id] = session_service.get(self.ctx.db, a.session_id).session_date
            cells = [QStandardItem(a.text), QStandardItem(dates[a.session_id].strftime("%d %b %Y")),
                     QStandardItem(a.due_date.strftime("%d %b %Y") if a.due_date else "—")]
            if a.due_date and a.due_date < date.today():
                cells[2].setText(cells[2].text() + "  (overdue)")
                cells[2].setForeground(colour("red"))
            cells[0].setData(a.id, Qt.ItemDataRole.UserRole)
            self.model.appendRow(cells)
        self.setVisible(bool(items))

    def _close(self, status: str) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        action_id = self.model.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        actions.set_status(self.ctx.db, action_id, status)
        self.load(self.session_id)
        self.ctx.notify("action")
