"""Keyboard shortcuts (Help → Keyboard shortcuts, F1): every key the app answers to.

The menu shortcuts are read from the window's own menus when the list opens, so the list
is always what the keys do today; the keys that work inside lists and forms (which are no
menu entries) are listed beside them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
)

from ..plain import as_plain
from ..widgets.fields import name_widget

#: keys that work inside the app's lists and forms: (where, key, what it does)
IN_PLACE = [
    ("Any list", "Enter", "Open or edit the chosen row (as a double-click does)"),
    ("Any list", "Tab", "Go on to the next field or button (arrows move inside the list)"),
    ("Clients list", "Type, then Enter", "Find a client and open the first match"),
    ("A client's sessions", "Delete", "Delete the chosen session (it can be undone)"),
    ("Actions", "Space / Delete", "Mark the chosen action done (or open again) / drop it"),
    ("GROW options", "Space", "Tick or untick the chosen option"),
    ("Organization or sponsor list in a form", "Ctrl+N", "Make a new one"),
    ("Forms", "Enter", "Save (in a text of several lines: a new line)"),
    ("Forms", "Ctrl+Enter", "Save, from a text of several lines"),
    ("Forms", "Esc", "Close (asks first when something typed would be lost)"),
    ("Date fields", "Up / Down", "The day after / before"),
    ("Date fields", "Alt+Down or F4", "Open the calendar"),
]


def _plain(text: str) -> str:
    """A menu text without its keyboard mnemonic ("&File" → "File")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, key, entry) for every menu entry of ``window`` that has a key, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} → {_plain(action.text())}")
            elif not action.isSeparator() and not action.shortcut().isEmpty():
                key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((path, key, _plain(action.text()).rstrip("…").split("\t")[0]))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.text()))
    return rows


class ShortcutsDialog(QDialog):
    """Every key the app answers to, in one table that fits the screen."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Where", "Key", "What it does"])
        for where, key, what in menu_shortcuts(window) + IN_PLACE:
            items = [QStandardItem(where), QStandardItem(key), QStandardItem(what)]
            for item in items:
                item.setEditable(False)
                item.setToolTip(as_plain(item.text()))
            self.model.appendRow(items)
        self.view = name_widget(QTableView(), "shortcutsTable", "Keyboard shortcuts")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # rows as high as their wrapped text at the width they get (a few dozen rows)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        name_widget(buttons.button(QDialogButtonBox.StandardButton.Close), "closeShortcuts",
                    "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        screen = window.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 820, 620
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
