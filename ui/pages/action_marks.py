"""Mark the selected action done, dropped or open again: the same keys and buttons on a
session's Actions tab and on the Actions page.

Space marks an open action done and reopens a done or dropped one, Del drops it; the
view's right-click menu lists both with their keys. The row changes in place
(``dataChanged``), so it stays selected and a wrong key is undone with the next one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence

from coachdesk.errors import CoachDeskError
from coachdesk.services import actions

from ..widgets.row_actions import current_row, row_action


class ActionMarks(QObject):
    #: an action's status was saved
    changed = Signal()
    #: a sentence for the coach: the status could not be saved
    refused = Signal(str)

    def __init__(self, ctx, view, model, done_button, drop_button, reopen_button,
                 row_buttons=(), parent=None):
        """``row_buttons`` are enabled whenever a row is selected (Edit…, Open session)."""
        super().__init__(parent or view)
        self.ctx, self.view, self.model = ctx, view, model
        self.done_button, self.drop_button, self.reopen_button = done_button, drop_button, reopen_button
        self.row_buttons = tuple(row_buttons)
        done_button.clicked.connect(lambda: self.set_status("done"))
        drop_button.clicked.connect(lambda: self.set_status("dropped"))
        reopen_button.clicked.connect(lambda: self.set_status("open"))
        done_button.setToolTip("Mark the selected action done (Space)")
        drop_button.setToolTip("The selected action will not be done (Del); Reopen brings it back")
        reopen_button.setToolTip("Open the selected action again (Space)")
        row_action(view, "Mark done / reopen", ["Space"], self.toggle_done, "toggleActionDone")
        row_action(view, "Drop", [QKeySequence.StandardKey.Delete],
                   lambda: self.set_status("dropped"), "dropActionKey")
        view.selectionModel().selectionChanged.connect(self.update_buttons)
        model.modelReset.connect(self.update_buttons)
        model.dataChanged.connect(self.update_buttons)
        self.update_buttons()

    def selected(self):
        return self.model.row_at(current_row(self.view))

    def update_buttons(self, *_args) -> None:
        a = self.selected()
        for button in self.row_buttons:
            button.setEnabled(a is not None)
        self.done_button.setEnabled(a is not None and a.status == "open")
        self.drop_button.setEnabled(a is not None and a.status == "open")
        self.reopen_button.setEnabled(a is not None and a.status != "open")

    def toggle_done(self) -> None:
        a = self.selected()
        if a is not None:
            self.set_status("done" if a.status == "open" else "open")

    def set_status(self, status: str) -> None:
        a = self.selected()
        if a is None:
            return
        try:
            actions.set_status(self.ctx.db, a.id, status)
        except CoachDeskError as exc:
            self.refused.emit(str(exc))
            return
        self.refresh_row(a.id)
        self.changed.emit()

    def refresh_row(self, action_id: int) -> None:
        """The changed row repaints in place: selection and scroll position stay."""
        row = self.model.row_of(action_id)
        try:
            changed = actions.row(self.ctx.db, action_id)
        except CoachDeskError as exc:  # gone meanwhile: the page reloads its list
            self.refused.emit(str(exc))
            return
        if row >= 0:
            self.model.replace_row(row, changed)
