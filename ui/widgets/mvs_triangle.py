"""The motivational value system as a picture: a triangle with people placed in it.

Blue (altruistic-nurturing) at the top, Red (assertive-directing) bottom left,
Green (analytic-autonomizing) bottom right, the Hub (flexible-cohering) as a
circle in the middle. Where a person sits comes from the engine
(``relationships.triangle_point``), so the picture and the region named in
words always agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from coachdesk.services.relationships import triangle_point

from ..theme import is_dark

CORNER_COLOURS = {"blue": ("#1f6fd1", "#6fa8ff"), "red": ("#c62828", "#ff8a80"),
                  "green": ("#2e7d32", "#81c784")}


@dataclass
class PlacedPerson:
    label: str
    blue: float
    red: float
    green: float
    is_client: bool = False
    tip: str = ""


class MvsTriangle(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.people: list[PlacedPerson] = []
        self.setMouseTracking(True)
        self.setMinimumSize(260, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._spots: list[tuple[QPointF, PlacedPerson]] = []

    def set_people(self, people: list[PlacedPerson]) -> None:
        self.people = list(people)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 320)

    def _colour(self, key: str) -> QColor:
        light, dark = CORNER_COLOURS[key]
        return QColor(dark if is_dark() else light)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        base = pal.color(QPalette.ColorRole.Base)
        painter.fillRect(self.rect(), base)
        fm = QFontMetrics(self.font())
        margin = fm.height() * 2 + 6
        side = min(self.width() - 2 * margin, (self.height() - 2 * margin) / (math.sqrt(3) / 2))
        side = max(side, 40)
        height = side * math.sqrt(3) / 2
        ox = (self.width() - side) / 2
        oy = (self.height() - height) / 2

        def to_screen(x: float, y_down: float) -> QPointF:
            return QPointF(ox + x * side, oy + y_down * side)

        top, left, right = to_screen(0.5, 0), to_screen(0, math.sqrt(3) / 2), to_screen(1, math.sqrt(3) / 2)
        outline = QColor(text)
        outline.setAlpha(120)
        painter.setPen(QPen(outline, 1.5))
        tint = QColor(text)
        tint.setAlpha(12)
        painter.setBrush(tint)
        painter.drawPolygon(QPolygonF([top, left, right]))
        # The Hub: around the centre.
        centre = to_screen(*triangle_point(1, 1, 1, y_down=True))
        hub_r = side * 0.11
        painter.setPen(QPen(outline, 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, hub_r, hub_r)
        painter.setPen(outline)
        hub_label = QRectF(centre.x() - fm.horizontalAdvance("Hub") / 2 - 2,
                           centre.y() - hub_r - fm.height() - 1,
                           fm.horizontalAdvance("Hub") + 4, fm.height())
        painter.drawText(hub_label, Qt.AlignmentFlag.AlignHCenter, "Hub")
        # Corner labels.
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        for key, point, flags, dy in (
                ("blue", top, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, -fm.height() - 4),
                ("red", left, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, 4),
                ("green", right, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, 4)):
            painter.setPen(self._colour(key))
            name = {"blue": "Blue · nurturing", "red": "Red · directing", "green": "Green · analytic"}[key]
            w = fm.horizontalAdvance(name) + 24
            x = point.x() - w / 2 if key == "blue" else (point.x() - 6 if key == "red" else point.x() - w + 6)
            painter.drawText(QRectF(x, point.y() + dy, w, fm.height()), flags, name)
        painter.setFont(self.font())

        # People: the dots first, then their names where they collide with nothing
        # already placed (right, left, above, below), the client's first and on top.
        self._spots = []
        placed = []  # (point, person, radius)
        for person in sorted(self.people, key=lambda p: p.is_client):
            try:
                x, y = triangle_point(person.blue, person.red, person.green, y_down=True)
            except ValueError:
                continue
            placed.append((to_screen(x, y), person, 7 if person.is_client else 5))
        for at, person, r in placed:
            colour = _blend(self._colour("blue"), self._colour("red"), self._colour("green"),
                            person.blue, person.red, person.green)
            painter.setPen(QPen(text, 2 if person.is_client else 1))
            painter.setBrush(colour)
            if person.is_client:
                painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
            else:
                painter.drawEllipse(at, r, r)
            self._spots.append((at, person))
        obstacles = [QRectF(at.x() - r - 1, at.y() - r - 1, 2 * r + 2, 2 * r + 2)
                     for at, _p, r in placed]
        obstacles.append(hub_label)
        bounds = QRectF(self.rect())
        label_bg = QColor(base)
        label_bg.setAlpha(170)
        for at, person, r in sorted(placed, key=lambda item: not item[1].is_client):
            label = person.label if len(person.label) <= 24 else person.label[:23] + "…"
            w, h = fm.horizontalAdvance(label) + 4, fm.height()
            candidates = [QRectF(at.x() + r + 3, at.y() - h / 2, w, h),
                          QRectF(at.x() - r - 3 - w, at.y() - h / 2, w, h),
                          QRectF(at.x() - w / 2, at.y() - r - 1 - h, w, h),
                          QRectF(at.x() - w / 2, at.y() + r + 1, w, h),
                          QRectF(at.x() + r, at.y() - r - h + 2, w, h),
                          QRectF(at.x() + r, at.y() + r - 2, w, h),
                          QRectF(at.x() - r - w, at.y() - r - h + 2, w, h),
                          QRectF(at.x() - r - w, at.y() + r - 2, w, h)]
            inside = [c for c in candidates if bounds.contains(c)] or candidates[:1]
            box = next((c for c in inside if not any(c.intersects(o) for o in obstacles)),
                       inside[0])
            obstacles.append(box)
            painter.fillRect(box, label_bg)
            font = painter.font()
            font.setBold(person.is_client)
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        painter.setFont(self.font())
        if not self.people:
            painter.setPen(outline)
            painter.drawText(QRectF(0, self.height() - fm.height() - 4, self.width(), fm.height()),
                             Qt.AlignmentFlag.AlignHCenter, "No motivational profile recorded yet.")
        painter.end()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        for at, person in self._spots:
            if (at.x() - pos.x()) ** 2 + (at.y() - pos.y()) ** 2 <= 81:
                QToolTip.showText(event.globalPosition().toPoint(), person.tip or person.label, self)
                return
        QToolTip.hideText()


def _blend(blue: QColor, red: QColor, green: QColor, b: float, r: float, g: float) -> QColor:
    total = (b + r + g) or 1
    return QColor(int((blue.red() * b + red.red() * r + green.red() * g) / total),
                  int((blue.green() * b + red.green() * r + green.green() * g) / total),
                  int((blue.blue() * b + red.blue() * r + green.blue() * g) / total))
