"""Tables sized to what they hold, and columns that share the width without sideways scrolling.

``fit_height_to_rows``: a table of one or two engagements need not be 150 px tall
and push the sessions below the fold; it gets the height of its rows (between a
minimum and a maximum number of rows, scrolling beyond).

``share_columns``: short columns as wide as their contents, the ones named
``stretch`` share what is left (their cells are shortened with "…", the model's
tooltip holds the full text), so the table never needs sideways scrolling.

For a wide table whose columns the coach may resize (the clients list), see
``ui/widgets/column_fit.py``: the least needed columns step aside on a narrow window.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHeaderView, QTableView


def row_height(view: QTableView) -> int:
    """A one-line row's height in pixels for ``view``'s font: its line and 8 px of air.

    The style's own default (30 px whatever the font) leaves a 12-pixel font a lot of
    air and, with a taller UI font (Noto Sans), pushes a page's last rows below a
    1024×640 laptop's fold; from the font, rows follow what they hold."""
    return view.fontMetrics().height() + 8


def height_for_rows(view: QTableView, rows: int) -> int:
    header = view.horizontalHeader()
    head = header.sizeHint().height() if not header.isHidden() else 0
    row = view.verticalHeader().defaultSectionSize()
    scrollbar = view.horizontalScrollBar()
    bar = scrollbar.sizeHint().height() if scrollbar.isVisible() else 0
    return head + rows * row + 2 * view.frameWidth() + bar


def fit_height_to_rows(view: QTableView, min_rows: int = 1, max_rows: int = 4) -> None:
    """Make ``view`` as tall as its rows (at least ``min_rows``, at most ``max_rows``)."""
    model = view.model()
    count = model.rowCount() if model is not None else 0
    view.setFixedHeight(height_for_rows(view, max(min_rows, min(count, max_rows))))


def share_columns(view: QTableView, stretch: tuple[int, ...]) -> None:
    """Columns as wide as their contents, but ``stretch`` ones share the width that is left;
    one line a row, as tall as the font needs (``row_height``)."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)  # one line a row: a long note is shortened, whole in its tooltip
    view.verticalHeader().setDefaultSectionSize(row_height(view))


class FillingTableView(QTableView):
    """A table that asks for no more than its minimum height, then takes the room left.

    In a scroll area whose contents wrap text (an error under a field), Qt gives
    the contents their *preferred* height; a QTableView prefers 192 px whatever it
    holds, which pushed what follows below the fold. With a stretch in its layout
    this table still grows into any room there is.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), self.minimumSizeHint().height()))
