"""``python -m coachdesk agreement --engagement ID --out FILE.pdf``.

The terminal's way to the coaching agreement the client's "Agreement & invoices" tab makes:
the same PDF (``services.agreements.build_pdf``), and, as the app does, a copy kept with the
engagement's stored reports (unless the practice is read-only). Registered by
``coachdesk.cli``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from . import storage
from .errors import CoachDeskError, NotFoundError


def add_parser(sub) -> None:
    """Add the ``agreement`` subcommand to ``sub`` (argparse's subparsers)."""
    p = sub.add_parser("agreement", help="write an engagement's coaching agreement to PDF",
                       description="Write the three-way coaching agreement (coach, client, "
                       "sponsor) of one engagement to a PDF, from the clause texts in Settings "
                       "and the client's consent. A copy is kept with the engagement's reports.")
    p.add_argument("--engagement", type=int, required=True, metavar="ID",
                   help="the engagement's id")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--paper", choices=["A4", "Letter"],
                   help="paper size (default: the one chosen in Settings)")


def run(args: argparse.Namespace, db_path: Path,
        open_for_reading: Callable[[Path], storage.Database]) -> int:
    """Run the command; returns the exit code (0). Raises ``CoachDeskError`` (a plain
    sentence) for a missing practice, an unknown engagement or a PDF that cannot be
    written."""
    from .services import agreements

    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    db = open_for_reading(db_path)
    try:
        try:
            agreements.get(db, args.engagement)
        except NotFoundError:
            raise NotFoundError(f"There is no engagement with id {args.engagement} (the "
                                "clients command lists them).") from None
        path = agreements.build_pdf(db, args.engagement, Path(args.out).expanduser(),
                                    paper=args.paper)
        kept = signed = None
        if not storage._is_read_only(db_path):
            try:
                kept = agreements.keep_pdf(db, args.engagement, path)
            except agreements.AlreadySigned as exc:
                signed = str(exc)
    finally:
        db.close()
    print(f"Agreement for engagement {args.engagement} written to {path}")
    if signed:
        print(f"No copy kept with the engagement: {signed}")
    elif kept is None:
        print("No copy kept with the engagement: the practice is read-only.")
    else:
        print(f"A copy is kept with the engagement's reports: {kept.pdf_path}")
    return 0
