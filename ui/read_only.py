"""A practice opened read-only (``storage.open_read_only``): the window says so, and nothing
on it pretends it can save.

The one general place is a ``ReadOnlyGuard`` on the ``QApplication``: every widget that is
shown while the practice is read-only (a page, a tab, a dialog opened later) is walked:

- text editors (line, plain and rich text edits, spin and date boxes) become read-only; a
  search or filter field stays usable (searching is reading), and so do the one-line fields
  of dialogs in ``READER_DIALOGS`` (a report's period, an ICF log's dates);
- on the client and session pages and in dialogs that edit (any dialog not in
  ``READER_DIALOGS``), choices (combo boxes, check boxes, radio buttons, sliders) are
  disabled, except the ones that only choose what is shown (``VIEW_CHOICES``);
- buttons that create, change or delete (their text begins with one of ``WRITING_WORDS``)
  are disabled, and so are actions marked ``writes=True`` (``mark_writing``) or named in
  ``WRITING_ACTIONS``.

Autosave cannot start (``AutoSaver`` hears no change in a read-only editor), and a write that
still reaches the engine fails with ``storage.READ_ONLY_WRITE``, "This practice is read-only;
nothing was changed.", which no autosaver retries. When another, writable practice is opened
the guard is removed and everything it changed is given back.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coachdesk import APP_NAME

from .widgets import autosave
from .widgets.lock_screen import on_lock_screen

TITLE_SUFFIX = " (read-only)"
BAR_TEXT = ("This practice is read-only (the file or its drive cannot be written). You can "
            "read, search and print; changes cannot be saved. To work in it, copy the file "
            "to your Documents folder and open the copy.")

#: menu actions that write to the practice (or replace it), disabled while it is read-only
WRITING_ACTIONS = frozenset({
    "actionNewClient", "actionNewSession", "actionImportClients", "actionImportPractice",
    "actionBackup", "actionBackups", "actionRestore", "actionSettings",
    "actionIndicatorLibrary", "actionRetentionReview", "actionUndoDeleteSession",
    "actionDeletedSessions", "actionSendOutbox"})
#: dialogs that show, search, print or send: their choices stay usable
READER_DIALOGS = frozenset({
    "SearchDialog", "ReportDialog", "ExplanationDialog", "EmailDialog", "ReportPreviewDialog",
    "PdfPreviewDialog", "WorksheetChoiceDialog", "ShortcutsDialog", "IcfLogDialog",
    "SealDialog"})  # sealed or plain, and a passphrase: for an export (import is disabled)
#: dialogs whose text is a message being written, not a record (an e-mail's cover note)
COMPOSING_DIALOGS = frozenset({"EmailDialog"})
#: choices on the client and session pages that only choose what is shown
VIEW_CHOICES = frozenset({"goalsEngagement", "indicatorEngagementFilter"})
#: a button whose text begins with one of these creates, changes or deletes something
WRITING_WORDS = ("new", "add", "delete", "archive", "unarchive", "erase", "remove", "merge",
                 "import", "restore", "edit", "rename", "record", "mark", "move", "undo",
                 "empty", "link", "unlink", "change", "set ", "create", "reopen")
_ACCEPTING = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.ApplyRole,
              QDialogButtonBox.ButtonRole.YesRole)
_SEARCHING = re.compile("search|filter|find", re.IGNORECASE)
_EDITORS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)
_CHOICES = (QComboBox, QAbstractSlider)
#: widgets of CoachDesk's own that change a value with a click
_OWN_CHOICES = frozenset({"OptionalDateEdit", "MvsTriangle"})


def mark_writing(action: QAction) -> QAction:
    """Say that ``action`` writes to the practice: disabled while it is read-only."""
    action.setProperty("writes", True)
    return action


def button_writes(text: str) -> bool:
    """True for a button text such as "&New session…" or "Delete": it would write."""
    plain = text.replace("&", "").strip().lower()
    return any(plain == word.strip() or plain.startswith(word if word.endswith(" ")
                                                         else word + " ")
               or plain.startswith(word + "…") for word in WRITING_WORDS)


class ReadOnlyGuard(QObject):
    """Installed on the application while a read-only practice is open (see the module)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.editing_pages = (window.client_page, window.session_page)
        self._changed: list[tuple[object, str]] = []
        self._heard: set[int] = set()
        self.active = True  # False once given back: a menu enabling an action is heard no more

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(obj, QWidget):
            self.lock(obj)
        elif kind in (QEvent.Type.EnabledChange, QEvent.Type.ReadOnlyChange) \
                and isinstance(obj, QWidget) and obj.isVisible():
            self.lock_one(obj)  # a page enabled a button again (a row was selected)
        return False

    def lock(self, root: QWidget) -> None:
        """Make ``root`` and everything in it read-only (see the module)."""
        top = root.window()
        if isinstance(top, (QMessageBox, QFileDialog)) or type(top).__name__ == "QPrintDialog":
            return
        for widget in (root, *root.findChildren(QWidget)):
            self.lock_one(widget)

    def lock_one(self, widget: QWidget) -> None:
        top = widget.window()
        if isinstance(top, (QMessageBox, QFileDialog)) or type(top).__name__ == "QPrintDialog":
            return
        if not self._mine(widget):
            return  # another window (another practice's) is not this guard's
        if on_lock_screen(widget):
            return  # the passphrase of a locked window (ui.lock) must be typed
        self._lock_widget(widget)
        for action in QWidget.actions(widget):  # a page may name its own "actions"
            self._lock_action(action)

    def lock_actions(self) -> None:
        for action in self.window.findChildren(QAction):
            self._lock_action(action)

    def _lock_action(self, action: QAction) -> None:
        if not self.active:
            return
        writes = action.property("writes") or action.objectName() in WRITING_ACTIONS
        if writes and id(action) not in self._heard:  # a menu enabling it again
            self._heard.add(id(action))
            action.changed.connect(lambda a=action: self._lock_action(a) if isValid(a) else None)
        if writes and action.isEnabled():
            action.setEnabled(False)
            self._changed.append((action, "enabled"))

    def _lock_widget(self, widget: QWidget) -> None:
        dialog = self._dialog_of(widget)
        kind = type(dialog).__name__ if dialog is not None else ""
        if isinstance(widget, _EDITORS):
            if kind in COMPOSING_DIALOGS or self._searching(widget):
                return
            if kind in READER_DIALOGS and not isinstance(widget, (QPlainTextEdit, QTextEdit)):
                return  # a period's dates, an address to send to: choosing what to print
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(),
                                                            (QComboBox, QAbstractSpinBox)):
                return  # the box it belongs to is locked itself
            if not widget.isReadOnly():
                widget.setReadOnly(True)
                self._changed.append((widget, "read_only"))
            return
        editing = (dialog is not None and kind not in READER_DIALOGS) or (
            dialog is None and any(page.isAncestorOf(widget) for page in self.editing_pages))
        if isinstance(widget, QAbstractButton) and not widget.isCheckable():
            box = widget.parent()
            accepts = editing and isinstance(box, QDialogButtonBox) \
                and box.buttonRole(widget) in _ACCEPTING
            if (accepts or button_writes(widget.text())) and widget.isEnabled():
                widget.setEnabled(False)
                self._changed.append((widget, "enabled"))
            return
        if editing and isinstance(widget, QAbstractItemView) \
                and widget.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers:
            self._changed.append((widget, widget.editTriggers()))
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            return
        choice = isinstance(widget, _CHOICES) or type(widget).__name__ in _OWN_CHOICES or (
            isinstance(widget, QAbstractButton) and widget.isCheckable())
        if editing and choice and widget.objectName() not in VIEW_CHOICES \
                and widget.isEnabled():
            widget.setEnabled(False)
            self._changed.append((widget, "enabled"))

    def _mine(self, widget: QWidget) -> bool:
        """``widget`` is in this window or in a dialog opened from it."""
        while widget is not None:
            if widget is self.window:
                return True
            widget = widget.parentWidget()
        return False

    @staticmethod
    def _dialog_of(widget: QWidget) -> QDialog | None:
        top = widget.window()
        return top if isinstance(top, QDialog) else None

    @staticmethod
    def _searching(widget: QWidget) -> bool:
        return bool(_SEARCHING.search(widget.objectName())
                    or type(widget).__name__ == "ListSearchEdit")

    def give_back(self) -> None:
        """Everything the guard changed, as it was (another practice, writable, is open)."""
        self.active = False
        for thing, how in reversed(self._changed):
            if not isValid(thing):
                continue
            if how == "read_only":
                thing.setReadOnly(False)
            elif how == "enabled":
                thing.setEnabled(True)
            else:
                thing.setEditTriggers(how)
        self._changed.clear()


