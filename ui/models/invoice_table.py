"""Invoices and credit notes as a table: the engagement's panel and the Invoices page.

Each row is an ``InvoiceView`` from ``services.invoices``; the status is said in words
("Overdue: due 1 Nov 2026", "Paid on 10 Nov 2026") and coloured (overdue red, paid green,
draft grey), so a colour is never the only sign. Amounts are Babel's, in the invoice's
own currency.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from coachdesk import dates
from coachdesk.services import business

from ..plain import plain_tips
from ..theme import colour
from .rows import ID_ROLE, RowsTableModel
from .tips import full_text_tip

HEADERS = ["Number", "Date", "Client", "Billed to", "Total", "Status"]
NUMBER_COL, DATE_COL, CLIENT_COL, BILLED_COL, TOTAL_COL, STATUS_COL = range(6)

#: the status colour of each state (the words say it too)
STATE_COLOURS = {"overdue": "red", "paid": "green", "draft": "grey", "credited": "grey"}


def money(cents: int, currency: str) -> str:
    """"€1,234.56"; a credit note's negative amount as "−€480.00"."""
    text = business.format_money(abs(cents), currency)
    return f"−{text}" if cents < 0 else text


def status_words(view) -> str:
    """What state the invoice is in, as a sentence fragment a coach reads at a glance."""
    if view.is_draft:
        return "Draft credit note" if view.is_credit_note else "Draft, not yet issued"
    if view.is_credit_note:
        return f"Credit note for {view.credits_number}" if view.credits_number \
            else "Credit note"
    if view.state == "credited":
        return "Cancelled by a credit note"
    if view.state == "paid" or view.status == "paid":
        return f"Paid on {dates.short(view.paid_on)}" if view.paid_on else "Paid"
    if view.state == "overdue":
        return f"Overdue: was due {dates.short(view.due_date)}"
    due = f", due {dates.short(view.due_date)}" if view.due_date else ""
    if view.status == "sent":
        sent = f" on {dates.short(view.sent_on)}" if view.sent_on else ""
        return f"Sent{sent}{due}"
    return f"Issued, not sent yet{due}"


@plain_tips
class InvoiceTableModel(RowsTableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def invoice(self, row: int):
        return self.row_at(row)

    def _cell(self, view, col: int) -> str:
        if col == NUMBER_COL:
            return view.number or "—"
        if col == DATE_COL:
            return dates.short(view.issue_date) if view.issue_date else "—"
        if col == CLIENT_COL:
            return view.client_name or "(client erased)"
        if col == BILLED_COL:
            return view.bill_to_name or "—"
        if col == TOTAL_COL:
            return money(view.total_cents, view.currency)
        return status_words(view)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        view = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(view, col)
        if role == ID_ROLE:
            return view.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == TOTAL_COL:
                return (f"Net {money(view.subtotal_cents, view.currency)}, VAT "
                        f"{business.rate_text(view.vat_rate)} % "
                        f"{money(view.vat_cents, view.currency)}"
                        + (" (reverse charge)" if view.reverse_charge else ""))
            return full_text_tip(self._cell(view, col))
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS_COL:
            name = STATE_COLOURS.get("draft" if view.is_draft else view.state)
            return colour(name) if name else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == TOTAL_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
