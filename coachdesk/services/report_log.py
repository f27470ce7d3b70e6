"""The report log: every sponsor report made for an engagement, kept exactly as sent.

Each entry holds the report's period, its sections, the coach's summary and next steps
as written in the dialog, to whom and how it left the app, and the SHA-256 of the PDF.
The PDF itself is copied into the practice's own folder, beside the database file::

    <folder of the database file>/reports/<file name of the practice>/<engagement id>/
        <made on>-<from>-<to>-<sha>.pdf

(named after the practice file, so that two practice files side by side never share a
report: see coachdesk.report_mirror; the row keeps ``<engagement id>/<file>``)

so the coach can reopen any earlier report byte for byte, and :func:`verify` can prove it
is still the file that was sent. A copy is written atomically (a temporary file, then a
link into place) and never replaces another entry's file. A copy deleted from the disk
does not hide the entry: it is still listed, and :func:`verify` says False.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from ..errors import CoachDeskError, ValidationError
from ..files import copy_synced, sha256_of  # noqa: F401  (sha256_of: others read it here)
from ..models import Engagement, ReportLog, utcnow
from ..report_mirror import reports_folder
from ..storage import Database
from . import consent as consent_service
from ._common import get_or_raise

METHODS = ("saved", "printed", "draft", "smtp", "outbox")
METHOD_LABELS = {
    "saved": "Saved as PDF",
    "printed": "Printed",
    "draft": "E-mail draft",
    "smtp": "E-mailed",
    "outbox": "Waiting in the outbox",
}
RECIPIENT_MAX = 500
SHORT_SHA = 12


@dataclass(frozen=True)
class ReportEntry:
    id: int
    engagement_id: int
    period_from: date
    period_to: date
    created_at: datetime  # aware UTC
    recipient: str  # e-mail or name, "" if none
    method: str  # "saved" | "printed" | "draft" | "smtp" | "outbox"
    sent_at: datetime | None
    sha256: str  # of the stored PDF
    pdf_path: Path  # absolute path of the stored copy (in the data folder)
    coach_summary: str
    next_steps: str
    sections: tuple[str, ...]


def reports_dir(db: Database) -> Path:
    """``<folder of db.path>/reports/<file name of db.path>``: where this practice keeps the
    copies of its sent reports (one folder per engagement below it)."""
    return reports_folder(db.path)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _entry(db: Database, row: ReportLog) -> ReportEntry:
    return ReportEntry(
        id=row.id, engagement_id=row.engagement_id, period_from=row.period_from,
        period_to=row.period_to, created_at=_utc(row.created_at), recipient=row.recipient,
        method=row.method, sent_at=_utc(row.sent_at), sha256=row.sha256,
        pdf_path=reports_dir(db) / row.pdf_file, coach_summary=row.coach_summary,
        next_steps=row.next_steps,
        sections=tuple(x for x in row.sections.split(",") if x))


def _method(method: str) -> str:
    m = str(method or "").strip().lower()
    if m not in METHODS:
        raise ValidationError(f"“{str(method)[:30]}” is not a way of sending a report "
                              f"(one of: {', '.join(METHODS)}).", "method")
    return m


def _recipient(recipient: str | None) -> str:
    r = " ".join(str(recipient or "").split())  # no line breaks: it may become a header
    if len(r) > RECIPIENT_MAX:
        raise ValidationError(f"The recipient is too long (at most {RECIPIENT_MAX} "
                              "characters).", "recipient")
    return r



def default_period(db: Database, engagement_id: int,
                   today: date | None = None) -> tuple[date, date]:
    """From the day after the last report's period end (else the engagement start) to today
    (or the engagement end if earlier).

    The period is never inverted: when the last report already reaches past that end (a
    report made up to a future day, or up to the end of a finished engagement), both
    dates are that end, a one-day period the coach can widen.
    """
    today = today or date.today()
    with db.session() as s:
        e = get_or_raise(s, Engagement, engagement_id, "engagement")
        last = s.exec(select(ReportLog.period_to)
                      .where(ReportLog.engagement_id == e.id)
                      .order_by(ReportLog.period_to.desc())).first()
        start = last + timedelta(days=1) if last is not None else e.start_date
        end = min(today, e.end_date) if e.end_date else today
    return (min(start, end), end)


def _store(src: Path, folder: Path, stem: str) -> tuple[str, str]:
    """Copy ``src`` into ``folder`` atomically under a free name starting with ``stem``;
    return (file name, SHA-256 of the bytes written)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{stem}.{os.getpid()}.partial"
    try:
        digest = copy_synced(src, tmp)
        for n in range(1, 1000):
            name = f"{stem}-{digest[:SHORT_SHA]}" + (f"-{n}" if n > 1 else "") + ".pdf"
            dest = folder / name
            try:
                os.link(tmp, dest)  # fails if the name is taken: never overwrites
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system
                if dest.exists():
                    continue
                os.replace(tmp, dest)
            return name, digest
        raise CoachDeskError(f"Could not find a free file name for the report in {folder}.")
    finally:
        if tmp.exists():
            tmp.unlink()


