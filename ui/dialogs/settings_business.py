"""Settings, tab "Business & invoices": who sends the invoices and how they are paid.

The coach's business name and address, VAT number, bank account (holder, IBAN, BIC), the
currency, VAT rate and payment days a new invoice starts with, and the footer every
invoice prints. Kept through ``coachdesk.services.business``; an issued invoice keeps the
details it was issued with, so a change here never rewrites one.

``add_tab(dialog)`` is the one line ``SettingsDialog`` calls: it builds the tab with the
dialog's own ``add_field`` (so a refusal is said under its field, on this tab) and wraps
the dialog's ``submit`` so this tab is checked before anything is written and saved after
the rest.
"""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox

from coachdesk.errors import ValidationError
from coachdesk.services import business

from ..widgets.text import FocusOutPlainTextEdit

#: the currencies offered first; any other ISO 4217 code can be typed
COMMON_CURRENCIES = ("EUR", "GBP", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD",
                     "AUD")


class BusinessTab:
    """The fields of the tab, bound to ``dialog`` (a ``SettingsDialog``)."""

    def __init__(self, dialog):
        self.dialog = dialog
        db = dialog.ctx.db
        details = business.get(db)
        dialog._new_tab("Business && invoices")
        dialog._section("Your business, as your invoices name it")
        add = dialog.add_field
        self.name = add("Business name", "business_name", QLineEdit(details.name),
                        "settingsBusinessName")
        self.name.setPlaceholderText("Your name or your company's")
        self.address = FocusOutPlainTextEdit("Street\nPostcode and town\nCountry")
        self.address.setPlainText(details.address)
        self.address.setFixedHeight(76)
        add("Address", "business_address", self.address, "settingsBusinessAddress")
        self.vat_number = add("VAT number", "business_vat_number",
                              QLineEdit(details.vat_number),
                              "settingsBusinessVat")
        self.vat_number.setPlaceholderText("Empty if you are not registered for VAT")

        dialog._section("Where you are paid")
        self.holder = add("Account holder", "business_account_holder",
                          QLineEdit(details.account_holder), "settingsBankHolder")
        self.iban = add("IBAN", "business_iban", QLineEdit(details.iban_grouped),
                        "settingsBankIban")
        self.iban.setPlaceholderText("e.g. DE89 3704 0044 0532 0130 00")
        self.bic = add("BIC", "business_bic", QLineEdit(details.bic), "settingsBankBic")

        dialog._section("What a new invoice starts with")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.setCurrentText(details.currency)
        self.currency.setToolTip("The three-letter code (ISO 4217), like EUR or GBP.")
        add("Currency", "business_currency", self.currency, "settingsInvoiceCurrency")
        # Typed as the coach reads it ("19", "5.5", "0,5"); the engine reads it
        self.vat_rate = QLineEdit(business.rate_text(details.vat_rate))
        self.vat_rate.setPlaceholderText("e.g. 20, or 0 if you charge no VAT")
        self.vat_rate.setMaximumWidth(200)
        add("VAT rate", "business_vat_rate", self.vat_rate, "settingsInvoiceVatRate")
        self.payment_days = QSpinBox()
        self.payment_days.setRange(0, business.PAYMENT_DAYS_MAX)
        self.payment_days.setSuffix(" days")
        self.payment_days.setValue(details.payment_days)
        self.payment_days.setToolTip("How long the sponsor has to pay: the due date is the "
                                     "invoice date plus these days.")
        add("Payment within", "business_payment_days", self.payment_days,
            "settingsInvoicePaymentDays")
        self.footer = FocusOutPlainTextEdit("e.g. Thank you for your trust. Registered in …")
        self.footer.setPlainText(details.footer)
        self.footer.setFixedHeight(64)
        add("Invoice footer", "business_footer", self.footer, "settingsInvoiceFooter")
        hint = QLabel("An invoice already issued keeps the details it was issued with.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        dialog.form.addRow("", hint)

    def values(self) -> dict:
        """What the tab holds, as ``business.save`` takes it (the VAT rate as typed)."""
        return dict(name=self.name.text(), address=self.address.toPlainText(),
                    vat_number=self.vat_number.text(), account_holder=self.holder.text(),
                    iban=self.iban.text(), bic=self.bic.text(),
                    currency=self.currency.currentText(),
                    vat_rate=self.vat_rate.text(),
                    payment_days=self.payment_days.value(), footer=self.footer.toPlainText())

    def check(self) -> business.BusinessDetails:
        """The details checked, nothing written; raises ``ValidationError`` naming a field
        of this tab ("business_" and the engine's field: the dialog's other tabs have a
        "name" of their own)."""
        try:
            return business.clean(self.values(), business.get(self.dialog.ctx.db))
        except ValidationError as exc:
            raise ValidationError(str(exc), f"business_{exc.field}") from None

    def save(self, checked: business.BusinessDetails) -> None:
        business.save(self.dialog.ctx.db, **asdict(checked))


def add_tab(dialog) -> BusinessTab:
    """Add the tab to ``dialog`` and make its Save check this tab first, then save the
    other tabs, then this one (nothing is written while any tab holds a mistake)."""
    tab = BusinessTab(dialog)
    dialog.business_tab = tab
    submit_others = dialog.submit

    def submit():
        checked = tab.check()
        result = submit_others()
        tab.save(checked)
        return result

    dialog.submit = submit
    return tab
