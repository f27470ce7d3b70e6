"""Small form pieces: a date that may be empty, a field with its error label."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QLabel, QVBoxLayout, QWidget

NO_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date field that can be empty: its minimum shows as 'Not set'."""

    def __init__(self, parent=None, allow_empty: bool = True):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("d MMM yyyy")
        self._allow_empty = allow_empty
        if allow_empty:
            self.setMinimumDate(NO_DATE)
            self.setSpecialValueText("Not set")
        else:
            self.setMinimumDate(QDate(1950, 1, 1))
        self.setMaximumDate(QDate(2200, 12, 31))
        self.set_value(None)

    def value(self) -> date | None:
        qd = self.date()
        if self._allow_empty and qd == NO_DATE:
            return None
        return date(qd.year(), qd.month(), qd.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.setDate(NO_DATE if self._allow_empty else QDate.currentDate())
        else:
            self.setDate(QDate(value.year, value.month, value.day))


class ErrorLabel(QLabel):
    """The red sentence shown under a field that was refused."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(f"{name}Error")
        self.setAccessibleName(f"{name} error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        from ..theme import css

        self.setStyleSheet(f"color: {css('red')};")
        self.hide()

    def show_error(self, message: str | None) -> None:
        if message:
            self.setText(message)
            self.show()
        else:
            self.clear()
            self.hide()


def with_error(widget: QWidget, error: ErrorLabel) -> QWidget:
    """Stack a field and its error label so a form row holds both."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


def name_widget(widget: QWidget, name: str, accessible: str | None = None) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible or name)
    return widget
