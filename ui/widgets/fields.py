"""Small form pieces: a date that may be empty, a field with its error label.

The date field is a line edit with a calendar button, not a ``QDateEdit``: a
QDateEdit edits one section at a time, so a date typed as "29/11/2026" into its
"Not set" state was thrown away, it could not be cleared, and its calendar
opened at the minimum date (January 1900). Here the coach types a date the way
they write it, clears it like any text, and the calendar opens at the date
shown, or at a date the form says is related (an engagement's start), or today.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coachdesk import dates

from ..one_language import date_locale

NO_DATE = QDate(1900, 1, 1)  # kept for old callers; the field itself no longer uses it
FIRST_YEAR, LAST_YEAR = 1900, 2200



def date_needed() -> str:
    return f"A date is needed here, like {dates.example()}."


def date_hint() -> str:
    """The field's tooltip, in the order the practice's date setting reads dates."""
    first = "month first" if dates.current().month_first else "day first"
    return (f"Type the date {first}, like {dates.example()}, 2026-11-29 or 29 Nov 2026, or "
            "pick it from the calendar (Alt+Down). Up and Down move it by a day.")


def not_a_date() -> str:
    """What the field says under text it cannot read as a date."""
    first = "month first" if dates.current().month_first else "day first"
    return f"That is not a date. Type it {first}, like {dates.example()} or 29 Nov 2026."


def format_date(value: date) -> str:
    """The way a date field shows a date: the practice's short form ('29/11/2026',
    '29 Nov 2026', see coachdesk.dates)."""
    return dates.short(value)


def _year(digits: str) -> int | None:
    if len(digits) == 2:
        return 2000 + int(digits)
    if len(digits) == 4:
        return int(digits)
    return None


def parse_date_text(text: str, today: date | None = None) -> date | None:
    """The date in ``text`` or None when it is not one.

    In the order of the practice's date setting (``coachdesk.dates``): day first
    (29/11/2026, 29.11.2026, 29-11-2026, 29 11 2026) unless it reads month first
    (11/29/2026); a two-digit year (29/11/26 is 2026); the year first with a four-digit
    year (2026-11-29) always; month names or their first letters in English or in the
    setting's language (29 Nov 2026, November 29, 2026, Sun 29 Nov 2026, 29 nov. 2026,
    29. März 2026), and the words today, tomorrow and yesterday.
    """
    t = text.strip().lower()
    today = today or date.today()
    style = dates.current()
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if t in words:
        return today + timedelta(days=words[t])
    # Letters of any script (a French or German month); digits 0-9 only (int() would also
    # read other scripts' digits, which no date setting writes)
    if not t or "_" in t or re.fullmatch(r"[^\W\d]*(?:[0-9\s/.\-,]+[^\W\d]*)*", t) is None:
        return None
    tokens = re.findall(r"[^\W\d_]+|[0-9]+", t)
    if tokens and tokens[0].isalpha() and dates.is_weekday(tokens[0], style.language):
        tokens = tokens[1:]
    numbers = [tok for tok in tokens if tok.isdigit()]
    names = [tok for tok in tokens if tok.isalpha()]
    if "de" in names and style.language == "es":  # "29 de noviembre de 2026"
        names = [n for n in names if n != "de"]
    if len(names) == 1 and len(numbers) == 2:
        month = dates.month_of(names[0], style.language)
        if len(numbers[0]) == 4:  # 2026 Nov 29
            year_text, day_text = numbers
        else:  # 29 Nov 2026, Nov 29 2026
            day_text, year_text = numbers
    elif not names and len(numbers) == 3:
        if len(numbers[0]) == 4:
            year_text, month_text, day_text = numbers
        elif len(numbers[0]) <= 2 and style.month_first:
            month_text, day_text, year_text = numbers
        elif len(numbers[0]) <= 2:
            day_text, month_text, year_text = numbers
        else:
            return None
        month = int(month_text) if len(month_text) <= 2 else None
    else:
        return None
    year = _year(year_text)
    if month is None or year is None or len(day_text) > 2:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, int(day_text))
    except ValueError:
        return None


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value is not None else QDate()


class _DateLine(QLineEdit):
    """The text of a date field: Up/Down step a day; Alt+Down or F4 opens the calendar."""

    step = Signal(int)
    calendar_requested = Signal()
    clear_room = True  # leave room for the clear button (an optional date)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and alt):
            event.accept()
            self.calendar_requested.emit()
            return
        plain = not (mods & ~Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain:
            event.accept()
            self.step.emit(1 if key == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        fm = self.fontMetrics()
        widest = max(fm.horizontalAdvance(dates.short(date(2026, m, 28)) + " ")
                     for m in range(1, 13))
        text = max(widest, fm.horizontalAdvance(self.placeholderText() + " "))
        hint.setWidth(text + 12 + (fm.height() + 6 if self.clear_room else 0))  # frame, margins
        return hint

    def minimumSizeHint(self):  # noqa: N802
        return self.sizeHint()


class _CalendarPopup(QFrame):
    """The calendar under a date field; a click, Enter or "Today" picks, Esc closes."""

    picked = Signal(object)  # a datetime.date

    def __init__(self, owner: QWidget):
        super().__init__(owner, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget()
        self.calendar.setMinimumDate(QDate(FIRST_YEAR, 1, 1))
        self.calendar.setMaximumDate(QDate(LAST_YEAR, 12, 31))
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.today_button = QPushButton("Today")
        self.today_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.calendar)
        row = QHBoxLayout()
        row.addWidget(self.today_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        self.today_button.clicked.connect(lambda: self._pick(QDate.currentDate()))

    def _pick(self, qdate: QDate) -> None:
        self.hide()
        self.picked.emit(date(qdate.year(), qdate.month(), qdate.day()))

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.hide()
            return
        super().keyPressEvent(event)


class OptionalDateEdit(QWidget):
    """A date the coach types or picks; empty shows "Not set" (unless ``allow_empty`` is
    False, for a date that is required).

    ``value()`` is the date last accepted (on Enter, on leaving the field, on a pick or
    a clear); text that is not a date is kept as typed with a plain message under it,
    and ``problem()`` says so, so a form can refuse to save instead of dropping it.
    ``dateChanged`` (a QDate, null when cleared) fires when the accepted date changes.
    """

    dateChanged = Signal(QDate)
    #: the message about the text typed ("" once it is a date again), for a form that shows
    #: it elsewhere (``show_problem_inline(False)``)
    problemChanged = Signal(str)

    def __init__(self, parent=None, allow_empty: bool = True):
        super().__init__(parent)
        self._allow_empty = allow_empty
        self._inline = True
        self._value: date | None = None
        self._related: date | Callable[[], date | None] | None = None
        self._popup: _CalendarPopup | None = None

        self.edit = _DateLine()
        self.edit.clear_room = allow_empty
        self.edit.setPlaceholderText("Not set" if allow_empty else "dd/mm/yyyy")
        self.edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.edit.setToolTip(date_hint() + (" Clear it for no date." if allow_empty else ""))
        self.clear_action = self.edit.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton),
            QLineEdit.ActionPosition.TrailingPosition)
        self.clear_action.setToolTip("Clear the date")
        self.clear_action.setVisible(False)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down from the text
        self.calendar_button.setToolTip("Pick the date from a calendar (Alt+Down)")
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        from ..theme import css

        self.problem_label.setStyleSheet(f"color: {css('red')};")
        self.problem_label.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.calendar_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.problem_label)
        self.setFocusProxy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        # Through a plain function, not the bound method: the line edit loses focus while
        # its parent is being destroyed (a dialog torn down with the cursor in the date),
        # and PySide can no longer find a slot of a half-destroyed widget by name
        # ("Slot 'OptionalDateEdit::' not found", raised in the event loop).
        self.edit.editingFinished.connect(lambda: self._commit_unless_gone())
        self.edit.textChanged.connect(self._text_changed)
        self.edit.step.connect(self._step)
        self.edit.calendar_requested.connect(self.open_calendar)
        self.clear_action.triggered.connect(self._clear_clicked)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.objectNameChanged.connect(self._name_parts)
        self.set_value(None)

    # -- the value ---------------------------------------------------------------------------
    def value(self) -> date | None:
        return self._value

    def set_value(self, value: date | None) -> None:
        if value is None and not self._allow_empty:
            value = date.today()
        self._show_problem(None)
        self._store(value, force_text=True)

    def _commit_unless_gone(self) -> None:
        try:
            self.commit()
        except RuntimeError:  # the C++ widget went first: nothing is left to commit into
            pass

    def commit(self) -> None:
        """Accept what is typed: a date (shown the standard way), empty, or a message."""
        text = self.edit.text().strip()
        if not text and self._allow_empty:
            self._show_problem(None)
            self._store(None)
            return
        parsed = parse_date_text(text) if text else None
        if parsed is None:
            self._show_problem(date_needed() if not text else not_a_date())
            return  # the text stays as typed; value() keeps the last accepted date
        self._show_problem(None)
        self._store(parsed, force_text=True)

    def problem(self) -> str | None:
        """What is wrong with the text in the field, or None when it can be saved."""
        text = self.edit.text().strip()
        if not text:
            return None if self._allow_empty else date_needed()
        return None if parse_date_text(text) is not None else not_a_date()

    def _store(self, value: date | None, force_text: bool = False) -> None:
        changed = value != self._value
        self._value = value
        if force_text or changed:
            shown = format_date(value) if value is not None else ""
            if self.edit.text() != shown:
                self.edit.setText(shown)
        if changed:
            self.dateChanged.emit(_qdate(value))

    def show_problem_inline(self, inline: bool) -> None:
        """False: the message is not shown under the field (which would make a row of
        fields taller and move the others) but only given by ``problemChanged``."""
        self._inline = inline
        if not inline:
            self.problem_label.hide()

    def _show_problem(self, message: str | None) -> None:
        before = self.problem_label.text()
        self.problem_label.setText(message or "")
        self.problem_label.setVisible(bool(message) and self._inline)
        if (message or "") != before:
            self.problemChanged.emit(message or "")

    def _text_changed(self, text: str) -> None:
        self._show_clear()
        if self.problem_label.text() and self.problem() is None:
            self._show_problem(None)

    def _clear_clicked(self) -> None:
        self.edit.clear()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.commit()

    def _step(self, days: int) -> None:
        base = parse_date_text(self.edit.text()) or self._value or self._calendar_start()
        target = base + timedelta(days=days)
        if FIRST_YEAR <= target.year <= LAST_YEAR:
            self.set_value(target)

    # -- the calendar --------------------------------------------------------------------------
    def set_related_date(self, source: date | Callable[[], date | None] | None) -> None:
        """Where the calendar opens while the field is empty (a date, or a function that
        gives one when asked, e.g. the engagement's start date); today when None."""
        self._related = source

    def _calendar_start(self) -> date:
        if self._value is not None:
            return self._value
        related = self._related() if callable(self._related) else self._related
        return related or date.today()

    def calendarWidget(self) -> QCalendarWidget:  # noqa: N802 (QDateEdit's name)
        return self._calendar_popup().calendar

    def _calendar_popup(self) -> _CalendarPopup:
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.picked.connect(self._picked)
            self._name_parts(self.objectName())
        return self._popup

    def open_calendar(self) -> None:
        self.commit()
        popup = self._calendar_popup()
        start = parse_date_text(self.edit.text()) or self._calendar_start()
        popup.calendar.setLocale(date_locale())  # month and day names as the setting says
        popup.calendar.setSelectedDate(_qdate(start))
        popup.calendar.setCurrentPage(start.year, start.month)
        popup.adjustSize()
        below = self.edit.mapToGlobal(QPoint(0, self.edit.height()))
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            x = min(below.x(), screen.right() - popup.width())
            y = below.y()
            if y + popup.height() > screen.bottom():
                y = self.edit.mapToGlobal(QPoint(0, 0)).y() - popup.height()
            below = QPoint(max(x, screen.left()), max(y, screen.top()))
        popup.move(below)
        popup.show()
        popup.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def is_calendar_open(self) -> bool:
        return self._popup is not None and self._popup.isVisible()

    def _picked(self, value: date) -> None:
        self.set_value(value)
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    # -- QDateEdit's names, for the callers and tests that use them ---------------------------
    def date(self) -> QDate:
        return _qdate(self._value)

    def setDate(self, qdate: QDate) -> None:  # noqa: N802
        empty = not qdate.isValid() or (self._allow_empty and qdate == NO_DATE)
        self.set_value(None if empty else date(qdate.year(), qdate.month(), qdate.day()))

    def setSpecialValueText(self, text: str) -> None:  # noqa: N802
        """The words shown while the field is empty ("Not set", "The first session")."""
        self.edit.setPlaceholderText(text)
        self.edit.updateGeometry()

    def specialValueText(self) -> str:  # noqa: N802
        return self.edit.placeholderText()

    def lineEdit(self) -> QLineEdit:  # noqa: N802
        return self.edit

    def text(self) -> str:
        return self.edit.text()

    # -- names for tests and screen readers --------------------------------------------------------
    def _name_parts(self, name: str) -> None:
        if not name:
            return
        self.edit.setObjectName(f"{name}Text")
        self.calendar_button.setObjectName(f"{name}CalendarButton")
        self.problem_label.setObjectName(f"{name}Problem")
        if self._popup is not None:
            self._popup.setObjectName(f"{name}CalendarPopup")
            self._popup.calendar.setObjectName(f"{name}Calendar")

    def setAccessibleName(self, name: str) -> None:  # noqa: N802
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.calendar_button.setAccessibleName(f"Pick {name.lower()} from a calendar")
        self.problem_label.setAccessibleName(f"{name} problem")

    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.EnabledChange:
            self._show_clear()
        super().changeEvent(event)

    def _show_clear(self) -> None:
        # A required date is corrected by typing over it, not cleared.
        self.clear_action.setVisible(self._allow_empty and bool(self.edit.text())
                                     and self.isEnabled())


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
