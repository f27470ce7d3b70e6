"""The table model every list view here starts from: rows held in a Python list.

Subclasses name their columns in ``HEADERS``, keep their rows in ``self._rows`` (also
reachable as ``rows``) and write ``data``; rows, columns and column titles come from
here. A subclass that needs more from ``headerData`` (a tooltip) extends it.

``set_rows`` replaces every row inside a model reset, so views hear it (never block a
shown model's signals); ``replace_row`` changes one row and says so with ``dataChanged``,
so the selection and an open editor survive. ``ID_ROLE`` is the one role under which a
model gives a row's record id.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

#: the record id of a row (``data(index, ID_ROLE)``), the same in every model
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] | list[str] = ()
    _rows: list = []  # replaced per instance by the subclass

    @property
    def rows(self) -> list:
        return self._rows

    @rows.setter
    def rows(self, value: list) -> None:
        self._rows = value

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        """The record shown in ``row``, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def replace_row(self, row: int, record) -> None:
        """One row changed: the views repaint it and keep their selection."""
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def row_of(self, record_id) -> int:
        """The row holding the record with this ``id``, or -1."""
        for i, record in enumerate(self._rows):
            if getattr(record, "id", None) == record_id:
                return i
        return -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
