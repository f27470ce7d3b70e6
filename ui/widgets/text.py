"""Text editors that tell their page when focus leaves them (so it saves at once)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPlainTextEdit


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
