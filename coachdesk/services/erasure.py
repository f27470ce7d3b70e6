"""Erasing a client for good, the backups that still hold one, and the retention review.

Which rows are the client's comes from ``privacy`` (followed down the models' foreign
keys), so a table a later migration links to a client is erased with it; organisations,
sponsors, indicators and settings stay (``privacy`` says why). That includes the client's
deleted sessions still waiting in the Deleted sessions list (``deleted_session`` points at
the client; their notes are inside each entry's payload) and the report drafts of their
engagements (``report_draft``).

Erasing also removes the files the app kept about the client, and only those its own
records list: the stored copies of their sponsor reports and their agreements (the PDFs made
and the signed copies: services.agreements) (in this practice's own folder,
``<data folder>/reports/<practice file name>/<engagement>/``, and its mirrors beside the
backups; a copy still in an earlier version's folder shared by the practice files beside
this one goes once every other practice file that lists it has its own copy) and the
e-mail copies of those reports (drafts, outbox and sent mail, recognised by the SHA-256 of
the attached PDF). The files are listed in the practice in the same transaction as the
rows' deletion and struck off once deleted, so a crash in between is finished at the next
open (services.practice_files). The app's private temp folder (previews) is emptied. The
search index follows through its triggers and is then merged (FTS5 ``optimize``), and the
file is rewritten (``VACUUM``, then a WAL checkpoint that truncates the journal), so the
client's words are gone from the file's bytes, not merely unlinked; when another program's
read holds the journal back, the coach is told that a copy of the text remains until
CoachDesk is closed and opened again, and it is finished then. Backups made earlier still
hold the client: :func:`backups_with_client` finds them for the dialog to offer, and
deleting them takes their ``-wal``/``-shm`` too.

The retention review lists the archived clients whose last engagement ended longer ago
than the practice keeps records (7 years unless the coach sets another period), for the
coach to erase.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import and_, delete, func, select

from .. import report_mirror, tempfiles
from ..errors import CoachDeskError, ValidationError
from ..faults import crash_point
from ..models import Client, ClientStatus, Engagement, EngagementStatus, Organization
from ..storage import Database, connect_read_only
from . import agreements, invoice_erasure, practice_files, report_log
from .privacy import SECTIONS, _client_or_raise, _conditions, _tables, client_tables, section_title
from .settings import get_setting, put_setting

log = logging.getLogger(__name__)

RETENTION_KEY = "retention_years"
DEFAULT_RETENTION_YEARS = 7
MAX_RETENTION_YEARS = 100


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
    #: issued invoices and credit notes kept (detached from the client): invoice_erasure
    invoices_kept: int = 0

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
            (c.get("report_draft", 0), "progress report draft", "progress report drafts"),
            (c.get("deleted_session", 0), "deleted session waiting in the Deleted sessions list",
             "deleted sessions waiting in the Deleted sessions list"),
            (c.get("invoice", 0), "draft invoice", "draft invoices"),
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

    @property
    def kept_note(self) -> str:
        """A sentence on the issued invoices kept ("" when there are none)."""
        n = self.invoices_kept
        if not n:
            return ""
        what = "1 issued invoice or credit note" if n == 1 else \
            f"{n} issued invoices and credit notes"
        return (f"Also kept: {what}, which the law requires a business to keep; "
                "they will no longer be linked to this client.")


@dataclass
class EraseResult:
    name: str
    counts: dict[str, int]
    files_removed: int
    files_left: list[Path] = field(default_factory=list)  # not deleted yet: still pending
    wal_truncated: bool = True
    compacted: bool = True  # VACUUM and checkpoint done: no deleted page left in the bytes
    #: shared report copies (an earlier version's layout) kept because another practice
    #: file beside this one lists them and could not be given its own copy
    files_kept: list[Path] = field(default_factory=list)

    @property
    def message(self) -> str:
        rows = sum(self.counts.values())
        done = (f"{rows} record{'s' if rows != 1 else ''} and {self.files_removed} "
                f"file{'s' if self.files_removed != 1 else ''} deleted")
        if self.compacted:
            text = f"{self.name} was erased: {done}."
        else:
            text = (f"{self.name} is erased from the practice ({done}); a copy of the text "
                    "remains in the practice file until CoachDesk is closed and opened "
                    "again.")
        if self.files_left:
            text += (f" {len(self.files_left)} file(s) could not be deleted yet; CoachDesk "
                     "will try again each time it opens this practice, or you can delete "
                     f"them yourself: {', '.join(str(p) for p in self.files_left[:3])}.")
        if self.files_kept:
            text += (f" {len(self.files_kept)} stored report(s) were kept because another "
                     "practice file in the same folder also lists them and could not be "
                     "given its own copy.")
        return text


def _report_files(db: Database, s, where) -> list[Path]:
    """The stored copies this practice's report log lists for the client, in the
    practice's own folder, and the unfinished copies (``.*.partial``) a crash may have left
    in its engagements' folders there. Nothing of another practice file's."""
    own = report_log.reports_dir(db)
    tables = _tables()
    files: set[Path] = set()
    for rel in s.execute(select(tables["report_log"].c.pdf_file)
                         .where(where["report_log"])).scalars():
        if rel and (own / rel).is_file():
            files.add(own / rel)
    for eid in s.execute(select(tables["engagement"].c.id).where(where["engagement"])).scalars():
        sub = own / str(eid)
        if sub.is_dir():
            files.update(p for p in sub.glob(".*.partial") if p.is_file())
    return sorted(files)


def _agreement_files(db: Database, s, where) -> agreements.ClientFiles:
    """The agreement PDFs and signed copies kept in the client's engagements' folders."""
    eids = s.execute(select(_tables()["engagement"].c.id).where(where["engagement"])).scalars()
    return agreements.client_files(db, list(eids))


def _mail_files(db: Database, digests: set[str]) -> list[Path]:
    """E-mails kept in the data folder (drafts, outbox, sent) carrying one of the reports."""
    if not digests:
        return []
    from ..mail import attached_pdf_digests, mail_dir

    folder = mail_dir(db.path)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.eml")):
        try:
            if attached_pdf_digests(path) & digests:
                found.append(path)
        except OSError:
            log.warning("a stored report could not be read while looking for a client's "
                        "reports")  # its name holds the client's: not logged
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
        counts.update(invoice_erasure.deleted_counts(s, tables, where))
        kept = invoice_erasure.kept_count(s, tables, where)
        sess = tables["coaching_session"]
        private = s.execute(select(func.count()).select_from(sess).where(
            and_(where["coaching_session"], sess.c.private_notes != ""))).scalar_one()
        shared = s.execute(select(func.count()).select_from(sess).where(
            and_(where["coaching_session"], sess.c.shared_summary != ""))).scalar_one()
        files = _report_files(db, s, where)
        digests = set(s.execute(select(tables["report_log"].c.sha256)
                                .where(where["report_log"])).scalars())
        agreement_files = _agreement_files(db, s, where)  # agreements made, signed copies
        files = sorted(set(files) | set(agreement_files.paths))
        digests |= agreement_files.digests
        name = client.name
    return ErasePreview(client.id, name, counts, private, shared, files,
                        _mail_files(db, digests), kept)


def _listed_reports(s, where) -> list[tuple[str, str]]:
    """(``<engagement>/<file>``, SHA-256) of every report the client's log entries list."""
    rl = _tables()["report_log"]
    return [(rel, digest) for rel, digest in s.execute(
        select(rl.c.pdf_file, rl.c.sha256).where(where["report_log"])).all() if rel]


