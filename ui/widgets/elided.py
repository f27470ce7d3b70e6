"""One-line labels that give way: "José Álvarez García — Saturday 08 Aug…", full text in the tooltip.

A plain QLabel in a row of buttons asks for its whole text as its minimum width;
a long client name then pushes the buttons (or the window) off the screen, or the
label is cut mid-letter with no way to read the rest. ``Elider`` is attached to
a QLabel (it stays a QLabel: pages and tests find it as one) and lets it shrink
to a few characters; when it has less room than its text needs it shows the
text shortened with "…" and the full text in its tooltip, and screen readers
always get the full text.

``elider.set_text(full)`` sets the text; ``label.text()`` is what is drawn (what
the coach sees, and what the layout check measures); ``elider.full_text()`` is
the whole of it; ``elider.preferred_width()`` the room it would like.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from ..plain import as_plain

_EVENTS = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish)


class Elider(QObject):
    def __init__(self, label: QLabel, *, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
                 min_chars: int = 6):
        super().__init__(label)  # lives as long as its label
        self.label = label
        self._full = ""
        self._own_tip = ""
        self._mode = mode
        self._min_chars = min_chars
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(False)
        policy = label.sizePolicy()
        # Its layout gives it the room that is left (with a stretch), not its text's width.
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        label.setSizePolicy(policy)
        label.installEventFilter(self)
        self.set_text(label.text())

    # -- the text ---------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """Show ``text`` (on one line: line breaks become spaces), shortened if it must be."""
        self._full = " ".join(str(text or "").splitlines())
        self.label.setAccessibleName(self._full)
        self._fit()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.label.text() != self._full

    def set_tip(self, tip: str) -> None:
        """A tooltip of the caller's own; the full text is put before it while shortened."""
        self._own_tip = tip or ""
        self._refresh()

    # -- sizes -------------------------------------------------------------------------
    def _indent(self) -> int:
        label = self.label
        if label.indent() >= 0:
            return label.indent()
        return label.fontMetrics().horizontalAdvance("x") // 2 if label.frameWidth() > 0 else 0

    def _extra(self) -> int:
        m = self.label.contentsMargins()
        return m.left() + m.right() + 2 * self.label.margin() + self._indent() + 1

    def preferred_width(self) -> int:
        """The room the whole text needs in the label's font."""
        return self.label.fontMetrics().horizontalAdvance(self._full) + self._extra()

    def minimum_width(self) -> int:
        start = self._full[:self._min_chars]
        shown = start + "…" if len(self._full) > self._min_chars else start
        return self.label.fontMetrics().horizontalAdvance(shown) + self._extra()

    def _room(self) -> int:
        label = self.label
        return max(label.contentsRect().width() - 2 * label.margin() - self._indent(), 0)

    # -- keeping the shown text in step with the room -----------------------------------
    def _fit(self) -> None:
        self.label.setMinimumWidth(self.minimum_width())
        self.label.updateGeometry()
        self._refresh()

    def _refresh(self) -> None:
        label = self.label
        shown = label.fontMetrics().elidedText(self._full, self._mode, self._room())
        if shown != label.text():
            label.setText(shown)
        tip = self._own_tip
        if shown != self._full:
            tip = self._full if not tip else f"{self._full}\n\n{tip}"
        if tip != label.toolTip():
            label.setToolTip(as_plain(tip))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self._refresh()
        elif kind in _EVENTS:
            self._fit()
        return False


def elide(label: QLabel, **options) -> Elider:
    """Make ``label`` shorten its text to its room (see ``Elider``); returns the elider."""
    return Elider(label, **options)
