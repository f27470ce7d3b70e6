"""The engagement's invoices, on the client's "Agreement & invoices" tab.

On top, in words, the sessions delivered against those invoiced ("8 sessions delivered,
6 invoiced, 2 to invoice"); then the engagement's invoices and credit notes (number, date,
total, status with overdue said and coloured); then what the coach can do with the one
chosen: New invoice…, Issue…, Save PDF…, E-mail…, Mark paid…, Credit note…, Delete draft.
Every action goes through ``services.invoices``; a refusal is one plain sentence.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError
from coachdesk.services import invoices

from ..context import AppContext
from ..models.invoice_table import (
    BILLED_COL,
    CLIENT_COL,
    DATE_COL,
    NUMBER_COL,
    STATUS_COL,
    TOTAL_COL,
    InvoiceTableModel,
)
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from ..widgets.flow import FlowLayout
from . import invoice_actions as act

#: what the panel listens for: a change to any of these may change its figures
RELOAD_ON = {"invoice", "session", "engagement", "organization", "all"}


def invoice_table(name: str, accessible: str, model) -> QTableView:
    """A read-only table of invoices, one chosen at a time; Tab moves on."""
    view = name_widget(QTableView(), name, accessible)
    view.setModel(model)
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    return view


class Panel(act.InvoiceActions, QWidget):
    """``show_engagement(engagement_id | None)`` as every panel of the tab."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.engagement_id: int | None = None
        self.setObjectName("invoicesPanel")
        title = QLabel("Invoices")
        title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.counts = name_widget(QLabel(), "invoiceCounts", "Sessions delivered and invoiced")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setWordWrap(True)
        self.model = InvoiceTableModel(self)
        self.table = invoice_table("invoiceTable", "Invoices and credit notes", self.model)
        self.table.setColumnHidden(CLIENT_COL, True)  # one client here
        fit_columns(self.table, STATUS_COL, shrink=(BILLED_COL,),
                    minimum={BILLED_COL: 90, STATUS_COL: 160}).set_widths(
            {NUMBER_COL: text_width(self.table, "CN-2026-0000"),
             DATE_COL: text_width(self.table, "30 Sep 2026"),
             BILLED_COL: 170, TOTAL_COL: text_width(self.table, "−€10,000.00")})
        rows = 5
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + rows * self.table.verticalHeader().defaultSectionSize()
                                  + 2 * self.table.frameWidth())
        self.empty = name_widget(QLabel("No invoice yet for this engagement."),
                                 "invoicesEmpty", "No invoice yet")

        self.buttons: dict[str, QPushButton] = {}
        row = QWidget()
        flow = FlowLayout(row, h_spacing=6)
        for key, text, slot in (("new", "New invoice…", self.new_invoice),
                                *((k, t, getattr(self, m)) for k, t, m in act.INVOICE_BUTTONS)):
            button = name_widget(QPushButton(text), f"invoice_{key}", text.rstrip("…"))
            button.clicked.connect(slot)
            flow.addWidget(button)
            self.buttons[key] = button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.counts)
        # the actions above the list: below the agreement and consent panels, a row under
        # the table fell below the fold at 1366x768 once a draft was added
        layout.addWidget(row)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda *_: self.preview())  # Enter, double-click
        ctx.data_changed.connect(self._data_changed)

    # -- what is shown ---------------------------------------------------------------------
    def show_engagement(self, engagement_id: int | None) -> None:
        self.engagement_id = engagement_id
        self.reload()

    def _data_changed(self, what: str) -> None:
        if what in RELOAD_ON and self.engagement_id is not None and self.isVisible():
            self.reload()

    def reload(self, select: int | None = None) -> None:
        """Read the engagement's invoices again, keeping (or choosing) ``select``."""
        keep = select if select is not None else self.current_id()
        if self.engagement_id is None:
            self.model.set_rows([])
            self.counts.setText("")
        else:
            try:
                rows = invoices.list_invoices(self.ctx.db, engagement_id=self.engagement_id)
                counts = invoices.session_counts(self.ctx.db, self.engagement_id)
            except CoachDeskError as exc:
                self.counts.setText(str(exc))
                rows = []
            else:
                self.counts.setText(counts.sentence + ".")
            self.model.set_rows(rows)
        self.empty.setVisible(self.engagement_id is not None and not self.model.rowCount())
        self.table.setVisible(bool(self.model.rowCount()))
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.selectRow(row)
        self._update_buttons()

    def current_id(self) -> int | None:
        view = self.current()
        return view.id if view is not None else None

    def current(self):
        index = self.table.currentIndex()
        return self.model.invoice(index.row()) if index.isValid() else None

    def _update_buttons(self, *_):
        view = self.current()
        issued = view is not None and not view.is_draft
        invoice = issued and not view.is_credit_note
        enabled = {
            "new": self.engagement_id is not None,
            "issue": view is not None and view.is_draft,
            "pdf": view is not None,
            "email": issued,
            "sent": invoice and view.status == "issued" and view.state != "credited",
            "paid": invoice and view.status != "paid" and view.state != "credited",
            "unpaid": invoice and view.status == "paid",
            "credit": invoice and view.state != "credited",
            "delete": view is not None and view.is_draft,
        }
        for key, button in self.buttons.items():
            button.setEnabled(bool(enabled[key]) and not self.ctx.read_only)

    # -- the actions -------------------------------------------------------------------------
    def new_invoice(self) -> None:
        from ..dialogs.new_invoice import NewInvoiceDialog

        if self.engagement_id is None:
            return
        dialog = NewInvoiceDialog(self.ctx, self.engagement_id, self)
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select=dialog.result_object.id)
            self.table.setFocus()
            self.bring_into_view()

    def bring_into_view(self) -> None:
        """Scroll the tab so the actions and the list show (the panel sits below the
        agreement and consent panels)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(self.table, 0, 0)
            parent.ensureWidgetVisible(self.buttons["issue"], 0, 8)
