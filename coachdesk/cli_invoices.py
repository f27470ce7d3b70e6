"""``python -m coachdesk invoice …`` and ``python -m coachdesk invoices …``.

``invoice --engagement ID [--sessions 3,4] [--price 450.00] [--draft] [--date DAY] --out
FILE.pdf`` invoices the given sessions (or every delivered session not yet invoiced) of
the engagement: a draft is made, issued (numbered, final) and written as a PDF. Its VAT
follows the buyer (``invoice_vat``: domestic, EU reverse charge or outside the EU), and the
command says which. With
``--draft`` it stays a draft (no number; the app can change, issue or delete it) and the
PDF says DRAFT. If issuing is refused (a billing address missing, say), the draft is
removed again and nothing is left behind. ``invoice --id N --out FILE.pdf`` writes the
PDF of an existing invoice or credit note.

``invoices [--state overdue] [--csv FILE]`` lists the invoices, or writes every issued
invoice and credit note as CSV for the accountant. Registered by ``coachdesk.cli``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from . import storage
from .errors import CoachDeskError, ValidationError

COMMANDS = ("invoice", "invoices")


def add_parsers(sub) -> None:
    """Add ``invoice`` and ``invoices`` to ``sub`` (argparse's subparsers)."""
    p = sub.add_parser("invoice", help="invoice an engagement's sessions to PDF",
                       description="Invoice the delivered sessions of an engagement (all not "
                       "yet invoiced, or those given) to the organization that pays for it: "
                       "the invoice is issued with the next number and written as a PDF. "
                       "--draft leaves it unnumbered, to finish in the app.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--engagement", type=int, metavar="ID", help="the engagement to invoice")
    which.add_argument("--id", type=int, metavar="ID",
                       help="write the PDF of this existing invoice or credit note")
    p.add_argument("--sessions", metavar="IDS",
                   help="only these sessions, by id, comma-separated (e.g. 3,4)")
    p.add_argument("--price", metavar="AMOUNT",
                   help="the price of one session (default: the engagement's fee divided by "
                   "its sessions agreed)")
    p.add_argument("--date", metavar="DATE", help="the issue date, YYYY-MM-DD (default today)")
    p.add_argument("--draft", action="store_true",
                   help="leave the invoice as a draft: no number, nothing final")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p = sub.add_parser("invoices", help="list invoices, or write them to CSV",
                       description="List the practice's invoices and credit notes, or write "
                       "every issued one to a CSV file for the accountant (UTF-8, ISO dates, "
                       "amounts with a dot).")
    p.add_argument("--state", metavar="STATE",
                   help="only: draft, issued, sent, paid, overdue or credited")
    p.add_argument("--csv", metavar="FILE.csv", help="write the CSV here instead of listing")


def _session_ids(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise CoachDeskError("--sessions takes session ids separated by commas, such as "
                             "3,4.") from None


def _invoice(args, db: storage.Database) -> int:
    from .reports import invoice as rep
    from .services import business, engagements
    from .services import invoices as inv

    out = Path(args.out).expanduser()
    if args.id is not None:
        view = inv.get(db, args.id)
        path = rep.save_invoice_pdf(db, view.id, out)
        print(f"{view.title} written to {path}")
        return 0
    price = engagements.parse_money(args.price, "unit_cents") if args.price else None
    lines = inv.session_lines(db, args.engagement, _session_ids(args.sessions), price)
    draft = inv.create_draft(db, args.engagement, lines)
    if args.draft:
        view = draft
    else:
        try:
            view = inv.issue(db, draft.id, args.date)
        except CoachDeskError:
            inv.delete_draft(db, draft.id)  # refused: nothing is left behind
            raise
    path = rep.save_invoice_pdf(db, view.id, out)
    total = business.format_money(view.total_cents, view.currency)
    word = "session" if len(view.lines) == 1 else "sessions"
    print(f"{view.title} ({len(view.lines)} {word}, {total}) written to {path}")
    note = inv.note_for(view.reverse_charge, view.bill_to_vat_number)
    if note:  # VAT follows the buyer (invoice_vat): say which case was chosen
        print(f"No VAT charged. {note}.")
    else:
        hint = inv.suggest_vat(db, args.engagement).hint
        if hint:
            print(hint)
    if args.draft:
        print("It is a draft: issue it in the app (Agreement & invoices) to give it a number.")
    return 0


def _invoices(args, db: storage.Database) -> int:
    from .services import business, invoice_csv
    from .services import invoices as inv

    if args.csv:
        if args.state:
            raise ValidationError("--state lists invoices; the CSV holds every issued one.",
                                  "state")
        n = invoice_csv.export_csv(db, args.csv)
        what = "1 invoice or credit note" if n == 1 else f"{n} invoices and credit notes"
        print(f"{what} written to {Path(args.csv).expanduser()}")
        return 0
    views = inv.list_invoices(db, state=args.state or None)
    if not views:
        print("No invoices.")
        return 0
    for x in views:
        when = x.issue_date.isoformat() if x.issue_date else "—"
        print(f"{x.id:>5}  {(x.number or 'draft'):<14} {when:<10}  {x.state:<9} "
              f"{business.format_money(x.total_cents, x.currency):>14}  {x.bill_to_name}")
    return 0


def run(args: argparse.Namespace, db_path: Path, writing: Callable[[Path], AbstractContextManager],
        open_for_reading: Callable[[Path], storage.Database]) -> int:
    """Run ``invoice`` or ``invoices``; returns the exit code (0). Raises CoachDeskError
    (a plain sentence) for anything refused: no practice, an unknown engagement, nothing to
    invoice, details missing for issuing, another program writing."""
    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db, or create "
                             "one with the demo command or by starting the app).")
    if args.command == "invoices":
        db = open_for_reading(db_path)
        try:
            return _invoices(args, db)
        finally:
            db.close()
    with writing(db_path):
        db = open_for_reading(db_path)
        try:
            return _invoice(args, db)
        finally:
            db.close()
