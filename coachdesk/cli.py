"""``python -m coachdesk [--db PATH] COMMAND``: the practice from a terminal.

Errors are one plain line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import __version__, paths, storage
from .errors import CoachDeskError

log = logging.getLogger("coachdesk.cli")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line instead of usage + error."""

    def error(self, message: str):  # noqa: D401
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coachdesk", description="CoachDesk, the executive coach's desk, from "
                     "the command line.")
    parser.add_argument("--db", metavar="PATH",
                        help="the practice file (default: $COACHDESK_DB or the data folder)")
    parser.add_argument("--version", action="version", version=f"CoachDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("demo", help="fill an empty practice with demo data",
                       description="Fill an empty practice with a realistic demo practice.")
    p.add_argument("--clients", type=int, default=12, metavar="N", help="how many clients (12)")
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (7)")
    p.add_argument("--sessions", type=int, default=6, metavar="K",
                   help="sessions for each client beyond the first twelve (6)")
    p.add_argument("--force", action="store_true", help="add demo data even if there are clients")

    p = sub.add_parser("clients", help="list clients",
                       description="List the practice's clients, sorted by name.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--status", choices=["active", "paused", "archived"], help="only this status")
    p.add_argument("--search", default="", metavar="TEXT", help="only clients matching TEXT")

    p = sub.add_parser("check", help="check the file's integrity, schema version and search index",
                       description="Check integrity, schema version and the search index. "
                       "Exit 0 when healthy, 1 if not.")
    p.add_argument("--repair", action="store_true",
                   help="rebuild the search index (once the file itself is found healthy)")

    p = sub.add_parser("backup", help="copy the practice file safely",
                       description="Write a consistent, checked copy of the practice file into "
                       "the backups folder (and the second backup folder chosen in Settings), "
                       "keeping the newest of the last 7 days, 4 weeks and 12 months.")
    p.add_argument("--out", metavar="FILE",
                   help="write one copy there instead (a file or a folder); nothing is rotated")
    p.add_argument("--list", action="store_true", help="list the backups instead of making one")

    p = sub.add_parser("restore", help="replace the practice with a backup",
                       description="Replace the practice file with FILE (or the newest good "
                       "backup with 'latest'). The file it replaces is kept in the backups folder.")
    p.add_argument("file", metavar="FILE", help="the backup to restore, or 'latest'")

    p = sub.add_parser("worksheet", help="print a GROW worksheet to PDF",
                       description="Write a GROW worksheet (Goal, Reality, Options, Will) as a "
                       "PDF: a blank one to write on, or a session's as recorded.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--blank", action="store_true", help="a blank worksheet to write on")
    which.add_argument("--session", type=int, metavar="ID", help="the worksheet of session ID")
    p.add_argument("--client", type=int, metavar="ID",
                   help="with --blank: print this client's name on it")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--paper", metavar="A4|Letter",
                   help="paper size (default: the practice's setting, else A4)")
    p.add_argument("--include-private", action="store_true",
                   help="with --session: add the coach's private notes (coach only)")

    p = sub.add_parser("report", help="write a sponsor progress report to PDF",
                       description="Write an engagement's progress report for its sponsor as a "
                       "PDF and keep a copy in the report log. It holds only what is "
                       "shareable: never private notes, private comments or the motivational "
                       "map, stakeholders only with --include-stakeholders, and talent-"
                       "retention indicators only those named with --indicators (none by "
                       "default).")
    p.add_argument("--engagement", type=int, required=True, metavar="ID",
                   help="the engagement to report on")
    p.add_argument("--from", dest="date_from", metavar="DATE",
                   help="the period's first day, YYYY-MM-DD (default: the engagement's start)")
    p.add_argument("--to", dest="date_to", metavar="DATE",
                   help="the period's last day, YYYY-MM-DD (default: today, or the end)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--paper", metavar="A4|Letter",
                   help="paper size (default: the practice's setting, else A4)")
    p.add_argument("--include-stakeholders", action="store_true",
                   help="add the stakeholder map (names, roles, relation, influence, "
                   "relationship quality, trend; never notes or MVS)")
    p.add_argument("--indicators", metavar="KEY_OR_ID[,...]", default="",
                   help="the talent-retention indicators to include, one by one, by key "
                   "(e.g. engagement,commitment) or id, comma-separated. Default: none; "
                   "sensitive ones (wellbeing, intent_to_stay) only when named here")

    p = sub.add_parser("export", help="write the whole practice to a JSON file",
                       description="Write every record of the practice to one JSON file "
                       "(format: docs/export-format.md). It includes private notes: keep it safe.")
    p.add_argument("--out", required=True, metavar="FILE.json", help="where to write it")

    p = sub.add_parser("import", help="fill a new, empty practice from a JSON export",
                       description="Read a practice exported with `export` into an empty practice "
                       "(--db names a new file). All or nothing: on any problem nothing is imported.")
    p.add_argument("file", metavar="FILE.json", help="the export to read")

    p = sub.add_parser("icf-log", help="write the ICF coaching log (client hours) to CSV",
                       description="Write the coaching log an ICF credential application asks "
                       "for: per client, individual or group, first and last session, paid and "
                       "pro bono hours, from held sessions only.")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    p.add_argument("--client", type=int, metavar="ID", help="only this client")
    p.add_argument("--engagement", type=int, metavar="ID", help="only this engagement")
    p.add_argument("--per-engagement", action="store_true",
                   help="one row per engagement instead of one per client")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="where to write the CSV")
    return parser


