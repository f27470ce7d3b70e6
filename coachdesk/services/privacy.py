"""Data protection: everything held about one client, erasing a client, retention review.

Which rows belong to a client is worked out from the models' foreign keys, not from a
hand-kept list: a row belongs to the client when it points at the client, or at a row
that belongs to the client (an engagement, a session, a worksheet, a goal …). A table a
later migration adds with such a link is therefore exported and erased without anyone
remembering it; ``tests/test_privacy.py`` also checks that every such table has a plain
heading for the coach.

What is *not* the client's and stays when a client is erased:

* **Organisations and sponsors**, even one that only this client's engagements used. They
  are the coach's business contacts (the employer and the person who commissioned the
  coaching), another person's data rather than the client's; the coach may work with them
  again, and their own invoices and contracts may need them. The subject access file names
  them (the client is entitled to know who commissioned their coaching); an unused one can
  be archived from its own page.
* **Indicators** (the scales readings are taken on) and **settings**: shared by the whole
  practice.

Erasing also removes the files the app kept about the client: the stored copies of their
sponsor reports (``<data folder>/reports/<engagement>/``) and the e-mail copies of those
reports (drafts, outbox and sent mail, recognised by the SHA-256 of the attached PDF). The
search index follows through its triggers and is then merged (FTS5 ``optimize``), and the
file is rewritten (``VACUUM``, then a WAL checkpoint that truncates the journal), so the
client's words are gone from the file's bytes, not merely unlinked. Backups made earlier
still hold the client: :func:`backups_with_client` finds them for the dialog to offer.
"""

from __future__ import annotations

import email
import email.policy
import enum
import hashlib
import logging
import os
import sqlite3
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import Table, and_, delete, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from .. import models  # noqa: F401  (registers every table on SQLModel.metadata)
from ..errors import CoachDeskError, NotFoundError, ValidationError
from ..models import Client, ClientStatus, Engagement, EngagementStatus, Organization, Sponsor
from ..storage import Database, connect_read_only
from . import report_log
from .settings import get_setting, put_setting

log = logging.getLogger(__name__)

FORMAT = "coachdesk-subject-access"
VERSION = 1

#: table -> (section key in the subject access file, heading the coach and client read)
SECTIONS: dict[str, tuple[str, str]] = {
    "engagement": ("engagements", "Engagements (coaching agreements)"),
    "coaching_session": ("sessions", "Sessions"),
    "grow_worksheet": ("grow_worksheets", "GROW worksheets"),
    "grow_option": ("grow_options", "Options considered (GROW)"),
    "action_item": ("actions", "Actions agreed"),
    "indicator_reading": ("indicator_readings", "Indicator readings"),
    "goal": ("goals", "Goals"),
    "goal_rating": ("goal_ratings", "Goal ratings (GAS)"),
    "stakeholder": ("stakeholders", "Stakeholders"),
    "client_motivation": ("motivation", "Motivational value system (MVS)"),
    "blocking_pattern": ("blocking_patterns", "Patterns that get in the way"),
    "report_log": ("report_log", "Progress reports sent to the sponsor"),
}

#: columns that hold the coach's private working notes (labelled as such in the PDF)
PRIVATE_COLUMNS = {
    ("coaching_session", "private_notes"),
    ("indicator_reading", "private_comment"),
    ("stakeholder", "notes"),
}

RETENTION_KEY = "retention_years"
DEFAULT_RETENTION_YEARS = 7
MAX_RETENTION_YEARS = 100


# -- which rows are the client's ------------------------------------------------------------


def _tables() -> dict[str, Table]:
    return {t.name: t for t in SQLModel.metadata.sorted_tables}


def client_tables() -> list[Table]:
    """Every table holding rows that belong to a client (the client table first, then
    parents before children), found by following foreign keys down from ``client``."""
    owned: list[Table] = []
    names = {"client"}
    for table in SQLModel.metadata.sorted_tables:  # parents come before their children
        if table.name == "client":
            owned.append(table)
            continue
        if any(fk.column.table.name in names for fk in table.foreign_keys):
            owned.append(table)
            names.add(table.name)
    return owned


