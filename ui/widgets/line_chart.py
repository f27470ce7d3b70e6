"""A small time-series line chart drawn with QPainter.

QtCharts lives in the PySide6-Addons wheel (hundreds of MB we do not ship);
the charts CoachDesk needs are simple enough to draw: dated points joined by
lines, one colour per series, one marker shape per kind of point (e.g. who
gave the rating), a legend that hides and shows a series when clicked, and a
tooltip naming the point under the mouse. Colours come from the palette, so
the chart reads in light and dark themes alike.

Several series often share a value on the same day (indicators rated together):
their markers are then set side by side, a few pixels apart, so that none hides
another, and the tooltip lists every value at that spot. The date axis puts a tick
at the first of each month, labelled with the month and, on the first label and in
each January, the year in full ("Nov 2026", "Dec", "Jan 2027"): never "Dec 26",
which reads as a day.

The legend never runs past the chart's edge: a name too long for a row is shortened
with "…" and given in full in the entry's tooltip. A page that lists the series itself
(with each one's colour, ``colour_of``) turns the series legend off (``series_legend``)
and gives the plot its height back.

The widget draws what it is given; the numbers come from the engine
(``coachdesk.services.charts``), the same ones the PDF reports use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from coachdesk import dates

from ..plain import as_plain
from ..theme import is_dark, mix

# Distinct in both themes (second shade for dark backgrounds), colour-blind aware
# (Okabe-Ito order, then a few more).
SERIES_COLOURS = [
    ("#0072b2", "#56b4e9"), ("#d55e00", "#ff9e5e"), ("#009e73", "#4fd1a5"),
    ("#cc79a7", "#f0a8d0"), ("#8a6d00", "#f0e442"), ("#5b3fa3", "#b9a3ff"),
    ("#b22222", "#ff8080"), ("#2f4f4f", "#a0c8c8"), ("#6b8e23", "#b5e06b"),
    ("#444444", "#dddddd"),
]

MARKERS = ("circle", "square", "triangle", "diamond")
#: months between labelled ticks, smallest first (each divides a year, or is whole years)
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
MARKER_RADIUS = 4.5
#: markers of series meeting at one spot are set side by side, a marker apart (fully
#: visible) while they fit in this many pixels, closer (half visible) when more meet
SPREAD_WIDTH = 44.0


@dataclass
class ChartPoint:
    day: date
    value: float  # position on the y axis
    marker: int = 0  # index into the chart's marker kinds
    tip: str = ""  # tooltip text


@dataclass
class ChartSeries:
    name: str
    points: list[ChartPoint] = field(default_factory=list)
    dashed: bool = False
    visible: bool = True


class LineChart(QWidget):
    """Dated series on one y axis. ``set_data`` replaces everything."""

    series_toggled = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.series: list[ChartSeries] = []
        self.y_min, self.y_max = 0.0, 1.0
        self.y_ticks: list[tuple[float, str]] = []
        self.marker_names: list[str] = []
        self.empty_text = "Nothing to show yet."
        self.y_title = ""
        #: False when the page lists the series itself (a table beside the chart with each
        #: one's colour): the legend then names the marker kinds only, and the plot is taller
        self.series_legend = True
        self._legend_boxes: list[tuple[QRectF, int]] = []
        self._legend_tips: list[tuple[QRectF, str]] = []
        self._legend_drawn: list[tuple[str, str, QRectF]] = []
        self._screen_points: list[tuple[QPointF, ChartPoint, ChartSeries]] = []
        self._spots: list[list[int]] = []  # indexes into _screen_points that share a spot

    # -- data -----------------------------------------------------------------------

    def set_data(self, series: list[ChartSeries], y_min: float, y_max: float,
                 y_ticks: list[tuple[float, str]] | None = None, marker_names: list[str] | None = None,
                 y_title: str = "", empty_text: str | None = None) -> None:
        hidden = {s.name for s in self.series if not s.visible}
        self.series = list(series)
        for s in self.series:
            if s.name in hidden:
                s.visible = False
        self.y_min, self.y_max = float(y_min), float(y_max)
        if self.y_max <= self.y_min:
            self.y_max = self.y_min + 1
        self.y_ticks = y_ticks or [(self.y_min, f"{self.y_min:g}"), (self.y_max, f"{self.y_max:g}")]
        self.marker_names = marker_names or []
        self.y_title = y_title
        if empty_text is not None:
            self.empty_text = empty_text
        self.update()

    def point_count(self) -> int:
        return sum(len(s.points) for s in self.series)

    def visible_names(self) -> list[str]:
        return [s.name for s in self.series if s.visible]

    def set_series_visible(self, name: str, visible: bool) -> None:
        for s in self.series:
            if s.name == name and s.visible != visible:
                s.visible = visible
                self.series_toggled.emit(name, visible)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

    # -- drawing ----------------------------------------------------------------------

    def _colour(self, index: int) -> QColor:
        light, dark = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        return QColor(dark if is_dark() else light)

    def colour_of(self, name: str) -> QColor | None:
        """The colour the series called ``name`` is drawn in (for a list of the series beside)."""
        index = next((i for i, s in enumerate(self.series) if s.name == name), None)
        return None if index is None else self._colour(index)

    def _date_range(self) -> tuple[date, date] | None:
        days = [p.day for s in self.series for p in s.points]
        if not days:
            return None
        first, last = min(days), max(days)
        if first == last:
            first = date.fromordinal(first.toordinal() - 15)
            last = date.fromordinal(last.toordinal() + 15)
        # From the first of the first point's month: that month has its labelled tick on
        # or before every point in it (a lone reading on 29 Nov sits after "Nov 2026").
        return min(first, min(days).replace(day=1)), last

    def _plot_rect(self, fm: QFontMetrics) -> QRectF:
        legend_h = self._legend_height(fm)
        left = max((fm.horizontalAdvance(label) for _, label in self.y_ticks), default=20) + 14
        if self.y_title:
            left += fm.height()
        return QRectF(left, 10, self.width() - left - 16,
                      self.height() - 10 - fm.height() - 12 - legend_h)

    def date_ticks(self) -> list[tuple[date, str]]:
        """The date axis at the chart's present size: (first of a month, its label)."""
        span = self._date_range()
        if span is None:
            return []
        fm = QFontMetrics(self.font())
        room = self._plot_rect(fm).width() / (fm.horizontalAdvance("Sep 2026") + 12)
        return month_ticks(span[0], span[1], room)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        base = pal.color(QPalette.ColorRole.Base)
        grid = QColor(text)
        grid.setAlpha(40)
        painter.fillRect(self.rect(), base)
        fm = QFontMetrics(self.font())
        self._screen_points = []
        self._legend_boxes = []

        legend_h = self._legend_height(fm)
        plot = self._plot_rect(fm)
        left = plot.left()
        span = self._date_range()
        if span is None or plot.width() < 40 or plot.height() < 40:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        first, last = span
        x_span = (last.toordinal() - first.toordinal()) or 1

        def sx(day: date) -> float:
            return plot.left() + (day.toordinal() - first.toordinal()) / x_span * plot.width()

        def sy(value: float) -> float:
            frac = (value - self.y_min) / (self.y_max - self.y_min)
            return plot.bottom() - max(0.0, min(1.0, frac)) * plot.height()

        # Axes, grid, ticks.
        painter.setPen(QPen(grid, 1))
        for value, _label in self.y_ticks:
            y = sy(value)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        for value, label in self.y_ticks:
            y = sy(value)
            painter.drawText(QRectF(0, y - fm.height() / 2, left - 6, fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        if self.y_title:
            painter.save()
            painter.translate(fm.ascent(), plot.center().y())
            painter.rotate(-90)
            painter.drawText(QRectF(-plot.height() / 2, -fm.ascent(), plot.height(), fm.height()),
                             Qt.AlignmentFlag.AlignCenter, self.y_title)
            painter.restore()
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for day, label in self.date_ticks():
            x = sx(day)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text)
            width = fm.horizontalAdvance(label) + 8
            at = min(max(x - width / 2, 0.0), self.width() - width)  # never cut at the edges
            painter.drawText(QRectF(at, plot.bottom() + 4, width, fm.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

        # Series: first where each point goes, spreading the ones that meet at one spot.
        shown = [(index, s) for index, s in enumerate(self.series) if s.visible and s.points]
        spots: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for index, s in shown:
            for n, p in enumerate(s.points):
                spots.setdefault((p.day.toordinal(), round(sy(p.value) / 3)), []).append((index, n))
        offset: dict[tuple[int, int], float] = {}
        for (ordinal, _y), members in spots.items():
            n = len(members)
            gap = min(2 * MARKER_RADIUS + 1, SPREAD_WIDTH / (n - 1)) if n > 1 else 0.0
            x = sx(date.fromordinal(ordinal))
            shift = 0.0  # a cluster at either end stays inside the plot
            half = gap * (n - 1) / 2
            if x + half > plot.right() + MARKER_RADIUS:
                shift = plot.right() + MARKER_RADIUS - (x + half)
            elif x - half < plot.left() - MARKER_RADIUS:
                shift = plot.left() - MARKER_RADIUS - (x - half)
            for k, member in enumerate(members):
                offset[member] = (k - (n - 1) / 2) * gap + shift
        where: dict[tuple[int, int], int] = {}
        placed = [(index, s, [QPointF(sx(p.day) + offset[(index, n)], sy(p.value))
                              for n, p in enumerate(s.points)]) for index, s in shown]
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for index, s, points in placed:  # every line first, so that no line covers a marker
            pen = QPen(self._colour(index), 2)
            if s.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            path = QPainterPath()
            for n, pt in enumerate(points):
                path.moveTo(pt) if n == 0 else path.lineTo(pt)
            painter.drawPath(path)
        painter.setPen(QPen(base, 1))
        for index, s, points in placed:
            painter.setBrush(self._colour(index))
            for n, (pt, p) in enumerate(zip(points, s.points, strict=True)):
                _marker(painter, pt, p.marker, MARKER_RADIUS)
                where[(index, n)] = len(self._screen_points)
                self._screen_points.append((pt, p, s))
        self._spots = [[where[m] for m in members] for members in spots.values()]

        # Legend: series (click to hide/show), then the marker kinds.
        self._draw_legend(painter, fm, QRectF(8, self.height() - legend_h, self.width() - 16, legend_h),
                          text, base)
        painter.end()

    def _legend_entries(self) -> list[tuple[str, int]]:
        if not self.series_legend:
            return []
        return [(s.name, i) for i, s in enumerate(self.series) if s.points]

    def _legend_items(self, fm: QFontMetrics) -> list[tuple[int, str, str, float]]:
        """(series index or -1 - marker kind, text shown, full text, width) per legend entry.

        An entry never runs past the chart's edge: a name too long for a whole row is
        shortened with "…" and given in full in the entry's tooltip.
        """
        room = max(self.width() - 16, 100)
        out = []
        for lead, entries in ((34, [(i, name) for name, i in self._legend_entries()]),
                              (26, [(-1 - k, name) for k, name in enumerate(self.marker_names)])):
            for key, name in entries:
                shown = name if fm.horizontalAdvance(name) <= room - lead else \
                    fm.elidedText(name, Qt.TextElideMode.ElideRight, room - lead)
                out.append((key, shown, name, min(fm.horizontalAdvance(shown) + lead, room)))
        return out

    def _legend_height(self, fm: QFontMetrics) -> int:
        rows, x = 1, 0.0
        width = max(self.width() - 16, 100)
        for _key, _shown, _name, w in self._legend_items(fm):
            if x + w > width and x > 0:
                rows, x = rows + 1, 0.0
            x += w
        return rows * (fm.height() + 6) + 4

    def _draw_legend(self, painter: QPainter, fm: QFontMetrics, area: QRectF, text: QColor,
                     base: QColor) -> None:
        x, y = area.left(), area.top()
        line_h = fm.height() + 6

        def place(width: float) -> tuple[float, float]:
            nonlocal x, y
            if x + width > area.right() and x > area.left():
                x, y = area.left(), y + line_h
            at = (x, y)
            x += width
            return at

        self._legend_tips, self._legend_drawn = [], []
        for key, name, full, w in self._legend_items(fm):
            lx, ly = place(w)
            self._legend_drawn.append((name, full, QRectF(lx, ly, w, line_h)))
            if key < 0:  # a marker kind
                painter.setPen(QPen(base, 1))
                painter.setBrush(text)
                _marker(painter, QPointF(lx + 7, ly + line_h / 2), -1 - key, 4.5)
                painter.setPen(text)
                painter.drawText(QRectF(lx + 16, ly, w - 16, line_h), Qt.AlignmentFlag.AlignVCenter,
                                 name)
                if name != full:
                    self._legend_tips.append((QRectF(lx, ly, w, line_h), full))
                continue
            index = key
            s = self.series[index]
            colour = self._colour(index)
            if not s.visible:  # greyed, opaque: still 3:1 on the background (an alpha was not)
                colour = mix(mix(colour, text, 0.5), base, 0.6)
            pen = QPen(colour, 3)
            if s.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            mid = ly + line_h / 2
            painter.drawLine(QPointF(lx, mid), QPointF(lx + 18, mid))
            faded = QColor(text)
            if not s.visible:
                faded = mix(text, base, 0.62)
            painter.setPen(faded)
            painter.drawText(QRectF(lx + 22, ly, w - 22, line_h), Qt.AlignmentFlag.AlignVCenter, name)
            self._legend_boxes.append((QRectF(lx, ly, w, line_h), index))
            self._legend_tips.append((QRectF(lx, ly, w, line_h),
                                      f"{full}: click to {'hide' if s.visible else 'show'} its line"))

    def legend_entries(self) -> list[tuple[str, str, QRectF]]:
        """(text shown, full text, where) per legend entry, as last painted."""
        return list(self._legend_drawn)

    # -- interaction --------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        for box, index in self._legend_boxes:
            if box.contains(pos):
                s = self.series[index]
                self.set_series_visible(s.name, not s.visible)
                return
        super().mousePressEvent(event)

    def point_near(self, pos: QPointF, radius: float = 8.0):
        best, best_d = None, radius * radius
        for pt, p, s in self._screen_points:
            d = (pt.x() - pos.x()) ** 2 + (pt.y() - pos.y()) ** 2
            if d <= best_d:
                best, best_d = (p, s), d
        return best

    def marker_positions(self) -> list[tuple[str, date, QPointF]]:
        """Where each visible point was drawn (series name, day, centre), after the last paint."""
        return [(s.name, p.day, QPointF(pt)) for pt, p, s in self._screen_points]

    def tip_at(self, pos: QPointF, radius: float = 8.0) -> str | None:
        """The tooltip at ``pos``: every value at the spot under the mouse, one per line."""
        best, best_d = None, radius * radius
        for i, (pt, _p, _s) in enumerate(self._screen_points):
            d = (pt.x() - pos.x()) ** 2 + (pt.y() - pos.y()) ** 2
            if d <= best_d:
                best, best_d = i, d
        if best is None:
            return None
        spot = next((members for members in self._spots if best in members), [best])
        tips = []
        for i in spot:
            _pt, p, s = self._screen_points[i]
            tips.append(p.tip or f"{s.name}: {p.value:g}")
        return "\n".join(tips)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        tip = self.tip_at(event.position())
        if tip is None:  # a legend entry: its name in full, and what a click does
            tip = next((t for box, t in self._legend_tips if box.contains(event.position())), None)
        if tip is not None:
            QToolTip.showText(event.globalPosition().toPoint(), as_plain(tip), self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)


def _marker(painter: QPainter, at: QPointF, kind: int, r: float) -> None:
    shape = MARKERS[kind % len(MARKERS)]
    if shape == "circle":
        painter.drawEllipse(at, r, r)
    elif shape == "square":
        painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
    elif shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(at.x(), at.y() - r * 1.2),
                                       QPointF(at.x() + r * 1.1, at.y() + r * 0.9),
                                       QPointF(at.x() - r * 1.1, at.y() + r * 0.9)]))
    else:
        painter.drawPolygon(QPolygonF([QPointF(at.x(), at.y() - r * 1.3), QPointF(at.x() + r * 1.1, at.y()),
                                       QPointF(at.x(), at.y() + r * 1.3), QPointF(at.x() - r * 1.1, at.y())]))


