"""The dashboard's tables: who needs attention (one row per assessment, the last session
looked up only for the rows on screen) and the side tables' plain rows of text."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from coachdesk.services import risk
from coachdesk.services.practice import LastHeld, day_text

from ..models.rows import RowsTableModel
from ..plain import plain_tips
from ..theme import colour

#: what each signal is called and coloured (``risk.Assessment.signal``)
SIGNAL_WORDS = {"green": "On track", "amber": "Watch", "red": "Needs attention",
                risk.NO_DATA: "No data yet"}
SIGNAL_COLOURS = {"green": "green", "amber": "orange", "red": "red", risk.NO_DATA: "grey"}


# -- the attention table -------------------------------------------------------------------


@plain_tips
class AttentionModel(RowsTableModel):
    HEADERS = ("Client", "Signal", "Why", "Last session")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[risk.Assessment] = []
        self._last: LastHeld | None = None
        self._today = date.today()

    def set_rows(self, rows: list[risk.Assessment], last: LastHeld, today: date) -> None:
        self.beginResetModel()
        self._rows, self._last, self._today = rows, last, today
        self.endResetModel()

    def assessment(self, row: int) -> risk.Assessment | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, client_id: int) -> int:
        return next((i for i, a in enumerate(self._rows) if a.client_id == client_id), -1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        a = self.assessment(index.row())
        if a is None:
            return None
        col = index.column()
        level = a.signal
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return a.client_name
            if col == 1:
                return f"● {SIGNAL_WORDS[level]}"
            if col == 2:
                texts = a.explanation
                first = texts[0] if texts else ""
                more = len(texts) - 1
                return f"{first}  (+{more} more)" if more > 0 else first
            if col == 3:
                last = self._last.get(a.client_id) if self._last else None
                if last is None:
                    return "none held yet"
                ago = (self._today - last).days
                return "today" if ago == 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
        elif role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return colour(SIGNAL_COLOURS[level])
        elif role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return a.client_name
        elif role == Qt.ItemDataRole.ToolTipRole and col in (1, 2):
            return "\n".join(f"• {t}" for t in a.explanation)
        elif role == Qt.ItemDataRole.ToolTipRole and col == 3:
            last = self._last.get(a.client_id) if self._last else None
            return f"Last session held on {day_text(last)}" if last else "No session held yet"
        elif role == Qt.ItemDataRole.TextAlignmentRole and col != 2:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.UserRole:
            return a.client_id
        elif role == Qt.ItemDataRole.AccessibleTextRole and col == 1:
            return SIGNAL_WORDS[level]
        return None


@plain_tips
class RowsModel(RowsTableModel):
    """Read-only rows of text; ``colours`` maps (row, column) to a theme colour name."""

    def __init__(self, headers: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.HEADERS = headers
        self._rows: list[tuple[str, ...]] = []
        self._colours: dict[tuple[int, int], str] = {}

    def set_rows(self, rows: list[tuple[str, ...]], colours: dict | None = None) -> None:
        self.beginResetModel()
        self._rows, self._colours = rows, colours or {}
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        r, c = index.row(), index.column()
        if not 0 <= r < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[r][c]
        if role == Qt.ItemDataRole.ForegroundRole and (r, c) in self._colours:
            return colour(self._colours[(r, c)])
        return None