def _conditions(client_id: int) -> dict[str, ColumnElement]:
    """table name -> the WHERE clause selecting that table's rows belonging to the client.

    A row belongs if *any* of its links points at the client or at one of the client's
    rows: those rows must go with the client (the database would refuse otherwise).
    """
    out: dict[str, ColumnElement] = {}
    for table in client_tables():
        if table.name == "client":
            out["client"] = table.c.id == client_id
            continue
        parts = []
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name not in out:
                continue
            if parent.name == "client":
                parts.append(fk.parent == client_id)
            else:
                parts.append(fk.parent.in_(select(fk.column).where(out[parent.name])))
        out[table.name] = or_(*parts) if len(parts) > 1 else parts[0]
    return out


def _section_order() -> list[Table]:
    """The client's tables but the client's own, in the order of ``SECTIONS`` (a table
    added later comes after them)."""
    rank = {name: i for i, name in enumerate(SECTIONS)}
    tables = [t for t in client_tables() if t.name != "client"]
    return sorted(tables, key=lambda t: (rank.get(t.name, len(rank)), t.name))


def _client_or_raise(s, client_id) -> Client:
    client = s.get(Client, client_id) if client_id is not None else None
    if client is None:
        raise NotFoundError("That client no longer exists (they may have been erased).")
    return client


# -- subject access ----------------------------------------------------------------------------


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _rows(s, table: Table, where) -> list[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = s.execute(select(table).where(where).order_by(*order))
    return [{k: _jsonable(v) for k, v in row._mapping.items()} for row in result]


def section_key(table_name: str) -> str:
    return SECTIONS.get(table_name, (table_name, ""))[0]


def section_title(table_name: str) -> str:
    return SECTIONS.get(table_name, ("", table_name.replace("_", " ").capitalize()))[1]


def subject_access(db: Database, client_id: int, *, now: datetime | None = None) -> dict:
    """Everything held about one client, as a JSON-ready dict.

    ``client`` is the client's own record; ``organization`` and ``sponsors`` name who
    employs them and who commissioned their engagements; ``records`` holds one list per
    table that belongs to the client (every column, private notes included, since it is
    the client's own data); ``stored_files`` lists the report copies kept on disk.
    """
    tables = _tables()
    with db.session() as s:
        client = _client_or_raise(s, client_id)
        where = _conditions(client.id)
        client_row = _rows(s, tables["client"], where["client"])[0]
        org = s.get(Organization, client.organization_id) if client.organization_id else None
        sponsor_ids = s.execute(select(Engagement.sponsor_id).where(
            Engagement.client_id == client.id, Engagement.sponsor_id.is_not(None))
            .distinct()).scalars().all()
        sponsors = []
        for sid in sorted(sponsor_ids):
            sp = s.get(Sponsor, sid)
            sp_org = s.get(Organization, sp.organization_id) if sp.organization_id else None
            sponsors.append({"id": sp.id, "name": sp.name, "role": sp.role, "email": sp.email,
                             "phone": sp.phone, "organization": sp_org.name if sp_org else ""})
        records: dict[str, list[dict]] = {}
        for table in _section_order():
            records[section_key(table.name)] = _rows(s, table, where[table.name])
        indicator_names = dict(s.execute(select(tables["indicator"].c.id,
                                                tables["indicator"].c.name)).all())
    for reading in records.get("indicator_readings", []):
        reading["indicator"] = indicator_names.get(reading.get("indicator_id"), "")
    folder = report_log.reports_dir(db)
    stored = [str(folder / r["pdf_file"]) for r in records.get("report_log", [])]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _jsonable(now or datetime.now(timezone.utc)),
        "about": (
            "Everything this coaching practice holds about the client named below, as kept "
            "by CoachDesk. It includes the coach's private working notes (private_notes of "
            "sessions, private_comment of indicator readings, notes on stakeholders), "
            "because they are the client's personal data. Dates are ISO 8601; times of "
            "records are UTC."),
        "client": client_row,
        "organization": ({"id": org.id, "name": org.name} if org else None),
        "sponsors": sponsors,
        "records": records,
        "sections": {section_key(t.name): section_title(t.name) for t in _section_order()},
        "stored_files": stored,
    }