def month_ticks(first: date, last: date, max_labels: float) -> list[tuple[date, str]]:
    """First-of-month ticks from ``first`` to ``last``, at most about ``max_labels`` of them.

    Labels are the month's short name, with the year in full on the first label and
    on each January ("Nov 2026", "Dec", "Jan 2027"); when months must be skipped they
    are skipped in calendar steps (every 2, 3, 4, 6 months or whole years), so the
    ticks fall on the same months whatever the first date. With years between labels,
    a label is the year alone.
    """
    months = []
    y, m = (first.year, first.month) if first.day == 1 else \
        (first.year + first.month // 12, first.month % 12 + 1)
    while date(y, m, 1) <= last:
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if not months:
        return [(first, dates.short(first))]
    room = max(int(max_labels), 1)
    step = next((k for k in MONTH_STEPS if -(-len(months) // k) <= room), MONTH_STEPS[-1])
    out, year_shown = [], None
    for day in months:
        index = day.year * 12 + day.month - 1
        if index % step:
            continue
        if step >= 12:
            label = str(day.year)
        elif day.year != year_shown:
            label = f"{dates.month_abbr(day)} {day.year}"
        else:
            label = dates.month_abbr(day)
        year_shown = day.year
        out.append((day, label))
    if not out:  # too narrow for even one step: the first month, named in full
        day = months[0]
        out.append((day, f"{dates.month_abbr(day)} {day.year}"))
    return out
