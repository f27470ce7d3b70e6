"""Keep a table's columns inside its width: no sideways scrolling on a laptop.

A table's columns get widths that suit a large screen (from font metrics or a few
rows' content); on a 1024-pixel laptop they add up to more than the table's width
and the last columns scroll out of sight. ``ColumnFit`` makes one column flexible
(it takes whatever the others leave) and, when the room is short, in this order:

1. hides the optional columns (``give_way``, first named first), whose content the
   model must also give in a tooltip of the row; the flexible column may be one of them
   (the first column that may shrink then takes what is left);
2. narrows the columns that may shrink (``shrink``) in proportion to what each can
   give, down to their minimum; their text is then shortened with "…" by the view,
   so the model must give the full text as the cell's tooltip.

A column's minimum is its heading's width (it is never cut) unless given. The flexible
column never goes below its own minimum while another column can still give way.

With ``shrink_first`` the order is the other way round: the columns that may shrink
go down to their minimum before an optional column is hidden (for a list whose
every column matters, such as the clients list).

The widths the page sets (``set_widths``) or the coach drags are what each column
goes back to when there is room again. When the window closes, before its state is
saved (``ui.window_state``), the columns get those widths back and the optional
ones are shown again: what is remembered is the coach's arrangement, never how
narrow the window happened to be. Widths are plain arithmetic on a resize (nothing
is measured per row), so a table of thousands of rows costs nothing more.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView


def heading_width(view: QTableView, column: int) -> int:
    """What a column's heading needs: its text, the style's margins and the sort mark."""
    header = view.horizontalHeader()
    model = view.model()
    text = str(model.headerData(column, header.orientation()) or "") if model is not None else ""
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    needed = max((QFontMetrics(header.font()).horizontalAdvance(line)
                  for line in text.split("\n")), default=0) + 2 * margin + 4
    if view.isSortingEnabled():
        needed += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
    return needed


#: What "an average character" of a cell is measured on: words as cells hold them.
SAMPLE_TEXT = "Dr Siobhán Kelly, Nordlicht Energie GmbH: the quick brown fox jumps over 12 dogs"


def average_char_width(font: QFont) -> float:
    """The width in pixels (fractional) of one character of ordinary text in ``font``.

    Not ``QFontMetrics.averageCharWidth()``: that is the font file's own figure (OS/2
    xAvgCharWidth, over every glyph it has, rounded to a pixel). Noto Sans, with its
    thousands of glyphs, claims 7 px where its Latin text takes 5.7 px, DejaVu Sans 6
    where it takes 6.2: columns sized on it were 20 % too wide under Noto and a 1024-pixel
    window had to hide one. Measured on words, the widths follow the text they hold."""
    return QFontMetricsF(font).horizontalAdvance(SAMPLE_TEXT) / len(SAMPLE_TEXT)


def chars_width(view: QTableView, column: int, chars: int) -> int:
    """Room in pixels for ``chars`` characters of ordinary text (``average_char_width``) in
    a column's cells, never less than its heading's width."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None,
                                      view.horizontalHeader())
    return max(heading_width(view, column),
               math.ceil(average_char_width(view.font()) * chars) + 4 * margin + 2)


def text_width(view: QTableView, *texts: str, extra: int = 0) -> int:
    """A column width that shows the widest of ``texts`` in full in a cell of ``view``."""
    fm = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    return max((fm.horizontalAdvance(t) for t in texts), default=0) + margin + 8 + extra


