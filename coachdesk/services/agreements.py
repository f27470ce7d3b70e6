"""The three-way coaching agreement of an engagement: its status, its PDFs, its signed copy.

Status goes draft -> sent (with the day) -> signed (with the day). An engagement without an
agreement row reads as a draft; the row is made the first time something is recorded.

Files, all in the engagement's folder among the stored reports
(``report_log.reports_dir(db) / <engagement id>``), so they are mirrored beside every
backup and brought back on restore (``coachdesk.report_mirror`` copies every ``*.pdf``
there) and erased with the client (:func:`client_files`, used by ``services.erasure``):

* ``agreement-<engagement>-<made on>-<sha>.pdf``: each agreement PDF made (:func:`make_pdf`,
  :func:`keep_pdf`); the row points at the newest;
* ``signed-agreement-<engagement>-<day>-<sha>.pdf``: the signed copy the coach received
  back (:func:`attach_signed`): checked to be a PDF by its first bytes and at most
  ``SIGNED_MAX_BYTES``, written under a name of CoachDesk's making (never the coach's file
  name), atomically; a replaced copy is deleted only once the new one is written and
  recorded.

Rows keep the file's path relative to the reports folder and its SHA-256.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from .. import dates
from ..errors import CoachDeskError, ValidationError
from ..faults import crash_point
from ..files import copy_synced, sha256_of
from ..models import Agreement, AgreementStatus, Engagement, utcnow
from ..storage import Database
from . import validation as v
from ._common import get_or_raise
from .report_log import reports_dir

PDF_PREFIX = "agreement-"
SIGNED_PREFIX = "signed-agreement-"
SIGNED_MAX_BYTES = 25 * 1024 * 1024
#: a PDF's signature must appear within its first 1,024 bytes (as readers accept it)
PDF_MAGIC = b"%PDF-"
SHORT_SHA = 12


def _today() -> date:
    """The coach's today (a function, so tests can freeze it)."""
    return date.today()


@dataclass(frozen=True)
class AgreementState:
    """Where an engagement's agreement stands. ``pdf_path``/``signed_path`` are absolute
    (None when there is none); the file may have gone from the disk (:func:`file_ok`)."""

    engagement_id: int
    status: str  # "draft" | "sent" | "signed"
    sent_on: date | None
    signed_on: date | None
    pdf_path: Path | None
    pdf_sha256: str
    signed_path: Path | None
    signed_sha256: str


def _state(db: Database, eid: int, row: Agreement | None) -> AgreementState:
    if row is None:
        return AgreementState(eid, "draft", None, None, None, "", None, "")
    root = reports_dir(db)
    status = row.status.value if isinstance(row.status, AgreementStatus) else str(row.status)
    return AgreementState(eid, status, row.sent_on, row.signed_on,
                          root / row.pdf_file if row.pdf_file else None, row.pdf_sha256,
                          root / row.signed_file if row.signed_file else None,
                          row.signed_sha256)


def _row(s, eid: int, create: bool = False) -> Agreement | None:
    row = s.exec(select(Agreement).where(Agreement.engagement_id == eid)).first()
    if row is None and create:
        row = Agreement(engagement_id=eid)
        s.add(row)
    return row


def get(db: Database, engagement_id: int) -> AgreementState:
    """The agreement of the engagement (a draft when nothing was recorded yet). Raises
    NotFoundError for an unknown engagement."""
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        return _state(db, eid, _row(s, eid))


def _day(value, field: str, label: str) -> date:
    day = v.optional_date(value, field, label) or _today()
    if day > _today():
        raise ValidationError(f"{label} cannot be in the future.", field)
    return day


def mark_sent(db: Database, engagement_id: int, day=None) -> AgreementState:
    """Record that the agreement went to the client and the sponsor on ``day`` (a date or
    ISO text; today when None). A signed agreement stays signed (sent again, e.g. the
    countersigned copy); its day sent is kept. Raises NotFoundError, ValidationError
    (field "sent_on") for a day that is not a date or lies in the future."""
    sent = _day(day, "sent_on", "The day it was sent")
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        row = _row(s, eid, create=True)
        if row.status != AgreementStatus.signed:
            row.status, row.sent_on = AgreementStatus.sent, sent
        elif row.sent_on is None and (row.signed_on is None or sent <= row.signed_on):
            row.sent_on = sent
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _state(db, eid, row)


def mark_signed(db: Database, engagement_id: int, day=None) -> AgreementState:
    """Record that the three parties signed, on ``day`` (a date or ISO text; today when
    None): it may be marked again to correct the day. Raises NotFoundError, ValidationError
    (field "signed_on") for a day in the future or before the day it was sent."""
    signed = _day(day, "signed_on", "The day it was signed")
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        row = _row(s, eid, create=True)
        if row.sent_on is not None and signed < row.sent_on:
            raise ValidationError("The day it was signed cannot be before the day it was sent "
                                  f"({row.sent_on.isoformat()}).", "signed_on")
        row.status, row.signed_on, row.updated_at = AgreementStatus.signed, signed, utcnow()
        s.add(row)
        s.flush()
        return _state(db, eid, row)


