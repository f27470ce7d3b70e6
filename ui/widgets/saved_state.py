"""Where a page says whether the coach's typing is saved: a fixed, quiet place.

Put in the header next to the title, "All changes saved ✓" appeared after the
first keystroke and took the title's room ("…Sunday 29 Novemb"). This label
always has the room of its longest state (so nothing moves when it changes)
and sits at the right of the page's tab bar, just above what is being typed.
"Saved" is quiet; "Some changes need fixing" is red, because the coach must
notice it: the refused field says why, under it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from ..theme import css

SAVED = "All changes saved ✓"
NEEDS_FIXING = "Some changes need fixing"
#: a save could not be written (the file busy, the disk full): the text stays, retried
NOT_SAVED_YET = "Not saved yet — retrying"
#: typed, its save not made yet (at most ~0.4 s): never "saved" while something is not
SAVING = "Saving…"
STATES = (SAVED, NEEDS_FIXING, NOT_SAVED_YET, SAVING)


class SavedStateLabel(QLabel):
    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Save state")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setContentsMargins(8, 0, 4, 0)
        self._style()

    def watch(self, saver) -> None:
        """Follow ``saver`` (an ``AutoSaver``): "Saving…" from its first unsaved change, "Not
        saved yet — retrying" when a save could not be written (the page says "saved")."""
        saver.pending.connect(lambda: self.setText(SAVING))
        saver.failed.connect(lambda: self.setText(NOT_SAVED_YET))

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._style()

    def _style(self) -> None:
        text = self.text()
        problem = bool(text) and text not in (SAVED, SAVING)
        sheet = f"color: {css('red')};" if problem else "color: palette(placeholder-text);"
        if sheet != self.styleSheet():  # a new sheet repolishes: only when it changes
            self.setStyleSheet(sheet)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        fm = self.fontMetrics()
        m = self.contentsMargins()
        width = max(fm.horizontalAdvance(s) for s in (*STATES, self.text()))
        return QSize(width + m.left() + m.right() + 2, max(hint.height(), fm.height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._style()  # light or dark: the red that reads on it
