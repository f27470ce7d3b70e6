"""Fields as wide as their values, worked out from the font, not guessed in pixels.

A start-time field capped at 70 px shows "5:00" for 15:00 once its row is
squeezed, or in a larger font; one left to Qt's default is 17 characters wide
for five. ``ShortLineEdit`` asks for exactly the room its widest expected value
needs in its own font and style (``"00:00"``, its placeholder ``"hh:mm"``), and
keeps that room when its row is short of space.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QStyle, QStyleOptionFrame

CURSOR_ROOM = 4  # px: QLineEdit's own 2 px each side of the text


class ShortLineEdit(QLineEdit):
    def __init__(self, samples: Iterable[str], parent=None):
        super().__init__(parent)
        self._samples = [s for s in samples if s]
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def _fitted(self) -> QSize:
        hint = super().sizeHint()
        fm = self.fontMetrics()
        samples = self._samples + [self.placeholderText()]
        text = max((fm.horizontalAdvance(s) for s in samples if s), default=0)
        tm, cm = self.textMargins(), self.contentsMargins()
        width = text + CURSOR_ROOM + 2 + tm.left() + tm.right() + cm.left() + cm.right()
        opt = QStyleOptionFrame()
        self.initStyleOption(opt)
        size = self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, opt,
                                             QSize(width, hint.height()), self)
        return QSize(size.width(), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self._fitted()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self._fitted()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
