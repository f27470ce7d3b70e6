"""How invoices are read: ``InvoiceView`` and ``LineView``, one invoice or a list.

"Overdue" and "credited" are worked out here, never stored: an issued or sent invoice
whose due date is before today and that still has money owed on it is overdue; one whose
issued credit notes cancel its total is credited. "Today" is ``invoices.current_day()``
unless given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select

from ..errors import ValidationError
from ..models import Client, Engagement, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from ..storage import Database
from . import business
from ._common import get_or_raise

#: display statuses (``InvoiceView.state``): the stored ones and the two worked out
STATES = ("draft", "issued", "sent", "paid", "overdue", "credited")


def current_day() -> date:
    from . import invoices

    return invoices.current_day()


@dataclass(frozen=True)
class LineView:
    """A line as stored: amounts in cents (negative on a credit note)."""

    id: int
    position: int
    description: str
    quantity_milli: int
    unit_cents: int
    amount_cents: int
    session_id: int | None


@dataclass(frozen=True)
class InvoiceView:
    """An invoice or credit note as the UI, the PDF and the CSV show it.

    ``kind`` "invoice" or "credit_note"; ``status`` the stored status ("draft", "issued",
    "sent", "paid"); ``state`` adds what is worked out: "overdue" (issued or sent, due date
    before today, money still owed) and "credited" (an invoice whose credit notes cancel
    it); ``number`` None on a draft; ``credits_number`` the number of the invoice a credit
    note corrects. Money in cents: ``subtotal_cents`` (net), ``vat_cents``,
    ``total_cents``, ``credited_cents`` (sum of its credit notes, <= 0) and
    ``balance_cents`` (what is still owed: 0 once paid, credited, or for a draft or credit
    note). ``vat_rate`` in hundredths of a percent. ``seller`` the seller's details (frozen
    at issue; the current settings on a draft). ``client_name``: the engagement's client
    ("" once the client was erased).
    """

    id: int
    kind: str
    number: str | None
    status: str
    state: str
    engagement_id: int | None
    organization_id: int | None
    client_name: str
    credits_invoice_id: int | None
    credits_number: str | None
    issue_date: date | None
    due_date: date | None
    sent_on: date | None
    paid_on: date | None
    currency: str
    vat_rate: int
    reverse_charge: bool
    payment_terms: str
    notes: str
    bill_to_name: str
    bill_to_contact: str
    bill_to_address: str
    bill_to_vat_number: str
    bill_to_email: str
    seller: business.BusinessDetails
    subtotal_cents: int
    vat_cents: int
    total_cents: int
    credited_cents: int
    balance_cents: int
    lines: tuple[LineView, ...]
    pdf_file: str

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.credit_note.value

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.draft.value

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def title(self) -> str:
        """"Invoice 2026-0001", "Credit note CN-2026-0001" or "Draft invoice"."""
        what = "Credit note" if self.is_credit_note else "Invoice"
        return f"{what} {self.number}" if self.number else f"Draft {what.lower()}"


# -- reading ---------------------------------------------------------------------------


def _value(x) -> str:
    return x.value if hasattr(x, "value") else str(x)


def _credited(s, ids: list[int]) -> dict[int, int]:
    """Sum of issued credit notes per invoice id (<= 0)."""
    if not ids:
        return {}
    rows = s.exec(sa_select(Invoice.credits_invoice_id, Invoice.total_cents)
                  .where(Invoice.credits_invoice_id.in_(ids),
                         Invoice.status != InvoiceStatus.draft)).all()
    out: dict[int, int] = {}
    for invoice_id, total in rows:
        out[invoice_id] = out.get(invoice_id, 0) + total
    return out


def _view(s, row: Invoice, credited: int, on: date,
          numbers: dict[int, str | None] | None = None,
          names: dict[int, str] | None = None,
          lines: list[InvoiceLine] | None = None) -> InvoiceView:
    if lines is None:
        lines = list(s.exec(sa_select(InvoiceLine).where(InvoiceLine.invoice_id == row.id)
                            .order_by(InvoiceLine.position, InvoiceLine.id)).scalars())
    status = _value(row.status)
    kind = _value(row.kind)
    balance = 0
    state = status
    if kind == "invoice" and status in ("issued", "sent"):
        balance = max(row.total_cents + credited, 0)
        if balance == 0 and credited:
            state = "credited"
        elif row.due_date is not None and row.due_date < on:
            state = "overdue"
    elif kind == "invoice" and status == "paid" and credited and row.total_cents + credited <= 0:
        state = "credited"
    if numbers is not None:
        credits_number = numbers.get(row.credits_invoice_id)
    elif row.credits_invoice_id is not None:
        credits_number = s.exec(sa_select(Invoice.number)
                                .where(Invoice.id == row.credits_invoice_id)).scalar()
    else:
        credits_number = None
    if names is not None:
        client_name = names.get(row.engagement_id, "")
    elif row.engagement_id is not None:
        client_name = s.exec(sa_select(Client.name).join(Engagement,
                                                         Engagement.client_id == Client.id)
                             .where(Engagement.id == row.engagement_id)).scalar() or ""
    else:
        client_name = ""
    if status == "draft":
        seller = business.get_in(s)
    else:
        seller = business.BusinessDetails.from_json(row.seller_details)
    return InvoiceView(
        row.id, kind, row.number, status, state, row.engagement_id, row.organization_id,
        client_name, row.credits_invoice_id, credits_number, row.issue_date, row.due_date,
        row.sent_on, row.paid_on, row.currency, row.vat_rate, row.reverse_charge,
        row.payment_terms, row.notes, row.bill_to_name, row.bill_to_contact,
        row.bill_to_address, row.bill_to_vat_number, row.bill_to_email, seller,
        row.subtotal_cents, row.vat_cents, row.total_cents, credited, balance,
        tuple(LineView(li.id, li.position, li.description, li.quantity_milli, li.unit_cents,
                       li.amount_cents, li.session_id) for li in lines),
        row.pdf_file)


def get(db: Database, invoice_id: int, today: date | None = None) -> InvoiceView:
    """One invoice or credit note with its lines. Raises NotFoundError."""
    on = today or current_day()
    with db.session() as s:
        row = get_or_raise(s, Invoice, invoice_id, "invoice")
        return _view(s, row, _credited(s, [row.id]).get(row.id, 0), on)


def list_invoices(db: Database, engagement_id: int | None = None, state: str | None = None,
                  today: date | None = None, client_id: int | None = None) -> list[InvoiceView]:
    """Invoices and credit notes, newest first (drafts first, then by issue date and
    number): all, or one engagement's, or one client's; ``state`` keeps one of ``STATES``
    ("overdue" and "credited" included). Raises ValidationError (field "state") for an
    unknown state."""
    if state is not None and state not in STATES:
        raise ValidationError("That is not an invoice status.", "state")
    on = today or current_day()
    with db.session() as s:
        query = sa_select(Invoice)
        if engagement_id is not None:
            query = query.where(Invoice.engagement_id == int(engagement_id))
        if client_id is not None:
            query = query.join(Engagement, Engagement.id == Invoice.engagement_id) \
                .where(Engagement.client_id == int(client_id))
        rows = list(s.exec(query).scalars())
        ids = [r.id for r in rows]
        credited = _credited(s, ids)
        numbers = dict(s.exec(sa_select(Invoice.id, Invoice.number)).all())
        names = dict(s.exec(sa_select(Engagement.id, Client.name)
                            .join(Client, Client.id == Engagement.client_id)).all())
        all_lines: dict[int, list[InvoiceLine]] = {i: [] for i in ids}
        if ids:
            for li in s.exec(sa_select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids))
                             .order_by(InvoiceLine.position, InvoiceLine.id)).scalars():
                all_lines[li.invoice_id].append(li)
        views = [_view(s, r, credited.get(r.id, 0), on, numbers, names, all_lines[r.id])
                 for r in rows]
    if state is not None:
        views = [x for x in views if x.state == state]
    drafts = sorted((x for x in views if x.is_draft), key=lambda x: x.id, reverse=True)
    issued = sorted((x for x in views if not x.is_draft),
                    key=lambda x: (x.issue_date, x.kind, x.number), reverse=True)
    return drafts + issued
