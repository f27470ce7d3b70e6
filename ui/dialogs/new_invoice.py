"""New invoice: a draft for one engagement, from the sessions delivered and not yet
invoiced (a ticked list), a package fee, or one instalment of a programme.

The currency, VAT rate, reverse charge, payment terms and due date start from the
engagement and Settings → Business & invoices; the net, VAT and total below the fields
follow every keystroke (``invoice_money.totals``, the engine's own arithmetic). Save
writes a draft: it has no number and can still be deleted; Issue on the panel numbers it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import business, engagements, invoice_money, invoices, organizations, sponsors

from ..context import AppContext
from ..models.invoice_table import money
from ..theme import css
from ..widgets.fields import OptionalDateEdit
from .base import FormDialog
from .settings_business import COMMON_CURRENCIES

#: what the invoice is made from: (key, what the chooser says)
MODES = (("sessions", "Sessions delivered"), ("package", "A package fee"),
         ("instalment", "One instalment of a programme"))


def bill_to_org(db, engagement):
    """The organisation a new invoice of ``engagement`` goes to, as the engine chooses (the
    sponsor's, else the client's), or None."""
    org_id = None
    if engagement.sponsor_id:
        org_id = sponsors.get(db, engagement.sponsor_id).organization_id
    if org_id is None:
        from coachdesk.services import clients

        org_id = clients.get(db, engagement.client_id).organization_id
    return None if org_id is None else organizations.get(db, org_id)


def bill_to_words(db, engagement) -> str:
    """Whom a new invoice of ``engagement`` goes to, or a sentence saying there is nobody."""
    org = bill_to_org(db, engagement)
    if org is None:
        return ("Nobody to bill yet: give the sponsor or the client an organisation "
                "(People page), with its billing address.")
    where = "" if org.billing_address.strip() else \
        " (no billing address yet: add it on the People page before issuing)"
    return f"{org.name}{where}"


class NewInvoiceDialog(FormDialog):
    """``submit()`` returns the new draft (``InvoiceView``) or raises ``CoachDeskError``,
    which keeps the dialog open with the message under its field."""

    def __init__(self, ctx: AppContext, engagement_id: int, parent=None):
        super().__init__("New invoice", "newInvoiceDialog", parent)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.engagement_id = engagement_id
        db = ctx.db
        engagement = engagements.get(db, engagement_id)
        details = business.get(db)
        self.billable = invoices.billable_sessions(db, engagement_id)
        price = invoices.session_price(db, engagement_id)
        fee = None if engagement.pro_bono else engagement.fee_cents

        self.mode = self.add_field("What to invoice", "mode", QComboBox(), "invoiceMode")
        for key, label in MODES:
            self.mode.addItem(label, key)
        billed = QLabel(bill_to_words(db, engagement))
        billed.setObjectName("invoiceBillTo")
        billed.setWordWrap(True)
        billed.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow("Billed to", billed)

        # Sessions delivered: ticked, all of them to begin with
        self.sessions = QListWidget()
        for b in self.billable:
            item = QListWidgetItem(b.label)
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.sessions.addItem(item)
        if self.billable:
            self.sessions.setCurrentRow(0)
        rows = min(max(len(self.billable), 2), 5)
        # at least a few rows; a taller dialog shows more of them (it was fixed at 5)
        self.sessions.setMinimumHeight(rows * self.sessions.sizeHintForRow(0) + 6
                                       if self.billable else 40)
        self.sessions.setSizePolicy(QSizePolicy.Policy.Expanding,
                                    QSizePolicy.Policy.Expanding)
        self.sessions.setToolTip("Space ticks or unticks the session under the cursor.")
        self.sessions.setMinimumWidth(min(self.sessions.sizeHintForColumn(0) + 40, 640))
        self.add_field("Sessions", "session_ids", self.sessions, "invoiceSessions")
        self.no_sessions = QLabel("No delivered session is waiting to be invoiced.")
        self.no_sessions.setObjectName("invoiceNoSessions")
        self.form.addRow("", self.no_sessions)
        self.unit = self.add_field("Price per session", "unit_cents",
                                   QLineEdit(_amount_text(price)), "invoiceUnitPrice")
        self.unit.setPlaceholderText("e.g. 450.00")

        # A package fee, or one instalment of a programme's total
        self.amount = self.add_field("Amount", "amount", QLineEdit(_amount_text(fee)),
                                     "invoiceAmount")
        self.amount.setPlaceholderText("e.g. 4500.00")
        self.which = QSpinBox()
        self.which.setRange(1, invoice_money.MAX_INSTALMENTS)
        self.parts = QSpinBox()
        self.parts.setRange(1, invoice_money.MAX_INSTALMENTS)
        self.parts.setValue(3)
        self.add_field("This is instalment", "instalments", self.which, "invoiceInstalment")
        self.add_field("Instalments in all", "parts", self.parts, "invoiceInstalmentParts")
        self.text = self.add_field("Line text", "description", QLineEdit(), "invoiceLineText")
        kind = getattr(engagement.kind, "value", engagement.kind) or "coaching"
        self.programme = f"{str(kind).capitalize()} programme"  # mentoring says mentoring
        self.text.setPlaceholderText(f"{self.programme} (as the line will say)")

        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.setCurrentText(engagement.currency or details.currency)
        self.add_field("Currency", "currency", self.currency, "invoiceCurrency")
        # VAT starts from the engine's suggestion for the buyer (G: invoices.suggest_vat)
        try:
            self.suggestion = invoices.suggest_vat(db, engagement_id)
        except CoachDeskError:  # nobody to bill yet: the business's usual rate
            self.suggestion = None
        rate = details.vat_rate
        if self.suggestion is not None and self.suggestion.vat_rate is not None:
            rate = self.suggestion.vat_rate
        self.vat_rate = self.add_field("VAT rate (%)", "vat_rate",
                                       QLineEdit(business.rate_text(rate)), "invoiceVatRate")
        self.reverse = self.add_field(
            "", "reverse_charge", QCheckBox("No VAT: the buyer is a business abroad"),
            "invoiceReverseCharge")
        self.reverse.setChecked(bool(self.suggestion and self.suggestion.reverse_charge))
        self.vat_note = QLabel(vat_words(db, engagement, self.suggestion))
        self.vat_note.setObjectName("invoiceVatNote")
        self.vat_note.setAccessibleName("The VAT suggested for this buyer")
        self.vat_note.setWordWrap(True)
        self.vat_note.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow("", self.vat_note)
        self.terms = self.add_field("Payment terms", "payment_terms",
                                    QLineEdit(invoices.default_terms(details.payment_days)),
                                    "invoiceTerms")
        self.due = self.add_field("Due date", "due_date", OptionalDateEdit(), "invoiceDueDate")
        self.due.lineEdit().setPlaceholderText(
            f"empty: {details.payment_days} days after the invoice is issued")
        self.preview = QLabel()
        self.preview.setObjectName("invoicePreview")
        self.preview.setAccessibleName("Net, VAT and total")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setStyleSheet("font-weight: 600;")
        self.form.addRow("", self.preview)
        # double billing (a package already invoiced, more than the agreed fee): said in
        # orange above Save, never blocking
        self.warnings = QLabel()
        self.warnings.setObjectName("invoiceWarnings")
        self.warnings.setAccessibleName("Warnings about this invoice")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setStyleSheet(f"color: {css('orange')}; font-weight: 600;")
        self.form.addRow("", self.warnings)

        for signal in (self.mode.currentIndexChanged, self.sessions.itemChanged,
                       self.unit.textChanged, self.amount.textChanged, self.which.valueChanged,
                       self.parts.valueChanged, self.currency.currentTextChanged,
                       self.vat_rate.textChanged, self.reverse.toggled):
            signal.connect(self._update)
        # Nothing to bill by the session: a package fee, unless one was invoiced already
        # (a second one at the full amount was only stopped by the orange warning)
        if not self.billable and invoices.session_counts(
                db, engagement_id).package_invoiced_on is None:
            self.mode.setCurrentIndex(1)
        self._update()

    # -- what the form holds -------------------------------------------------------------
    def _row_visible(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget.parentWidget(), visible)

    def ticked(self) -> list[int]:
        return [self.sessions.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.sessions.count())
                if self.sessions.item(i).checkState() == Qt.CheckState.Checked]

    def lines(self) -> list[invoices.LineInput]:
        """The lines the form describes (no database read); ``ValidationError`` naming the
        field that is missing or wrong."""
        mode = self.mode.currentData()
        if mode == "sessions":
            if not self.ticked():
                raise ValidationError("Tick at least one session to invoice.", "session_ids")
            unit = engagements.parse_money(self.unit.text(), "unit_cents")
            if not unit:
                raise ValidationError("Type the price of one session.", "unit_cents")
            labels = {b.id: b.label for b in self.billable}
            return [invoices.LineInput(labels[i], unit, 1000, i) for i in self.ticked()]
        amount = engagements.parse_money(self.amount.text(), "amount")
        if not amount:
            raise ValidationError("Type the amount.", "amount")
        text = self.text.text().strip() or self.programme
        if mode == "package":
            return [invoices.LineInput(text, amount)]
        if self.which.value() > self.parts.value():
            raise ValidationError(f"Choose an instalment from 1 to {self.parts.value()}.",
                                  "instalments")
        return invoices.one_instalment(amount, self.parts.value(), self.which.value(), text)

    def _update(self, *_):
        mode = self.mode.currentData()
        for widget, shown in ((self.sessions, mode == "sessions" and bool(self.billable)),
                              (self.unit, mode == "sessions"),
                              (self.amount, mode != "sessions"),
                              (self.which, mode == "instalment"),
                              (self.parts, mode == "instalment"),
                              (self.text, mode != "sessions")):
            self._row_visible(widget, shown)
        self.form.setRowVisible(self.no_sessions, mode == "sessions" and not self.billable)
        self.form.labelForField(self.amount.parentWidget()).setText(
            "Programme total" if mode == "instalment" else "Amount")
        self.reverse_vat()
        self.preview.setText(self.preview_text())
        self.warnings.setText(self.warning_text())
        self.warnings.setVisible(bool(self.warnings.text()))

    def warning_text(self) -> str:
        """The engine's double-billing warnings for the lines as they stand ("" when none
        or the form is not complete yet)."""
        try:
            lines = self.lines()
            found = invoices.draft_warnings(self.ctx.db, self.engagement_id, lines)
        except CoachDeskError:
            return ""
        return "\n".join(found)

    def reverse_vat(self) -> None:
        # read-only, not disabled: Alt+V still reaches it (and says why it cannot change)
        reverse = self.reverse.isChecked()
        self.vat_rate.setReadOnly(reverse)
        self.vat_rate.setToolTip("No VAT is charged: untick “No VAT” to type a rate."
                                 if reverse else "")

    def preview_text(self) -> str:
        """"Net €900.00 · VAT 19 % €171.00 · Total €1,071.00", or what is still missing."""
        try:
            lines = self.lines()
            currency = business.currency_code(self.currency.currentText())
            rate = business.parse_rate(self.vat_rate.text())
        except CoachDeskError as exc:
            return f"Total: not yet ({exc})"
        totals = invoice_money.totals(
            [invoice_money.line_amount(line.quantity_milli, line.unit_cents) for line in lines],
            rate, self.reverse.isChecked())
        outside = getattr(self.suggestion, "kind", "") == "outside_eu"
        vat = ("not applicable (outside the EU)" if outside else "reverse charge") \
            if self.reverse.isChecked() else \
            f"{business.rate_text(rate)} % {money(totals.vat, currency)}"
        count = f"{len(lines)} line{'s' if len(lines) != 1 else ''}: "
        return (f"{count}net {money(totals.net, currency)} · VAT {vat} · "
                f"total {money(totals.total, currency)}")

    def submit(self):
        view = invoices.create_draft(
            self.ctx.db, self.engagement_id, self.lines(),
            currency=self.currency.currentText(), vat_rate=self.vat_rate.text(),
            reverse_charge=self.reverse.isChecked(), payment_terms=self.terms.text(),
            due_date=self.due.value())
        self.ctx.notify("invoice")
        self.ctx.say(f"Draft invoice saved: {money(view.total_cents, view.currency)}. Issue it "
                     "when it is right; its number is given then.")
        return view


def vat_words(db, engagement, suggestion) -> str:
    """The VAT suggested for the buyer, in words ("Reverse charge: the buyer is a business
    in Germany"), or the engine's hint when it could not tell."""
    if suggestion is None:
        return ""
    if suggestion.kind == "domestic":
        return "Your usual VAT rate: the buyer is in your country."
    if suggestion.kind in ("eu_reverse_charge", "outside_eu"):
        where = _buyer_country(db, engagement)
        if suggestion.kind == "eu_reverse_charge":
            return "Reverse charge: the buyer is a business in " + \
                (where or "another EU country") + "."
        return "No VAT: the buyer is a business outside the EU" + \
            (f", in {where}." if where else ".")
    return suggestion.hint


def _buyer_country(db, engagement) -> str:
    """The country of the organisation billed, from its VAT number ("Germany"), or ""."""
    from babel import Locale

    from coachdesk.services import invoice_vat

    org = bill_to_org(db, engagement)
    code = invoice_vat.country_of(org.vat_number) if org is not None else ""
    code = "GR" if code == "EL" else "GB" if code == "XI" else code
    return Locale("en").territories.get(code, "") if code else ""


def _amount_text(cents: int | None) -> str:
    return "" if cents is None else business.plain_amount(cents)