def back_to_draft(db: Database, engagement_id: int) -> AgreementState:
    """Undo "sent" and "signed" (a mistake): the days go, the files stay."""
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        row = _row(s, eid, create=True)
        row.status, row.sent_on, row.signed_on = AgreementStatus.draft, None, None
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _state(db, eid, row)


# -- files ---------------------------------------------------------------------------------



def file_ok(path: Path | None, sha256: str) -> bool:
    """Whether the stored file is still there and still the one recorded."""
    try:
        return bool(path) and path.is_file() and sha256_of(path) == sha256
    except OSError:
        return False


def _store(src: Path, folder: Path, stem: str) -> tuple[str, str, bool]:
    """Copy ``src`` into ``folder`` as ``<stem>-<sha>.pdf``, atomically (a hidden partial
    file, flushed, then renamed). Returns (name, SHA-256, whether the file is new). Raises
    OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{stem}.{os.getpid()}.partial"
    try:
        digest = copy_synced(src, tmp)
        dest = folder / f"{stem}-{digest[:SHORT_SHA]}.pdf"
        if dest.is_file() and sha256_of(dest) == digest:
            return dest.name, digest, False  # the very same file is already kept
        crash_point("agreement:before-replace")
        os.replace(tmp, dest)
        return dest.name, digest, True
    finally:
        tmp.unlink(missing_ok=True)


def _failed_copy(folder: Path, exc: OSError, what: str) -> CoachDeskError:
    return CoachDeskError(f"Could not keep {what} in {folder}: {exc.strerror or exc}. "
                          "Check that the disk is not full, then try again.")


def check_pdf(path) -> Path:
    """``path`` as a Path when it is a readable PDF file of at most ``SIGNED_MAX_BYTES``;
    else a ValidationError (field "signed_file") that says what is wrong."""
    src = Path(str(path or "")).expanduser()
    if not str(path or "").strip() or not src.is_file():
        raise ValidationError("There is no file there; please choose the signed PDF again.",
                              "signed_file")
    try:
        size = src.stat().st_size
        with open(src, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        raise ValidationError("That file cannot be read; please check it and choose it "
                              "again.", "signed_file") from None
    if size > SIGNED_MAX_BYTES:
        raise ValidationError(f"The signed copy is larger than "
                              f"{SIGNED_MAX_BYTES // (1024 * 1024)} MB; please scan it at a "
                              "lower resolution or in black and white.", "signed_file")
    if PDF_MAGIC not in head:
        raise ValidationError("That file is not a PDF. Please choose the signed agreement as "
                              "a PDF file (a scan saved as PDF).", "signed_file")
    return src


def attach_signed(db: Database, engagement_id: int, path, signed_on=None) -> AgreementState:
    """Keep a copy of the signed agreement ``path`` (a PDF the coach chose) with the
    engagement. An agreement not yet marked signed is marked signed on ``signed_on`` (today
    when None). A copy attached before is replaced, and deleted only once the new one is
    written and recorded. Raises NotFoundError, ValidationError (field "signed_file" or
    "signed_on"), CoachDeskError when the copy cannot be written (nothing changes then)."""
    src = check_pdf(path)
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        row = _row(s, eid)
        already_signed = row is not None and row.status == AgreementStatus.signed
    if not already_signed:
        day = _day(signed_on, "signed_on", "The day it was signed")
    folder = reports_dir(db) / str(eid)
    stamp = (_today() if already_signed else day).strftime("%Y%m%d")
    try:
        name, digest, new = _store(src, folder, f"{SIGNED_PREFIX}{eid}-{stamp}")
    except OSError as exc:
        raise _failed_copy(folder, exc, "the signed copy") from exc
    relative = f"{eid}/{name}"
    try:
        with db.session() as s:
            row = _row(s, eid, create=True)
            old = row.signed_file
            if row.status != AgreementStatus.signed:
                if row.sent_on is not None and day < row.sent_on:
                    raise ValidationError("The day it was signed cannot be before the day it "
                                          f"was sent ({row.sent_on.isoformat()}).", "signed_on")
                row.status, row.signed_on = AgreementStatus.signed, day
            row.signed_file, row.signed_sha256, row.updated_at = relative, digest, utcnow()
            s.add(row)
            s.flush()
            state = _state(db, eid, row)
    except BaseException:
        if new:
            (folder / name).unlink(missing_ok=True)  # no copy without its record
        raise
    if old and old != relative:
        try:
            (reports_dir(db) / old).unlink(missing_ok=True)
        except OSError:  # the old copy stays; nothing points at it
            pass
    return state


class AlreadySigned(CoachDeskError):
    """The agreement is signed: a PDF made now would not be what the parties signed."""


def _refuse_signed(row: Agreement | None) -> None:
    """AlreadySigned when ``row`` is signed and a PDF of it is already kept."""
    if row is not None and row.status == AgreementStatus.signed and row.pdf_file:
        day = f" on {dates.long(row.signed_on)}" if row.signed_on else ""
        raise AlreadySigned(f"This agreement was signed{day}; the PDF that was signed stays "
                            "as it is. To make it again with today's wording, start a new "
                            "draft.")


def keep_pdf(db: Database, engagement_id: int, pdf_file, made_on: date | None = None,
             new_draft: bool = False) -> AgreementState:
    """Keep a copy of an agreement PDF just made (``pdf_file``) in the engagement's folder;
    the agreement now points at it. Earlier ones stay (what was sent, as sent).

    The PDF of a signed agreement is never replaced silently: when one is kept, it raises
    :class:`AlreadySigned` unless ``new_draft`` is True, which starts a new draft (status draft, the days sent and signed
    cleared) while the signed copy and every earlier PDF stay kept on disk and the signed
    copy stays attached. Raises NotFoundError, ValidationError when the file is missing,
    CoachDeskError when the copy cannot be written."""
    src = Path(pdf_file).expanduser()
    if not src.is_file():
        raise ValidationError("The agreement PDF was not found; please make it again.",
                              "pdf_file")
    with db.session() as s:
        eid = get_or_raise(s, Engagement, int(engagement_id), "engagement").id
        if not new_draft:
            _refuse_signed(_row(s, eid))
    folder = reports_dir(db) / str(eid)
    stamp = (made_on or _today()).strftime("%Y%m%d")
    try:
        name, digest, new = _store(src, folder, f"{PDF_PREFIX}{eid}-{stamp}")
    except OSError as exc:
        raise _failed_copy(folder, exc, "a copy of the agreement") from exc
    try:
        with db.session() as s:
            row = _row(s, eid, create=True)
            if new_draft and row.status == AgreementStatus.signed:
                row.status, row.sent_on, row.signed_on = AgreementStatus.draft, None, None
            elif not new_draft:
                _refuse_signed(row)  # signed meanwhile (another window)
            row.pdf_file, row.pdf_sha256, row.updated_at = f"{eid}/{name}", digest, utcnow()
            s.add(row)
            s.flush()
            return _state(db, eid, row)
    except BaseException:
        if new:
            (folder / name).unlink(missing_ok=True)
        raise


def build_pdf(db: Database, engagement_id: int, out, today: date | None = None,
              paper: str | None = None) -> Path:
    """Write the agreement of the engagement to ``out`` (nothing kept: see :func:`make_pdf`).
    Raises NotFoundError, ReportError (a plain sentence) when ``out`` cannot be written."""
    from ..reports import agreement, worksheet

    data = agreement.agreement_data(db, engagement_id, today or _today())
    return agreement.build_agreement_pdf(out, data, paper or worksheet.get_paper_size(db))


def make_pdf(db: Database, engagement_id: int, today: date | None = None,
             paper: str | None = None, new_draft: bool = False) -> AgreementState:
    """Make the agreement PDF and keep it in the engagement's folder (:func:`keep_pdf`,
    which refuses a signed agreement unless ``new_draft``); the state's ``pdf_path`` is the
    kept file."""
    from .. import tempfiles

    day = today or _today()
    folder = tempfiles.new_folder()
    try:
        built = build_pdf(db, engagement_id, folder / "agreement.pdf", day, paper)
        return keep_pdf(db, engagement_id, built, made_on=day, new_draft=new_draft)
    finally:
        for p in folder.glob("*"):
            p.unlink(missing_ok=True)
        folder.rmdir()


@dataclass(frozen=True)
class ClientFiles:
    """The agreement files kept about a client's engagements (for erasing them)."""

    paths: list[Path]  # in this practice's reports folder
    relative: list[Path]  # ``<engagement>/<file>``, to find their copies in backup mirrors
    digests: set[str]  # SHA-256 of each, to find e-mails that carried one


def _ours(name: str) -> bool:
    return name.endswith(".pdf") and (name.startswith(PDF_PREFIX)
                                      or name.startswith(SIGNED_PREFIX))


def client_files(db: Database, engagement_ids) -> ClientFiles:
    """Every agreement PDF and signed copy kept for these engagements: the ones on disk in
    the practice's folder and the ones the rows name (which backups may still mirror)."""
    root = reports_dir(db)
    paths: list[Path] = []
    relative: set[Path] = set()
    digests: set[str] = set()
    for eid in sorted({int(e) for e in engagement_ids}):
        folder = root / str(eid)
        try:
            found = sorted(p for p in folder.iterdir() if _ours(p.name) and p.is_file())
        except OSError:
            found = []
        for p in found:
            paths.append(p)
            relative.add(Path(str(eid)) / p.name)
            try:
                digests.add(sha256_of(p))
            except OSError:
                pass
        with db.session() as s:
            row = _row(s, eid)
            if row is not None:
                for rel, digest in ((row.pdf_file, row.pdf_sha256),
                                    (row.signed_file, row.signed_sha256)):
                    if rel:
                        relative.add(Path(rel))
                        digests.add(digest)
    digests.discard("")
    return ClientFiles(paths, sorted(relative), digests)
