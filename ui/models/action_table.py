"""Action items as a table, for a session's Actions tab, its follow-up list and the
practice-wide Actions page. Rows are ``services.actions.ActionRow``; each list picks its
columns by key, so the three lists read the same way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from coachdesk import dates
from coachdesk.services.actions import ActionRow

from ..plain import plain_tips
from ..theme import colour
from .rows import ID_ROLE, RowsTableModel

_ROLE = Qt.ItemDataRole

#: column key → header
TITLES = {
    "client": "Client",
    "text": "Action",
    "owner": "Owner",
    "due": "Due",
    "agreed": "Agreed on",
    "status": "Status",
}


def _day(d) -> str:
    return dates.short(d) if d else "—"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def status_text(a: ActionRow) -> str:
    text = a.status.capitalize()
    if a.status != "open" and a.status_changed_on:
        text += f" {dates.day_month(a.status_changed_on)}"
    return text


@plain_tips
class ActionTableModel(RowsTableModel):
    def __init__(self, columns: tuple[str, ...], titles: dict[str, str] | None = None,
                 parent=None):
        super().__init__(parent)
        self.columns = columns
        self.HEADERS = tuple({**TITLES, **(titles or {})}[c] for c in columns)
        self._rows: list[ActionRow] = []

    def column(self, key: str) -> int:
        return self.columns.index(key)

    def data(self, index, role=_ROLE.DisplayRole):
        if not index.isValid():
            return None
        a = self._rows[index.row()]
        key = self.columns[index.column()]
        if role == _ROLE.DisplayRole:
            if key == "client":
                return _one_line(a.client_name, 80)
            if key == "text":
                return _one_line(a.text)
            if key == "owner":
                return a.owner.capitalize()
            if key == "due":
                return _day(a.due_date) + ("  overdue" if a.overdue else "")
            if key == "agreed":
                return _day(a.session_date)
            if key == "status":
                return status_text(a)
        if role == _ROLE.ToolTipRole and key in ("text", "client"):
            return (a.text if key == "text" else a.client_name)[:2000]
        if role == _ROLE.ForegroundRole:
            if key == "due" and a.overdue:
                return colour("red")
            if a.status == "done" and key == "status":
                return colour("green")
            if a.status != "open":
                return colour("grey")
        if role == _ROLE.FontRole and a.status == "dropped" and key == "text":
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == ID_ROLE:
            return a.id
        return None
