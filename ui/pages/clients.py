"""The clients list: search as you type, filter by status, sort, open a client."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..context import AppContext
from ..models.client_table import (
    CLIENT_SINCE_COL,
    ENGAGEMENT_COL,
    NAME_COL,
    ORGANIZATION_COL,
    SPONSOR_COL,
    ClientFilterProxy,
    ClientTableModel,
)
from ..widgets.column_fit import chars_width, fit_columns
from ..widgets.fields import name_widget
from ..widgets.text import ListSearchEdit

# Default widths, in average characters of a column's cells: (compact, comfortable). A
# column is never narrower than its heading with the sort arrow. Compact at 1024 px, where
# the sponsor steps aside; comfortable where there is room (see ui/widgets/column_fit.py).
COLUMN_CHARS = {NAME_COL: (22, 27), ORGANIZATION_COL: (21, 25), SPONSOR_COL: (16, 20),
                4: (9, 9), 5: (8, 8), CLIENT_SINCE_COL: (11, 11), 7: (11, 11), 8: (11, 11)}
ENGAGEMENT_CHARS = 20  # the engagement's least room: below it, a column steps aside

STATUS_CHOICES = [
    ("Current clients", "current"),
    ("All clients", "all"),
    ("Active", "active"),
    ("Paused", "paused"),
    ("Archived", "archived"),
]


class ClientTableView(QTableView):
    """Enter opens the selected client, like a double-click."""

    activated_row = Signal(object)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex())
            return
        super().keyPressEvent(event)



class ClientsPage(QWidget):
    open_client = Signal(int)
    new_client_requested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientsPage")

        title = QLabel("Clients")
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 20px; font-weight: 600;")

        self.search = name_widget(ListSearchEdit(), "clientSearch", "Search clients")
        self.search.setPlaceholderText("Search by name, organization, sponsor, e-mail…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_filter = name_widget(QComboBox(), "statusFilter", "Show clients")
        for label, value in STATUS_CHOICES:
            self.status_filter.addItem(label, value)
        self.new_button = name_widget(QPushButton("New client"), "newClientButton", "New client")
        self.new_button.setToolTip("Add a client (Ctrl+N)")
        self.count_label = QLabel()
        self.count_label.setObjectName("clientCount")

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)

        self.model = ClientTableModel(self)
        self.proxy = ClientFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = name_widget(ClientTableView(), "clientTable", "Clients")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        # "Client since" is on the client's page; the list keeps room for the engagement.
        self.table.setColumnHidden(CLIENT_SINCE_COL, True)
        # Widths from the font, shrinking with the window from comfortable to compact; on a
        # narrow one the sponsor (named in the engagement's tooltip), then the organization,
        # step aside, so the statuses and the last and next session stay in sight with no
        # sideways scrolling. The engagement takes the room left.
        width = {col: tuple(chars_width(self.table, col, n) for n in pair)
                 for col, pair in COLUMN_CHARS.items()}
        self.columns = fit_columns(
            self.table, ENGAGEMENT_COL, shrink_first=True,
            shrink=tuple(c for c, (compact, comfy) in width.items() if compact < comfy),
            give_way=(SPONSOR_COL, ORGANIZATION_COL),
            minimum={**{c: compact for c, (compact, _) in width.items()},
                     ENGAGEMENT_COL: chars_width(self.table, ENGAGEMENT_COL, ENGAGEMENT_CHARS)})
        self.columns.set_widths({c: comfy for c, (_, comfy) in width.items()})

        self.empty_label = QLabel()
        self.empty_label.setObjectName("clientsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-size: 15px; padding: 30px;")
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)

        self.search.textChanged.connect(self._on_text)
        self.search.returnPressed.connect(self.open_match)
        self.search.move_down.connect(self.focus_list)
        self.status_filter.currentIndexChanged.connect(self._on_status)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated_row.connect(self._open_index)
        self.new_button.clicked.connect(self.new_client_requested)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        esc.setContext(Qt.ShortcutContext.WidgetShortcut)
        esc.activated.connect(self.search.clear)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.database_replaced.connect(self.reload)

    # -- behaviour --------------------------------------------------------------
    def reload(self) -> None:
        self.model.load(self.ctx.db)
        self.proxy.invalidate_after_reload()
        self._update_count()

    def show_loading(self, why: str = "") -> None:
        """While the practice is still being read (the window's first frame): a loading
        state, never "No clients yet" for a practice that has them; ``why`` (a plain
        sentence) when reading it has to wait. ``reload`` ends it."""
        self.count_label.setText("Loading…")
        self.empty_label.setText(why or "Opening your practice…")
        self.empty_label.setVisible(True)
        self.table.setVisible(False)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_data_changed(self, what: str) -> None:
        if what in ("client", "engagement", "organization", "sponsor", "session", "all"):
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event):
        if getattr(self, "_stale", False):
            self._stale = False
            self.reload()
        super().showEvent(event)

    def _on_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _on_status(self, _index: int) -> None:
        self.proxy.set_status(self.status_filter.currentData())
        self._update_count()

    def _match_index(self):
        """The selected row if it is still listed, else the first row (invalid when none)."""
        selected = self.table.selectionModel().selectedRows()
        return selected[0] if selected else self.proxy.index(0, 0)

    def open_match(self) -> None:
        """Enter in the search box opens the match; with no match nothing happens."""
        self._open_index(self._match_index())

    def focus_list(self) -> None:
        """Down in the search box: into the list, on the selected row or the first."""
        index = self._match_index()
        if index.isValid():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.setCurrentIndex(index)

    def selected_client_id(self) -> int | None:
        """The client of the list's selected row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.client_id(rows[0]) if rows else None

    def _open_index(self, index) -> None:
        client_id = self.proxy.client_id(index)
        if client_id is not None:
            self.open_client.emit(client_id)

    def select_client(self, client_id: int) -> None:
        row = self.model.row_of_client(client_id)
        if row < 0:
            return
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if proxy_index.isValid():
            self.table.setCurrentIndex(proxy_index)
            self.table.scrollTo(proxy_index)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} clients" if shown != total
                                 else f"{total} client{'s' if total != 1 else ''}")
        if total == 0:
            self.empty_label.setText("No clients yet.\nClick “New client” (Ctrl+N) to add your first.")
        elif shown == 0:
            self.empty_label.setText("No client matches this search.\nPress Esc to clear it.")
        self.empty_label.setVisible(shown == 0)
        self.table.setVisible(shown > 0)