class ColumnFit(QObject):
    """Fits ``view``'s columns to its width on every resize (see the module's docstring).

    ``flex`` is the flexible column; ``minimum`` maps columns to their least width
    (default: the heading's); ``flex_wants`` is the width the flexible column should
    have before the optional columns give way (default: its minimum).
    """

    def __init__(self, view: QTableView, flex: int, *, shrink=(), give_way=(),
                 minimum: dict[int, int] | None = None, flex_wants: int | None = None,
                 shrink_first: bool = False):
        super().__init__(view)
        self.view = view
        self.flex = flex
        self.shrink = tuple(shrink)
        self.give_way = tuple(give_way)
        self.shrink_first = shrink_first
        self._window = None
        self._minimum = dict(minimum or {})
        self.flex_wants = flex_wants
        self.preferred: dict[int, int] = {}
        self._fitting = False
        header = view.horizontalHeader()
        for column in range(header.count()):
            self.preferred[column] = header.sectionSize(column) or header.defaultSectionSize()
        self.defaults: dict[int, int] = dict(self.preferred)
        self._given: dict[int, int] = dict(self.preferred)  # the width this last set, per column
        header.sectionResized.connect(self._resized)
        header.sectionCountChanged.connect(lambda *_: self.refit())
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        self.refit()

    # -- what the page says ----------------------------------------------------------

    def set_widths(self, widths: dict[int, int]) -> None:
        """The widths the columns should have when there is room (they shrink when not)."""
        self.preferred.update(widths)
        self.defaults.update(widths)
        self._resize(widths)
        self.refit()

    def _resize(self, widths: dict[int, int]) -> None:
        """Set section widths without taking them for the coach's."""
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column, width in widths.items():
                if column < header.count() and header.sectionSize(column) != width:
                    header.resizeSection(column, width)
                self._given[column] = width
        finally:
            self._fitting = False

    def _adopt_outside_changes(self) -> None:
        """A width this did not set (a restored header state emits no resize signal per
        column) is the coach's: it becomes the column's preferred width."""
        header = self.view.horizontalHeader()
        for column in range(header.count()):
            if column == self.flex or header.isSectionHidden(column):
                continue
            size = header.sectionSize(column)
            if size > 0 and size != self._given.get(column, size):
                self.preferred[column] = self._given[column] = size

    def chosen_by_coach(self, column: int) -> bool:
        """Whether the coach gave ``column`` a width of their own (dragged now, or on an
        earlier day and restored): such a column keeps it; the others shrink around it."""
        return self.preferred.get(column) != self.defaults.get(column)

    def minimum(self, column: int) -> int:
        if column not in self._minimum:
            self._minimum[column] = heading_width(self.view, column)
        return self._minimum[column]

    # -- fitting -------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.Resize and obj is self.view.viewport():
            self.refit()
        elif kind == QEvent.Type.Show and obj is self.view and self._window is None:
            self._window = self.view.window()
            self._window.installEventFilter(self)
        elif kind == QEvent.Type.Close and obj is self._window:
            self.restore_preferred()
        return False

    def restore_preferred(self) -> None:
        """Every column at its preferred width and the optional ones shown again (on
        closing, so that the state saved is the coach's, not the narrow window's)."""
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column in self.give_way:
                if column < header.count() and header.isSectionHidden(column):
                    header.showSection(column)
            for column, width in self.preferred.items():
                if column != self.flex and column < header.count():
                    if header.sectionSize(column) != width:
                        header.resizeSection(column, width)
                    self._given[column] = width
        finally:
            self._fitting = False
        QTimer.singleShot(0, self, self.refit)  # should the window stay open after all

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting or column == self.flex or new <= 0:
            return
        # Dragged by the coach, set by the page, or restored from the last run: the width
        # this column goes back to when there is room.
        self.preferred[column] = self._given[column] = new
        self.refit()

    def plan(self, room: int) -> tuple[dict[int, int], set[int]]:
        """(width per shown column, hidden optional columns) for ``room`` pixels."""
        header = self.view.horizontalHeader()
        count = header.count()
        fixed_hidden = {c for c in range(count) if header.isSectionHidden(c)
                        and c not in self.give_way and c != self.flex}
        always = [c for c in range(count)
                  if c != self.flex and c not in self.give_way and c not in fixed_hidden]
        optional = [c for c in self.give_way if c < count]
        wants = max(self.flex_wants or 0, self.minimum(self.flex))

        def width(c: int) -> int:
            return max(self.preferred.get(c, header.defaultSectionSize()), self.minimum(c))

        shrinkable = [c for c in self.shrink if not self.chosen_by_coach(c)]

        def least(c: int) -> int:  # what a column needs before one gives way
            return self.minimum(c) if self.shrink_first and c in shrinkable else width(c)

        def need(shown: list[int]) -> int:
            fixed = sum(least(c) for c in always + shown if c != self.flex)
            return fixed + (wants if self.flex not in optional or self.flex in shown else 0)

        hidden: set[int] = set()
        shown = list(optional)
        while shown and need(shown) > room:
            hidden.add(shown.pop(0))
        # The flexible column may give way too: the first column that may shrink (or the
        # last one shown) then takes what is left.
        rest = [c for c in always + shown if c != self.flex]
        if not rest:
            hidden.discard(self.flex)  # the only column left: it stays
        flex = self.flex if self.flex not in hidden else next(
            (c for c in self.shrink if c in rest), rest[-1])
        widths = {c: width(c) for c in always + shown if c != flex}
        flex_min = self.minimum(flex)
        excess = sum(widths.values()) + flex_min - room
        if excess > 0:
            give = {c: widths[c] - self.minimum(c) for c in shrinkable if c in widths}
            give = {c: g for c, g in give.items() if g > 0}
            total = sum(give.values())
            if total > 0:
                take = min(excess, total)
                for c, g in give.items():
                    widths[c] -= min(g, -(-take * g // total))  # rounded up: never 1 px over
        widths[flex] = max(room - sum(widths.values()), flex_min)
        return widths, hidden

    def refit(self) -> None:
        if self._fitting or self.view.model() is None:
            return
        header = self.view.horizontalHeader()
        room = self.view.viewport().width()
        if room <= 0 or header.count() == 0 or self.flex >= header.count():
            return
        self._adopt_outside_changes()
        self._fitting = True
        try:
            header.setStretchLastSection(False)
            widths, hidden = self.plan(room)
            for column in self.give_way:
                if column < header.count() and header.isSectionHidden(column) != (column in hidden):
                    header.setSectionHidden(column, column in hidden)
            flex = self.flex if self.flex not in hidden else None
            for column, width in widths.items():
                mode = QHeaderView.ResizeMode.Fixed if column == flex \
                    else QHeaderView.ResizeMode.Interactive
                if header.sectionResizeMode(column) != mode:
                    header.setSectionResizeMode(column, mode)
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
                self._given[column] = width
        finally:
            self._fitting = False


def fit_columns(view: QTableView, flex: int, **options) -> ColumnFit:
    """Fit ``view``'s columns from now on; see ``ColumnFit`` for the options."""
    return ColumnFit(view, flex, **options)