def follow(window) -> None:
    """Make ``window`` show, and keep showing, whether its practice is read-only: now, and
    each time another practice is opened in it (``ctx.database_replaced``)."""
    _apply(window)
    window.ctx.database_replaced.connect(lambda: _apply(window))


def _apply(window) -> None:
    read_only = bool(getattr(window.ctx.db, "read_only", False))
    guard: ReadOnlyGuard | None = getattr(window, "read_only_guard", None)
    bar = window.findChild(QFrame, "readOnlyBar")
    if bar is not None or read_only:
        _bar(window).setVisible(read_only)
    window.show_practice_in_title()
    if read_only:
        window.setWindowTitle(f"{Path(window.ctx.db.path).name}{TITLE_SUFFIX} — {APP_NAME}")
        for timer in (window.backup_timer, window.first_backup_check):
            timer.stop()  # no daily backups of a file nothing can change
        if guard is None:
            guard = window.read_only_guard = ReadOnlyGuard(window)
            QApplication.instance().installEventFilter(guard)
            autosave.tell_read_only = window.ctx.say
        guard.lock(window)
        guard.lock_actions()
    elif guard is not None:
        QApplication.instance().removeEventFilter(guard)
        autosave.tell_read_only = None
        guard.give_back()
        guard.deleteLater()
        window.read_only_guard = None
        if not window.backup_timer.isActive():
            window.backup_timer.start()


def _bar(window) -> QFrame:
    """The calm, always visible bar above the pages (made once, hidden when writable)."""
    bar = window.findChild(QFrame, "readOnlyBar")
    if bar is not None:
        return bar
    bar = QFrame()
    bar.setObjectName("readOnlyBar")
    bar.setFrameShape(QFrame.Shape.StyledPanel)
    bar.setAutoFillBackground(True)
    bar.setBackgroundRole(QPalette.ColorRole.AlternateBase)
    text = QLabel(BAR_TEXT)
    text.setObjectName("readOnlyText")
    text.setTextFormat(Qt.TextFormat.PlainText)
    text.setWordWrap(True)
    text.setAccessibleName("This practice is read-only")
    row = QHBoxLayout(bar)
    row.setContentsMargins(10, 6, 10, 6)
    row.addWidget(text, 1)
    old = window.takeCentralWidget()
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(bar)
    column.addWidget(old, 1)
    window.setCentralWidget(holder)
    old.show()  # taken out and put back: shown again when the window already is
    if window.isVisible():
        holder.show()
    return bar
