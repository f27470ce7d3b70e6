"""An engagement's goals with where each stands, for the client's Goals tab."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from coachdesk import dates
from coachdesk.services.goals import LEVEL_LABELS, GoalProgress, level_label

from ..plain import plain_tips
from ..theme import colour

HEADERS = ["Goal", "Weight", "Importance", "Baseline", "Now", "What “now” looks like",
           "Last rated"]
COL_TITLE, COL_WEIGHT, COL_IMPORTANCE, COL_BASELINE, COL_NOW, COL_LOOKS, COL_LAST = range(7)

SHORT_LEVELS = {-2: "Much less", -1: "Somewhat less", 0: "Expected", 1: "Somewhat more",
                2: "Much more"}


def short_level(level: int) -> str:
    """'+1 Somewhat more', '0 Expected', '-2 Much less'."""
    return f"{level:+d} {SHORT_LEVELS[level]}" if level else f"0 {SHORT_LEVELS[0]}"


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


@plain_tips
class GoalsTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[GoalProgress] = []

    def set_rows(self, rows: list[GoalProgress]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def goal(self, row: int) -> GoalProgress | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, goal_id: int | None) -> int:
        for row, g in enumerate(self._rows):
            if g.goal_id == goal_id:
                return row
        return -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        g = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TITLE:
                return _one_line(g.title)
            if col == COL_WEIGHT:
                return f"{g.weight:g}"
            if col == COL_IMPORTANCE:
                return "—" if g.importance is None else f"{g.importance} of 5"
            if col == COL_BASELINE:
                return short_level(g.baseline_level)
            if col == COL_NOW:
                return short_level(g.current_level) + ("" if g.ratings else " (baseline)")
            if col == COL_LOOKS:
                return _one_line(g.current_description) or "— not described —"
            if col == COL_LAST:
                return dates.short(g.last_rated) if g.last_rated else "Not rated yet"
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TITLE:
                return g.title[:2000]
            if col in (COL_BASELINE, COL_NOW):
                level = g.baseline_level if col == COL_BASELINE else g.current_level
                return level_label(level)
            if col == COL_LOOKS:
                return (g.current_description[:2000] or
                        f"No description written for {level_label(g.current_level)}.")
            if col == COL_LAST:
                return f"{g.ratings} rating{'s' if g.ratings != 1 else ''}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_NOW and g.ratings:
                if g.current_level > g.baseline_level:
                    return colour("green")
                if g.current_level < g.baseline_level:
                    return colour("red")
            if (col == COL_LOOKS and not g.current_description) or (col == COL_LAST and not g.ratings):
                return colour("grey")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_WEIGHT, COL_IMPORTANCE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == COL_NOW:
            return f"{LEVEL_LABELS[g.current_level]}, level {g.current_level:+d}"
        return None
