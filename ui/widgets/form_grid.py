"""A compact form: one or two fields a row, each refused field's reason across the row below.

A one-column form of eight fields and a notes box is 300 px tall: on a
1024×640 laptop it pushes what comes after it (a client's sessions) below the
fold. ``FormGrid`` puts short fields two to a row and long ones (a name, a
background) across the whole width. A field's error sentence goes in the row
under it, as wide as the form, so it is never squeezed into a half-width
column or cut; a row with no error shown takes no room.

Tab order follows the order fields are added (left, then right, row by row),
which is also the order they read in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget


class FormGrid(QGridLayout):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnStretch(1, 1)
        self.setColumnStretch(3, 1)
        self.setHorizontalSpacing(8)
        self._row = 0

    def add_row(self, *fields: tuple[str, QWidget, QWidget | None], top: bool = False,
                half: bool = False) -> None:
        """One row of one or two ``(label, field, error label or None)``. One field takes the
        whole width unless ``half``; ``top`` aligns the labels with the field's first line
        (a multi-line box)."""
        errors = QVBoxLayout()
        errors.setContentsMargins(0, 0, 0, 0)
        errors.setSpacing(2)
        for n, (text, field, error) in enumerate(fields):
            caption = QLabel(text)
            caption.setBuddy(field)
            align = Qt.AlignmentFlag.AlignLeft | (
                Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter)
            self.addWidget(caption, self._row, 2 * n, align)
            span = 3 if len(fields) == 1 and not half else 1
            self.addWidget(field, self._row, 2 * n + 1, 1, span)
            if error is not None:
                errors.addWidget(error)
        self.addLayout(errors, self._row + 1, 1, 1, 3)
        self._row += 2