def _safe_file_stem(name: str) -> str:
    keep = "".join(ch if (ch.isalnum() or ch in " -_.,'()") else "_" for ch in name)
    keep = " ".join(keep.split()).strip(" ._")
    return keep[:80] or "client"


def subject_access_paths(folder: Path | str, client_name: str) -> tuple[Path, Path]:
    """``<folder>/<name> - personal data.json`` and ``.pdf``."""
    stem = f"{_safe_file_stem(client_name)} - personal data"
    folder = Path(folder)
    return folder / f"{stem}.json", folder / f"{stem}.pdf"


def write_subject_access(db: Database, client_id: int, folder: Path | str, *,
                         now: datetime | None = None,
                         progress: Callable[[str], None] | None = None) -> tuple[Path, Path]:
    """Write the JSON file and the readable PDF into ``folder``; return both paths.

    Each is written to a temporary file and moved into place: never half a file. Safe to
    run in a worker thread (it opens its own short read transaction).
    """
    import json

    from ..reports import subject_access as pdf

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ValidationError(f"The folder {folder} does not exist.", "folder")
    if progress:
        progress("Gathering everything held about the client…")
    data = subject_access(db, client_id, now=now)
    json_path, pdf_path = subject_access_paths(folder, data["client"]["name"])
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    tmp = json_path.with_name(f".{json_path.name}.partial")
    if progress:
        progress("Writing the data file…")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, json_path)
    except OSError as exc:
        raise CoachDeskError(f"Could not write {json_path}: {exc.strerror or exc}.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    if progress:
        progress("Writing the PDF summary…")
    pdf.build_subject_access_pdf(pdf_path, data)
    return json_path, pdf_path


# -- erasing -----------------------------------------------------------------------------------


@dataclass
class ErasePreview:
    client_id: int
    name: str
    counts: dict[str, int]  # table name -> rows that will go
    private_notes: int  # sessions with a private note
    shared_summaries: int  # sessions with a shareable summary
    report_files: list[Path]  # stored report copies on disk
    mail_files: list[Path]  # e-mail copies of those reports (drafts, outbox, sent)

    def lines(self) -> list[str]:
        """What will be deleted, in plain words, one line per kind (nothing for zero)."""
        c = self.counts
        words = [
            (c.get("engagement", 0), "engagement", "engagements"),
            (c.get("coaching_session", 0), "session", "sessions"),
            (self.private_notes, "private note", "private notes"),
            (self.shared_summaries, "shareable summary", "shareable summaries"),
            (c.get("grow_worksheet", 0), "GROW worksheet", "GROW worksheets"),
            (c.get("grow_option", 0), "GROW option", "GROW options"),
            (c.get("action_item", 0), "action", "actions"),
            (c.get("indicator_reading", 0), "indicator reading", "indicator readings"),
            (c.get("goal", 0), "goal", "goals"),
            (c.get("goal_rating", 0), "goal rating", "goal ratings"),
            (c.get("stakeholder", 0), "stakeholder", "stakeholders"),
            (c.get("client_motivation", 0), "motivation profile (MVS)",
             "motivation profiles (MVS)"),
            (c.get("blocking_pattern", 0), "blocking pattern", "blocking patterns"),
            (c.get("report_log", 0), "progress report log entry",
             "progress report log entries"),
            (len(self.report_files), "stored report PDF", "stored report PDFs"),
            (len(self.mail_files), "e-mail copy of a report", "e-mail copies of reports"),
        ]
        known = {"client", *SECTIONS}
        for table, n in sorted(c.items()):
            if table not in known:  # a table added later: still named, never hidden
                words.append((n, f"{section_title(table).lower()} record",
                              f"{section_title(table).lower()} records"))
        return [f"{n} {one if n == 1 else many}" for n, one, many in words if n]

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


@dataclass
class EraseResult:
    name: str
    counts: dict[str, int]
    files_removed: int
    files_left: list[Path] = field(default_factory=list)  # could not be removed
    wal_truncated: bool = True
    compacted: bool = True  # the file was rewritten (VACUUM): no deleted page left

    @property
    def message(self) -> str:
        rows = sum(self.counts.values())
        text = (f"{self.name} was erased: {rows} record{'s' if rows != 1 else ''} and "
                f"{self.files_removed} file{'s' if self.files_removed != 1 else ''} deleted.")
        if not self.compacted:
            text += (" The practice file could not be compacted just now (another program "
                     "may be reading it), so fragments of the deleted text may stay inside "
                     "the file until it is compacted by a later erasure.")
        if self.files_left:
            text += (f" {len(self.files_left)} file(s) could not be deleted; please delete them "
                     f"yourself: {', '.join(str(p) for p in self.files_left[:3])}.")
        return text


def _report_files(db: Database, s, where) -> list[Path]:
    """Every file in the client's engagements' report folders (the stored copies, plus any
    left-over partial file), and any logged copy that lives elsewhere."""
    folder = report_log.reports_dir(db)
    tables = _tables()
    files: set[Path] = set()
    eng_ids = s.execute(select(tables["engagement"].c.id).where(where["engagement"])).scalars()
    for eid in eng_ids:
        sub = folder / str(eid)
        if sub.is_dir():
            files.update(p for p in sub.iterdir() if p.is_file())
    for name in s.execute(select(tables["report_log"].c.pdf_file)
                          .where(where["report_log"])).scalars():
        p = folder / name
        if p.is_file():
            files.add(p)
    return sorted(files)


def _mail_files(db: Database, digests: set[str]) -> list[Path]:
    """E-mails kept in the data folder (drafts, outbox, sent) carrying one of the reports."""
    if not digests:
        return []
    from ..mail import mail_dir

    folder = mail_dir(db.path)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.eml")):
        try:
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for part in msg.walk():
                if part.get_content_type() != "application/pdf":
                    continue
                payload = part.get_payload(decode=True) or b""
                if hashlib.sha256(payload).hexdigest() in digests:
                    found.append(path)
                    break
        except (OSError, ValueError, TypeError):
            log.warning("could not read %s while looking for a client's reports", path)
    return found


def erase_preview(db: Database, client_id: int) -> ErasePreview:
    """What :func:`erase_client` would delete, counted."""
    tables = _tables()
    with db.session() as s:
        client = _client_or_raise(s, client_id)
        where = _conditions(client.id)
        counts = {t.name: s.execute(select(func.count()).select_from(t)
                                    .where(where[t.name])).scalar_one()
                  for t in client_tables()}
        sess = tables["coaching_session"]
        private = s.execute(select(func.count()).select_from(sess).where(
            and_(where["coaching_session"], sess.c.private_notes != ""))).scalar_one()
        shared = s.execute(select(func.count()).select_from(sess).where(
            and_(where["coaching_session"], sess.c.shared_summary != ""))).scalar_one()
        files = _report_files(db, s, where)
        digests = set(s.execute(select(tables["report_log"].c.sha256)
                                .where(where["report_log"])).scalars())
        name = client.name
    return ErasePreview(client.id, name, counts, private, shared, files,
                        _mail_files(db, digests))


def erase_client(db: Database, client_id: int) -> EraseResult:
    """Delete the client and everything that belongs to them, for good.

    The rows go in one transaction (children first; the search index follows through its
    triggers): if anything fails nothing is deleted. Then the stored report PDFs and their
    e-mail copies are removed, the search index is merged and the file rewritten (VACUUM,
    WAL checkpoint TRUNCATE) so no deleted page still holds the client's words.
    """
    preview = erase_preview(db, client_id)
    with db.session() as s:
        conn = s.connection()
        # Deleted cells are overwritten with zeros, not merely unlinked (VACUUM follows
        # anyway; this covers the journal written before it).
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
        try:
            where = _conditions(preview.client_id)
            counts = {}
            for table in reversed(client_tables()):  # children before parents
                counts[table.name] = conn.execute(delete(table).where(where[table.name])).rowcount
        finally:
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
    removed, left = 0, []
    for path in [*preview.report_files, *preview.mail_files, *_mirrored(db, preview.report_files)]:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:
            log.warning("could not delete %s after erasing a client", path)
            left.append(path)
    folder = report_log.reports_dir(db)
    for eid_folder in {p.parent for p in preview.report_files}:
        if eid_folder.parent == folder:
            try:
                eid_folder.rmdir()  # only when empty
            except OSError:
                pass
    try:
        truncated, compacted = compact(db), True
    except CoachDeskError as exc:  # the rows are gone; only the tidying is left to do
        log.warning("compacting after erasing a client failed: %s", exc)
        truncated, compacted = False, False
    log.info("client %s erased (%s rows, %s files)", preview.client_id, sum(counts.values()),
             removed)
    return EraseResult(preview.name, counts, removed, left, truncated, compacted)


def _mirrored(db: Database, report_files: list[Path]) -> list[Path]:
    """The copies of these report PDFs that backups keep beside them (backups.mirror_reports):
    a report is the client's data, so it goes from there too."""
    from .. import backups

    root = report_log.reports_dir(db)
    relative = [p.relative_to(root) for p in report_files if p.is_relative_to(root)]
    try:
        second = backups.get_second_folder(db)
    except Exception:  # noqa: BLE001 - a setting that cannot be read: the main mirror still goes
        second = None
    return backups.mirrored_reports(db.path, relative, second)


def compact(db: Database) -> bool:
    """Merge the search index, rewrite the file and empty the WAL journal.

    Returns whether the journal could be emptied (another reader can hold it for a while;
    it is emptied at the next checkpoint then)."""
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        con.commit()
        has_index = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                                "AND name='search_index'").fetchone()
        if has_index:
            con.execute("INSERT INTO search_index(search_index) VALUES('optimize')")
            con.commit()
        con.execute("VACUUM")
        truncated = False
        for _ in range(20):
            busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                truncated = True
                break
            time_module.sleep(0.05)
        return truncated
    except sqlite3.Error as exc:
        raise CoachDeskError(f"The records were deleted, but the practice file could not be "
                             f"compacted afterwards ({exc}). Nothing is lost; it will be "
                             "tidied the next time this is done.") from exc
    finally:
        raw.close()


