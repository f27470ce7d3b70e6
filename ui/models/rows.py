"""The table model every list view here starts from: rows held in a Python list.

Subclasses name their columns in ``HEADERS``, keep their rows in ``self._rows`` (also
reachable as ``rows``) and write ``data``; rows, columns and column titles come from
here. A subclass that needs more from ``headerData`` (a tooltip) extends it.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class RowsTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] | list[str] = ()
    _rows: list = []  # replaced per instance by the subclass

    @property
    def rows(self) -> list:
        return self._rows

    @rows.setter
    def rows(self, value: list) -> None:
        self._rows = value

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
