"""Deleted sessions: a session logged by mistake leaves every count, and can come back.

Deleting a session moves its own rows — the session, its GROW worksheet, the worksheet's
options and the session's action items — out of their tables and into one
``DeletedSession`` row, in one transaction. Because the rows are really gone from their
tables, every count, dashboard figure, risk rule, ICF log, calendar export, report and the
search index (kept in step by its triggers) stops seeing the session, with no filter anyone
could forget. Restoring puts the rows back, in one transaction, and removes the entry.

Which rows are "the session's own" is found from the models' foreign keys, the way
``privacy`` finds a client's rows: a row belongs to the session when it points at the
session or at a row that belongs to it. A table a later migration links to a session
therefore goes into the trash and comes back with it.

``payload`` is a JSON document::

    {"format": "coachdesk-deleted-session", "version": 1,
     "tables": {"coaching_session": [{...}], "grow_worksheet": [{...}],
                "grow_option": [{...}, ...], "action_item": [{...}, ...]}}

with every column of every row: text exactly as typed, ``null`` for empty optional
fields, choices (status, format, owner …) as their values, dates ``YYYY-MM-DD``, times
``HH:MM:SS`` and date-times ISO 8601 in UTC with their offset — the conventions of the
practice export (``docs/export-format.md``).

Every function takes the open ``Database`` first and raises ``NotFoundError`` for a
session or entry that no longer exists, and ``CoachDeskError`` (a plain sentence) when a
session cannot be restored.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table, func, insert, or_, select, text
from sqlalchemy import delete as sa_delete
from sqlmodel import SQLModel

from .. import dates
from ..errors import CoachDeskError, NotFoundError
from ..models import Client, CoachingSession, DeletedSession, Engagement, utcnow
from ..storage import Database
from .json_values import column_kind as _kind
from .json_values import to_json as _to_json

log = logging.getLogger(__name__)

FORMAT = "coachdesk-deleted-session"
VERSION = 1
ROOT = "coaching_session"



def day_text(day: date) -> str:
    """'28 Aug 2026', '28/08/2026': the practice's date setting (coachdesk.dates)."""
    return dates.short(day)


# -- which rows are the session's -----------------------------------------------------------


def session_tables() -> list[Table]:
    """The session's table and every table holding rows that belong to a session, parents
    first (found by following foreign keys down from ``coaching_session``)."""
    owned: list[Table] = []
    names: set[str] = set()
    for table in SQLModel.metadata.sorted_tables:  # parents before children
        if table.name == ROOT:
            owned.append(table)
            names.add(ROOT)
        elif names and any(fk.column.table.name in names for fk in table.foreign_keys):
            owned.append(table)
            names.add(table.name)
    return owned


def _conditions(session_id: int) -> dict[str, Any]:
    """table name -> the WHERE clause selecting that table's rows belonging to the session."""
    out: dict[str, Any] = {}
    for table in session_tables():
        if table.name == ROOT:
            out[ROOT] = table.c.id == session_id
            continue
        parts = []
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name in out:
                parts.append(fk.parent.in_(select(fk.column).where(out[parent.name])))
        out[table.name] = or_(*parts) if len(parts) > 1 else parts[0]
    return out


# -- the payload ----------------------------------------------------------------------------


class _Damaged(ValueError):
    """The payload cannot be turned back into rows."""


def _from_json(column, value: Any) -> Any:
    """One payload value as the column's Python value; ``_Damaged`` if it cannot be."""
    if value is None:
        if column.nullable or column.primary_key:
            return None
        raise _Damaged(column.name)
    kind = _kind(column)
    try:
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
        if kind is datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.utcoffset() is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        if kind is date:
            return date.fromisoformat(value)
        if kind is time:
            return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Damaged(column.name) from None
    if kind is bool and not isinstance(value, bool):
        raise _Damaged(column.name)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise _Damaged(column.name)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Damaged(column.name)
        return float(value)
    if kind is str and not isinstance(value, str):
        raise _Damaged(column.name)
    return value


