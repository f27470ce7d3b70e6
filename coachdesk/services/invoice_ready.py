"""Whether a draft could be issued now, asked before the coach is asked "Issue this
invoice?": a missing billing address or business detail is said first, not after she has
confirmed. Nothing is written and no number is used.
"""

from __future__ import annotations

from types import SimpleNamespace

from ..errors import ValidationError
from ..models import Organization
from . import business, invoices


def problem(db, invoice_id: int, issue_date=None) -> ValidationError | None:
    """The ``ValidationError`` that ``invoices.issue(db, invoice_id, issue_date)`` would
    raise for a missing detail (the same rule, ``invoices._check_issuable``, applied to the
    buyer's details as issuing would read them again), or None when it looks issuable.
    Raises NotFoundError, or ValidationError ("status") for an invoice already issued."""
    on = issue_date or invoices.current_day()
    with db.session() as s:
        row = invoices._draft(s, invoice_id)
        seen = SimpleNamespace(bill_to_name=row.bill_to_name,
                               bill_to_address=row.bill_to_address,
                               bill_to_vat_number=row.bill_to_vat_number,
                               reverse_charge=row.reverse_charge, due_date=row.due_date)
        if row.organization_id is not None:
            org = s.get(Organization, row.organization_id)
            if org is not None:  # issuing copies the organisation's details again
                seen.bill_to_name = org.name
                seen.bill_to_address = org.billing_address or ""
                seen.bill_to_vat_number = org.vat_number or ""
        seller = business.get_in(s)
        s.rollback()  # read only
    try:
        invoices._check_issuable(seen, seller, on)
    except ValidationError as exc:
        return exc
    return None
