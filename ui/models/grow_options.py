"""The Options of a GROW worksheet as an editable table: Chosen (a tick), Option, Notes.

Every change the coach makes in the table (a tick, an option's text or its notes) is
saved through ``services.grow.update_option`` at once; a change the service refuses (an
emptied option) keeps the row as it was and ``refused`` carries the sentence to show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate

from coachdesk.errors import CoachDeskError
from coachdesk.models import GrowOption
from coachdesk.services import grow

from ..plain import plain_tips
from .rows import ID_ROLE, RowsTableModel

COL_CHOSEN, COL_TEXT, COL_NOTES = range(3)
_FIELDS = {COL_TEXT: "text", COL_NOTES: "notes"}
_ROLE = Qt.ItemDataRole


def _checked(value) -> bool:
    """A check state as the view sends it (an int or a ``Qt.CheckState``)."""
    state = getattr(value, "value", value)
    return state == Qt.CheckState.Checked.value


@plain_tips
class OptionsModel(RowsTableModel):
    HEADERS = ("Chosen", "Option", "Notes")

    #: a sentence for the coach when a change was not saved
    refused = Signal(str)
    #: an option was saved (text, notes or its tick)
    saved = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._rows: list[GrowOption] = []

    def data(self, index, role=_ROLE.DisplayRole):
        if not index.isValid():
            return None
        option = self._rows[index.row()]
        col = index.column()
        if col == COL_CHOSEN:
            if role == _ROLE.CheckStateRole:
                return Qt.CheckState.Checked if option.chosen else Qt.CheckState.Unchecked
            if role in (_ROLE.AccessibleTextRole, _ROLE.ToolTipRole):
                return "Chosen" if option.chosen else "Not chosen (Space ticks it)"
        elif role in (_ROLE.DisplayRole, _ROLE.EditRole):
            return getattr(option, _FIELDS[col])
        elif role == _ROLE.ToolTipRole:
            text = getattr(option, _FIELDS[col])
            return text[:2000] or None
        if role == ID_ROLE:
            return option.id
        return None

    def flags(self, index):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() == COL_CHOSEN:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=_ROLE.EditRole):  # noqa: N802 (Qt's name)
        if not index.isValid():
            return False
        col = index.column()
        if col == COL_CHOSEN and role == _ROLE.CheckStateRole:
            return self.save(index.row(), chosen=_checked(value))
        if col in _FIELDS and role == _ROLE.EditRole:
            if value == getattr(self._rows[index.row()], _FIELDS[col]):
                return True  # opened and closed without a change: nothing to save
            return self.save(index.row(), **{_FIELDS[col]: value})
        return False

    def toggle_chosen(self, row: int) -> bool:
        option = self.row_at(row)
        return option is not None and self.save(row, chosen=not option.chosen)

    def save(self, row: int, **changes) -> bool:
        """Save one option's changes; the row shows what was stored."""
        option = self.row_at(row)
        if option is None:
            return False
        try:
            stored = grow.update_option(self.ctx.db, option.id, **changes)
        except CoachDeskError as exc:
            self.refused.emit(str(exc))
            return False
        self.replace_row(row, stored)
        self.saved.emit()
        return True


class CorrectingDelegate(QStyledItemDelegate):
    """Opens a cell with the cursor after its text (Qt selects it all): the coach is
    correcting an option, and a first key should add to it, not replace it."""

    def setEditorData(self, editor, index):  # noqa: N802 (Qt's name)
        super().setEditorData(editor, index)
        if isinstance(editor, QLineEdit):
            QTimer.singleShot(0, editor, lambda: editor.end(False))
