"""A label that wraps its text and takes the height it needs, inside a scrolled page.

A word-wrapped ``QLabel`` tells its layout "my height depends on my width"; one of
them anywhere on a scrolled page makes the scroll area size the whole page by every
widget's *preferred* height for the width (a table asks for 192 px whatever it holds),
so the page scrolls even on a screen where it would fit. ``WrapLabel`` keeps that to
itself: at each resize it sets its own minimum height to what its text needs at its
width, and the page around it is laid out from plain minimum sizes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel


class WrapLabel(QLabel):
    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return False  # the height is set below, from the width the layout gave

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name): no taller than the text at this width
        hint = super().sizeHint()
        if self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name): a font or style change
        super().changeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        if self.width() <= 0:
            return
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