def _shared_copies(db: Database, listed) -> list[tuple[Path, str, str]]:
    """The copies of these reports an earlier version kept in the folder shared by every
    practice file beside this one: (path, relative name, SHA-256)."""
    legacy = report_mirror.legacy_reports_folder(db.path)
    return [(legacy / rel, rel, digest) for rel, digest in listed if (legacy / rel).is_file()]


def _other_practices(db: Database) -> list[Path]:
    here = Path(db.path).expanduser().resolve()
    try:
        return sorted(p for p in here.parent.glob("*.db") if p.resolve() != here and p.is_file())
    except OSError:
        return []


def _lists(practice: Path, rel: str, digest: str) -> bool:
    """Whether the practice file ``practice`` lists this report (True when it cannot be
    read: better one copy too many than another practice's report lost)."""
    try:
        con = connect_read_only(practice)
        try:
            return con.execute("SELECT 1 FROM report_log WHERE pdf_file = ? AND sha256 = ?",
                               (rel, digest)).fetchone() is not None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return "no such table" not in str(exc)  # not a practice: it lists nothing


def _hand_over(db: Database, shared) -> tuple[list[Path], list[Path]]:
    """Before a shared copy goes, every other practice file beside this one that lists it
    gets its own copy (report_mirror.reports_folder). Returns (copies that may now be
    deleted, copies kept because a practice that lists them could not get its own)."""
    others = _other_practices(db)
    deletable, kept = [], []
    for path, rel, digest in shared:
        ok = True
        for other in others:
            if _lists(other, rel, digest):
                dest = report_mirror.reports_folder(other) / rel
                ok = practice_files.link_or_copy(path, dest, digest) and ok
        (deletable if ok else kept).append(path)
    return deletable, kept