def record(db: Database, engagement_id: int, pdf_file: Path, data, recipient: str = "",
           method: str = "saved") -> ReportEntry:
    """Copy the PDF into <data folder>/reports/<practice file name>/<engagement>/..., compute its SHA-256, store the row
    (period, sections, coach_summary and next_steps taken from `data`, a
    coachdesk.reports.progress.ReportData).

    A report that shares a section or an indicator the consent in force does not list
    (consent narrowed since it was built) is not kept: ValidationError on "consent"."""
    method = _method(method)
    recipient = _recipient(recipient)
    src = Path(pdf_file).expanduser()
    if not src.is_file():
        raise ValidationError(f"There is no report file at {src}.", "pdf_file")
    with db.session() as s:
        eid = get_or_raise(s, Engagement, engagement_id, "engagement").id
        state = consent_service.in_force(s, eid)
    consent_service.check(state, data.sections, getattr(data, "indicator_ids", ()))
    now = utcnow()
    # Named by the day the PDF says it was made (the coach's local day), never UTC's:
    # made in Kiritimati at 12:00 UTC, both say 30 November.
    made_on = getattr(data, "made_on", None) or now.astimezone().date()
    stem = (f"{made_on:%Y-%m-%d}-{data.period_from:%Y%m%d}-{data.period_to:%Y%m%d}")
    folder = reports_dir(db) / str(eid)
    try:
        name, digest = _store(src, folder, stem)
    except OSError as exc:
        raise CoachDeskError(f"Could not keep a copy of the report in {folder}: "
                             f"{exc.strerror or exc}.") from exc
    try:
        with db.session() as s:
            row = ReportLog(engagement_id=eid, period_from=data.period_from,
                            period_to=data.period_to, recipient=recipient, method=method,
                            sha256=digest, pdf_file=f"{eid}/{name}",
                            coach_summary=data.coach_summary or "",
                            next_steps=data.next_steps or "",
                            sections=",".join(data.sections), created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            s.refresh(row)
            return _entry(db, row)
    except BaseException:
        (folder / name).unlink(missing_ok=True)  # no copy without its entry
        raise


def mark_sent(db: Database, entry_id: int, method: str, recipient: str,
              when: datetime | None = None) -> ReportEntry:
    """Note how and to whom an entry's report left the app (``when`` defaults to now)."""
    method = _method(method)
    recipient = _recipient(recipient)
    when = _utc(when) if when is not None else utcnow()
    with db.session() as s:
        row = get_or_raise(s, ReportLog, entry_id, "report")
        row.method, row.recipient, row.sent_at, row.updated_at = method, recipient, when, utcnow()
        s.add(row)
        s.flush()
        s.refresh(row)
        return _entry(db, row)


def entries(db: Database, engagement_id: int) -> list[ReportEntry]:
    """The engagement's reports, newest first."""
    with db.session() as s:
        rows = s.exec(select(ReportLog).where(ReportLog.engagement_id == engagement_id)
                      .order_by(ReportLog.created_at.desc(), ReportLog.id.desc())).all()
        return [_entry(db, r) for r in rows]


def get(db: Database, entry_id: int) -> ReportEntry:
    with db.session() as s:
        return _entry(db, get_or_raise(s, ReportLog, entry_id, "report"))


def verify(entry: ReportEntry) -> bool:
    """Whether the stored file is still there and still matches its SHA-256."""
    try:
        return entry.pdf_path.is_file() and sha256_of(entry.pdf_path) == entry.sha256
    except OSError:
        return False
