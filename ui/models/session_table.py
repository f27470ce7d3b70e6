"""Tables of sessions: one client's, or the practice's upcoming/recent lists.

A cell too narrow for its text is shortened by the view ("We worked on…"): its
tooltip holds the full text (a session's whole shareable summary, a long name).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from coachdesk import dates
from coachdesk.models import SessionFormat, SessionStatus
from coachdesk.services.sessions import FORMAT_LABELS, STATUS_LABELS

from ..plain import plain_tips
from .client_table import STATUS_COLOURS
from .tips import full_text_tip

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _fmt_when(d, t) -> str:
    text = dates.short_weekday(d)
    return f"{text}, {dates.clock(t)}" if t else text


@plain_tips
class SessionTableModel(QAbstractTableModel):
    """Rows are CoachingSession objects or SessionRow records (duck-typed)."""

    def __init__(self, with_client: bool = False, parent=None):
        super().__init__(parent)
        self.with_client = with_client
        self.headers = (["Client"] if with_client else []) + ["When", "Length", "Format",
                                                               "Status", "Notes"]
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = self.headers[index.column()]
        status = r.status.value if hasattr(r.status, "value") else r.status
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "Client":
                return r.client_name
            if column == "When":
                return _fmt_when(r.session_date, r.start_time)
            if column == "Length":
                return f"{r.duration_minutes} min"
            if column == "Format":
                return FORMAT_LABELS[SessionFormat(r.format)]
            if column == "Status":
                return STATUS_LABELS[SessionStatus(status)]
            if column == "Notes":
                summary = getattr(r, "shared_summary", None)
                if summary:  # the client page: the start of the shareable summary
                    first = summary.strip().splitlines()[0] if summary.strip() else ""
                    return first if len(first) <= 140 else first[:139] + "…"
                has = getattr(r, "has_notes", None)
                if has is None:
                    if r.private_notes:
                        return "🔒 private notes only"
                    has = False
                return "✓" if has else ("missing" if status == "held" else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "Notes" and getattr(r, "shared_summary", None):
                return full_text_tip(r.shared_summary)
            if column == "Notes" and getattr(r, "has_notes", None) is None and r.private_notes:
                return "🔒 private notes only: nothing to share with the sponsor yet"
            if column == "Client":
                return full_text_tip(r.client_name)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == "Status":
            return STATUS_COLOURS.get(status) if status in ("held", "planned") else None
        if role == ID_ROLE:
            return r.id
        return None
