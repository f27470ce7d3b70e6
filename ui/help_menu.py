"""The Help menu: the keyboard shortcuts (F1), the retention signal explained, and About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


def install(window: QMainWindow, help_menu: QMenu, about) -> None:
    """Fill the Help menu: the shortcuts (F1), the retention signal explained, About."""
    shortcuts = QAction("&Keyboard shortcuts", window)
    shortcuts.setObjectName("actionShortcuts")
    shortcuts.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    shortcuts.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def show_shortcuts(_checked=False):
        from .dialogs.shortcuts import ShortcutsDialog

        ShortcutsDialog(window).exec()

    shortcuts.triggered.connect(show_shortcuts)
    signal = QAction("How the &retention signal works", window)
    signal.setObjectName("actionSignalExplained")

    def explain(_checked=False):
        from .dialogs.explanation import ExplanationDialog

        ExplanationDialog(window).exec()

    signal.triggered.connect(explain)
    about_action = QAction("&About CoachDesk", window)
    about_action.setObjectName("actionAbout")
    about_action.triggered.connect(about)
    help_menu.addAction(shortcuts)
    help_menu.addAction(signal)
    help_menu.addSeparator()
    help_menu.addAction(about_action)
