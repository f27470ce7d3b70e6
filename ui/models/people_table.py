"""The People page's tables: sponsors and organizations, with a filter proxy.

Rows come from ``services.sponsors.list_rows`` / ``services.organizations.list_rows``
(one query each, counts included). The proxy filters on the rows' pre-folded
``search_text`` (accents and case ignored) and can show likely duplicates only;
it sorts on ``SORT_ROLE``: folded text, or numbers for the counts.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from coachdesk.services.duplicates import name_key
from coachdesk.services.validation import fold

from ..plain import plain_tips
from ..theme import colour
from .rows import RowsTableModel

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

DUPLICATE_HEADER = "Duplicate?"
DUPLICATE_TEXT = "Likely"


def _one_line(value: str) -> str:
    """A cell shows one line, whatever was pasted into the field."""
    if len(value) < 200 and "\n" not in value:
        return value
    return " ".join(value.split())[:200] + "…"


@plain_tips
class PeopleTableModel(RowsTableModel):
    """Rows of a People list. ``COLUMNS``: (header, row attribute); counts are ints."""

    COLUMNS: tuple[tuple[str, str], ...] = ()
    NOUN = "record"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows = []
        self._names: dict[int, str] = {}

    @property
    def HEADERS(self):  # noqa: N802 (RowsTableModel's name)
        return [header for header, _attr in self.COLUMNS] + [DUPLICATE_HEADER]

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._names = {r.id: r.name for r in self._rows}
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def row_of(self, record_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), -1)

    def twins_text(self, r) -> str:
        names = [self._names.get(i, "") for i in r.duplicates]
        return (f"Looks like the same {self.NOUN} as: "
                + "; ".join(_one_line(n)[:80] for n in names if n)
                + ". Select them together and choose Merge… to keep one.")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        is_marker = column == len(self.COLUMNS)
        attr = None if is_marker else self.COLUMNS[column][1]
        value = None if is_marker else getattr(r, attr)
        if role == Qt.ItemDataRole.DisplayRole:
            if is_marker:
                return DUPLICATE_TEXT if r.duplicates else ""
            if isinstance(value, int):
                return str(value)
            text = _one_line(value)
            return f"{text} (archived)" if attr == "name" and r.archived else text
        if role == SORT_ROLE:
            if is_marker:
                return 0 if r.duplicates else 1
            if isinstance(value, int):
                return value
            return name_key(value) if attr == "name" else fold(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if is_marker:
                return self.twins_text(r) if r.duplicates else None
            if r.archived and attr == "name":
                return f"{value[:500]}\nArchived: shown because “Show archived” is ticked."
            return value[:500] if isinstance(value, str) and value else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if is_marker and r.duplicates:
                return colour("orange")
            if r.archived:
                return colour("grey")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return r.id
        if role == ROW_ROLE:
            return r
        return None


class SponsorTableModel(PeopleTableModel):
    COLUMNS = (("Name", "name"), ("Role", "role"), ("Organization", "organization"),
               ("E-mail", "email"), ("Phone", "phone"), ("Engagements", "engagements"))
    NOUN = "person"


class OrganizationTableModel(PeopleTableModel):
    COLUMNS = (("Name", "name"), ("Clients", "clients"), ("Sponsors", "sponsors"))
    NOUN = "organization"


class PeopleFilterProxy(QSortFilterProxyModel):
    """Typed text (folded) and "likely duplicates only"; sorts on ``SORT_ROLE``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._duplicates_only = False
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = fold(" ".join(text.split()))
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_duplicates_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._duplicates_only = bool(on)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        r = self.sourceModel().row_at(source_row)
        if self._duplicates_only and not r.duplicates:
            return False
        return not self._text or all(word in r.search_text for word in self._text.split())

    def record_id(self, proxy_index) -> int | None:
        return self.data(proxy_index, ID_ROLE) if proxy_index.isValid() else None
