"""What the practice is owed: outstanding and overdue amounts per currency (the
dashboard's figures). Amounts of different currencies are never added together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..storage import Database


@dataclass(frozen=True)
class CurrencyTotals:
    """Money owed in one currency, in cents: ``outstanding_cents`` over
    ``outstanding_count`` issued or sent invoices not paid (net of their credit notes),
    of which ``overdue_cents`` over ``overdue_count`` are past their due date."""

    currency: str
    outstanding_cents: int
    outstanding_count: int
    overdue_cents: int
    overdue_count: int


def outstanding(db: Database, today: date | None = None) -> list[CurrencyTotals]:
    """One ``CurrencyTotals`` per currency with money owed, by currency code; [] when
    nothing is owed. ``today`` defaults to ``invoices.current_day()``."""
    from . import invoices as inv

    sums: dict[str, list[int]] = {}
    for view in inv.list_invoices(db, today=today):
        if view.kind != "invoice" or view.balance_cents <= 0:
            continue
        entry = sums.setdefault(view.currency, [0, 0, 0, 0])
        entry[0] += view.balance_cents
        entry[1] += 1
        if view.state == "overdue":
            entry[2] += view.balance_cents
            entry[3] += 1
    return [CurrencyTotals(c, *sums[c]) for c in sorted(sums)]
