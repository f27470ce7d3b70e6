"""Colours that stay readable in light and dark themes, and the app's look in both.

Each named colour has a darker shade for light backgrounds and a lighter one
for dark backgrounds; which one applies is read from the palette in use.

``apply(app)`` gives CoachDesk Qt's Fusion style with a complete palette
(active, inactive and disabled colours) for the system's light or dark scheme,
and ``follow_system(app)`` switches when the coach's system does. A desktop's
dark palette alone was not enough: a check box's border (drawn from the window
colour, darker) vanished, and a disabled button kept the enabled colours
because the palette had none for the disabled state.

On macOS and Windows the system's own style stays (coaches there expect their
platform's buttons and menus, and those styles draw dark mode themselves):
``apply`` then only swaps the named colours of style sheets when the scheme
changes. ``native=False`` forces Fusion there too (tests, screenshots).
"""

from __future__ import annotations

import logging
import re
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QWidget,
)

log = logging.getLogger(__name__)

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


# -- contrast ----------------------------------------------------------------------

def luminance(c: QColor) -> float:
    """Relative luminance (WCAG 2), 0 for black to 1 for white."""
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white). Text wants 4.5, shapes 3."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, share_of_a: float) -> QColor:
    """``a`` and ``b`` blended, opaque: readable where an alpha over some background may not be."""
    t = max(0.0, min(1.0, share_of_a))
    return QColor(round(a.red() * t + b.red() * (1 - t)), round(a.green() * t + b.green() * (1 - t)),
                  round(a.blue() * t + b.blue() * (1 - t)))


# -- palettes ------------------------------------------------------------------------

_R, _G = QPalette.ColorRole, QPalette.ColorGroup

_DARK = {
    _R.Window: "#2b2b2b", _R.WindowText: "#e0e0e0", _R.Base: "#1e1e1e",
    _R.AlternateBase: "#262626", _R.Text: "#e0e0e0", _R.Button: "#383838",
    _R.ButtonText: "#e0e0e0", _R.BrightText: "#ff8a80", _R.Light: "#505050",
    _R.Midlight: "#424242", _R.Mid: "#939393", _R.Dark: "#1a1a1a", _R.Shadow: "#0d0d0d",
    _R.Highlight: "#2a82da", _R.HighlightedText: "#ffffff", _R.Link: "#6cb4ff",
    _R.LinkVisited: "#c39bff", _R.ToolTipBase: "#3a3a3a", _R.ToolTipText: "#eeeeee",
    _R.PlaceholderText: "#9a9a9a", _R.Accent: "#2a82da",
}
# Disabled: dimmer than enabled (about 3:1 on their background, enabled is about 9:1),
# so a disabled button reads as disabled and can still be read.
_DARK_DISABLED = {
    _R.WindowText: "#858585", _R.Text: "#858585", _R.ButtonText: "#858585",
    _R.Button: "#303030", _R.Base: "#262626", _R.Highlight: "#4a4a4a",
    _R.HighlightedText: "#a0a0a0", _R.PlaceholderText: "#6e6e6e", _R.Link: "#5a7a99",
}


_LIGHT_DISABLED_TEXT = "#8a8a8a"


def palette(dark: bool) -> QPalette:
    """A complete palette (every role in the active, inactive and disabled groups)."""
    if not dark:
        pal = QStyleFactory.create("Fusion").standardPalette()
        # Fusion's disabled text is #bebebe on #efefef (1.6:1), too faint to read; about
        # 3:1 still reads as disabled beside the enabled 15:1.
        for role in (_R.WindowText, _R.Text, _R.ButtonText):
            pal.setColor(_G.Disabled, role, QColor(_LIGHT_DISABLED_TEXT))
        return pal
    pal = QPalette()
    for role, value in _DARK.items():
        pal.setColor(role, QColor(value))  # all three groups
    for role, value in _DARK_DISABLED.items():
        pal.setColor(_G.Disabled, role, QColor(value))
    return pal


