"""``python -m coachdesk [--db PATH] COMMAND``: the practice from a terminal.

Errors are one plain line on stderr and a non-zero exit, never a traceback (that goes to
the log file). Commands that write (demo, import, import-clients, restore, check --repair) hold the
practice's lock (``coachdesk.practice_lock``) and are refused while CoachDesk's window has the
practice open; commands that only read (clients, report, worksheet, export, icf-log, backup,
check) work beside it, and on a read-only file without leaving -wal/-shm files behind.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import json
import logging
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

from . import __version__, cli_agreement, cli_crypto, cli_import, dates, logfile, paths, storage
from .errors import CoachDeskError, DiskFullError, EmptyPracticeFileError, ReadOnlyDatabaseError
from .practice_lock import PracticeLock

log = logging.getLogger("coachdesk.cli")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line instead of usage + error."""

    def error(self, message: str):  # noqa: D401
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coachdesk", description="CoachDesk, the executive coach's desk, from "
                     "the command line. The installed `coachdesk` without a COMMAND opens "
                     "the window.")
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
                       "shareable and what the client agreed to share (see `consent`): never "
                       "private notes, private comments or the motivational map, "
                       "stakeholders only with --include-stakeholders, and talent-retention "
                       "indicators those the consent lists (or those named with --indicators, "
                       "which must be among them).")
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
    p.add_argument("--indicators", metavar="KEY_OR_ID[,...]", default=None,
                   help="the talent-retention indicators to include, one by one, by key "
                   "(e.g. engagement,commitment) or id, comma-separated, each one the client "
                   "agreed to share; \"\" for none. Default: those the consent lists")

    p = sub.add_parser("export", help="write the whole practice to a JSON file",
                       description="Write every record of the practice to one JSON file "
                       "(format: docs/export-format.md). It includes private notes: keep it safe.")
    p.add_argument("--out", required=True, metavar="FILE.json", help="where to write it")

    p = sub.add_parser("import", help="fill a new, empty practice from a JSON export",
                       description="Read a practice exported with `export` into an empty practice "
                       "(--db names a new file). All or nothing: on any problem nothing is imported.")
    p.add_argument("file", metavar="FILE.json", help="the export to read (a sealed .json.age "
                   "export opens with --passphrase-file FILE or $COACHDESK_PASSPHRASE)")

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
    cli_import.add_parser(sub)
    from . import cli_consent, cli_invoices
    cli_consent.add_parser(sub)
    cli_invoices.add_parsers(sub)
    cli_agreement.add_parser(sub)
    cli_crypto.add_parser(parser, sub)  # --passphrase-file, encrypt, decrypt (after export)
    return parser


def _open_for_reading(db_path: Path) -> storage.Database:
    """The practice for a command that only reads: opened as usual (an older file is
    upgraded), or read-only when the file, its folder or its drive is read-only."""
    if storage._is_read_only(db_path) and db_path.exists():
        db = storage.open_read_only(db_path)
        _use_date_setting(db)
        return db
    db = storage.open_database(db_path)
    from .services import practice_files  # an erasure cut short is finished first
    practice_files.on_open(db)
    _use_date_setting(db)
    return db


def _use_date_setting(db: storage.Database) -> None:
    """What this command prints and the PDFs it makes write dates as the practice's
    Settings say (coachdesk.dates), as the window does."""
    from .services import settings

    settings.apply_date_style(db)


