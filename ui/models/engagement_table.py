"""One client's engagements, for the client page.

The cells are short so the seven columns fit a 1024-px laptop without sideways
scrolling ("Aug 2026 – May 2027", "6 of 10 · 8.25 of 15 h"); every cell's
tooltip holds its full wording (exact dates, sessions used, hours delivered,
sessions planned, a warning) and the engagement's objectives.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from coachdesk import dates
from coachdesk.hours import hours_short, hours_text
from coachdesk.models import Engagement

from ..plain import plain_tips
from ..theme import colour
from .client_table import STATUS_COLOURS
from .rows import RowsTableModel
from .tips import full_text_tip

HEADERS = ["Kind", "Sponsor", "Period", "Agreed", "Used", "Fee", "Status"]
HEADER_TIPS = ["Coaching or mentoring", "Who pays for the engagement and receives its reports",
               "From the start date to the end date", "Sessions and hours agreed with the sponsor",
               "Sessions used (held, late cancellations, no-shows) and hours delivered, of "
               "what was agreed", "The fee agreed", "Planned, active, completed or cancelled"]
SPONSOR_COL, USED_COL, STATUS_COL = 1, 4, 6
SPONSOR_CHARS = 24  # a longer name is shortened in its cell (whole in the tooltip)


def _day(d) -> str:
    return dates.short(d)


def _period(e: Engagement) -> tuple[str, str]:
    if e.end_date:
        return (f"{dates.month_year(e.start_date)} – {dates.month_year(e.end_date)}",
                f"{_day(e.start_date)} – {_day(e.end_date)}")
    return f"from {dates.month_year(e.start_date)}", f"from {_day(e.start_date)}"


def _agreed(e: Engagement) -> str:
    parts = []
    if e.sessions_agreed:
        parts.append(f"{e.sessions_agreed} session{'s' if e.sessions_agreed != 1 else ''}")
    if e.hours_agreed:
        parts.append(hours_short(e.hours_agreed))
    return ", ".join(parts) or "—"


def _used(usage) -> tuple[str, str]:
    """("6 of 10 · 8.25 of 15 h", "6 of 10 sessions used, 8.25 of 15 h delivered, 1 planned")."""
    if usage is None:
        return "", ""
    parts = [f"{usage.sessions_used} of {usage.sessions_agreed}" if usage.sessions_agreed
             else f"{usage.sessions_used} session{'s' if usage.sessions_used != 1 else ''}"]
    if usage.hours_agreed:
        parts.append(f"{hours_text(usage.hours_delivered)} of {hours_short(usage.hours_agreed)}")
    full = usage.label + (f"\n⚠ {usage.warning}" if usage.warning else "")
    return " · ".join(parts), full


def _fee(e: Engagement) -> str:
    if e.pro_bono:
        return "Pro bono"
    if e.fee_cents is None:
        return "—"
    amount = f"{e.fee_cents / 100:,.0f}" if e.fee_cents % 100 == 0 else f"{e.fee_cents / 100:,.2f}"
    return f"{amount} {e.currency}"


@plain_tips
class EngagementTableModel(RowsTableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Engagement] = []
        self._sponsors: dict[int, str] = {}
        self._usage: dict = {}

    def set_rows(self, rows: list[Engagement], sponsor_names: dict[int, str] | None = None,
                 usage: dict | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._sponsors = sponsor_names or {}
        self._usage = usage or {}
        self.endResetModel()

    def engagement(self, row: int) -> Engagement | None:
        return self.row_at(row)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return super().headerData(section, orientation, role)

    def _cells(self, e: Engagement) -> list[tuple[str, str]]:
        """Per column: (what the cell shows, its full wording)."""
        sponsor = self._sponsors.get(e.sponsor_id, "—") if e.sponsor_id else "—"
        short_sponsor = sponsor if len(sponsor) <= SPONSOR_CHARS else \
            sponsor[:SPONSOR_CHARS - 1].rstrip() + "…"
        agreed, fee = _agreed(e), _fee(e)
        kind, status = e.kind.value.capitalize(), e.status.value.capitalize()
        return [(kind, kind), (short_sponsor, sponsor), _period(e), (agreed, agreed),
                _used(self._usage.get(e.id)), (fee, fee), (status, status)]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(e)[col][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            full = self._cells(e)[col][1]
            objectives = (e.objectives or "").strip()
            return full_text_tip(f"{full}\n\nObjectives: {objectives}" if objectives else full)
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS_COL:
            return STATUS_COLOURS.get(e.status.value)
        if role == Qt.ItemDataRole.ForegroundRole and col == USED_COL and e.id in self._usage \
                and self._usage[e.id].warning:
            return colour("red")
        return None
