"""Tables sized to what they hold, and columns that share the width without sideways scrolling.

``fit_height_to_rows``: a table of one or two engagements need not be 150 px tall
and push the sessions below the fold; it gets the height of its rows (between a
minimum and a maximum number of rows, scrolling beyond).

``share_columns``: short columns as wide as their contents, the ones named
``stretch`` share what is left (their cells are shortened with "…", the model's
tooltip holds the full text), so the table never needs sideways scrolling.

``ColumnFitter``: for a wide table whose columns the coach may resize (the
clients list), the least needed columns step aside on a narrow window instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView


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
    """Columns as wide as their contents, but ``stretch`` ones share the width that is left."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)  # one line a row: a long note is shortened, whole in its tooltip


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


def heading_width(view: QTableView, text: str, chars: int = 0) -> int:
    """Room for a column: its heading with the sort arrow beside it, or ``chars`` average
    characters of its cells if wider (in the table's own fonts)."""
    header = view.horizontalHeader()
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    heading = header.fontMetrics().horizontalAdvance(text) + 3 * margin + mark
    cell = view.fontMetrics().averageCharWidth() * chars + 4 * margin if chars else 0
    return max(heading, cell) + 2


class ColumnFitter(QObject):
    """Shares a wide table's width among its columns so it never needs sideways scrolling.

    ``widths`` gives each resizable column a (compact, comfortable) default width;
    ``stretch`` is the column that takes the room left: at least ``stretch_min``
    px, and it grows towards ``stretch_comfortable`` alongside the others;
    ``priority`` lists the columns that may step aside on a narrow window,
    the first to go first. On every resize of the table:

    * columns still at a width this gave them grow from compact towards
      comfortable as room allows; a column the coach resized keeps its width;
    * if even so the columns do not fit, ``priority`` columns are hidden until
      they do (a column hidden by anyone else stays hidden).

    When the window closes, before its state is saved (``window_state``), the
    columns this hid are shown again and the widths it chose go back to compact:
    what is remembered is the coach's own arrangement, never how wide or narrow
    the window happened to be, so the defaults fit again at the next size.
    """

    def __init__(self, view: QTableView, *, widths: dict[int, tuple[int, int]], stretch: int,
                 priority: tuple[int, ...], stretch_min: int, stretch_comfortable: int = 0):
        super().__init__(view)
        self.view, self.widths, self.stretch = view, widths, stretch
        self.priority, self.stretch_min = priority, stretch_min
        self.stretch_comfortable = max(stretch_comfortable, stretch_min)
        self.hidden_here: set[int] = set()
        self._given: dict[int, int] = {}  # column -> the width this gave it last
        self._window = None
        header = view.horizontalHeader()
        for column, (compact, _comfortable) in widths.items():
            header.resizeSection(column, compact)
            self._given[column] = compact
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def _ours(self, column: int, header: QHeaderView) -> bool:
        """Whether ``column`` still has the width this gave it (the coach did not resize it)."""
        if header.isSectionHidden(column):
            return column in self.hidden_here or column not in self._given
        return header.sectionSize(column) == self._given.get(column)

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        room = self.view.viewport().width()
        if room <= 0 or header.count() == 0:
            return
        shown = [c for c in range(header.count())
                 if c != self.stretch and (not header.isSectionHidden(c) or c in self.hidden_here)]
        ours = {c for c in shown if c in self.widths and self._ours(c, header)}
        base = {c: (self.widths[c][0] if c in ours else
                    (header.sectionSize(c) if not header.isSectionHidden(c) else 0))
                for c in shown}
        needed = sum(base.values()) + self.stretch_min
        hide: set[int] = set()
        for column in self.priority:
            if needed <= room:
                break
            if column in base:
                hide.add(column)
                needed -= base.pop(column)
        # What is left grows our columns from compact towards comfortable, in proportion.
        spare = max(room - needed, 0)
        wants = {c: self.widths[c][1] - self.widths[c][0] for c in base if c in ours}
        total = sum(wants.values()) + self.stretch_comfortable - self.stretch_min
        share = min(1.0, spare / total) if total else 0.0
        for column in sorted(self.hidden_here - hide):
            if header.isSectionHidden(column):
                header.showSection(column)
        for column, want in wants.items():
            width = self.widths[column][0] + int(want * share)
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
            self._given[column] = width
        for column in sorted(hide):
            if not header.isSectionHidden(column):
                header.hideSection(column)
        self.hidden_here = hide

    def restore_defaults(self) -> None:
        """Show the columns this hid and put the widths it chose back to compact."""
        header = self.view.horizontalHeader()
        for column in sorted(self.hidden_here):
            if header.isSectionHidden(column):
                header.showSection(column)
        self.hidden_here = set()
        for column, (compact, _comfortable) in self.widths.items():
            if self._ours(column, header) and not header.isSectionHidden(column):
                header.resizeSection(column, compact)
                self._given[column] = compact

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Resize and obj is self.view.viewport():
            self.fit()
        elif kind == QEvent.Type.Show and obj is self.view and self._window is None:
            self._window = self.view.window()
            self._window.installEventFilter(self)
        elif kind == QEvent.Type.Close and obj is self._window:
            self.restore_defaults()
        return False
