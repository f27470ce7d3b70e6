"""One client's engagements, for the client page."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from coachdesk.models import Engagement

from ..theme import colour
from .client_table import STATUS_COLOURS

HEADERS = ["Kind", "Sponsor", "Period", "Agreed", "Used", "Fee", "Status"]


def _period(e: Engagement) -> str:
    start = e.start_date.strftime("%d %b %Y")
    return f"{start} – {e.end_date.strftime('%d %b %Y')}" if e.end_date else f"from {start}"


def _agreed(e: Engagement) -> str:
    parts = []
    if e.sessions_agreed:
        parts.append(f"{e.sessions_agreed} session{'s' if e.sessions_agreed != 1 else ''}")
    if e.hours_agreed:
        parts.append(f"{e.hours_agreed:g} h")
    return ", ".join(parts) or "—"


def _fee(e: Engagement) -> str:
    if e.pro_bono:
        return "Pro bono"
    if e.fee_cents is None:
        return "—"
    return f"{e.fee_cents / 100:,.2f} {e.currency}"


class EngagementTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Engagement] = []
        self._sponsors: dict[int, str] = {}
        self._usage: dict = {}

    def set_rows(self, rows: list[Engagement], sponsor_names: dict[int, str],
                 usage: dict | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        self._sponsors = sponsor_names
        self._usage = usage or {}
        self.endResetModel()

    def engagement(self, row: int) -> Engagement | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                e.kind.value.capitalize(),
                self._sponsors.get(e.sponsor_id, "—") if e.sponsor_id else "—",
                _period(e),
                _agreed(e),
                self._usage[e.id].label if e.id in self._usage else "",
                _fee(e),
                e.status.value.capitalize(),
            ][col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            return STATUS_COLOURS.get(e.status.value)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and e.id in self._usage \
                and self._usage[e.id].warning:
            return colour("red")
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.objectives[:1000] or None
        return None
