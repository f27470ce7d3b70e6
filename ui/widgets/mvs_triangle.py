"""The motivational value system as a picture: a triangle with people placed in it.

Blue (altruistic-nurturing) at the top, Red (assertive-directing) bottom left,
Green (analytic-autonomizing) bottom right, the Hub (flexible-cohering) as a
circle in the middle. Where a person sits comes from the engine
(``relationships.triangle_point``), so the picture and the region named in
words always agree.

Every text stays inside the widget and off every other: the margins come from the
font (the corner names above and below the triangle); each person's name goes where
it hits no point and no name already placed (right, left, above, below, the corners),
shortened with "…" only when no place holds it whole; the Hub's label then takes a
place round its circle clear of them all; hovering the name or the point gives it in full. ``arrangement()`` says
where everything goes, for the painting and for the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from coachdesk.services.relationships import triangle_point

from ..plain import as_plain
from ..theme import is_dark

CORNER_COLOURS = {"blue": ("#1f6fd1", "#6fa8ff"), "red": ("#c62828", "#ff8a80"),
                  "green": ("#2e7d32", "#81c784")}
CORNER_NAMES = {"blue": "Blue · nurturing", "red": "Red · directing", "green": "Green · analytic"}
EMPTY = "No motivational profile recorded yet."
PAD = 4  # px between a text and what it names


@dataclass
class PlacedPerson:
    label: str
    blue: float
    red: float
    green: float
    is_client: bool = False
    tip: str = ""


@dataclass
class Label:
    rect: QRectF
    text: str  # as drawn (may end in "…")
    person: PlacedPerson | None = None


@dataclass
class TriangleLayout:
    top: QPointF
    left: QPointF
    right: QPointF
    centre: QPointF
    hub_radius: float
    hub_label: QRectF | None  # None: no room for it clear of the people
    corners: dict[str, Label] = field(default_factory=dict)
    points: list[tuple[QPointF, PlacedPerson, float]] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


class MvsTriangle(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.people: list[PlacedPerson] = []
        self.setMouseTracking(True)
        self.setMinimumSize(240, 180)  # a laptop's 640 px: the triangle gives way first
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._spots: list[tuple[QPointF, PlacedPerson]] = []
        self._labels: list[Label] = []

    def set_people(self, people: list[PlacedPerson]) -> None:
        self.people = list(people)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 320)

    def _colour(self, key: str) -> QColor:
        light, dark = CORNER_COLOURS[key]
        return QColor(dark if is_dark() else light)

    def _bold(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    # -- where everything goes ---------------------------------------------------------

    def arrangement(self) -> TriangleLayout:
        """The triangle, the Hub, the corner names and every person's point and name."""
        fm, fb = QFontMetrics(self.font()), QFontMetrics(self._bold())
        bounds = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        above = below = fb.height() + PAD + 2
        side_margin = fb.height()
        side = min(self.width() - 2 * side_margin,
                   (self.height() - above - below) / (math.sqrt(3) / 2))
        side = max(side, 40.0)
        height = side * math.sqrt(3) / 2
        ox = (self.width() - side) / 2
        oy = above + max((self.height() - above - below - height) / 2, 0.0)

        def to_screen(x: float, y_down: float) -> QPointF:
            return QPointF(ox + x * side, oy + y_down * side)

        top, left, right = to_screen(0.5, 0), to_screen(0, math.sqrt(3) / 2), to_screen(1, math.sqrt(3) / 2)
        centre = to_screen(*triangle_point(1, 1, 1, y_down=True))
        hub_r = side * 0.11

        def clamp(rect: QRectF) -> QRectF:
            x = min(max(rect.x(), bounds.left()), bounds.right() - rect.width())
            y = min(max(rect.y(), bounds.top()), bounds.bottom() - rect.height())
            return QRectF(max(x, bounds.left()), max(y, bounds.top()),
                          min(rect.width(), bounds.width()), rect.height())

        corners = {}
        for key, at, dy in (("blue", top, -PAD - fb.height()), ("red", left, PAD),
                            ("green", right, PAD)):
            name = CORNER_NAMES[key]
            w = fb.horizontalAdvance(name) + 4
            rect = clamp(QRectF(at.x() - w / 2, at.y() + dy, w, fb.height()))
            corners[key] = Label(rect, elided(fb, name, rect.width() - 2))

        # The points: the client's last, so that it is drawn on top.
        points = []
        for person in sorted(self.people, key=lambda p: p.is_client):
            try:
                x, y = triangle_point(person.blue, person.red, person.green, y_down=True)
            except ValueError:
                continue
            points.append((to_screen(x, y), person, 7.0 if person.is_client else 5.0))
        dots = [QRectF(at.x() - r - 1, at.y() - r - 1, 2 * r + 2, 2 * r + 2) for at, _p, r in points]

        # The people's names first (the client's first of all): they matter most.
        placed = TriangleLayout(top, left, right, centre, hub_r, None, corners, points)
        obstacles = [*dots, *(c.rect for c in corners.values())]
        for at, person, r in sorted(points, key=lambda item: not item[1].is_client):
            label = self._place_name(person, at, r, fb if person.is_client else fm, bounds,
                                     obstacles)
            obstacles.append(label.rect)
            placed.labels.append(label)
        # The Hub's label: above its circle, or wherever no point or name sits (none if the
        # middle is that crowded: the dashed circle still shows where the Hub is).
        hw, hh = fm.horizontalAdvance("Hub") + 4, fm.height()
        d = hub_r * 0.7
        places = [QRectF(centre.x() - hw / 2, centre.y() - hub_r - hh - 1, hw, hh),
                  QRectF(centre.x() - hw / 2, centre.y() + hub_r + 1, hw, hh),
                  QRectF(centre.x() - hub_r - hw - 2, centre.y() - hh / 2, hw, hh),
                  QRectF(centre.x() + hub_r + 2, centre.y() - hh / 2, hw, hh),
                  QRectF(centre.x() - hw / 2, centre.y() - hh / 2, hw, hh),
                  QRectF(centre.x() - d - hw, centre.y() - d - hh, hw, hh),
                  QRectF(centre.x() + d, centre.y() - d - hh, hw, hh),
                  QRectF(centre.x() - d - hw, centre.y() + d, hw, hh),
                  QRectF(centre.x() + d, centre.y() + d, hw, hh)]
        placed.hub_label = next((c for c in places if bounds.contains(c)
                                 and not any(c.intersects(o) for o in obstacles)), None)
        return placed

    @staticmethod
    def _place_name(person: PlacedPerson, at: QPointF, r: float, fm: QFontMetrics,
                    bounds: QRectF, obstacles: list[QRectF]) -> Label:
        text = " ".join(person.label.split()) or "?"
        h = fm.height()
        widest = bounds.width() * 0.6

        def places(w: float) -> list[QRectF]:
            return [QRectF(at.x() + r + 3, at.y() - h / 2, w, h),
                    QRectF(at.x() - r - 3 - w, at.y() - h / 2, w, h),
                    QRectF(at.x() - w / 2, at.y() - r - 1 - h, w, h),
                    QRectF(at.x() - w / 2, at.y() + r + 1, w, h),
                    QRectF(at.x() + r, at.y() - r - h + 2, w, h),
                    QRectF(at.x() + r, at.y() + r - 2, w, h),
                    QRectF(at.x() - r - w, at.y() - r - h + 2, w, h),
                    QRectF(at.x() - r - w, at.y() + r - 2, w, h)]

        def shown(width: float) -> str:
            return elided(fm, text, width - 4)

        full = min(fm.horizontalAdvance(text) + 4, widest)
        # 1. The whole name (or as much as 60% of the width holds), where it hits nothing.
        for rect in places(full):
            if bounds.contains(rect) and not any(rect.intersects(o) for o in obstacles):
                return Label(rect, shown(rect.width()), person)
        # 2. Shortened to the room inside the widget on that side.
        least = fm.horizontalAdvance(text[:3] + "…") + 4
        clipped = []
        for rect in places(full):
            inside = rect.intersected(bounds)
            if inside.height() < h - 0.5:
                continue
            clipped.append(inside)
            if inside.width() >= least and not any(inside.intersects(o) for o in obstacles):
                return Label(inside, shown(inside.width()), person)
        # 3. Crowded: the place where it covers the least of the others.
        def overlap(rect: QRectF) -> float:
            return sum(rect.intersected(o).width() * rect.intersected(o).height()
                       for o in obstacles if rect.intersects(o))
        rect = min(clipped or [places(full)[0].intersected(bounds)], key=overlap)
        return Label(rect, shown(rect.width()), person)

    # -- painting ---------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        base = pal.color(QPalette.ColorRole.Base)
        painter.fillRect(self.rect(), base)
        placed = self.arrangement()
        outline = QColor(text)
        outline.setAlpha(120)
        painter.setPen(QPen(outline, 1.5))
        tint = QColor(text)
        tint.setAlpha(12)
        painter.setBrush(tint)
        painter.drawPolygon(QPolygonF([placed.top, placed.left, placed.right]))
        # The Hub: around the centre.
        painter.setPen(QPen(outline, 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(placed.centre, placed.hub_radius, placed.hub_radius)
        painter.setPen(outline)
        if placed.hub_label is not None:
            painter.drawText(placed.hub_label, Qt.AlignmentFlag.AlignCenter, "Hub")
        painter.setFont(self._bold())
        for key, label in placed.corners.items():
            painter.setPen(self._colour(key))
            painter.drawText(label.rect, Qt.AlignmentFlag.AlignCenter, label.text)
        painter.setFont(self.font())

        # People: the dots, then their names on a veil of the background.
        self._spots = []
        for at, person, r in placed.points:
            colour = _blend(self._colour("blue"), self._colour("red"), self._colour("green"),
                            person.blue, person.red, person.green)
            painter.setPen(QPen(text, 2 if person.is_client else 1))
            painter.setBrush(colour)
            if person.is_client:
                painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
            else:
                painter.drawEllipse(at, r, r)
            self._spots.append((at, person))
        veil = QColor(base)
        veil.setAlpha(170)
        for label in placed.labels:
            painter.fillRect(label.rect, veil)
            painter.setFont(self._bold() if label.person.is_client else self.font())
            painter.setPen(text)
            painter.drawText(label.rect, Qt.AlignmentFlag.AlignCenter, label.text)
        self._labels = placed.labels
        painter.setFont(self.font())
        if not self.people:
            painter.setPen(outline)
            below_hub = placed.centre.y() + placed.hub_radius + PAD
            room = QRectF(placed.left.x() + PAD, below_hub, placed.right.x() - placed.left.x() - 2 * PAD,
                          placed.left.y() - below_hub - 2)
            painter.drawText(room, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, EMPTY)
        painter.end()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        for at, person in self._spots:
            if (at.x() - pos.x()) ** 2 + (at.y() - pos.y()) ** 2 <= 81:
                QToolTip.showText(event.globalPosition().toPoint(),
                                  as_plain(person.tip or person.label), self)
                return
        for label in self._labels:  # a name, perhaps shortened: the person in full
            if label.rect.contains(pos):
                tip = label.person.tip or label.person.label
                QToolTip.showText(event.globalPosition().toPoint(), as_plain(tip), self)
                return
        QToolTip.hideText()


def elided(fm: QFontMetrics, text: str, width: float) -> str:
    """``text`` whole if it fits ``width``, else shortened with "…" (Qt's own elision
    shortens a text that fits exactly)."""
    if fm.horizontalAdvance(text) <= width:
        return text
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, max(int(width), 0))


def _blend(blue: QColor, red: QColor, green: QColor, b: float, r: float, g: float) -> QColor:
    total = (b + r + g) or 1
    return QColor(int((blue.red() * b + red.red() * r + green.red() * g) / total),
                  int((blue.green() * b + red.green() * r + green.green() * g) / total),
                  int((blue.blue() * b + red.blue() * r + green.blue() * g) / total))
