"""Light and dark look: what a coach must see in both, measured on the pixels drawn.

Contrast is the WCAG ratio: 4.5 for text, 3 for the border of a control.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QPushButton, QRadioButton, QVBoxLayout, QWidget

from ui import theme
from ui.theme import contrast_ratio
from ui.widgets.line_chart import ChartPoint, ChartSeries, LineChart


def _pixels(widget):
    image = widget.grab().toImage()
    return image, (lambda x, y: image.pixelColor(x, y))


def _form(qtbot):
    box = QWidget()
    layout = QVBoxLayout(box)
    unchecked = QCheckBox("Include my private notes")
    radio = QRadioButton("A blank worksheet")
    enabled = QPushButton("Preview")
    disabled = QPushButton("Preview")
    disabled.setEnabled(False)
    for w in (unchecked, radio, enabled, disabled):
        layout.addWidget(w)
    qtbot.addWidget(box)
    box.resize(260, 200)
    box.show()
    qtbot.waitExposed(box)
    return box, unchecked, radio, enabled, disabled


def _indicator_contrast(widget) -> tuple[float, float]:
    """The indicator's border against the window around it and against its own field."""
    image, px = _pixels(widget)
    window = widget.palette().color(QPalette.ColorRole.Window)
    side = widget.style().pixelMetric(widget.style().PixelMetric.PM_IndicatorWidth, None, widget)
    mid_y = image.height() // 2
    row = [px(x, mid_y) for x in range(0, side + 4)]
    border = max(row, key=lambda c: contrast_ratio(c, window))
    inside = px(row.index(border) + side // 2, mid_y)
    return contrast_ratio(border, window), contrast_ratio(border, inside)


def _text_contrast(button) -> float:
    """The strongest text pixel against the button face it is drawn on."""
    image, px = _pixels(button)
    h, w = image.height(), image.width()
    face = px(8, h // 2)
    best = max((px(x, y) for x in range(w // 4, 3 * w // 4) for y in range(4, h - 4)),
               key=lambda c: contrast_ratio(c, face))
    return contrast_ratio(best, face)


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_check_box_and_radio_borders_stand_out(qtbot, app_theme, dark):
    app_theme(dark)
    assert theme.is_dark() is dark
    _box, unchecked, radio, _enabled, _disabled = _form(qtbot)
    for widget in (unchecked, radio):
        against_window, against_field = _indicator_contrast(widget)
        assert against_window >= 3, (type(widget).__name__, against_window)
        assert against_field >= 3, (type(widget).__name__, against_field)


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_a_disabled_button_looks_disabled_and_stays_readable(qtbot, app_theme, dark):
    app_theme(dark)
    _box, _c, _r, enabled, disabled = _form(qtbot)
    on, off = _text_contrast(enabled), _text_contrast(disabled)
    assert on >= 4.5
    assert on / off >= 1.8, f"disabled text {off:.1f}:1 looks like enabled {on:.1f}:1"
    assert off >= 2.5, f"disabled text {off:.1f}:1 cannot be read"


def test_a_desktop_dark_palette_keeps_check_boxes_visible(qtbot, app_theme):
    """The desktop's own dark palette (as tools/screenshots.py used) under CoachDesk's style:
    the border is drawn from the palette's text and field colours, not the window's."""
    from tools.screenshots import dark_palette

    app_theme(False)
    from PySide6.QtWidgets import QApplication

    QApplication.instance().setPalette(dark_palette())
    _box, unchecked, radio, _e, _d = _form(qtbot)
    for widget in (unchecked, radio):
        assert min(_indicator_contrast(widget)) >= 3


def test_palettes_are_complete_in_every_group():
    for dark in (True, False):
        pal = theme.palette(dark)
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText,
                     QPalette.ColorRole.Text):
            enabled = pal.color(QPalette.ColorGroup.Active, role)
            disabled = pal.color(QPalette.ColorGroup.Disabled, role)
            assert enabled != disabled, (dark, role)
        # Secondary text drawn in the Mid colour ("All changes saved") reads on the window.
        if dark:
            assert contrast_ratio(pal.color(QPalette.ColorRole.Mid),
                                  pal.color(QPalette.ColorRole.Window)) >= 4.5


def test_follows_the_system_colour_scheme(qtbot, app_theme):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    app_theme(False)
    theme.follow_system(app)
    hints = app.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.is_dark()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark()


def _chart(qtbot) -> LineChart:
    chart = LineChart()
    qtbot.addWidget(chart)
    points = [ChartPoint(date(2026, m, 1), v) for m, v in ((3, 4), (5, 6), (7, 7))]
    chart.set_data([ChartSeries("Engagement", points),
                    ChartSeries("Wellbeing", [ChartPoint(p.day, p.value - 1) for p in points])],
                   0, 10)
    chart.resize(520, 300)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_series_visible("Wellbeing", False)
    return chart


def _legend_contrast(chart, index: int) -> tuple[float, float]:
    """(text, swatch) contrast of legend entry ``index`` against the chart's background."""
    image, px = _pixels(chart)  # painting lays out the legend
    box = next(b for b, i in chart._legend_boxes if i == index)
    base = chart.palette().color(QPalette.ColorRole.Base)
    top, bottom = int(box.top()) + 1, int(box.bottom()) - 1
    swatch = [px(x, y) for x in range(int(box.left()), int(box.left()) + 18) for y in range(top, bottom)]
    text = [px(x, y) for x in range(int(box.left()) + 24, min(int(box.right()), image.width() - 1))
            for y in range(top, bottom)]
    strongest = lambda cs: max(contrast_ratio(c, base) for c in cs)  # noqa: E731
    return strongest(text), strongest(swatch)


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_a_hidden_legend_entry_stays_visible_and_looks_hidden(qtbot, app_theme, dark):
    app_theme(dark)
    chart = _chart(qtbot)
    assert chart.visible_names() == ["Engagement"]
    shown_text, shown_swatch = _legend_contrast(chart, 0)
    hidden_text, hidden_swatch = _legend_contrast(chart, 1)
    assert hidden_text >= 4.5, f"hidden entry's name {hidden_text:.1f}:1"
    assert hidden_swatch >= 3, f"hidden entry's line {hidden_swatch:.1f}:1"
    assert shown_text > hidden_text * 1.3, "a hidden entry should look greyed"


def test_contrast_ratio_is_the_wcag_one():
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21, rel=1e-3)
    assert contrast_ratio(QColor("#767676"), QColor("#ffffff")) == pytest.approx(4.54, abs=0.02)
    assert theme.mix(QColor("#000000"), QColor("#ffffff"), 0.5).name() == "#808080"


def test_switching_live_repaints_style_sheet_widgets_and_links(qtbot, app_theme, demo_db):
    """The system goes dark while CoachDesk runs: the sidebar (it has a style sheet) and a
    link follow, not only the widgets that read the palette as they paint."""
    from PySide6.QtWidgets import QLabel

    from ui.context import AppContext
    from ui.main_window import MainWindow

    app_theme(False)
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    link = QLabel('<a href="#x">How is this worked out?</a>', window.clients_page)
    window.show()
    qtbot.waitExposed(window)
    app_theme(True)
    qtbot.wait(20)
    nav = window.nav.grab().toImage()
    background = nav.pixelColor(nav.width() - 5, nav.height() - 5)
    assert background.lightness() < 100, background.name()
    image = link.grab().toImage()
    darkest_window = QColor(theme.palette(True).color(QPalette.ColorRole.Window))
    strongest = max((image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())),
                    key=lambda c: contrast_ratio(c, darkest_window))
    assert contrast_ratio(strongest, darkest_window) >= 4.5, strongest.name()


def test_named_colours_in_style_sheets_follow_a_live_switch(qtbot, app_theme):
    from PySide6.QtWidgets import QLabel

    app_theme(False)
    note = QLabel("Private: kept on this computer")
    note.setStyleSheet(f"color: {theme.css('amber')}; font-weight: 600;")
    qtbot.addWidget(note)
    note.show()
    app_theme(True)
    assert theme.css("amber") in note.styleSheet() and "font-weight: 600" in note.styleSheet()
    app_theme(False)
    assert note.styleSheet() == f"color: {theme.css('amber')}; font-weight: 600;"


def test_macos_and_windows_keep_their_own_style(qapp, monkeypatch):
    """Coaches on macOS and Windows get their platform's buttons and menus (those styles
    draw dark mode themselves); elsewhere CoachDesk's Fusion with a complete palette."""
    from PySide6.QtWidgets import QStyleFactory

    from ui import theme

    qapp.setStyle(QStyleFactory.create("Windows"))  # stands in for the platform's own
    before = qapp.style()
    monkeypatch.setattr(theme.sys, "platform", "darwin")
    theme.apply(qapp)
    assert qapp.style() is before
    monkeypatch.setattr(theme.sys, "platform", "linux")
    theme.apply(qapp)
    assert qapp.style().objectName() == "coachDeskStyle"


def test_secondary_text_is_never_drawn_in_a_frame_colour():
    """``palette(mid)`` is the colour of frames: as text it reads 1.7:1 on the light window
    ("All changes saved", "No clients yet"). Secondary text uses the placeholder colour."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "ui"
    offenders = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"(?<![-\w])color:\s*palette\((mid|midlight|light|dark)\)", line)]
    assert offenders == []
