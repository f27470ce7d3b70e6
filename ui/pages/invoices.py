"""Invoices: every invoice and credit note of the practice, from the sidebar (Ctrl+6).

A filter by status (overdue included, and "outstanding": issued or sent and not yet paid),
what is owed per currency (amounts of different currencies are never added together), the
list, and the same actions as an engagement's panel, plus "Open client" and "Export CSV for
the accountant…". The dashboard's money figures open this page filtered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coachdesk.errors import CoachDeskError
from coachdesk.filenames import file_name
from coachdesk.services import engagements, invoices

from ..context import AppContext
from ..models.invoice_table import (
    BILLED_COL,
    CLIENT_COL,
    DATE_COL,
    NUMBER_COL,
    STATUS_COL,
    TOTAL_COL,
    InvoiceTableModel,
    money,
)
from ..widgets.column_fit import fit_columns, text_width
from ..widgets.fields import name_widget
from ..widgets.flow import FlowLayout
from .business_invoices import RELOAD_ON, invoice_table
from .invoice_actions import INVOICE_BUTTONS, InvoiceActions

#: the filter's choices: (key, what the chooser says)
FILTERS = (("all", "All invoices and credit notes"), ("outstanding", "Outstanding (not paid)"),
           ("overdue", "Overdue"), ("draft", "Drafts"), ("issued", "Issued, not sent"),
           ("sent", "Sent"), ("paid", "Paid"), ("credited", "Cancelled by a credit note"),
           ("credit_notes", "Credit notes"))


def keep(view, key: str) -> bool:
    """Whether ``view`` is shown under the filter ``key``."""
    if key == "all":
        return True
    if key == "outstanding":
        return not view.is_credit_note and view.balance_cents > 0
    if key == "credit_notes":
        return view.is_credit_note
    if key == "draft":
        return view.is_draft
    return view.state == key and not view.is_credit_note


def owed_words(totals) -> str:
    """"Outstanding: €4,800.00 on 3 invoices, of which €1,200.00 overdue (1) · £…", or
    that nothing is owed."""
    if not totals:
        return "Nothing is outstanding: every issued invoice is paid."
    parts = []
    for t in totals:
        text = (f"{money(t.outstanding_cents, t.currency)} on {t.outstanding_count} "
                f"invoice{'s' if t.outstanding_count != 1 else ''}")
        if t.overdue_count:
            text += f", of which {money(t.overdue_cents, t.currency)} overdue ({t.overdue_count})"
        parts.append(text)
    return "Outstanding: " + " · ".join(parts) + "."


def shown_words(rows) -> str:
    """"4 shown, totalling €3,200.00 · £600.00" (credit notes count negative)."""
    sums: dict[str, int] = {}
    for view in rows:
        if not view.is_draft:
            sums[view.currency] = sums.get(view.currency, 0) + view.total_cents
    count = f"{len(rows)} shown"
    if not sums:
        return count + "."
    return count + ", issued totalling " + " · ".join(
        money(sums[c], c) for c in sorted(sums)) + "."


class InvoicesPage(InvoiceActions, QWidget):
    open_client = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("invoicesPage")
        self._all: list = []
        title = QLabel("Invoices")
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.filter = name_widget(QComboBox(), "invoicesFilter", "Show")
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        show = QLabel("&Show:")
        show.setBuddy(self.filter)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(show)
        top.addWidget(self.filter)
        top.addStretch(1)
        self.owed = name_widget(QLabel(), "invoicesOwed", "What is owed, per currency")
        self.owed.setTextFormat(Qt.TextFormat.PlainText)
        self.owed.setWordWrap(True)
        self.owed.setStyleSheet("font-weight: 600;")
        self.shown = name_widget(QLabel(), "invoicesShown", "Invoices shown")
        self.shown.setTextFormat(Qt.TextFormat.PlainText)
        self.model = InvoiceTableModel(self)
        self.table = invoice_table("invoicesTable", "All invoices and credit notes", self.model)
        fit_columns(self.table, STATUS_COL, shrink=(CLIENT_COL, BILLED_COL),
                    minimum={CLIENT_COL: 90, BILLED_COL: 90, STATUS_COL: 150}).set_widths(
            {NUMBER_COL: text_width(self.table, "CN-2026-0000"),
             DATE_COL: text_width(self.table, "30 Sep 2026"), CLIENT_COL: 150,
             BILLED_COL: 160, TOTAL_COL: text_width(self.table, "−€10,000.00")})
        self.empty = name_widget(QLabel(), "invoicesNone", "No invoices")
        self.empty.setWordWrap(True)

        self.buttons: dict[str, QPushButton] = {}
        row = QWidget()
        flow = FlowLayout(row, h_spacing=6)
        for key, text, slot in (*((k, t, getattr(self, m)) for k, t, m in INVOICE_BUTTONS),
                                ("client", "Open client", self.open_current_client),
                                ("csv", "Export CSV for the accountant…", self.export_csv)):
            button = name_widget(QPushButton(text), f"invoices_{key}", text.rstrip("…"))
            button.clicked.connect(slot)
            flow.addWidget(button)
            self.buttons[key] = button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.owed)
        layout.addWidget(self.shown)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(row)
        self.filter.currentIndexChanged.connect(lambda *_: self._fill())
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda *_: self.open_current_client())
        ctx.data_changed.connect(
            lambda what: self.reload() if what in RELOAD_ON and self.isVisible() else None)
        ctx.database_replaced.connect(lambda: self.reload() if self.isVisible() else None)

    # -- what is shown -------------------------------------------------------------------
    def show_filter(self, key: str) -> None:
        """Choose the filter ``key`` (one of ``FILTERS``), e.g. from the dashboard."""
        self.filter.setCurrentIndex(max(self.filter.findData(key), 0))

    def reload(self, select: int | None = None) -> None:
        keep_id = select if select is not None else self.current_id()
        try:
            self._all = invoices.list_invoices(self.ctx.db)
            self.owed.setText(owed_words(invoices.outstanding(self.ctx.db)))
        except CoachDeskError as exc:
            self._all = []
            self.owed.setText(str(exc))
        self._fill(keep_id)

    def _fill(self, keep_id: int | None = None) -> None:
        keep_id = keep_id if keep_id is not None else self.current_id()
        key = self.filter.currentData()
        rows = [v for v in self._all if keep(v, key)]
        self.model.set_rows(rows)
        self.shown.setText(shown_words(rows))
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.empty.setText("No invoice yet. Make one on a client's “Agreement & invoices” tab."
                           if not self._all else "No invoice matches this filter.")
        row = self.model.row_of(keep_id) if keep_id is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.selectRow(row)
        self._update_buttons()

    def current(self):
        index = self.table.currentIndex()
        return self.model.invoice(index.row()) if index.isValid() else None

    def current_id(self) -> int | None:
        view = self.current()
        return view.id if view is not None else None

    def _update_buttons(self, *_):
        view = self.current()
        issued = view is not None and not view.is_draft
        invoice = issued and not view.is_credit_note
        enabled = {"issue": view is not None and view.is_draft, "pdf": view is not None,
                   "email": issued,
                   "sent": invoice and view.status == "issued" and view.state != "credited",
                   "paid": invoice and view.status != "paid" and view.state != "credited",
                   "unpaid": invoice and view.status == "paid",
                   "credit": invoice and view.state != "credited",
                   "delete": view is not None and view.is_draft,
                   "client": view is not None and view.engagement_id is not None,
                   "csv": bool(self._all)}
        writes = {"issue", "sent", "paid", "unpaid", "credit", "delete", "email", "pdf"}  # a PDF is recorded
        for key, button in self.buttons.items():
            button.setEnabled(bool(enabled[key]) and not (self.ctx.read_only and key in writes))

    # -- going places, and the accountant's file -----------------------------------------
    def open_current_client(self) -> None:
        view = self.current()
        if view is None or view.engagement_id is None:
            return
        try:
            client_id = engagements.get(self.ctx.db, view.engagement_id).client_id
        except CoachDeskError as exc:
            self.ctx.say(str(exc))
            return
        self.open_client.emit(client_id)

    def export_csv(self, target: str | None = None) -> str | None:
        """Every invoice and credit note in one CSV file for the accountant (UTF-8 for
        Excel, ISO dates, amounts with a dot); asks where unless ``target`` is given."""
        from coachdesk.services import invoice_csv

        from ..files import save_file

        day = invoices.current_day().isoformat()
        return save_file(self, "invoices_csv",
                         lambda path: invoice_csv.export_csv(self.ctx.db, path),
                         title="Export invoices for the accountant", what="The invoices file",
                         name=file_name("Invoices", day, suffix=".csv"),
                         file_filter="CSV files (*.csv)", suffix=".csv", target=target)


def install(window) -> None:
    """Build the page into ``window`` (its stack, ``invoices_page``, Open client)."""
    page = InvoicesPage(window.ctx)
    window.invoices_page = page
    window.stack.addWidget(page)
    page.open_client.connect(window.open_client)
