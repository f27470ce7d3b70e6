"""Colours that stay readable in light and dark themes.

Each named colour has a darker shade for light backgrounds and a lighter one
for dark backgrounds; which one applies is read from the palette in use.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_COLOURS = {
    # name: (on light, on dark)
    "green": ("#2e7d32", "#81c784"),
    "orange": ("#e65100", "#ffb74d"),
    "grey": ("#616161", "#bdbdbd"),
    "blue": ("#1565c0", "#64b5f6"),
    "red": ("#c62828", "#ef9a9a"),
    "amber": ("#9a5b00", "#ffcc80"),
}


def is_dark() -> bool:
    app = QApplication.instance()
    if app is None:
        return False
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def colour(name: str) -> QColor:
    light, dark = _COLOURS[name]
    return QColor(dark if is_dark() else light)


def css(name: str) -> str:
    return colour(name).name()