# -- backups that still hold a client -------------------------------------------------------


def backups_with_client(paths: list[Path], client_id: int, name: str) -> list[Path]:
    """The backup files among ``paths`` that still hold this client (by id and name).

    A backup that cannot be read is counted as holding the client: better to offer one
    too many for deletion than to promise a clean slate that is not."""
    out = []
    for path in paths:
        try:
            con = connect_read_only(Path(path))
            try:
                row = con.execute("SELECT 1 FROM client WHERE id = ? AND name = ?",
                                  (client_id, name)).fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            row = True
        if row:
            out.append(Path(path))
    return out


def client_backups(db: Database, client_id: int, name: str) -> list:
    """The backups of this practice (main and second folder) that still hold the client, as
    ``coachdesk.backups.BackupInfo``, newest first."""
    from .. import backups

    infos = backups.backup_files(db.path, backups.get_second_folder(db))
    holding = set(backups_with_client([b.path for b in infos], client_id, name))
    return [b for b in infos if b.path in holding]


def delete_client_backups(db: Database, paths: list[Path]):
    """Delete these backups, then make one fresh backup (of the practice as it is now,
    without the erased client) so the coach is never left with none. Returns
    (how many were deleted, the fresh ``BackupInfo``)."""
    from .. import backups

    deleted = backups.delete_backups(paths) if paths else 0
    fresh = backups.backup_now(db.path, kind=backups.MANUAL,
                               second_folder=backups.get_second_folder(db))
    return deleted, fresh


