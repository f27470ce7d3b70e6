"""Data protection: which rows are a client's, and everything held about one client.

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
* **Issued invoices and credit notes**: records the law requires a business to keep; they
  are detached from the client (``invoice_erasure``). The subject access file lists them
  (and any drafts) while they are still the client's.

Erasing a client, the backups that still hold one and the retention review are in
``erasure``, built on the ownership worked out here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import Table, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from ..errors import NotFoundError, ValidationError
from ..filenames import file_name
from ..files import atomic_write

# importing ..models also registers every table on SQLModel.metadata, which client_tables reads
from ..models import Client, Engagement, Organization, Sponsor
from ..storage import Database
from . import report_log

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
    "report_draft": ("report_drafts", "Drafts of the next progress report"),
    "deleted_session": ("deleted_sessions",
                        "Deleted sessions (kept until the coach restores them or empties the list)"),
    "agreement": ("agreements", "Coaching agreement (three-way, with the sponsor)"),
    "consent": ("consent", "Consent to what the sponsor may see"),
    "invoice": ("invoices", "Invoices and credit notes to the sponsor's organisation"),
    "invoice_line": ("invoice_lines", "Invoice lines"),
}

#: columns that hold the coach's private working notes (labelled as such in the PDF)
PRIVATE_COLUMNS = {
    ("coaching_session", "private_notes"),
    ("indicator_reading", "private_comment"),
    ("stakeholder", "notes"),
}


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
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
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
    for entry in records.get("deleted_sessions", []):
        _unpack_deleted(entry)
    folder = report_log.reports_dir(db)
    stored = [str(folder / r["pdf_file"]) for r in records.get("report_log", [])]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _jsonable(now or datetime.now(UTC)),
        "about": (
            "Everything this coaching practice holds about the client named below, as kept "
            "by CoachDesk. It includes the coach's private working notes (private_notes of "
            "sessions, private_comment of indicator readings, notes on stakeholders), "
            "because they are the client's personal data, and the sessions the coach deleted "
            "that still wait in the Deleted sessions list (deleted_sessions, each with its "
            "contents). Dates are ISO 8601; times of records are UTC."),
        "client": client_row,
        "organization": ({"id": org.id, "name": org.name} if org else None),
        "sponsors": sponsors,
        "records": records,
        "sections": {section_key(t.name): section_title(t.name) for t in _section_order()},
        "stored_files": stored,
    }


def _unpack_deleted(entry: dict) -> None:
    """A deleted session's saved copy, as records rather than one JSON text: ``contents``
    holds its session, worksheet, options and actions under their section keys. A copy
    that cannot be read stays as the raw text in ``payload``: nothing is hidden."""
    from .session_trash import read_payload

    try:
        tables = read_payload(entry["payload"])
    except ValueError:
        return
    del entry["payload"]
    entry["contents"] = {section_key(name): rows for name, rows in tables.items()}


def subject_access_paths(folder: Path | str, client_name: str,
                         day: date | None = None) -> tuple[Path, Path]:
    """``<folder>/Personal data — <name> — <day>.json`` and ``.pdf``, named the way every
    file CoachDesk proposes is (``coachdesk.filenames``); ``day`` is today unless given."""
    when = (day or date.today()).isoformat()
    folder = Path(folder)
    return (folder / file_name("Personal data", client_name or "client", when, suffix=".json"),
            folder / file_name("Personal data", client_name or "client", when, suffix=".pdf"))


def write_subject_access(db: Database, client_id: int, folder: Path | str, *,
                         now: datetime | None = None,
                         progress: Callable[[str], None] | None = None,
                         passphrase: str | None = None) -> tuple[Path, Path]:
    """Write the JSON file and the readable PDF into ``folder``; return both paths.

    Each is written to a temporary file and moved into place: never half a file. Safe to
    run in a worker thread (it opens its own short read transaction). With ``passphrase``
    both are sealed as age files (``….json.age``, ``….pdf.age``, see
    ``services/export_sealed``): the PDF is built in the app's private temporary folder
    and removed from it once sealed.
    """
    import json

    from ..reports import subject_access as pdf

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ValidationError(f"The folder {folder} does not exist.", "folder")
    if progress:
        progress("Gathering everything held about the client…")
    data = subject_access(db, client_id, now=now)
    day = now.astimezone().date() if now is not None else None
    json_path, pdf_path = subject_access_paths(folder, data["client"]["name"], day)
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    if progress:
        progress("Writing the data file…")
    if passphrase:
        return _write_sealed(json_path, pdf_path, text, data, passphrase)
    with atomic_write(json_path, failure="Could not write {path}: {reason}.") as fh:
        fh.write(text)
    if progress:
        progress("Writing the PDF summary…")
    pdf.build_subject_access_pdf(pdf_path, data)
    return json_path, pdf_path


def _write_sealed(json_path: Path, pdf_path: Path, text: str, data: dict,
                  passphrase: str) -> tuple[Path, Path]:
    import shutil
    import tempfile

    from .. import age_seal, tempfiles
    from ..reports import subject_access as pdf

    def seal(path: Path, plain: bytes) -> Path:
        out = path.with_name(path.name + ".age")
        sealed = age_seal.encrypt(plain, passphrase)
        with atomic_write(out, binary=True, failure="Could not write {path}: {reason}.") as fh:
            fh.write(sealed)
        return out

    sealed_json = seal(json_path, text.encode("utf-8"))
    work = Path(tempfile.mkdtemp(dir=tempfiles.folder()))
    try:
        built = pdf.build_subject_access_pdf(work / pdf_path.name, data)
        return sealed_json, seal(pdf_path, Path(built).read_bytes())
    finally:
        shutil.rmtree(work, ignore_errors=True)
