"""A dialog that grows with its words: when a red sentence appears under a field, or an
explanation is longer than the dialog was sized for, the dialog gets taller (and, when
the screen has no more height, wider) so that no wrapped line is cut.

Qt sizes a window once, from its layout's minimum; a word-wrapped label whose text arrives
later (an error) only asks for "more height at this width", which a window already shown
does not hear: the label is squeezed and its last lines vanish. ``grow_with_content``
listens for the layout requests the dialog gets when a child changes, and resizes the
dialog to what its layout needs at its width, never beyond the free part of its screen
(``fit.available_geometry``). It never shrinks a dialog (a coach may have made it larger).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from . import fit

log = logging.getLogger(__name__)

_STEP = 40  # px wider per try when the screen has no more height


def needed_size(window: QWidget, room: QSize) -> QSize:
    """The size ``window``'s layout needs for all its text, within ``room`` (width, height
    in pixels): taller first, wider only when taller does not fit."""
    layout = window.layout()
    if layout is None:
        return window.size()

    def height_at(width: int) -> int:
        hfw = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        return max(hfw, layout.totalMinimumSize().height())

    width = max(window.width(), layout.totalMinimumSize().width())
    height = height_at(width)
    while height > room.height() and width + _STEP <= room.width():
        width += _STEP
        height = height_at(width)
    return QSize(min(width, room.width()), min(height, room.height()))


class _Grower(QObject):
    #: class defaults: while the dialog is being destroyed Qt may still call the filter of
    #: a wrapper Python has already emptied
    target: QWidget | None = None
    pending = False

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.target = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        target = getattr(self, "target", None)
        if target is not None and obj is target and not getattr(self, "pending", True) \
                and event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self.pending = True
            QTimer.singleShot(0, self, self.grow)  # once Qt has laid it out with the new text
        return False

    def grow(self) -> None:
        self.pending = False
        window = self.target
        if window is None or not isValid(window) or not window.isVisible():
            return
        try:
            room = fit.room_for(window, fit.available_geometry(window))
            need = needed_size(window, room)
            target = window.size().expandedTo(need).boundedTo(room.expandedTo(window.size()))
            if target != window.size():
                window.resize(target)
                fit.move_inside(window, fit.available_geometry(window))
        except Exception:  # a dialog must keep working even if growing it failed
            log.exception("growing a dialog to its text failed")


def grow_with_content(window: QWidget) -> QWidget:
    """``window`` (a dialog with a layout) grows when its text needs more room; returns it."""
    window.installEventFilter(_Grower(window))
    return window
