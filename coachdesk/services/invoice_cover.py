"""Warnings before a draft bills something twice or more than agreed.

Rules (see also ``invoice_lines``): a package fee or instalments invoiced on an engagement
cover its sessions, so session lines on an engagement that already has such an invoice
(or on the same draft as a package fee) would bill those sessions a second time; and the
engagement's fee (``Engagement.fee_cents``, the total agreed) is the most it should be
invoiced in total, net of VAT and of credit notes. Neither is refused (a coach may agree
extra sessions, or bill expenses), but the coach is told in plain sentences before
issuing.
"""

from __future__ import annotations

from sqlalchemy import select as sa_select

from .. import dates
from ..models import Engagement, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from ..storage import Database
from . import business
from . import invoice_money as money
from ._common import get_or_raise
from .invoice_lines import LineInput, is_package_line, package_invoiced_on


def _lines(lines) -> list[LineInput]:
    out = []
    for line in lines or ():
        if isinstance(line, dict):
            line = LineInput(**line)
        out.append(line)
    return out


def draft_warnings(db: Database, engagement_id: int, lines=None, *,
                   invoice_id: int | None = None) -> list[str]:
    """Plain warnings (zero, one or two sentences) about a draft of the engagement with
    ``lines`` (``LineInput``s or dicts; None: the lines saved on draft ``invoice_id``).
    ``invoice_id``: the draft being edited, left out of "already invoiced".

    - session lines when a package fee or instalments are invoiced (or on this draft;
      ``invoice_lines.is_package_line`` tells a package line);
    - a total (issued invoices net of credit notes, other drafts, and this one; net of VAT)
      above the engagement's agreed fee.

    Raises NotFoundError for an unknown engagement or draft. Never quotes a line's text."""
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        if lines is None and invoice_id is not None:
            get_or_raise(s, Invoice, int(invoice_id), "invoice")
            lines = [LineInput(li.description, li.unit_cents, li.quantity_milli,
                               li.session_id)
                     for li in s.exec(sa_select(InvoiceLine)
                                      .where(InvoiceLine.invoice_id == int(invoice_id)))
                     .scalars()]
        clean = _lines(lines)
        out = []
        has_sessions = any(li.session_id is not None for li in clean)
        has_package = any(is_package_line(li) for li in clean)
        package_on = package_invoiced_on(s, engagement.id)
        if has_sessions and package_on is not None:
            out.append(f"The package fee invoiced on {dates.short(package_on)} already covers "
                       "this engagement's sessions: these session lines would bill them a "
                       "second time.")
        elif has_sessions and has_package:
            out.append("This draft has a package fee and session lines: the package covers "
                       "the sessions, so they would be billed twice.")
        if engagement.fee_cents and not engagement.pro_bono:
            rows = s.exec(sa_select(Invoice.id, Invoice.subtotal_cents, Invoice.status,
                                    Invoice.kind)
                          .where(Invoice.engagement_id == engagement.id)).all()
            before = sum(net for iid, net, status, kind in rows if iid != invoice_id and (
                status != InvoiceStatus.draft or kind == InvoiceKind.invoice))
            this = sum(money.line_amount(li.quantity_milli, li.unit_cents) for li in clean)
            if before + this > engagement.fee_cents:
                currency = engagement.currency or "EUR"
                fee = business.format_money(engagement.fee_cents, currency)
                total = business.format_money(before + this, currency)
                out.append(f"With this invoice the engagement would be invoiced {total} in "
                           f"total (before VAT), more than its agreed fee of {fee}.")
        return out
