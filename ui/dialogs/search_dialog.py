"""Search everything (Ctrl+K): clients, both kinds of notes, worksheets, actions,
sponsors and organizations.

Each hit says what it is (a private note carries a lock and amber, a
shareable summary blue), whose it is and when, with the match in bold.
Enter or a double-click opens it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
)

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.services import people_search, search

from ..context import AppContext
from ..theme import css
from ..widgets.fields import name_widget
from ..widgets.text import ListSearchEdit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_COLOURS = {"private_note": "amber", "shared_summary": "blue"}


def hit_name(hit: search.SearchHit) -> str:
    """Whose or what the hit is: the client, or the sponsor or organization itself."""
    return hit.title or hit.client_name


def hit_html(hit: search.SearchHit) -> str:
    colour = css(KIND_COLOURS.get(hit.kind, "grey"))
    icon = "🔒 " if hit.is_private else ""
    when = f" · {dates.short(hit.session_date)}" if hit.session_date else ""
    snippet = "".join(f"<b><u>{html.escape(t)}</u></b>" if m else html.escape(t)
                      for t, m in hit.snippet_parts)
    return (f"<span style='color:{colour}; font-weight:600'>{icon}{html.escape(hit.kind_label)}"
            f"</span> — {html.escape(hit_name(hit)[:120])}{when}<br/>"
            f"<span>{snippet}</span>")


class HitModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[search.SearchHit] = []

    def set_hits(self, hits) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{hit.kind_label} — {hit_name(hit)}: "
                    + "".join(t for t, _ in hit.snippet_parts))
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.kind_label}, {hit_name(hit)}"
        return None


class HitDelegate(QStyledItemDelegate):
    """Draws a hit as two lines of rich text (kind and client, then the snippet)."""

    def _doc(self, option, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(hit_html(index.data(HIT_ROLE)))
        doc.setTextWidth(option.rect.width() - 8)
        return doc

    def paint(self, painter, option, index):
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 3)
        self._doc(option, index).drawContents(painter, QRectF(0, 0, option.rect.width(),
                                                              option.rect.height()))
        painter.restore()

    def sizeHint(self, option, index):
        doc = self._doc(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 6)



class SearchDialog(QDialog):
    """Ctrl+K. ``chosen`` is the hit the coach opened (or None)."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: search.SearchHit | None = None
        self.setWindowTitle("Search everything")
        self.setObjectName("searchDialog")
        self.resize(760, 560)
        self.query = name_widget(ListSearchEdit(), "globalSearch", "Search everything")
        self.query.setPlaceholderText("Search clients, notes (both kinds), worksheets, actions, "
                                      "sponsors, organizations…")
        self.query.setClearButtonEnabled(True)
        self.model = HitModel(self)
        self.results = name_widget(QListView(), "searchResults", "Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.status = QLabel("Type to search. Private notes are marked 🔒.")
        self.status.setObjectName("searchStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(120)
        self.timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self._open_current)
        self.query.move_down.connect(self._focus_results)
        self.results.activated.connect(self._open_index)
        self.results.doubleClicked.connect(self._open_index)

    def run_search(self) -> None:
        text = self.query.text()
        try:
            hits = people_search.search_everything(self.ctx.db, text) if text.strip() else []
        except CoachDeskError as exc:
            self.status.setText(str(exc))
            return
        self.model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0))
            self.status.setText(f"{len(hits)} found{' (first 50)' if len(hits) >= 50 else ''}. "
                                "Enter opens the highlighted one.")
        else:
            self.status.setText("Nothing found." if text.strip() else "Type to search.")

    def _focus_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(min(1, self.model.rowCount() - 1)))

    def _open_current(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.run_search()
        self._open_index(self.results.currentIndex())

    def _open_index(self, index) -> None:
        if index.isValid():
            self.chosen = index.data(HIT_ROLE)
            self.accept()
