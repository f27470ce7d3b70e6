"""The small forms an issued invoice needs: the day it was paid, and a credit note.

An issued invoice is never edited or deleted; a credit note (its own number, issued at
once) corrects all of it or the lines ticked. Both forms say so before anything is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem

from coachdesk.errors import ValidationError
from coachdesk.services import invoices

from ..context import AppContext
from ..models.invoice_table import money
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog


def _note(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class MarkPaidDialog(FormDialog):
    """The day the money arrived (today to begin with). ``submit()`` returns the invoice
    as paid, or raises ``CoachDeskError`` (a date before the invoice's, say)."""

    def __init__(self, ctx: AppContext, invoice_id: int, parent=None):
        super().__init__("Mark as paid", "markPaidDialog", parent)
        self.setMinimumWidth(460)
        self.ctx = ctx
        self.view = invoices.get(ctx.db, invoice_id)
        view = self.view
        owed = money(view.balance_cents or view.total_cents, view.currency)
        self.form.addRow(_note(f"{view.title} to {view.bill_to_name}: {owed}.", "markPaidWhat"))
        # the engine names the date "paid_on": its refusal shows under this field
        self.paid_on = self.add_field("Paid on", "paid_on", OptionalDateEdit(allow_empty=False),
                                      "invoicePaidOn")
        self.paid_on.set_value(invoices.current_day())

    def done(self, result: int) -> None:
        # Closing takes the cursor out of the date, whose focus-out would commit into a
        # dialog being torn down (seen once as "Slot 'OptionalDateEdit::' not found");
        # Save has committed the date already, Cancel keeps nothing.
        self.paid_on.lineEdit().blockSignals(True)
        super().done(result)

    def submit(self):
        day = self.paid_on.value()
        if day is not None and day > invoices.current_day():
            raise ValidationError("The payment date cannot be in the future.", "paid_on")
        view = invoices.mark_paid(self.ctx.db, self.view.id, on=self.paid_on.value())
        self.ctx.notify("invoice")
        self.ctx.say(f"{view.title} marked as paid.")
        return view


class CreditNoteDialog(FormDialog):
    """A credit note for all the lines of an issued invoice, or those ticked, with the
    reason printed on it. ``submit()`` returns the credit note (numbered) or raises
    ``CoachDeskError``."""

    def __init__(self, ctx: AppContext, invoice_id: int, parent=None):
        super().__init__("Credit note", "creditNoteDialog", parent)
        self.ctx = ctx
        self.view = invoices.get(ctx.db, invoice_id)
        self.lines = QListWidget()
        for line in self.view.lines:
            amount = money(line.amount_cents, self.view.currency)
            item = QListWidgetItem(f"{line.description} — {amount}")
            item.setData(Qt.ItemDataRole.UserRole, line.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.lines.addItem(item)
        self.lines.setCurrentRow(0)
        rows = min(max(len(self.view.lines), 2), 6)
        self.lines.setFixedHeight(rows * max(self.lines.sizeHintForRow(0), 18) + 6)
        self.lines.setToolTip("Space ticks or unticks the line under the cursor.")
        # each line whole, without scrolling sideways (a long description is cut at 640 px)
        self.lines.setMinimumWidth(min(self.lines.sizeHintForColumn(0) + 40, 640))
        self.add_field("Lines to take back", "line_ids", self.lines, "creditNoteLines")
        self.reason = self.add_field("Reason", "reason", QLineEdit(), "creditNoteReason")
        self.reason.setPlaceholderText("Printed on the credit note, e.g. session cancelled "
                                       "in time")
        self.form.addRow(_note(
            f"The credit note corrects {self.view.title}. It is issued at once with the next "
            "credit note number, which is final: check the lines before you save.",
            "creditNoteWarning"))

    def ticked(self) -> list[int]:
        return [self.lines.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.lines.count())
                if self.lines.item(i).checkState() == Qt.CheckState.Checked]

    def submit(self):
        ticked = self.ticked()
        if not ticked:
            raise ValidationError("Tick at least one line to take back.", "line_ids")
        whole = len(ticked) == self.lines.count()
        note = invoices.credit_note(self.ctx.db, self.view.id, None if whole else ticked,
                                    reason=self.reason.text())
        self.ctx.notify("invoice")
        self.ctx.say(f"{note.title} issued for {self.view.number}.")
        return note
