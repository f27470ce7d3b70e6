"""Correct an action item: what will be done, by whom, by when.

Opened from a session's Actions tab (Enter, F2, a double-click or "Edit…"). The service
checks the values; a refused one (an empty text, a due date before the session) is
shown under its field and the dialog keeps what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from coachdesk.services import actions
from coachdesk.services.actions import ActionRow

from ..context import AppContext
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog

OWNERS = (("Client", "client"), ("Coach", "coach"))


class ActionDialog(FormDialog):
    """``submit()`` saves through ``actions.update`` and returns the stored item."""

    def __init__(self, ctx: AppContext, action: ActionRow, parent=None):
        super().__init__("Edit action", "actionDialog", parent)
        self.ctx = ctx
        self.action_id = action.id
        self.resize(560, 0)
        self.text = self.add_field("Action *", "text", QLineEdit(), "actionText")
        self.text.setPlaceholderText("What will be done…")
        self.text.setText(action.text)
        self.owner = QComboBox()
        for label, value in OWNERS:
            self.owner.addItem(label, value)
        self.owner.setCurrentIndex(max(0, self.owner.findData(action.owner)))
        self.add_field("Owner", "owner", self.owner, "actionOwner")
        self.due = self.add_field("Due", "due_date", OptionalDateEdit(), "actionDue")
        self.due.set_value(action.due_date)
        self.due.set_related_date(action.session_date)  # the calendar opens near the session
        # Fields first, then Save and Cancel, whatever order they were built in.
        chain: list[QWidget] = [self.text, self.owner, self.due, self.save_button,
                                self.buttons.button(self.buttons.StandardButton.Cancel)]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.text.setFocus()

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # A dialog selects its first field's text as it opens; here the coach corrects an
        # action, so the cursor waits after the text: a key adds to it, never replaces it.
        QTimer.singleShot(0, lambda: self.text.setCursorPosition(len(self.text.text())))

    def submit(self):
        return actions.update(self.ctx.db, self.action_id, text=self.text.text(),
                              owner=self.owner.currentData(), due_date=self.due.value())