def erase_client(db: Database, client_id: int) -> EraseResult:
    """Delete the client and everything that belongs to them, for good.

    The rows go in one transaction (children first; the search index follows through its
    triggers), and in the same transaction the files to delete are listed in the practice
    (services.practice_files): the stored report PDFs this practice's log lists, their
    copies in the backup mirrors and the e-mails carrying them. If anything fails nothing
    is deleted. After the commit the files are deleted and struck off; a crash in between
    leaves them listed, and the next open deletes them. Then the app's private temp
    folder is emptied (previews), the search index merged and the file rewritten (VACUUM,
    WAL checkpoint TRUNCATE) so no deleted page still holds the client's words; when
    another program's read holds the journal back, the result says so
    (``compacted=False``) and the practice stays marked to finish it at close or open.

    Raises NotFoundError for an unknown client, the storage errors of a failed write.
    """
    preview = erase_preview(db, client_id)
    with db.session() as s:
        listed = _listed_reports(s, _conditions(preview.client_id))
        agreement_files = _agreement_files(db, s, _conditions(preview.client_id)).relative
    shared, kept = _hand_over(db, _shared_copies(db, listed))
    to_delete = list(dict.fromkeys([
        *preview.report_files, *shared, *preview.mail_files,
        *_mirrored(db, [Path(rel) for rel, _ in listed] + agreement_files)]))
    existing = sum(1 for p in to_delete if p.exists())
    with db.session() as s:
        conn = s.connection()
        # Deleted cells are overwritten with zeros, not merely unlinked (VACUUM follows
        # anyway; this covers the journal written before it).
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
        try:
            where = _conditions(preview.client_id)
            invoice_erasure.detach(conn, _tables(), where)  # kept: records the law requires
            counts = {}
            for table in reversed(client_tables()):  # children before parents
                counts[table.name] = conn.execute(delete(table).where(where[table.name])).rowcount
            practice_files.add_pending(s, to_delete)
            s.flush()
        finally:
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
    crash_point("erase:after-commit")
    left = [p for p in practice_files.complete_pending(db) if p in set(to_delete)]
    removed = max(0, existing - len(left))
    tempfiles.empty()  # previews (a worksheet with the client's private notes)
    try:
        compacted = practice_files.compact(db)
    except CoachDeskError:  # the rows are gone; the practice stays marked to finish it
        compacted = False
    log.info("client %s erased (%s rows, %s files)", preview.client_id, sum(counts.values()),
             removed)
    return EraseResult(preview.name, counts, removed, left, compacted, compacted, kept)


def _mirrored(db: Database, relative: list[Path]) -> list[Path]:
    """The copies of these report PDFs (``<engagement>/<file>``) that backups keep beside
    them (backups.mirror_reports): a report is the client's data, so it goes from there too."""
    from .. import backups

    try:
        second = backups.get_second_folder(db)
    except Exception:  # noqa: BLE001 - a setting that cannot be read: the main mirror still goes
        second = None
    return report_mirror.mirrored_reports(db.path, relative, second)


def compact(db: Database) -> bool:
    """See services.practice_files.compact (kept here for callers of erasure)."""
    return practice_files.compact(db)


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
        except (sqlite3.Error, CoachDeskError):  # CoachDeskError: encrypted, still locked
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
    (how many were deleted, the fresh ``BackupInfo``).

    What SQLite may keep beside a backup goes with it: a damaged file's safety copy keeps
    its journal (``-wal``), which holds the most recent text, and a ``-shm``/``-journal``
    may be there too. Raises StorageError when some could not be deleted."""
    from .. import backups

    try:
        deleted = backups.delete_backups(paths) if paths else 0
    finally:
        _delete_journals(paths or [])
    fresh = backups.backup_now(db.path, kind=backups.MANUAL,
                               second_folder=backups.get_second_folder(db))
    return deleted, fresh


def _delete_journals(backup_paths) -> None:
    failed = 0
    for path in backup_paths:
        path = Path(path)
        if path.exists():
            continue  # the backup itself is still there: its journal belongs to it
        for suffix in ("-wal", "-shm", "-journal"):
            try:
                Path(f"{path}{suffix}").unlink()
            except FileNotFoundError:
                pass
            except OSError:
                failed += 1
    if failed:
        from ..errors import StorageError

        raise StorageError(f"{failed} journal file(s) beside the deleted backups could not "
                           "be deleted. Check that the backup folder is not read-only and "
                           "try again.")


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