@contextmanager
def _writing(db_path: Path):
    """Hold the practice's lock while a command writes: refused in one line while the app
    (or another writing command) has it."""
    if not db_path.parent.is_dir():
        db_path.parent.mkdir(parents=True, exist_ok=True)  # a new practice's folder
    if storage._is_read_only(db_path):  # refused plainly, before anything is touched
        raise ReadOnlyDatabaseError(storage._read_only_message(db_path))
    with PracticeLock(db_path):
        yield


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
    db = _open_for_reading(db_path)
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
    from . import cli_consent
    from .reports import progress, worksheet
    from .services import report_log

    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    db = _open_for_reading(db_path)
    read_only = storage._is_read_only(db_path)
    try:
        paper = args.paper or worksheet.get_paper_size(db)
        chosen = (_indicator_ids(db, args.indicators) if args.indicators is not None
                  else cli_consent.agreed_indicators(db, args.engagement))
        data = progress.report_data(db, args.engagement, args.date_from, args.date_to,
                                    include_stakeholders=args.include_stakeholders,
                                    indicator_ids=chosen)
        path = progress.build_report_pdf(Path(args.out).expanduser(), data, paper=paper)
        entry = None if read_only else report_log.record(db, args.engagement, path, data,
                                                         method="saved")
    finally:
        db.close()
    print(f"Progress report for engagement {args.engagement} "
          f"({dates.short(data.period_from)} to {dates.short(data.period_to)}) written to {path}"
          + (" (with the stakeholder map)" if args.include_stakeholders else ""))
    if entry is None:
        print("Not kept in the report log: the practice is read-only.")
    else:
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
    if args.command == "import":  # checked before a new practice file is made for it
        ready = cli_crypto.load_export(args, Path(args.file).expanduser())  # sealed too
        with _writing(db_path):
            db = storage.open_database(db_path)
            try:
                summary = export.import_checked(db, ready, Path(args.file).name)
            finally:
                db.close()
        print(f"Imported {summary.total:,} records into {db_path}.")
        return 0
    db = _open_for_reading(db_path)
    try:
        if args.command == "export":
            path = export.export_practice(db, Path(args.out).expanduser())
            print(f"Practice exported to {path} (it includes private notes: keep it safe).")
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
        with _writing(db_path):
            db = storage.open_database(db_path)  # an older file is upgraded (after a backup)
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
            note = f"  ({b.note})" if b.note else ""
            print(f"{b.when:%Y-%m-%d %H:%M}  {b.size / 1_000_000:8.1f} MB  {b.label:<32} {b.path}{note}")
        return 0
    try:
        if out:
            print(f"Backup written to {storage.backup_file(db_path, out)}")
            return 0
        made = backups.backup_now(db_path, second_folder=second)
    except (CoachDeskError, sqlite3.Error, OSError):
        _full_disk_first(db_path, Path(out).expanduser() if out else None)
        raise
    print(f"Backup written to {made.path}")
    if second and not made.warnings:
        print(f"A copy is also in {second}")
    for warning in made.warnings:
        print(warning, file=sys.stderr)
    return 0


def _full_disk_first(*places: Path | None) -> None:
    """A backup refused on a full disk is a full disk (raised here), whatever the copy
    found wrong: SQLite reports a file it cannot map as "disk I/O error", which reads as
    damage."""
    for place in places:
        if place is None:
            continue
        free = storage.free_mb(place)
        if free is not None and free < storage.LOW_SPACE_MB:
            raise DiskFullError(storage.disk_full_message(place)) from None


def _restore(args: argparse.Namespace, db_path: Path) -> int:
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


