"""Tables for the Indicators tab: a client's readings, and the latest value of each indicator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from coachdesk import dates
from coachdesk.models import Indicator, IndicatorReading
from coachdesk.services.indicators import SOURCE_LABELS, LatestValue, fmt

from ..plain import plain_tips
from ..theme import colour
from .rows import RowsTableModel

ID_ROLE = Qt.ItemDataRole.UserRole + 1
INDICATOR_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

PRIVATE_MARK = "🔒"


def value_on_scale(value: float, low: int, high: int) -> str:
    """'4 / 10' on the usual scales that start at 0 or 1; '4 on -5 to 5' otherwise."""
    if low in (0, 1):
        return f"{fmt(value)} / {high}"
    return f"{fmt(value)} on {low} to {high}"


def source_label(source) -> str:
    return SOURCE_LABELS.get(source, str(getattr(source, "value", source)))


SHORT_SOURCES = {"coach_observation": "Coach", "self_rating": "Self-rating", "sponsor": "Sponsor",
                 "feedback_360": "360"}


def short_source(source) -> str:
    return SHORT_SOURCES.get(getattr(source, "value", source), source_label(source))


def day_label(day: date) -> str:
    return dates.short(day)


@plain_tips
class ReadingsTableModel(RowsTableModel):
    """A client's readings, newest first; the private comment is marked as private."""

    HEADERS = ["Date", "Indicator", "Value", "Source", "Engagement", f"{PRIVATE_MARK} Private comment"]
    COMMENT = 5

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[IndicatorReading] = []
        self._indicators: dict[int, Indicator] = {}
        self._engagements: dict[int, str] = {}

    def set_rows(self, rows: list[IndicatorReading], indicators: dict[int, Indicator],
                 engagement_labels: dict[int, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._indicators = indicators
        self._engagements = engagement_labels
        self.endResetModel()

    def reading(self, row: int) -> IndicatorReading | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.COMMENT:
            return (f"{self.HEADERS[self.COMMENT]}: your own note about the rating; it never "
                    "appears in a report.")
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        ind = self._indicators.get(r.indicator_id)
        if role == ID_ROLE:
            return r.id
        if role == INDICATOR_ROLE:
            return r.indicator_id
        if role == SORT_ROLE:
            return [r.reading_date.toordinal(), ind.position if ind else 0, float(r.value),
                    source_label(r.source), self._engagements.get(r.engagement_id, ""),
                    r.private_comment.casefold()][col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return day_label(r.reading_date)
            if col == 1:
                return ind.name if ind else "?"
            if col == 2:
                return value_on_scale(r.value, ind.scale_min, ind.scale_max) if ind else fmt(r.value)
            if col == 3:
                return source_label(r.source)
            if col == 4:
                return self._engagements.get(r.engagement_id, "—") if r.engagement_id else "—"
            if col == self.COMMENT:
                text = " ".join(r.private_comment.split())
                if len(text) > 160:
                    text = text[:160] + "…"
                return f"{PRIVATE_MARK} {text}" if text else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            # Each text in full, for when its column is too narrow to show all of it.
            if col == self.COMMENT and r.private_comment:
                return f"Private (never in a report):\n{r.private_comment[:2000]}"
            if col == 1 and ind is not None:
                return f"{ind.name}\n{ind.description}" if ind.description else ind.name
            if col == 3:
                return source_label(r.source)
            if col == 4 and r.engagement_id:
                return self._engagements.get(r.engagement_id)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COMMENT:
            return colour("amber")
        return None


class ReadingsFilter(QSortFilterProxyModel):
    """Shows the readings of the indicators the coach chose to see."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hidden: set[int] = set()
        self.setSortRole(SORT_ROLE)

    def set_hidden(self, indicator_ids: set[int]) -> None:
        self.beginFilterChange()
        self._hidden = set(indicator_ids)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        return index.data(INDICATOR_ROLE) not in self._hidden


@dataclass
class Change:
    arrow: str
    text: str
    better: bool | None  # None: unchanged or first reading


def describe_change(latest: LatestValue) -> Change:
    """The change since the previous reading, with the arrow pointing up when it is better."""
    if latest.previous_value is None:
        return Change("", "first reading", None)
    delta = latest.value - latest.previous_value
    if delta == 0:
        return Change("=", "unchanged", None)
    better = (delta > 0) == latest.higher_is_better
    arrow = "▲" if better else "▼"
    return Change(arrow, f"{fmt(latest.previous_value)} → {fmt(latest.value)}", better)


@plain_tips
class LatestValuesModel(RowsTableModel):
    """The latest value of each indicator rated, with the change since the reading before.

    It doubles as the chart's legend when ``legend`` is set (indicator id -> the line's
    colour, whether it is shown, whether it is dashed): each name then has its line's
    colour and a check box that shows or hides the line (``toggled``).
    """

    HEADERS = ["Indicator", "Latest", "Change", "Date", "Source"]
    toggled = Signal(int, bool)  # indicator id, shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[LatestValue] = []
        self._descriptions: dict[int, str] = {}
        self.legend: Callable[[int], tuple[QColor, bool, bool] | None] | None = None

    def refresh_legend(self) -> None:
        """The lines shown or their colours changed: repaint the names' check boxes and swatches."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DecorationRole])

    def _legend_of(self, lv: LatestValue):
        return self.legend(lv.indicator_id) if self.legend is not None else None

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and self._legend_of(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        shown = Qt.CheckState(value) == Qt.CheckState.Checked
        self.toggled.emit(self._rows[index.row()].indicator_id, shown)
        return True

    def set_rows(self, rows: list[LatestValue], descriptions: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._descriptions = descriptions or {}
        self.endResetModel()

    def latest(self, row: int) -> LatestValue | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        lv = self._rows[index.row()]
        col = index.column()
        if role == INDICATOR_ROLE:
            return lv.indicator_id
        if col == 0 and role in (Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DecorationRole):
            legend = self._legend_of(lv)
            if legend is None:
                return None
            line, shown, dashed = legend
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
            return swatch(line, dashed)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return lv.name
            if col == 1:
                return value_on_scale(lv.value, lv.scale_min, lv.scale_max)
            if col == 2:
                change = describe_change(lv)
                return f"{change.arrow} {change.text}".strip()
            if col == 3:
                return day_label(lv.reading_date)
            if col == 4:
                return short_source(lv.source)
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            better = describe_change(lv).better
            if better is not None:
                return colour("green" if better else "red")
            return colour("grey")
        if role == Qt.ItemDataRole.ToolTipRole:
            direction = "higher is better" if lv.higher_is_better else "lower is better"
            rated = (f"{value_on_scale(lv.value, lv.scale_min, lv.scale_max)} on "
                     f"{day_label(lv.reading_date)}, {source_label(lv.source)[0].lower()}"
                     f"{source_label(lv.source)[1:]}")
            if col in (1, 3, 4):  # the date and source columns give way when narrow
                return f"{lv.name}: {rated}"
            if col == 2 and lv.previous_value is not None:
                change = describe_change(lv)
                word = {True: "Better", False: "Worse", None: "Unchanged"}[change.better]
                return (f"{word}: {lv.name} went from {fmt(lv.previous_value)} on "
                        f"{day_label(lv.previous_date)} to {fmt(lv.value)} on "
                        f"{day_label(lv.reading_date)} ({direction}).")
            if col == 0:
                desc = self._descriptions.get(lv.indicator_id, "")
                return f"{lv.name} ({lv.scale_min} to {lv.scale_max}, {direction})\n" \
                       f"Latest: {rated}" + (f"\n{desc}" if desc else "")
        if role == Qt.ItemDataRole.AccessibleTextRole and col == 2:
            change = describe_change(lv)
            word = {True: "better", False: "worse", None: ""}[change.better]
            return f"{word} {change.text}".strip()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


_SWATCHES: dict[tuple[str, bool], QPixmap] = {}


def swatch(colour: QColor, dashed: bool = False) -> QPixmap:
    """A short thick line in the chart line's colour (dashed for a retired indicator)."""
    key = (colour.name(), dashed)
    if key not in _SWATCHES:
        pixmap = QPixmap(16, 10)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        pen = QPen(colour, 3)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(1, 5), QPointF(15, 5))
        painter.end()
        _SWATCHES[key] = pixmap
    return _SWATCHES[key]


def latest_from_readings(readings: list[IndicatorReading],
                         library: list[Indicator]) -> list[LatestValue]:
    """The latest two readings per indicator from a newest-first list (the engagement
    filter applies to these too), in the library's order."""
    pairs: dict[int, list[IndicatorReading]] = {}
    for r in readings:
        pair = pairs.setdefault(r.indicator_id, [])
        if len(pair) < 2:
            pair.append(r)
    out = []
    for ind in library:
        pair = pairs.get(ind.id)
        if not pair:
            continue
        now = pair[0]
        before = pair[1] if len(pair) > 1 else None
        out.append(LatestValue(ind.id, ind.name, ind.scale_min, ind.scale_max,
                               ind.higher_is_better, now.value, now.reading_date, now.source,
                               before.value if before else None,
                               before.reading_date if before else None))
    return out