def _encode(tables: dict[str, list[dict]]) -> str:
    doc = {"format": FORMAT, "version": VERSION, "tables": tables}
    out = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate cannot be stored as UTF-8: escape it
        out = json.dumps(doc, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return out


def read_payload(payload: str) -> dict[str, list[dict]]:
    """The rows a payload holds, as JSON values: table name -> list of rows.

    Raises ``ValueError`` if the text is not a deleted session of a format this CoachDesk
    reads (the subject access export then keeps the raw text instead).
    """
    try:
        doc = json.loads(payload)
    except (TypeError, ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a deleted session")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise ValueError("unknown version")
    tables = doc.get("tables")
    if not isinstance(tables, dict) or not all(
            isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
            for rows in tables.values()):
        raise ValueError("no tables")
    roots = tables.get(ROOT)
    if not roots or len(roots) != 1:
        raise ValueError("not one session")
    return tables


def _decode(payload: str) -> dict[str, list[dict]]:
    """The payload as rows of Python values ready to insert, parents first; ``_Damaged``
    when any part of it cannot be restored (then nothing is)."""
    try:
        raw = read_payload(payload)
    except ValueError as exc:
        raise _Damaged(str(exc)) from None
    known = {t.name: t for t in session_tables()}
    if set(raw) - set(known):
        raise _Damaged("unknown table")  # made by a newer CoachDesk
    from .export import _model_defaults  # the models' defaults for columns added later

    defaults = _model_defaults()
    out: dict[str, list[dict]] = {}
    for name, table in known.items():
        rows = []
        for row in raw.get(name, []):
            if set(row) - set(table.c.keys()):
                raise _Damaged("unknown column")
            values = {}
            for column in table.columns:
                if column.name in row:
                    values[column.name] = _from_json(column, row[column.name])
                elif column.nullable:
                    values[column.name] = None
                elif column.name in defaults.get(name, {}):
                    values[column.name] = defaults[name][column.name]()
                else:
                    raise _Damaged(column.name)
            if values.get("id") is None:
                raise _Damaged("id")
            rows.append(values)
        out[name] = rows
    return out


def check_payload(payload: str) -> None:
    """Raise ``ValueError`` unless ``payload`` could be restored (the import uses this:
    a file is refused rather than a deleted session found unrestorable later)."""
    try:
        _decode(payload)
    except _Damaged as exc:
        raise ValueError(str(exc)) from None


# -- what goes, in plain words ----------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What a session holds, counted: shown before deleting and in the list."""

    session_id: int
    client_id: int
    client_name: str
    session_date: date
    private_notes: bool
    shared_summary: bool
    worksheet: bool  # a GROW worksheet with something written in it
    options: int
    actions: int

    @property
    def label(self) -> str:
        """'Session of 28 Aug 2026'."""
        return f"Session of {day_text(self.session_date)}"

    def parts(self) -> list[str]:
        """What goes with the session, in words: ['its private notes', …] (may be empty)."""
        out = []
        if self.private_notes:
            out.append("its private notes")
        if self.shared_summary:
            out.append("its shareable summary")
        if self.worksheet or self.options:
            n = self.options
            out.append("its GROW worksheet" + (f" with {n} option{'s' if n != 1 else ''}"
                                               if n else ""))
        if self.actions:
            out.append(f"its {self.actions} action item{'s' if self.actions != 1 else ''}")
        return out

    def sentence(self) -> str:
        """'The session of 28 Aug 2026 with José Ruiz, its private notes and its 2 action
        items.'"""
        parts = self.parts()
        head = f"The session of {day_text(self.session_date)} with {self.client_name}"
        if not parts:
            return head + " (nothing was written in it yet)."
        if len(parts) == 1:
            return f"{head} and {parts[0]}."
        return f"{head}, {', '.join(parts[:-1])} and {parts[-1]}."


@dataclass(frozen=True)
class DeletedInfo:
    """A session just deleted: ``id`` is what :func:`restore` takes to bring it back."""

    id: int
    contents: Contents

    @property
    def message(self) -> str:
        """'Session of 28 Aug 2026 deleted.'"""
        return f"{self.contents.label} deleted."


def _contents(s, session_id: int, rows: dict[str, list[dict]] | None = None) -> Contents:
    session = s.get(CoachingSession, session_id) if session_id is not None else None
    if session is None:
        raise NotFoundError("That session no longer exists (it may have been deleted).")
    client = s.get(Client, session.client_id)
    if rows is None:
        rows = _read_rows(s, session_id)
    worksheet_fields = ("goal_session", "goal_long_term", "reality_facts", "reality_tried",
                        "reality_obstacles", "will_what", "will_when")
    worksheet = any(any(str(w.get(f) or "").strip() for f in worksheet_fields)
                    or w.get("commitment") is not None for w in rows.get("grow_worksheet", []))
    return Contents(session.id, session.client_id, client.name if client else "",
                    session.session_date, bool(session.private_notes.strip()),
                    bool(session.shared_summary.strip()), worksheet,
                    len(rows.get("grow_option", [])), len(rows.get("action_item", [])))


def _read_rows(s, session_id: int) -> dict[str, list[dict]]:
    """table name -> the session's rows in it, as JSON values, in primary-key order."""
    where = _conditions(session_id)
    out = {}
    for table in session_tables():
        result = s.execute(select(table).where(where[table.name])
                           .order_by(*table.primary_key.columns))
        out[table.name] = [{k: _to_json(v) for k, v in row._mapping.items()} for row in result]
    return out


def preview(db: Database, session_id: int) -> Contents:
    """What :func:`delete` would take away, counted (for the confirmation)."""
    with db.session() as s:
        return _contents(s, session_id)


# -- deleting and restoring ---------------------------------------------------------------------


def _delete_rows(conn, table: Table, where) -> int:
    """Delete one table's rows of the session (its own step, so a test can break it)."""
    return conn.execute(sa_delete(table).where(where)).rowcount


def delete(db: Database, session_id: int) -> DeletedInfo:
    """Move the session and its own rows into the Deleted sessions list, in one transaction.

    Returns what was deleted, with the entry's id for :func:`restore`. Raises
    ``NotFoundError`` if the session no longer exists. Nothing changes if anything fails.
    """
    with db.session() as s:
        rows = _read_rows(s, session_id)
        contents = _contents(s, session_id, rows)
        session = s.get(CoachingSession, session_id)
        entry = DeletedSession(session_id=session.id, client_id=session.client_id,
                               engagement_id=session.engagement_id,
                               session_date=session.session_date, deleted_at=utcnow(),
                               payload=_encode(rows))
        s.add(entry)
        s.flush()
        s.expunge(session)  # deleted below through SQL, not through the ORM's copy
        conn = s.connection()
        where = _conditions(session_id)
        for table in reversed(session_tables()):  # children before parents
            _delete_rows(conn, table, where[table.name])
        entry_id = entry.id
    log.info("session %s moved to the deleted sessions (entry %s)", session_id, entry_id)
    return DeletedInfo(entry_id, contents)


def _id_is_free(s, table: Table, row_id) -> bool:
    return s.execute(select(func.count()).select_from(table)
                     .where(table.c.id == row_id)).scalar_one() == 0


def _insert_row(s, table: Table, values: dict) -> int:
    """Insert one row (its own step, so a test can break it); returns its id."""
    result = s.execute(insert(table).values(**values))
    return values.get("id") or result.inserted_primary_key[0]


def restore(db: Database, deleted_id: int) -> CoachingSession:
    """Put a deleted session back, with its worksheet, options and actions, in one
    transaction, and remove it from the list. Returns the session as restored.

    Rows get their old ids where still free, else new ones (children follow their
    parents). Raises ``NotFoundError`` if the entry is gone, and ``CoachDeskError`` (a
    plain sentence) if its client or engagement no longer exists or its saved copy is
    damaged; then nothing changes and the entry stays in the list.
    """
    with db.session() as s:
        entry = s.get(DeletedSession, deleted_id) if deleted_id is not None else None
        if entry is None:
            raise NotFoundError("That deleted session is no longer in the list "
                                "(it may have been restored or deleted for good).")
        when = day_text(entry.session_date)
        engagement = s.get(Engagement, entry.engagement_id)
        client = s.get(Client, entry.client_id)
        if engagement is None or client is None or engagement.client_id != client.id:
            raise CoachDeskError(f"The session of {when} cannot be brought back: its "
                                 f"{'client' if client is None else 'engagement'} no longer "
                                 "exists.")
        try:
            tables = _decode(entry.payload)
        except _Damaged:
            log.warning("deleted session entry %s has a damaged payload", deleted_id)
            raise CoachDeskError(f"The session of {when} cannot be brought back: its saved "
                                 "copy is damaged.") from None
        new_ids: dict[str, dict[int, int]] = {}
        by_name = {t.name: t for t in session_tables()}
        for name, rows in tables.items():
            table = by_name[name]
            links = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys
                     if fk.column.table.name in by_name]
            mapping = new_ids.setdefault(name, {})
            for row in rows:
                values = dict(row)
                for column, parent in links:
                    old = values[column]
                    values[column] = new_ids.get(parent, {}).get(old, old)
                if "client_id" in table.c:  # the session's client, whatever the copy says
                    values["client_id"] = client.id
                if name == ROOT:
                    values["engagement_id"] = engagement.id
                old_id = values["id"]
                if not _id_is_free(s, table, old_id):
                    values.pop("id")
                mapping[old_id] = _insert_row(s, table, values)
        session_id = new_ids[ROOT][tables[ROOT][0]["id"]]
        s.delete(entry)
        s.flush()
        restored = s.get(CoachingSession, session_id)
    log.info("deleted session entry %s restored as session %s", deleted_id, session_id)
    return restored


def purge(db: Database, deleted_id: int) -> None:
    """Delete one entry of the list for good. Raises ``NotFoundError`` if it is gone."""
    with db.session() as s:
        entry = s.get(DeletedSession, deleted_id) if deleted_id is not None else None
        if entry is None:
            raise NotFoundError("That deleted session is no longer in the list "
                                "(it may have been restored or deleted for good).")
        _secure_delete(s, DeletedSession.__table__.c.id == deleted_id)


def empty(db: Database, client_id: int | None = None) -> int:
    """Delete every entry of the list for good (or every one of a client's); returns how
    many went."""
    where = (DeletedSession.__table__.c.client_id == client_id) if client_id is not None \
        else text("1")
    with db.session() as s:
        return _secure_delete(s, where)


def _secure_delete(s, where) -> int:
    """Delete entries with their bytes overwritten, not merely unlinked."""
    conn = s.connection()
    conn.exec_driver_sql("PRAGMA secure_delete=ON")
    try:
        return conn.execute(sa_delete(DeletedSession.__table__).where(where)).rowcount
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete=OFF")


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletedRow:
    """One entry of the Deleted sessions list."""

    id: int
    session_id: int  # the id the session had
    client_id: int
    client_name: str
    engagement_id: int
    engagement_label: str  # 'Coaching from 6 Jan 2025' ('' if the engagement is gone)
    session_date: date
    deleted_at: datetime  # UTC, with its offset
    status: str  # 'held', 'planned' … ('' if the copy is damaged)
    has_notes: bool  # private notes or a shareable summary
    actions: int

    @property
    def label(self) -> str:
        return f"Session of {day_text(self.session_date)}"


_LIST_SQL = """
SELECT d.id, d.session_id, d.client_id, coalesce(c.name, ''), d.engagement_id, e.kind,
       e.start_date, d.session_date, d.deleted_at,
       CASE WHEN json_valid(d.payload) THEN
            json_extract(d.payload, '$.tables.coaching_session[0].status') END,
       CASE WHEN json_valid(d.payload) THEN
            coalesce(json_extract(d.payload, '$.tables.coaching_session[0].private_notes'), '')
            != '' OR
            coalesce(json_extract(d.payload, '$.tables.coaching_session[0].shared_summary'), '')
            != '' END,
       CASE WHEN json_valid(d.payload) THEN
            coalesce(json_array_length(d.payload, '$.tables.action_item'), 0) END
FROM deleted_session d
LEFT JOIN client c ON c.id = d.client_id
LEFT JOIN engagement e ON e.id = d.engagement_id
WHERE {where}
ORDER BY d.deleted_at DESC, d.id DESC
"""


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_utc(value) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.utcoffset() is not None else when.replace(tzinfo=UTC)


def list_deleted(db: Database, client_id: int | None = None) -> list[DeletedRow]:
    """The Deleted sessions list (or one client's), the latest deleted first.

    The notes and actions are read from each payload by SQLite's JSON functions, without
    building the rows in Python, so a long list with long notes stays quick.
    """
    where, params = ("d.client_id = :cid", {"cid": client_id}) if client_id is not None \
        else ("1", {})
    with db.session() as s:
        result = s.execute(text(_LIST_SQL.format(where=where)), params).all()
    out = []
    for (rid, sid, cid, name, eid, kind, start, day, deleted_at, status, notes,
         n_actions) in result:
        kind = kind.value if hasattr(kind, "value") else str(kind or "")
        label = f"{kind.capitalize()} from {day_text(_as_date(start))}" if start else ""
        out.append(DeletedRow(rid, sid, cid, name, eid, label, _as_date(day),
                              _as_utc(deleted_at), status if isinstance(status, str) else "",
                              bool(notes), int(n_actions or 0)))
    return out


def is_waiting(db: Database, deleted_id: int) -> bool:
    """Whether entry ``deleted_id`` is still in the list (not restored, not deleted for good):
    an Undo offered for it is gone as soon as it is not."""
    with db.session() as s:
        return deleted_id is not None and s.get(DeletedSession, deleted_id) is not None


def count(db: Database, client_id: int | None = None) -> int:
    """How many sessions wait in the list (or in one client's part of it)."""
    stmt = select(func.count()).select_from(DeletedSession)
    if client_id is not None:
        stmt = stmt.where(DeletedSession.client_id == client_id)
    with db.session() as s:
        return s.execute(stmt).scalar_one()
