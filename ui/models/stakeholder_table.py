"""The client's stakeholder map and blocking patterns as Qt table models."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from coachdesk.models import BlockingPattern, RelationshipTrend, Stakeholder
from coachdesk.services.relationships import RELATION_LABELS, TREND_LABELS, stakeholder_mvs
from coachdesk.services.validation import fold

from ..plain import plain_tips
from ..theme import colour

#: The value a column sorts by (numbers sort as numbers, names without accents).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

TREND_ARROWS = {RelationshipTrend.improving: "↑", RelationshipTrend.steady: "→",
                RelationshipTrend.worsening: "↓"}
TREND_COLOURS = {RelationshipTrend.improving: "green", RelationshipTrend.steady: "grey",
                 RelationshipTrend.worsening: "red"}
QUALITY_WORDS = {1: "very poor", 2: "strained", 3: "workable", 4: "good", 5: "excellent"}
INFLUENCE_WORDS = {1: "little", 2: "some", 3: "moderate", 4: "strong", 5: "decisive"}

NAME, ROLE, RELATION, INFLUENCE, QUALITY, NOTES = range(6)
HEADERS = ["Name", "Role", "Relation", "Influence", "Relationship", "Notes"]
HEADER_TIPS = [
    None, None, None,
    "Influence on the client's goals, 1 (little) to 5 (decisive)",
    "Quality of the relationship now, 1 (very poor) to 5 (excellent), and where it is heading",
    "The first line of your notes; the whole note in the tooltip",
]


def first_line(text: str, limit: int = 120) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _dots(n: int) -> str:
    return "●" * n + "○" * (5 - n)


@plain_tips
class StakeholderTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Stakeholder] = []

    def set_rows(self, rows: list[Stakeholder]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Stakeholder]:
        return list(self._rows)

    def stakeholder(self, row: int) -> Stakeholder | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        mvs = stakeholder_mvs(s)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME:
                return s.name
            if col == ROLE:
                return s.role
            if col == RELATION:
                return RELATION_LABELS.get(s.relation, str(s.relation))
            if col == INFLUENCE:
                return _dots(s.influence)
            if col == QUALITY:
                return f"{s.relationship_quality} {TREND_ARROWS[s.trend]} " \
                       f"{QUALITY_WORDS.get(s.relationship_quality, '')}"
            if col == NOTES:
                return first_line(s.notes)
        if role == SORT_ROLE:
            return [fold(s.name), fold(s.role), RELATION_LABELS.get(s.relation, ""), s.influence,
                    s.relationship_quality, fold(s.notes)][col]
        if role == Qt.ItemDataRole.ForegroundRole and col == QUALITY:
            return colour(TREND_COLOURS[s.trend])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == INFLUENCE:
                return f"Influence on the client's goals: {s.influence} of 5 " \
                       f"({INFLUENCE_WORDS.get(s.influence, '')})"
            if col == QUALITY:
                return f"Relationship {s.relationship_quality} of 5 " \
                       f"({QUALITY_WORDS.get(s.relationship_quality, '')}), " \
                       f"{TREND_LABELS[s.trend].lower()}"
            if col == NOTES and s.notes.strip():
                return s.notes[:1000]
            if col == NAME:  # all of the row: on a laptop the relation and notes give way
                relation = RELATION_LABELS.get(s.relation, str(s.relation))
                motivation = f"\nMotivation: {mvs.region.value} (Blue {mvs.blue:g} · " \
                             f"Red {mvs.red:g} · Green {mvs.green:g})" if mvs else ""
                notes = f"\n{first_line(s.notes, 300)}" if s.notes.strip() else ""
                return f"{s.name} ({relation})" + motivation + notes
            if col == ROLE:
                return s.role or None
            if col == RELATION:
                return RELATION_LABELS.get(s.relation, str(s.relation))
        if role == Qt.ItemDataRole.AccessibleTextRole and col == INFLUENCE:
            return f"{s.influence} of 5"
        if role == Qt.ItemDataRole.AccessibleTextRole and col == QUALITY:
            return f"{s.relationship_quality} of 5, {TREND_LABELS[s.trend].lower()}"
        return None


class StakeholderSortModel(QSortFilterProxyModel):
    """Click a header to sort; influence (most first) is the default."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a == b:  # ties: by name, so the order is stable
            return (left.siblingAtColumn(NAME).data(SORT_ROLE) or "") < \
                   (right.siblingAtColumn(NAME).data(SORT_ROLE) or "")
        return a < b


PATTERN_HEADERS = ["Pattern", "When it shows", "What it costs"]


@plain_tips
class PatternTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[BlockingPattern] = []

    def set_rows(self, rows: list[BlockingPattern]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[BlockingPattern]:
        return list(self._rows)

    def pattern(self, row: int) -> BlockingPattern | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, pattern_id: int) -> int:
        return next((i for i, p in enumerate(self._rows) if p.id == pattern_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(PATTERN_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return PATTERN_HEADERS[section]
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        text = [p.pattern, p.when_it_shows, p.what_it_costs][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text[:300] + ("…" if len(text) > 300 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return text[:1000] or None
        return None