# -- style -----------------------------------------------------------------------------

def indicator_outline(pal: QPalette) -> QColor:
    """The border of a check box or radio button: between text and field, 3:1 or more
    against both the field and the window (Fusion derives it from the window colour,
    which on a dark palette is darker than the field it surrounds)."""
    return mix(pal.color(_R.Text), pal.color(_R.Base), 0.55)


class CoachDeskStyle(QProxyStyle):
    """Fusion, with check box and radio button borders that read on any palette."""

    _INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                   QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def __init__(self):
        super().__init__(QStyleFactory.create("Fusion"))
        self.setObjectName("coachDeskStyle")

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802
        if element in self._INDICATORS:
            option = type(option)(option)
            pal = QPalette(option.palette)
            # Fusion draws the border as window.darker(140) (.lighter(110) for a check
            # box): give it the window colour that comes out as the outline we want.
            radio = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
            pal.setColor(_R.Window, indicator_outline(pal).lighter(140 if radio else 127))
            option.palette = pal
        super().drawPrimitive(element, option, painter, widget)


_style: CoachDeskStyle | None = None
_system_palette: QPalette | None = None


def system_prefers_dark(app: QApplication) -> bool:
    """The system's colour scheme (Qt 6.5+); where it is not known, its palette decides."""
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    pal = _system_palette if _system_palette is not None else app.palette()
    return pal.color(_R.Window).lightness() < 128


#: platforms whose own style draws light and dark well; CoachDesk keeps it there
NATIVE_STYLE_PLATFORMS = ("darwin", "win32")


def apply(app: QApplication, dark: bool | None = None, native: bool | None = None) -> bool:
    """CoachDesk's style and the light or dark palette (the system's choice by default).

    ``native`` (default: on macOS and Windows) keeps the platform's style and palette and
    only recolours style sheets. Returns whether the dark palette is in use.
    """
    global _style, _system_palette
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if native is None:  # an explicit light or dark (tests, screenshots) is CoachDesk's own
        native = dark is None and sys.platform in NATIVE_STYLE_PLATFORMS
    if dark is None:
        dark = system_prefers_dark(app)
    if native:
        _repolish_style_sheets(app, dark)
        return dark
    if _style is None or app.style() is not _style:
        _style = CoachDeskStyle()
        app.setStyle(_style)
    app.setPalette(palette(dark))
    _repolish_style_sheets(app, dark)
    return dark


def _repolish_style_sheets(app: QApplication, dark: bool) -> None:
    """Widgets with a style sheet keep the palette they were polished with, and a rich-text
    label the link colour it was given: a live switch (the system going dark while CoachDesk
    runs) would leave the sidebar white and links dark blue on dark grey. Named colours put
    in a style sheet with ``css()`` are swapped for their shade in the new palette."""
    swap = {(light if dark else on_dark).lower(): (on_dark if dark else light)
            for light, on_dark in _COLOURS.values()}
    pattern = re.compile("|".join(re.escape(c) for c in swap), re.IGNORECASE)
    for widget in app.allWidgets():
        if not isinstance(widget, QWidget):
            continue  # a stale wrapper (PySide can hand back a layout item for a freed address)
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(pattern.sub(lambda m: swap[m.group(0).lower()], sheet))
        if isinstance(widget, QLabel) and "<a " in widget.text():
            text = widget.text()
            widget.clear()  # setText with the same text changes nothing
            widget.setText(text)


def follow_system(app: QApplication) -> None:
    """Switch between light and dark when the system does (while CoachDesk runs)."""
    def changed(scheme) -> None:
        try:
            apply(app, None if scheme == Qt.ColorScheme.Unknown else scheme == Qt.ColorScheme.Dark)
        except Exception:  # a cosmetic change must never disturb the coach's work
            log.exception("following the system's colour scheme failed")

    app.styleHints().colorSchemeChanged.connect(changed)
