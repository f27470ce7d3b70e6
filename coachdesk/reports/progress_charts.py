"""The sponsor report's indicator charts: one indicator's line over the period, drawn as
vector graphics (reportlab.graphics) so it prints sharp at any size.

The chart reads only an :class:`~.progress_model.IndicatorLine` (dates and values, never a
reading's comment); ``progress`` places one chart per indicator.
"""

from __future__ import annotations

from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from . import pdfkit as kit
from . import styles as st
from .progress_model import IndicatorLine

CHART_H = 38 * mm
SERIES_COLOUR = st.ACCENT


def number_text(x: float) -> str:
    """"2.5" or "3": one decimal at most, none when whole (the report's text uses it too)."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


class IndicatorChart(Flowable):
    """One indicator's line over the period, as vector graphics (reportlab.graphics)."""

    def __init__(self, line: IndicatorLine, start: date, end: date, width: float):
        super().__init__()
        self.line, self.start, self.end, self.w = line, start, end, width

    def wrap(self, availWidth, availHeight):
        self.w = min(self.w, availWidth)
        return self.w, CHART_H

    def _drawing(self) -> Drawing:
        ln = self.line
        w, h = self.w, CHART_H
        d = Drawing(w, h)
        left, right, bottom, top = 16, w - 4, 14, h - 4
        lo, hi = ln.scale_min, ln.scale_max
        span_days = max((self.end - self.start).days, 1)
        rng = (hi - lo) or 1

        def xy(day: date, value: float) -> tuple[float, float]:
            x = left + (right - left) * min(max((day - self.start).days / span_days, 0), 1)
            y = bottom + (top - bottom) * (value - lo) / rng
            return x, y

        for v in (lo, (lo + hi) / 2, hi):
            y = bottom + (top - bottom) * (v - lo) / rng
            d.add(Line(left, y, right, y, strokeColor=st.RULE, strokeWidth=0.3))
            d.add(String(left - 3, y - 2.5, number_text(v), fontName=st.FONT, fontSize=6,
                         fillColor=st.MUTED, textAnchor="end"))
        d.add(String(left, 3, kit.short_date(self.start), fontName=st.FONT, fontSize=6,
                     fillColor=st.MUTED))
        d.add(String(right, 3, kit.short_date(self.end), fontName=st.FONT, fontSize=6,
                     fillColor=st.MUTED, textAnchor="end"))
        pts = [xy(day, v) for day, v in ln.points]
        if len(pts) > 1:
            d.add(PolyLine([c for p in pts for c in p], strokeColor=SERIES_COLOUR,
                           strokeWidth=1.4))
        for x, y in pts:
            d.add(Circle(x, y, 1.6, fillColor=st.WHITE, strokeColor=SERIES_COLOUR,
                         strokeWidth=0.9))
        return d

    def draw(self):
        self._drawing().drawOn(self.canv, 0, 0)