# -- retention review ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionCandidate:
    client_id: int
    name: str
    organization: str
    ended_on: date  # when the last engagement ended (or the client was added, if none)
    basis: str  # "Last engagement ended" | "No engagement; client added"
    engagements: int


def retention_years(db: Database) -> int:
    raw = get_setting(db, RETENTION_KEY)
    try:
        years = int(raw) if raw else DEFAULT_RETENTION_YEARS
    except ValueError:
        return DEFAULT_RETENTION_YEARS
    return years if 1 <= years <= MAX_RETENTION_YEARS else DEFAULT_RETENTION_YEARS


def set_retention_years(db: Database, years) -> int:
    try:
        value = int(years)
    except (TypeError, ValueError):
        raise ValidationError("The retention period must be a whole number of years.",
                              "years") from None
    if not 1 <= value <= MAX_RETENTION_YEARS:
        raise ValidationError(f"The retention period must be between 1 and "
                              f"{MAX_RETENTION_YEARS} years.", "years")
    put_setting(db, RETENTION_KEY, str(value))
    return value


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


_OPEN = {EngagementStatus.planned, EngagementStatus.active}


def retention_candidates(db: Database, years: int | None = None,
                         today: date | None = None) -> list[RetentionCandidate]:
    """Archived clients whose last engagement ended more than ``years`` ago (the saved
    retention period when ``None``), the longest-ended first.

    An engagement ends on its end date; one completed or cancelled without an end date
    ends on its last session (else its start). A client with an engagement still planned
    or active without an end date is not listed: it has not ended. An archived client
    without any engagement counts from the day they were added.
    """
    today = today or date.today()
    years = retention_years(db) if years is None else int(years)
    if years < 0:
        raise ValidationError("The retention period cannot be negative.", "years")
    cutoff = years_before(today, years)
    tables = _tables()
    sess = tables["coaching_session"]
    with db.session() as s:
        archived = s.execute(select(Client.id, Client.name, Client.organization_id,
                                    Client.start_date, Client.created_at)
                             .where(Client.status == ClientStatus.archived)).all()
        if not archived:
            return []
        orgs = dict(s.execute(select(Organization.id, Organization.name)).all())
        ids = [r[0] for r in archived]
        engs: dict[int, list] = {}
        for i in range(0, len(ids), 500):
            for row in s.execute(select(Engagement.client_id, Engagement.id, Engagement.status,
                                        Engagement.start_date, Engagement.end_date)
                                 .where(Engagement.client_id.in_(ids[i:i + 500]))).all():
                engs.setdefault(row[0], []).append(row)
        last_session = dict(s.execute(select(sess.c.engagement_id,
                                             func.max(sess.c.session_date))
                                      .group_by(sess.c.engagement_id)).all())
    out = []
    for cid, name, org_id, start, created in archived:
        rows = engs.get(cid, [])
        if rows:
            ends = []
            for _c, eid, status, e_start, e_end in rows:
                if e_end is not None:
                    ends.append(e_end)
                elif EngagementStatus(status) in _OPEN:
                    ends = None
                    break
                else:
                    last = last_session.get(eid)
                    ends.append(_as_date(last) if last else e_start)
            if ends is None:
                continue
            ended, basis = max(ends), "Last engagement ended"
        else:
            ended = start or (created.date() if created else today)
            basis = "No engagement; client added"
        if ended < cutoff:
            out.append(RetentionCandidate(cid, name, orgs.get(org_id, "") if org_id else "",
                                          ended, basis, len(rows)))
    out.sort(key=lambda c: (c.ended_on, c.name.casefold(), c.client_id))
    return out


def _as_date(value) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
