"""The date or period of supply an invoice states (EU VAT Directive 2006/112/EC,
Article 226(7): "the date on which the supply of services was made or completed").

The rule: an invoice (or credit note) with a package fee or instalment line covers the
engagement, so its period is the engagement's dates (start to end; to the last session
delivered, else the issue date, when no end date was set). Otherwise the period runs from
the first to the last session its lines bill. An invoice of neither (an expenses line
alone) states none. Sessions deleted since are left out; when all are gone, none.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select as sa_select

from ..models import CoachingSession, Engagement, Invoice, InvoiceLine
from ..storage import Database
from ._common import get_or_raise
from .invoice_lines import is_package_line
from .sessions import COUNTS_AGAINST_AGREEMENT

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


def service_period(db: Database, invoice_id: int) -> tuple[date, date] | None:
    """(first day, last day) of the supply the invoice bills, or None (see the module).
    Raises NotFoundError for an unknown invoice."""
    with db.session() as s:
        row = get_or_raise(s, Invoice, int(invoice_id), "invoice")
        lines = list(s.exec(sa_select(InvoiceLine)
                            .where(InvoiceLine.invoice_id == row.id)).scalars())
        engagement = s.get(Engagement, row.engagement_id) if row.engagement_id else None
        if engagement is not None and any(is_package_line(li) for li in lines):
            end = engagement.end_date
            if end is None:
                last = s.exec(sa_select(CoachingSession.session_date).where(
                    CoachingSession.engagement_id == engagement.id,
                    CoachingSession.status.in_(list(COUNTS_AGAINST_AGREEMENT)))
                    .order_by(CoachingSession.session_date.desc())).scalars().first()
                end = last or row.issue_date or engagement.start_date
            start = engagement.start_date
            return (start, end) if end >= start else (start, start)
        ids = [li.session_id for li in lines if li.session_id is not None]
        if not ids:
            return None
        days = list(s.exec(sa_select(CoachingSession.session_date)
                           .where(CoachingSession.id.in_(ids))).scalars())
        return (min(days), max(days)) if days else None


def period_text(period: tuple[date, date] | None) -> str:
    """"2 Sep – 28 Oct 2026", "15 Dec 2025 – 20 Jan 2026", "2 Sep 2026" for one day; ""
    for None."""
    if period is None:
        return ""
    a, b = period

    def day(d: date, year: bool = True) -> str:
        return f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")

    if a == b:
        return day(a)
    return f"{day(a, a.year != b.year)} – {day(b)}"
