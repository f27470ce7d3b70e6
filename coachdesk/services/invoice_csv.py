"""The invoices as a CSV file for the accountant.

One row per issued invoice and credit note (drafts are not invoices yet), oldest first:
UTF-8 with a byte-order mark (so Excel reads accents), comma-separated, ISO dates
(2026-03-31), amounts as plain decimals with a dot ("1234.50", negative on a credit note),
the VAT rate in percent ("19", "0.5"). Text cells that a spreadsheet would take for a
formula (starting with = + - @) are written as text, as the ICF log does.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import ValidationError
from ..files import atomic_write
from ..storage import Database
from . import business
from .icf import _cell as spreadsheet_text

HEADER = ["Number", "Type", "Issue date", "Due date", "Status", "Corrects", "Buyer",
          "Buyer VAT number", "Client", "Currency", "Net", "VAT rate %", "VAT", "Total",
          "Reverse charge", "Sent on", "Paid on"]
TYPE_WORDS = {"invoice": "Invoice", "credit_note": "Credit note"}


def csv_rows(views) -> list[list[str]]:
    """The header and one row per issued ``InvoiceView`` (drafts are left out), oldest
    first."""
    chosen = sorted((x for x in views if not x.is_draft),
                    key=lambda x: (x.issue_date, x.kind != "invoice", x.number))
    out = [HEADER]
    for x in chosen:
        out.append([
            spreadsheet_text(x.number or ""),
            TYPE_WORDS[x.kind],
            x.issue_date.isoformat(),
            x.due_date.isoformat() if x.due_date else "",
            x.state,
            spreadsheet_text(x.credits_number or ""),
            spreadsheet_text(x.bill_to_name),
            spreadsheet_text(x.bill_to_vat_number),
            spreadsheet_text(x.client_name),
            x.currency,
            business.plain_amount(x.subtotal_cents),
            business.rate_text(x.vat_rate),
            business.plain_amount(x.vat_cents),
            business.plain_amount(x.total_cents),
            "yes" if x.reverse_charge else "no",
            x.sent_on.isoformat() if x.sent_on else "",
            x.paid_on.isoformat() if x.paid_on else "",
        ])
    return out


def export_csv(db: Database, path: Path | str) -> int:
    """Write every issued invoice and credit note to ``path`` (atomically); returns the
    number of rows (without the header). Raises ValidationError (field "out") when
    ``path`` is a folder, CoachDeskError (a plain sentence: ``files.atomic_write``) when the
    disk refuses it; the file then is as it was (whole or absent, never half-written)."""
    from . import invoices

    path = Path(path).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name ending in .csv.", "out")
    rows = csv_rows(invoices.list_invoices(db))
    with atomic_write(path, encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return len(rows) - 1
