"""Text editors: ones that tell their page when focus leaves them (so it saves at once),
and the search box above a list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit


class FocusOutPlainTextEdit(QPlainTextEdit):
    focus_lost = Signal()

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        if placeholder:
            self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event):
        self.focus_lost.emit()
        super().focusOutEvent(event)

    def set_text_quietly(self, text: str) -> None:
        """Replace the text without it counting as the coach's edit."""
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)


class ListSearchEdit(QLineEdit):
    """A search or filter box above a list: Down moves into the list (``move_down``); the
    page decides what Enter opens."""

    move_down = Signal()

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        super().keyPressEvent(event)