def run(args: argparse.Namespace) -> int:
    db_path = paths.resolve_db_path(args.db)
    if (code := cli_crypto.run(args, db_path, _writing)) is not None:  # unlocks, own commands
        return code
    if args.command == "check":
        return _check(db_path, args.repair)
    if args.command == "backup":
        return _backup(db_path, args.out, args.list)
    if args.command == "restore":
        with _writing(db_path):
            return _restore(args, db_path)
    if args.command == "worksheet":
        return _worksheet(args, db_path)
    if args.command == "report":
        return _report(args, db_path)
    if args.command in ("export", "import", "icf-log"):
        return _interchange(args, db_path)
    if args.command == "import-clients":
        return cli_import.run(args, db_path, _writing, _open_for_reading)
    if args.command == "consent":
        from . import cli_consent
        return cli_consent.run(args, db_path, _open_for_reading)
    if args.command in ("invoice", "invoices"):
        from . import cli_invoices
        return cli_invoices.run(args, db_path, _writing, _open_for_reading)
    if args.command == "agreement":
        return cli_agreement.run(args, db_path, _open_for_reading)

    if args.command != "demo" and not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db, or create "
                             "one with the demo command or by starting the app).")
    if args.command == "demo":
        from . import demo

        with _writing(db_path):
            db = storage.open_database(db_path)
            try:
                counts = demo.populate(db, clients=args.clients, seed=args.seed,
                                       force=args.force, sessions_per_client=args.sessions)
            finally:
                db.close()
        print(f"Demo practice created in {db_path}: {counts['clients']} clients, "
              f"{counts['organizations']} organizations, {counts['sponsors']} sponsors, "
              f"{counts['engagements']} engagements, {counts.get('sessions', 0)} sessions, "
              f"{counts.get('actions', 0)} action items.")
        return 0
    db = _open_for_reading(db_path)
    try:
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
                from . import cli_table  # wcwidth: only for this table

                cli_table.print_clients(rows)
            return 0
    finally:
        db.close()
    raise CoachDeskError(f"Unknown command {args.command}.")  # pragma: no cover


def _terminal_safe(exc: UnicodeEncodeError):
    """Encoding error handler for the terminal: a file name's undecodable bytes
    (surrogate-escaped) go out as they came in; a character the terminal's encoding lacks
    (LC_ALL=C and a "·" or an accent) prints as "?" instead of failing."""
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else b"?"
    return bytes(out), exc.end


codecs.register_error("coachdesk-terminal", _terminal_safe)


def _setup_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="coachdesk-terminal")
        except (AttributeError, ValueError, OSError):  # replaced by a caller, or closed
            pass


def _plain(exc: BaseException, db_path: Path | None) -> str | None:
    """A database or file error as one plain sentence, or None when it is unexpected."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, (DBAPIError, sqlite3.Error)):
        where = db_path or Path("practice.db")
        fault = storage.open_fault(exc, where) or storage.write_fault(exc, where)
        return str(fault) if fault is not None else None
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC and db_path is not None:
            return storage.disk_full_message(db_path)
        name = f" {exc.filename}" if exc.filename else ""
        return f"CoachDesk could not use{name} ({exc.strerror or 'a file error'})."
    return None


def _quiet_broken_pipe() -> int:
    """The reader of our output has gone (``clients | head -1``): stop without a word.
    Python's documentation's advice: point stdout at devnull so the final flush at exit
    does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 1


def _advice(exc: CoachDeskError, db_path: Path | None) -> str:
    if isinstance(exc, EmptyPracticeFileError) and db_path is not None:
        from . import backups

        try:
            found = backups.latest_good_backup(db_path)
        except Exception:  # looking for a way out must not become a new problem
            found = None
        if found is not None:
            return (f"{exc} Restore the newest backup with `coachdesk restore latest`, or "
                    "delete the empty file to start a new practice.")
        return f"{exc} Delete the empty file to start a new practice there."
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    paths.make_private()  # every file a command writes: 0600 in 0700 folders (POSIX)
    _setup_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    logfile.setup()
    db_path = None
    try:
        db_path = paths.resolve_db_path(args.db)
        code = run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except CoachDeskError as exc:
        log.info("command %s refused (%s)", args.command, exc.__class__.__name__)
        return _say(_advice(exc, db_path))
    except KeyboardInterrupt:
        return _say("interrupted", 130)
    except Exception as exc:  # the last net: one line, the detail in the log
        plain = _plain(exc, db_path)
        if plain is not None:
            log.warning("command %s failed (%s)", args.command, exc.__class__.__name__)
            return _say(plain)
        log.exception("unexpected error in command %s", args.command)
        return _say(f"Something went wrong; the details are in {paths.log_dir()}")


def _say(line: str, code: int = 1) -> int:
    try:
        print(f"coachdesk: {line}", file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass
    return code
