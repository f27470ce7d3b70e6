"""The GROW worksheet, this session's actions, and follow-up of earlier ones."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
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

from coachdesk.errors import CoachDeskError, StorageError
from coachdesk.models import GrowOption
from coachdesk.services import actions, grow

from ..context import AppContext
from ..models.action_table import ActionTableModel
from ..models.grow_options import CorrectingDelegate, OptionsModel
from ..widgets.autosave import AutoSaver
from ..widgets.fields import ErrorLabel, OptionalDateEdit, name_widget
from ..widgets.row_actions import current_row, row_action
from ..widgets.text import FocusOutPlainTextEdit
from .action_marks import ActionMarks

ROW_HEIGHT = 24  # a row that fits its text still leaves room to aim a click

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
    label.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
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
        self.options_model = OptionsModel(ctx, self)
        self.options_view = name_widget(QTableView(), "growOptionsTable", "Options")
        self.options_view.setModel(self.options_model)
        self.options_view.setItemDelegate(CorrectingDelegate(self.options_view))
        self.options_view.verticalHeader().hide()
        self.options_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.options_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.options_view.setTabKeyNavigation(False)  # arrows move between cells, Tab moves on
        self.options_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                          | QAbstractItemView.EditTrigger.EditKeyPressed
                                          | QAbstractItemView.EditTrigger.SelectedClicked)
        self.options_view.setWordWrap(True)
        self.options_view.setToolTip("Space ticks the chosen option; double-click or F2 edits "
                                     "a cell, Enter keeps it; Del removes the option.")
        header = self.options_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Each row as tall as its wrapped text.
        self.options_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.options_view.verticalHeader().setMinimumSectionSize(ROW_HEIGHT)
        self.options_view.setMinimumHeight(120)
        # The table grows with its options (up to a point), so the page scrolls, not the table.
        self.options_view.verticalHeader().sectionResized.connect(self._fit_options_height)
        self.options_model.modelReset.connect(self._fit_options_height)
        ov.addWidget(self.options_view)
        add_row = QHBoxLayout()
        self.new_option = name_widget(QLineEdit(), "newOption", "New option")
        self.new_option.setPlaceholderText("Another option the client sees… (Enter to add)")
        self.add_option_button = name_widget(QPushButton("Add option"), "addOption", "Add option")
        self.remove_option_button = name_widget(QPushButton("Remove"), "removeOption",
                                                "Remove option")
        self.remove_option_button.setToolTip("Remove the selected option (Del)")
        add_row.addWidget(self.new_option, 1)
        add_row.addWidget(self.add_option_button)
        add_row.addWidget(self.remove_option_button)
        ov.addLayout(add_row)
        self.option_error = ErrorLabel("growOption")
        ov.addWidget(self.option_error)
        # After a removal: what went, and a way to bring it back.
        undo_row = QHBoxLayout()
        self.removed_label = QLabel()
        self.removed_label.setObjectName("growOptionRemoved")
        self.removed_label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_remove_button = name_widget(QPushButton("Undo"), "undoRemoveOption",
                                              "Undo removing the option")
        undo_row.addWidget(self.removed_label)
        undo_row.addWidget(self.undo_remove_button)
        undo_row.addStretch(1)
        ov.addLayout(undo_row)
        self._removed: GrowOption | None = None
        self._show_removed(None)
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
        self.undo_remove_button.clicked.connect(self._undo_remove)
        self.options_model.refused.connect(self.option_error.show_error)
        self.options_model.saved.connect(self._option_saved)
        row_action(self.options_view, "Tick or untick as chosen", ["Space"],
                   self._toggle_chosen, "toggleChosenOption")
        row_action(self.options_view, "Remove option", [QKeySequence.StandardKey.Delete],
                   self._remove_option, "removeOptionKey")
        self.to_action_button.clicked.connect(
            lambda: self.will_to_action.emit(self.edits["will_what"].toPlainText().strip()))

    def load(self, session_id: int) -> None:
        self.saver.flush()
        self.commit_open_editor()
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
        self.options_model.set_rows(grow.options(self.ctx.db, self.worksheet.id))
        self._show_removed(None)

    def commit_open_editor(self) -> None:
        """An option being typed in its cell is saved before the table is reloaded or
        hidden (a reset would close the editor and drop what was typed)."""
        editor = QApplication.focusWidget()
        if editor is not None and self.options_view.viewport().isAncestorOf(editor):
            self.options_view.commitData(editor)

    def hideEvent(self, event):  # noqa: N802 (Qt's name)
        self.commit_open_editor()
        super().hideEvent(event)

    def _fit_options_height(self, *_args) -> None:
        view = self.options_view
        rows = view.verticalHeader().length()
        wanted = rows + view.horizontalHeader().height() + 2 * view.frameWidth() + 8
        view.setMinimumHeight(max(120, min(wanted, 420)))

    def _add_option(self) -> None:
        self.option_error.show_error(None)
        try:
            option = grow.add_option(self.ctx.db, self.worksheet.id, self.new_option.text())
        except CoachDeskError as exc:
            self.option_error.show_error(str(exc))
            return
        self.new_option.clear()  # focus stays here, ready for the next option
        self._load_options()
        self._select_option(option.id)
        self.ctx.notify("worksheet")

    def _select_option(self, option_id: int) -> None:
        row = self.options_model.row_of(option_id)
        if row >= 0:
            self.options_view.selectRow(row)
            self.options_view.scrollTo(self.options_model.index(row, 1))

    def _toggle_chosen(self) -> None:
        self.option_error.show_error(None)
        self.options_model.toggle_chosen(current_row(self.options_view))

    def _option_saved(self) -> None:
        self.option_error.show_error(None)
        self.ctx.notify("worksheet")

    def _remove_option(self) -> None:
        option = self.options_model.row_at(current_row(self.options_view))
        if option is None:
            return
        try:
            grow.remove_option(self.ctx.db, option.id)
        except CoachDeskError as exc:
            self.option_error.show_error(str(exc))
            return
        self.option_error.show_error(None)
        row = self.options_model.row_of(option.id)
        self._load_options()
        self._show_removed(option)
        if self.options_model.rowCount():
            self.options_view.selectRow(min(row, self.options_model.rowCount() - 1))
        self.ctx.notify("worksheet")

    def _show_removed(self, option: GrowOption | None) -> None:
        self._removed = option
        if option is not None:
            text = " ".join(option.text.split())
            self.removed_label.setText(f"Option removed: “{text[:60]}{'…' if len(text) > 60 else ''}”")
        self.removed_label.setVisible(option is not None)
        self.undo_remove_button.setVisible(option is not None)

    def _undo_remove(self) -> None:
        option = self._removed
        if option is None or self.worksheet is None:
            return
        try:
            back = grow.add_option(self.ctx.db, self.worksheet.id, option.text, option.notes,
                                   chosen=option.chosen, position=option.position)
        except CoachDeskError as exc:
            self.option_error.show_error(str(exc))
            return
        self._load_options()
        self._select_option(back.id)
        self.options_view.setFocus()
        self.ctx.notify("worksheet")

    def _save(self) -> bool | None:
        """False when the worksheet could not be written (the autosaver retries)."""
        if self.worksheet is None:
            return None
        values = {field: edit.toPlainText() for field, edit in self.edits.items()}
        values["commitment"] = self.commitment.value() or None
        try:
            self.worksheet = grow.update(self.ctx.db, self.worksheet.id, **values)
        except StorageError as exc:
            self.ctx.say(f"Worksheet: {exc} CoachDesk keeps trying.")
            return False
        except CoachDeskError as exc:
            self.ctx.say(f"Worksheet not saved: {exc}")
            return None
        return True


def _actions_view(name: str, accessible: str, model) -> QTableView:
    view = name_widget(QTableView(), name, accessible)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)  # arrows move in the list, Tab moves on to its buttons
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setMinimumSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


class ActionsPanel(QWidget):
    """This session's action items: add, correct (Enter, F2, double-click or "Edit…"),
    and mark done (Space), dropped (Del) or open again."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.session = None
        self.setObjectName("actionsPanel")
        self.model = ActionTableModel(("text", "owner", "due", "status"), parent=self)
        self.view = _actions_view("sessionActions", "Action items", self.model)
        self.text = name_widget(QLineEdit(), "newActionText", "New action")
        self.text.setPlaceholderText("What will be done… (Enter to add)")
        self.owner = name_widget(QComboBox(), "newActionOwner", "Owner")
        self.owner.addItem("Client", "client")
        self.owner.addItem("Coach", "coach")
        self.due = name_widget(OptionalDateEdit(), "newActionDue", "Due date")
        # An empty due date's calendar opens at the session's month, not 1900 or a year away.
        self.due.set_related_date(lambda: self.session.session_date if self.session else None)
        self.add_button = name_widget(QPushButton("Add action"), "addAction", "Add action")
        self.edit_button = name_widget(QPushButton("Edit…"), "actionEdit", "Edit action")
        self.edit_button.setToolTip("Correct the selected action's text, owner or due date "
                                    "(Enter, F2 or double-click)")
        self.done_button = name_widget(QPushButton("Mark done"), "actionDone", "Mark done")
        self.drop_button = name_widget(QPushButton("Drop"), "actionDrop", "Drop action")
        self.reopen_button = name_widget(QPushButton("Reopen"), "actionReopen", "Reopen action")
        self.error = ErrorLabel("newAction")
        form = QHBoxLayout()
        form.addWidget(self.text, 1)
        form.addWidget(self.owner)
        due_label = QLabel("due")
        due_label.setBuddy(self.due)
        form.addWidget(due_label)
        form.addWidget(self.due)
        form.addWidget(self.add_button)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.done_button, self.drop_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        # The Will's "When" in words, when no date could be read from it: the coach sets
        # the due date from it (nothing the Will said is dropped unseen).
        self.when_hint = QLabel()
        self.when_hint.setObjectName("newActionWhenHint")
        self.when_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.when_hint.setWordWrap(True)
        self.when_hint.setStyleSheet("color: palette(placeholder-text);")
        self.when_hint.hide()
        layout.addWidget(self.when_hint)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self._add)
        self.text.returnPressed.connect(self._add)
        self.due.edit.returnPressed.connect(self._add)  # Enter adds from any field of the row
        self.owner.installEventFilter(self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        row_action(self.view, "Edit…", ["Return", "Enter", "F2"], self.edit_selected, "editActionKey")
        self.marks = ActionMarks(ctx, self.view, self.model, self.done_button, self.drop_button,
                                 self.reopen_button, row_buttons=[self.edit_button])
        self.marks.changed.connect(self._changed)
        self.marks.refused.connect(self.error.show_error)
        # Tab in the order they are seen: the list, its buttons, then the new-action row.
        chain = [self.view, self.edit_button, self.done_button, self.drop_button,
                 self.reopen_button, self.text, self.owner, self.due, self.add_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def load(self, session) -> None:
        if self.session is None or self.session.id != session.id:
            self.when_hint.hide()  # it spoke of another session's Will
        self.session = session
        self.error.show_error(None)
        self.model.set_rows(actions.session_rows(self.ctx.db, session.id))

    def prefill(self, text: str, due: date | None = None, when: str = "") -> None:
        """Will → action: the text (and the due date the Will's "When" names) is offered;
        the coach checks owner and date and adds it with Enter. A "When" with no date in it
        is shown under the form, for the coach to set the date from."""
        self.text.setText(" ".join(text.split())[:2000])
        if due is not None:
            self.due.set_value(due)
        when = " ".join(when.split())
        self.when_hint.setText(f"The Will says when: {when[:300]}" if when and due is None
                               else "")
        self.when_hint.setVisible(bool(self.when_hint.text()))
        self.text.setFocus()
        self.text.end(False)

    def eventFilter(self, watched, event):  # noqa: N802 - Enter on the owner adds, too
        if (watched is self.owner and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not self.owner.view().isVisible()):
            self._add()
            return True
        return super().eventFilter(watched, event)

    def _add(self) -> None:
        self.error.show_error(None)
        self.due.commit()  # Enter in the date: what is typed there counts
        if self.due.problem():  # said under the date itself; nothing is added
            self.due.edit.setFocus()
            return
        try:
            item = actions.create(self.ctx.db, self.session.id, self.text.text(),
                                  owner=self.owner.currentData(), due_date=self.due.value())
        except CoachDeskError as exc:
            self.error.show_error(str(exc))
            return
        self.text.clear()
        self.due.set_value(None)
        self.when_hint.hide()
        self.load(self.session)
        row = self.model.row_of(item.id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        self._changed()

    def edit_selected(self) -> None:
        from ..dialogs.action_dialog import ActionDialog

        a = self.marks.selected()
        if a is None:
            return
        dialog = ActionDialog(self.ctx, a, self)
        if dialog.exec():
            self.marks.refresh_row(a.id)
            self._changed()
        self.view.setFocus()

    def _changed(self) -> None:
        self.ctx.notify("action")
        self.changed.emit()


class FollowUpPanel(QGroupBox):
    """Open actions from this client's earlier sessions, to follow up now: Done (Space)
    or Dropped (Del) takes one off the list."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Follow up from earlier sessions", parent)
        self.ctx = ctx
        self.setObjectName("followUp")
        self.model = ActionTableModel(("text", "agreed", "due"), {"text": "Open action"}, self)
        self.view = _actions_view("followUpTable", "Open actions to follow up", self.model)
        self.view.setMaximumHeight(130)
        self.done_button = name_widget(QPushButton("Done"), "followUpDone", "Mark followed-up action done")
        self.done_button.setToolTip("Mark the selected action done (Space)")
        self.drop_button = name_widget(QPushButton("Dropped"), "followUpDrop", "Drop followed-up action")
        self.drop_button.setToolTip("The selected action will not be done (Del)")
        buttons = QVBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.drop_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.done_button.clicked.connect(lambda: self._close("done"))
        self.drop_button.clicked.connect(lambda: self._close("dropped"))
        row_action(self.view, "Done", ["Space"], lambda: self._close("done"), "followUpDoneKey")
        row_action(self.view, "Dropped", [QKeySequence.StandardKey.Delete],
                   lambda: self._close("dropped"), "followUpDropKey")
        self.session_id = None

    def load(self, session_id: int) -> None:
        self.session_id = session_id
        self.model.set_rows(actions.follow_up_rows(self.ctx.db, session_id))
        self.setVisible(self.model.rowCount() > 0)

    def _close(self, status: str) -> None:
        row = current_row(self.view)
        a = self.model.row_at(row)
        if a is None:
            return
        try:
            actions.set_status(self.ctx.db, a.id, status)
        except CoachDeskError as exc:
            self.ctx.say(f"Not changed: {exc}")
        self.load(self.session_id)
        if self.model.rowCount():
            self.view.selectRow(min(row, self.model.rowCount() - 1))
        self.ctx.notify("action")
