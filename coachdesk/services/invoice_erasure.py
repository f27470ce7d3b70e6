"""What erasing a client does to their invoices.

Invoices and credit notes that were issued are records the law requires a business to
keep (for years, by VAT and tax law: EU VAT Directive 2006/112/EC art. 244-247, and the
GDPR's art. 17(3)(b) exempts what a legal obligation requires). Erasing a client therefore
keeps them, with their lines and their kept PDF, and detaches them: ``engagement_id``
becomes NULL, so nothing links them to the client any more (the buyer, the amounts and
the lines' wording stay as issued). Drafts are not records yet: they go with the client.

``erasure`` calls these inside its one transaction, before the client's rows are deleted.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from ..models import InvoiceStatus


def _issued(tables, where: dict[str, ColumnElement]) -> ColumnElement:
    invoice = tables["invoice"]
    return and_(where["invoice"], invoice.c.status != InvoiceStatus.draft.name)


def kept_count(s, tables, where) -> int:
    """How many issued invoices and credit notes of the client erasing keeps."""
    invoice = tables["invoice"]
    return s.execute(select(func.count()).select_from(invoice)
                     .where(_issued(tables, where))).scalar_one()


def deleted_counts(s, tables, where) -> dict[str, int]:
    """Rows of ``invoice`` and ``invoice_line`` erasing deletes: the drafts and their lines."""
    invoice, line = tables["invoice"], tables["invoice_line"]
    drafts = and_(where["invoice"], invoice.c.status == InvoiceStatus.draft.name)
    return {
        "invoice": s.execute(select(func.count()).select_from(invoice)
                             .where(drafts)).scalar_one(),
        "invoice_line": s.execute(select(func.count()).select_from(line).where(
            line.c.invoice_id.in_(select(invoice.c.id).where(drafts)))).scalar_one(),
    }


def detach(conn, tables, where) -> int:
    """Unlink the client's issued invoices and credit notes from their engagement (so the
    deletion that follows leaves them); returns how many."""
    invoice = tables["invoice"]
    ids = [r[0] for r in conn.execute(select(invoice.c.id).where(_issued(tables, where)))]
    if ids:
        conn.execute(update(invoice).where(invoice.c.id.in_(ids)).values(engagement_id=None))
    return len(ids)
