"""The Help menu: the keyboard shortcuts (F1), the retention signal explained, About
CoachDesk (version, licences, third-party notices) and About Qt (Qt's own box)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu


def install(window: QMainWindow, help_menu: QMenu, ctx) -> None:
    """Fill the Help menu: the shortcuts (F1), the retention signal explained, About
    CoachDesk (naming ``ctx``'s practice file) and About Qt."""
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
    about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS: in the application menu
    def about(_checked=False):
        from .dialogs.about import AboutDialog  # version, licences, third-party notices

        AboutDialog(window, ctx.db.path).exec()

    about_action.triggered.connect(about)
    about_qt = QAction("About &Qt", window)
    about_qt.setObjectName("actionAboutQt")
    about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
    about_qt.triggered.connect(lambda _checked=False: QApplication.aboutQt())
    help_menu.addAction(shortcuts)
    help_menu.addAction(signal)
    help_menu.addSeparator()
    help_menu.addAction(about_action)
    help_menu.addAction(about_qt)
