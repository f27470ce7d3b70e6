"""Credit notes: how an issued invoice is corrected (it is never edited or deleted).

A credit note has its own series ("CN-2026-0001"), names the invoice it corrects, and
repeats the lines it takes back with negative amounts, at the invoice's currency, VAT rate
and reverse charge. It is issued at once: numbered in the same transaction that writes it.
A full credit note mirrors the invoice to the cent; a partial one computes its VAT on its
own net total (as any invoice), so two partial credit notes may differ from the invoice's
VAT by a cent. A line can be credited once; a session credited is free to invoice again.
"""

from __future__ import annotations

from sqlalchemy import select as sa_select

from ..errors import ValidationError
from ..models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, utcnow
from ..storage import Database
from . import business
from . import validation as v
from ._common import get_or_raise

REASON_MAX = 2000


def _credited_lines(s, invoice_id: int) -> tuple[set[int], set[str]]:
    """Session ids and descriptions already taken back by the invoice's credit notes."""
    rows = s.exec(sa_select(InvoiceLine.session_id, InvoiceLine.description, InvoiceLine.unit_cents)
                  .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                  .where(Invoice.credits_invoice_id == int(invoice_id))).all()
    return ({sid for sid, _d, _u in rows if sid is not None},
            {f"{d}\x00{-u}" for sid, d, u in rows if sid is None})


def credit_note(db: Database, invoice_id: int, line_ids=None, issue_date=None, reason: str = ""):
    """Issue a credit note for the issued invoice ``invoice_id``: for all its lines (None)
    or the chosen ``line_ids`` (``LineView.id`` of the invoice). ``reason`` is printed on
    it. Returns the credit note (``InvoiceView``), numbered.

    Raises NotFoundError, ValidationError ("status": the invoice is a draft or itself a
    credit note; "line_ids": a line not on the invoice, or already credited; "issue_date":
    before the invoice's issue date), PracticeBusyError as ``issue``.
    """
    from . import invoices as inv

    on = v.optional_date(issue_date, "issue_date", "The issue date") or inv.current_day()
    note = v.refuse_control(v.optional_text(reason), "reason", "The reason").strip()
    if len(note) > REASON_MAX:
        raise ValidationError(f"The reason is too long (at most {REASON_MAX:,} characters).",
                              "reason")
    with db.session() as s:
        original = get_or_raise(s, Invoice, invoice_id, "invoice")
        if original.status == InvoiceStatus.draft:
            raise ValidationError("A draft needs no credit note: change or delete it.",
                                  "status")
        if original.kind != InvoiceKind.invoice:
            raise ValidationError("A credit note cannot itself be credited.", "status")
        if on < original.issue_date:
            raise ValidationError("A credit note cannot be dated before its invoice.",
                                  "issue_date")
        lines = list(s.exec(sa_select(InvoiceLine).where(InvoiceLine.invoice_id == original.id)
                            .order_by(InvoiceLine.position, InvoiceLine.id)).scalars())
        if line_ids is not None:
            wanted = []
            for raw in line_ids:
                try:
                    wanted.append(int(raw))
                except (TypeError, ValueError):
                    raise ValidationError("That is not a line of the invoice.",
                                          "line_ids") from None
            known = {li.id for li in lines}
            if not wanted or set(wanted) - known:
                raise ValidationError("Choose lines of the invoice to credit.", "line_ids")
            lines = [li for li in lines if li.id in set(wanted)]
        sessions_done, others_done = _credited_lines(s, original.id)
        for li in lines:
            if (li.session_id is not None and li.session_id in sessions_done) or \
                    (li.session_id is None and f"{li.description}\x00{li.unit_cents}"
                     in others_done):
                raise ValidationError("A line of this invoice has already been credited.",
                                      "line_ids")
        sequence = inv._next_sequence(s, "credit_note", on.year)  # the write lock from here
        row = Invoice(engagement_id=original.engagement_id,
                      organization_id=original.organization_id, kind=InvoiceKind.credit_note,
                      credits_invoice_id=original.id, status=InvoiceStatus.issued,
                      issue_date=on, currency=original.currency, vat_rate=original.vat_rate,
                      reverse_charge=original.reverse_charge, payment_terms="", notes=note,
                      bill_to_name=original.bill_to_name,
                      bill_to_contact=original.bill_to_contact,
                      bill_to_address=original.bill_to_address,
                      bill_to_vat_number=original.bill_to_vat_number,
                      bill_to_email=original.bill_to_email,
                      seller_details=business.get_in(s).to_json() if not
                      original.seller_details else original.seller_details,
                      number=inv.number_for("credit_note", on.year, sequence), year=on.year,
                      sequence=sequence)
        s.add(row)
        s.flush()
        amounts = []
        for pos, li in enumerate(lines, 1):
            amounts.append(-li.amount_cents)
            s.add(InvoiceLine(invoice_id=row.id, position=pos, description=li.description,
                              quantity_milli=li.quantity_milli, unit_cents=-li.unit_cents,
                              amount_cents=-li.amount_cents, session_id=li.session_id))
        if len(lines) == len(list(s.exec(sa_select(InvoiceLine.id).where(
                InvoiceLine.invoice_id == original.id)).scalars())) and line_ids is None:
            # the exact mirror, whatever rounding a recomputation might give
            row.subtotal_cents, row.vat_cents = -original.subtotal_cents, -original.vat_cents
            row.total_cents = -original.total_cents
        else:
            inv._set_totals(row, amounts)
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return inv._view(s, row, 0, inv.current_day())