def _print_table(rows) -> None:
    headers = ("ID", "Name", "Organization", "Sponsor", "Status", "Engagement")
    data = [(str(r.id), r.name, r.organization, r.sponsor, r.status,
             f"{r.engagement} ({r.engagement_status})" if r.engagement else "") for r in rows]
    widths = [min(40, max(len(h), *(len(d[i]) for d in data))) if data else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for d in data:
        print("  ".join(c[:w].ljust(w) for c, w in zip(d, widths)).rstrip())


def _worksheet(args: argparse.Namespace, db_path: Path) -> int:
    from .errors import NotFoundError
    from .models import Client
    from .reports import worksheet

    if args.blank and args.include_private:
        raise CoachDeskError("--include-private goes with --session, not with --blank.")
    if args.session is not None and args.client is not None:
        raise CoachDeskError("--client goes with --blank; a session already has its client.")
    out = Path(args.out).expanduser()
    needs_db = args.session is not None or args.client is not None
    if not db_path.exists():
        if needs_db:
            raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
        path = worksheet.build_blank_worksheet(out, paper=args.paper or "A4")
        print(f"Blank worksheet written to {path}")
        return 0
    db = storage.open_database(db_path)
    try:
        paper = args.paper or worksheet.get_paper_size(db)
        prompts = worksheet.get_prompts(db)
        if args.blank:
            name = None
            if args.client is not None:
                with db.session() as s:
                    client = s.get(Client, args.client)
                    if client is None:
                        raise NotFoundError(f"There is no client with id {args.client}.")
                    name = client.name
            path = worksheet.build_blank_worksheet(out, client_name=name, prompts=prompts,
                                                   paper=paper)
            print(f"Blank worksheet written to {path}")
            return 0
        data = worksheet.worksheet_data(db, args.session, include_private=args.include_private)
        path = worksheet.build_filled_worksheet(out, data, prompts=prompts, paper=paper)
        print(f"Worksheet for session {args.session} written to {path}"
              + (" (it includes your private notes)." if args.include_private else "."))
        return 0
    finally:
        db.close()


def _report(args: argparse.Namespace, db_path: Path) -> int:
    from .reports import progress, worksheet
    from .services import report_log

    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    db = storage.open_database(db_path)
    from .services import practice_files  # an erasure cut short is finished first
    practice_files.on_open(db)
    try:
        paper = args.paper or worksheet.get_paper_size(db)
        chosen = _indicator_ids(db, args.indicators)
        data = progress.report_data(db, args.engagement, args.date_from, args.date_to,
                                    include_stakeholders=args.include_stakeholders,
                                    indicator_ids=chosen)
        path = progress.build_report_pdf(Path(args.out).expanduser(), data, paper=paper)
        entry = report_log.record(db, args.engagement, path, data, method="saved")
    finally:
        db.close()
    print(f"Progress report for engagement {args.engagement} "
          f"({data.period_from.isoformat()} to {data.period_to.isoformat()}) written to {path}"
          + (" (with the stakeholder map)" if args.include_stakeholders else ""))
    print(f"Kept in the report log as entry {entry.id} (SHA-256 {entry.sha256}): "
          f"{entry.pdf_path}")
    names = [x.name for x in data.indicators]
    print("Indicators included: " + ", ".join(names) if names else
          "No indicators included (choose them with --indicators).")
    return 0


def _indicator_ids(db, text: str) -> list[int]:
    """--indicators: keys ("wellbeing") or ids ("7"), comma-separated, as indicator ids."""
    from .errors import ValidationError
    from .services import indicators

    out: list[int] = []
    for item in (x.strip() for x in (text or "").split(",")):
        if not item:
            continue
        found = (indicators.by_key(db, item) if not item.isdigit()
                 else next((i for i in indicators.list_all(db, include_retired=True)
                            if i.id == int(item)), None))
        if found is None:
            keys = ", ".join(i.key for i in indicators.list_all(db, include_retired=True)
                             if i.key)
            raise ValidationError(f"There is no indicator “{item[:40]}” (give a key such as "
                                  f"{keys}, or an indicator's id).", "indicators")
        if found.id not in out:
            out.append(found.id)
    return out


def _cli_date(text: str | None, option: str):
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CoachDeskError(f"{option} must be a date written YYYY-MM-DD, not {text!r}.") from None


def _interchange(args: argparse.Namespace, db_path: Path) -> int:
    """export, import and icf-log (services/export.py and services/icf.py)."""
    from .services import export, icf

    if args.command != "import" and not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    ready = None
    if args.command == "import":  # checked before a new practice file is made for it
        ready = export.load(Path(args.file).expanduser())
    db = storage.open_database(db_path)
    from .services import practice_files  # an erasure cut short is finished first
    practice_files.on_open(db)
    try:
        if args.command == "export":
            path = export.export_practice(db, Path(args.out).expanduser())
            print(f"Practice exported to {path} (it includes private notes: keep it safe).")
        elif args.command == "import":
            summary = export.import_checked(db, ready, Path(args.file).name)
            print(f"Imported {summary.total:,} records into {db_path}.")
        else:
            rows = icf.coaching_log(db, _cli_date(args.date_from, "--from"),
                                    _cli_date(args.date_to, "--to"), client_id=args.client,
                                    engagement_id=args.engagement,
                                    per_engagement=args.per_engagement)
            path = icf.write_csv(Path(args.out).expanduser(), rows)
            total = icf.totals(rows)
            print(f"ICF coaching log written to {path}: {total.clients} clients, "
                  f"{total.paid_hours:.2f} paid hours, {total.pro_bono_hours:.2f} pro bono hours.")
    finally:
        db.close()
    return 0


def _read_only_database(db_path: Path) -> storage.Database:
    """The file opened for reading only: ``check`` never changes it."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine("sqlite://", creator=lambda: storage.connect_read_only(db_path),
                           hide_parameters=True,
                           poolclass=NullPool)
    return storage.Database(db_path, engine)


def _check(db_path: Path, repair: bool) -> int:
    from .services import search

    report = storage.check_file(db_path)
    if not report.ok:
        print(report.message, file=sys.stderr)
        return 1
    if repair:
        db = storage.open_database(db_path)  # an older file is upgraded (after a backup) first
        try:
            rows = search.rebuild_index(db)
        finally:
            db.close()
        print(storage.check_file(db_path).message)
        print(f"Search index rebuilt: {rows:,} entries.")
        return 0
    db = _read_only_database(db_path)
    try:
        problems = search.index_problems(db) if search.has_index(db) else 0
    finally:
        db.close()
    if problems:
        print(f"{db_path.name} is intact, but its search index is out of step with the notes "
              f"({problems:,} entries missing or stale); run `coachdesk check --repair` to rebuild "
              "it.", file=sys.stderr)
        return 1
    print(report.message)
    return 0


def _backup(db_path: Path, out: str | None, list_only: bool) -> int:
    from . import backups

    second = backups.remembered_second_folder(db_path)
    if list_only:
        found = backups.backup_files(db_path, second)
        if not found:
            print(f"There are no backups of {db_path.name} yet.")
        for b in found:
            print(f"{b.when:%Y-%m-%d %H:%M}  {b.size / 1_000_000:8.1f} MB  {b.label:<32} {b.path}")
        return 0
    if out:
        print(f"Backup written to {storage.backup_file(db_path, out)}")
        return 0
    made = backups.backup_now(db_path, second_folder=second)
    print(f"Backup written to {made.path}")
    if second and not made.warnings:
        print(f"A copy is also in {second}")
    for warning in made.warnings:
        print(warning, file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    db_path = paths.resolve_db_path(args.db)
    if args.command == "check":
        return _check(db_path, args.repair)
    if args.command == "backup":
        return _backup(db_path, args.out, args.list)
    if args.command == "restore":
        source = Path(args.file)
        if args.file == "latest" and not source.exists():
            from . import backups

            found = backups.latest_good_backup(db_path)
            if found is None:
                print(f"There is no good backup of {db_path.name}; nothing was restored.",
                      file=sys.stderr)
                return 1
            source = found
            args.file = str(found)
        kept = storage.restore_file(source, db_path)
        db = storage.open_database(db_path)  # migrates an older backup, checks it opens
        db.close()
        print(f"Restored {args.file} into {db_path}.")
        if kept:
            print(f"The file it replaced is kept at {kept}")
        return 0
    if args.command == "worksheet":
        return _worksheet(args, db_path)
    if args.command == "report":
        return _report(args, db_path)
    if args.command in ("export", "import", "icf-log"):
        return _interchange(args, db_path)

    if args.command != "demo" and not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db, or create "
                             "one with the demo command or by starting the app).")
    db = storage.open_database(db_path)
    try:
        if args.command == "demo":
            from . import demo
            counts = demo.populate(db, clients=args.clients, seed=args.seed, force=args.force,
                                   sessions_per_client=args.sessions)
            print(f"Demo practice created in {db_path}: {counts['clients']} clients, "
                  f"{counts['organizations']} organizations, {counts['sponsors']} sponsors, "
                  f"{counts['engagements']} engagements, {counts.get('sessions', 0)} sessions, "
                  f"{counts.get('actions', 0)} action items.")
            return 0
        if args.command == "clients":
            from .services import clients
            rows = clients.list_rows(db, text=args.search, status=args.status)
            if args.json:
                print(json.dumps([
                    {"id": r.id, "name": r.name, "email": r.email, "job_title": r.job_title,
                     "status": r.status, "organization": r.organization, "sponsor": r.sponsor,
                     "start_date": r.start_date.isoformat() if r.start_date else None,
                     "engagement": r.engagement, "engagement_status": r.engagement_status}
                    for r in rows], ensure_ascii=False, indent=2))
            else:
                _print_table(rows)
            return 0
    finally:
        db.close()
    raise CoachDeskError(f"Unknown command {args.command}.")  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    paths.make_private()  # every file a command writes: 0600 in 0700 folders (POSIX)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except CoachDeskError as exc:
        print(f"coachdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coachdesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last net: one line, the detail in the log
        log.exception("unexpected error")
        print(f"coachdesk: something went wrong: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
