"""``python -m coachdesk import-clients FILE [--encoding E] [--dry-run]``.

The terminal's way to the same client import as the app's "Import clients" dialog: the file
is read, previewed and imported by ``coachdesk.services.client_import``, so the rows, the
problems and the duplicates found are the dialog's. Rows with a problem are not imported
(the dialog's default, "Skip rows with problems"). Registered by ``coachdesk.cli``.
"""

from __future__ import annotations

import argparse
import codecs
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from . import storage
from .errors import CoachDeskError


def add_parser(sub) -> None:
    """Add the ``import-clients`` subcommand to ``sub`` (argparse's subparsers)."""
    p = sub.add_parser("import-clients", help="add clients from a CSV or vCard file",
                       description="Add clients from a CSV file (Excel, Outlook, Google) or a "
                       "vCard file. Prints what would be imported and the problems of each row; "
                       "rows with a problem are left out. With --dry-run nothing is written.")
    p.add_argument("file", metavar="FILE", help="the .csv or .vcf file to read")
    p.add_argument("--encoding", metavar="E",
                   help="read the file with this text encoding (e.g. cp1251, utf-8) instead of "
                   "the detected one")
    p.add_argument("--dry-run", action="store_true",
                   help="only show what would be imported; change nothing")


def _row_line(row) -> str:
    v = row.values
    parts = [v.get("name") or "(no name)", v.get("organization") or "-", v.get("email") or "-"]
    return f"  {row.label}: " + ", ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace, db_path: Path, writing: Callable[[Path], AbstractContextManager],
        open_for_reading: Callable[[Path], storage.Database]) -> int:
    """Run the command; returns the exit code (0). Raises ``CoachDeskError`` (a plain
    sentence) when the file cannot be read, the encoding is unknown or does not fit, the
    practice does not exist or another program is writing to it."""
    from .services import client_import as ci

    if args.encoding:
        try:
            codecs.lookup(args.encoding)
        except (LookupError, ValueError):
            raise CoachDeskError("CoachDesk does not know that text encoding; give one such as "
                                 "utf-8, cp1252 (Western Europe) or cp1251 (Cyrillic).") from None
    source = ci.read_source(Path(args.file).expanduser(), encoding=args.encoding or None)
    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db, or create "
                             "one by starting the app).")
    if args.dry_run:
        db = open_for_reading(db_path)
        try:
            rows = ci.preview(db, source)
        finally:
            db.close()
        _print_plan(source, rows, dry_run=True)
        return 0
    with writing(db_path):
        db = storage.open_database(db_path)
        try:
            rows = ci.preview(db, source)  # under the lock: duplicates are checked afresh
            chosen = _print_plan(source, rows, dry_run=False)
            result = ci.import_rows(db, rows, chosen) if chosen else None
        finally:
            db.close()
    if result is None:
        print("Nothing was imported.")
    else:
        print(result.sentence())
    return 0


def _print_plan(source, rows, *, dry_run: bool) -> set[int]:
    """Print the clients to import, the problems per row and a summary; returns the chosen
    row numbers."""
    from .services import client_import as ci

    chosen = ci.rows_to_import(rows)
    print(f"Text encoding: {source.encoding}")
    todo = [r for r in rows if r.number in chosen]
    if todo:
        print("Would import:" if dry_run else "Importing:")
        for row in todo:
            print(_row_line(row))
    troubled = [r for r in rows if r.problems]
    if troubled:
        print("Rows with a problem (not imported):")
        for row in troubled:
            print(f"  {row.label}: {row.problem_text}")
    summary = f"{_plural(len(todo), 'client')} to import"
    if troubled:
        summary += f", {len(troubled)} row{'' if len(troubled) == 1 else 's'} with a problem"
    print(summary + (" (dry run: nothing was written)." if dry_run else "."))
    return chosen
