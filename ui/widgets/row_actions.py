"""What a coach can do to the selected row of a table, by key, by right-click and by button.

``row_action`` puts an action on the view itself: its keys work while the table has
focus (not while a cell is being edited, and not elsewhere on the page), and the view's
right-click menu lists it with its key, so the keys can be found.

Enter (Return) is the one key not made a shortcut: Qt's shortcuts follow the focus widget,
and a question on top of the window (Enter for its default button) must get its Enter even
where the window system left the focus in the table behind it. The view handles Enter as
a key it receives itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView

_ENTER_KEYS = {"Return", "Enter"}


class _EnterFilter(QObject):
    """Return or Enter pressed in ``view`` (not while a cell is edited) runs ``slot``."""

    def __init__(self, view: QAbstractItemView, slot):
        super().__init__(view)
        self.view = view
        self.slot = slot

    def eventFilter(self, watched, event):  # noqa: N802
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and self.view.state() != QAbstractItemView.State.EditingState):
            self.slot()
            return True
        return False


def row_action(view: QAbstractItemView, text: str, keys, slot, name: str) -> QAction:
    keys = list(keys)
    enter = [k for k in keys if k in _ENTER_KEYS]
    others = [k for k in keys if k not in _ENTER_KEYS]
    action = QAction(text, view)
    action.setObjectName(name)
    action.setShortcuts([QKeySequence(k) for k in others])
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    if enter:
        view.installEventFilter(_EnterFilter(view, slot))
        if not others:  # the menu still says which key does it
            action.setText(f"{text}\tEnter")
    view.addAction(action)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


def current_row(view: QAbstractItemView) -> int:
    """The row the coach has selected (or the current one), -1 when none."""
    selection = view.selectionModel()
    if selection is not None:
        rows = selection.selectedRows()
        if rows:
            return rows[0].row()
    index = view.currentIndex()
    return index.row() if index.isValid() else -1
