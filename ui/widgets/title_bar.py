"""A page's title row that gives the title its room first, at any window width.

``[← Client] [José Álvarez García — Saturday 08 August 2026] [Rate…] [Calendar…] [Print…] [⋯]``

On a wide screen everything shows in full. As the row narrows it gives way in
steps, the smallest that lets the whole title show:

1. the widgets before the title (a back button naming where it goes back to)
   take their short text: the title beside them says it already;
2. buttons that also have a place in the "⋯" menu move there (their menu entry
   appears, does the same, and follows the button's enabled state);
3. the other buttons with a short text switch to it (the full meaning stays in
   the tooltip).

A title too long to show whole at any step is shortened with "…" (its tooltip
holds it whole, ``Elider``); the row then gives way only as far as needed to
leave it a readable start (``TITLE_CHARS``). The steps are chosen from widths measured with the
widgets' own fonts, never from the current step, so the row cannot flicker
between two steps. Used by the session page; any page header can use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QLabel, QWidget

from .column_fit import average_char_width
from .elided import Elider

SLACK = 4  # px: rounding in the layout's arithmetic
TITLE_CHARS = 32  # a title shortened anyway keeps at least this many characters' room


@dataclass
class _Item:
    widget: QWidget
    full: str | None = None  # None: not a button whose text changes
    short: str | None = None
    menu_action: QAction | None = None


class TitleBar(QWidget):
    LEVELS = 4  # 0: all in full; 1: short before the title; 2: into the menu; 3: all short

    def __init__(self, title: QLabel, elider: Elider, parent=None):
        super().__init__(parent)
        self.title = title
        self.elider = elider
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._before: list[_Item] = []
        self._after: list[_Item] = []
        self._title_added = False
        self._widths: dict[tuple[int, str], int] = {}
        self.level = 0

    # -- building -----------------------------------------------------------------------
    def add_before(self, widget: QWidget, short: str | None = None) -> None:
        """A widget left of the title (a back button)."""
        self._before.append(self._add(widget, short, None))

    def add_after(self, widget: QWidget, short: str | None = None,
                  menu_action: QAction | None = None) -> None:
        """A widget right of the title; ``menu_action`` is its place in the "⋯" menu."""
        if not self._title_added:
            self._layout.addWidget(self.title, 1)
            self._title_added = True
        self._after.append(self._add(widget, short, menu_action))
        if menu_action is not None:
            menu_action.setVisible(False)
            menu_action.triggered.connect(widget.click)

    def _add(self, widget: QWidget, short: str | None, action: QAction | None) -> _Item:
        full = widget.text() if isinstance(widget, QAbstractButton) else None
        item = _Item(widget, full, short, action)
        self._layout.addWidget(widget)
        widget.installEventFilter(self)
        return item

    def set_texts(self, button: QAbstractButton, full: str, short: str | None = None) -> None:
        """Change a button's full (and short) text; the row finds its step again."""
        for item in self._before + self._after:
            if item.widget is button:
                item.full, item.short = full, short
        self._apply(self._choose())

    # -- choosing the step -----------------------------------------------------------
    def _text(self, item: _Item, level: int) -> str | None:
        """The text ``item`` shows at ``level``."""
        short_from = 1 if any(item is i for i in self._before) else 3
        return item.short if (level >= short_from and item.short) else item.full

    def _width(self, item: _Item, level: int) -> int:
        """The width ``item`` takes at ``level`` (0 when it is in the menu there)."""
        if item.menu_action is not None and level >= 2:
            return 0
        if item.full is None:
            return item.widget.sizeHint().width() if not item.widget.isHidden() else 0
        text = self._text(item, level)
        key = (id(item.widget), text)
        if key not in self._widths:
            button = item.widget
            shown = button.text()
            if shown != text:
                button.setText(text)
            self._widths[key] = button.sizeHint().width()
            if shown != text:
                button.setText(shown)
        return self._widths[key]

    def _needed(self, level: int, title_width: int) -> int:
        widths = [w for w in (self._width(i, level) for i in self._before + self._after) if w]
        spacing = max(self._layout.spacing(), 0)
        return sum(widths) + title_width + spacing * len(widths) + SLACK

    def _choose(self) -> int:
        """The first step at which the whole title shows; for a title too long for any, the
        first that leaves it ``TITLE_CHARS`` characters (no need to hide buttons for a
        title that is shortened anyway)."""
        room = self.contentsRect().width()
        whole = self.elider.preferred_width()
        enough = min(whole, round(average_char_width(self.title.font()) * TITLE_CHARS))
        for title in (whole, enough):
            for level in range(self.LEVELS):
                if self._needed(level, title) <= room:
                    return level
        return self.LEVELS - 1

    def _apply(self, level: int) -> None:
        self.level = level
        for item in self._before + self._after:
            if item.menu_action is not None:
                in_menu = level >= 2
                item.widget.setVisible(not in_menu)
                item.menu_action.setVisible(in_menu)
                item.menu_action.setEnabled(item.widget.isEnabled())
            if item.full is not None:
                text = self._text(item, level)
                if item.widget.text() != text:
                    item.widget.setText(text)

    # -- Qt ------------------------------------------------------------------------------
    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        width = self._needed(self.LEVELS - 1, self.elider.minimum_width())
        return QSize(width, hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(self._needed(0, self.elider.preferred_width()), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply(self._choose())

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._widths.clear()
            self._apply(self._choose())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.EnabledChange:
            for item in self._after:
                if item.widget is obj and item.menu_action is not None:
                    item.menu_action.setEnabled(obj.isEnabled())
        elif kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish):
            self._widths = {k: v for k, v in self._widths.items() if k[0] != id(obj)}
        return False
