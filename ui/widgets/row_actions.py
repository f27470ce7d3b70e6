"""What a coach can do to the selected row of a table, by key, by right-click and by button.

``row_action`` puts an action on the view itself: its keys work while the table has
focus (not while a cell is being edited, and not elsewhere on the page), and the view's
right-click menu lists it with its key, so the keys can be found.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView


def row_action(view: QAbstractItemView, text: str, keys, slot, name: str) -> QAction:
    action = QAction(text, view)
    action.setObjectName(name)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda _checked=False: slot())
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
