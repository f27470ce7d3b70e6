"""Keep windows on their screen: no dialog opens with its buttons below a laptop's taskbar.

A dialog asks for a size (``resize(980, 700)``) that suits a large monitor; on a
1366×768 or 1024×640 laptop its Save or Close button would sit below the edge of
the screen. ``fit_to_screen`` shrinks a window to the free part of its screen
(``QScreen.availableGeometry``: no taskbar, no dock) and moves it inside.
``watch(window)`` does this for every dialog that window opens, and for the
dialogs those open in turn, just before each is first shown, so no dialog needs
code of its own.

Why not one filter on the whole application: a Python event filter there sees
every event of every widget (paint, mouse move, key), about 25 µs each; watching
only windows costs nothing while the coach types.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

#: Room for the title bar and borders the window manager adds, before they are known.
FRAME_ALLOWANCE = QSize(16, 40)

_FITTED_TYPES = (Qt.WindowType.Dialog, Qt.WindowType.Window, Qt.WindowType.Sheet)
_WATCHED = "coachdeskFitWatched"


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The free part (no taskbar or dock) of the screen ``widget`` is on, or will open on."""
    screen = None
    if widget is not None:
        anchor = widget if widget.isVisible() or widget.parentWidget() is None \
            else widget.parentWidget().window()
        screen = anchor.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 640)


def frame_extra(window: QWidget) -> QSize:
    """What the window manager's frame adds to the window's size (an allowance before it is shown)."""
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    if window.isVisible() and (extra.width() > 0 or extra.height() > 0):
        return extra
    if window.windowFlags() & Qt.WindowType.FramelessWindowHint:
        return QSize(0, 0)
    return QSize(FRAME_ALLOWANCE)


def room_for(window: QWidget, area: QRect | None = None) -> QSize:
    """The largest size (without frame) the window can have and still fit ``area``."""
    area = area if area is not None else available_geometry(window)
    extra = frame_extra(window)
    return QSize(max(area.width() - extra.width(), 1), max(area.height() - extra.height(), 1))


def fit_to_screen(window: QWidget, area: QRect | None = None) -> bool:
    """Shrink ``window`` to fit ``area`` (default: its screen's free part) and move it inside.

    Never grows a window, never goes below its minimum size (a window whose
    minimum does not fit is a layout fault that ``tests/test_ui_layout.py``
    reports). Returns whether anything changed.
    """
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return False  # the window manager sizes those to the screen
    area = area if area is not None else available_geometry(window)
    room = room_for(window, area)
    size = window.size()
    target = QSize(min(size.width(), room.width()), min(size.height(), room.height()))
    changed = False
    if target != size:
        QWidget.resize(window, target)  # QWidget's own: a dialog may have a resize() of its own
        changed = True
    if window.isVisible() or window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        changed = move_inside(window, area) or changed
    return changed


def move_inside(window: QWidget, area: QRect) -> bool:
    """Move ``window`` so that its frame lies inside ``area`` (its top-left corner first)."""
    extra = frame_extra(window)
    frame = QRect(window.pos(), window.size() + extra)
    x = min(frame.x(), area.right() + 1 - frame.width())
    y = min(frame.y(), area.bottom() + 1 - frame.height())
    x, y = max(x, area.x()), max(y, area.y())
    if (x, y) == (frame.x(), frame.y()):
        return False
    QWidget.move(window, x, y)  # QWidget's own: IndicatorLibraryDialog.move() moves an indicator
    return True


class ScreenFit(QObject):
    """Fits each watched window on Show, and watches the windows its children open."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        try:
            if kind == QEvent.Type.Show:
                if isinstance(obj, QWidget) and obj.isWindow() and not event.spontaneous():
                    fit_to_screen(obj)
            elif kind == QEvent.Type.ChildPolished:
                child = event.child()
                if isinstance(child, QWidget) and child.isWindow():
                    self.watch(child)
        except Exception:  # a dialog must open even if fitting it failed
            log.exception("fitting a window to the screen failed")
        return False

    def watch(self, window: QWidget) -> None:
        if window.windowType() not in _FITTED_TYPES or window.property(_WATCHED):
            return
        window.setProperty(_WATCHED, True)
        window.installEventFilter(self)


_fitter: ScreenFit | None = None


def watch(window: QWidget) -> ScreenFit:
    """Fit ``window`` and every dialog opened from it (or from those) to the screen when shown."""
    global _fitter
    if _fitter is None:
        _fitter = ScreenFit()
    _fitter.watch(window)
    return _fitter
