"""Writing the practice export (docs/export-format.md); ``export`` is the module to use.

Every table is read from one snapshot (one read transaction on a connection of its
own) with the driver's cursor, a few hundred rows at a time, and written one row per
line, a few hundred kilobytes at a time. So a worker thread can export a practice of
any size while the window stays responsive: no step holds the interpreter lock for
long, and no batch of rows lives long enough for the garbage collector to promote it
(its full collections walk the whole heap with the lock held).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import SQLModel

from .. import models  # noqa: F401  (registers every table on SQLModel.metadata)
from ..errors import ValidationError
from ..files import atomic_write
from ..storage import Database
from .json_values import column_kind as _kind
from .json_values import to_json as _to_json

FORMAT = "coachdesk-practice"
VERSION = 1

#: tables that are never exported: derived (search) or bookkeeping (Alembic)
SKIPPED_TABLES = frozenset({"search_index", "alembic_version"})

#: ``progress(done, total, table)``: called after each table, for a progress bar
Progress = Callable[[int, int, str], None]


def exported_tables() -> list[Table]:
    """Every model table, parents before children."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


# -- values --------------------------------------------------------------------


def _raw_datetime(value) -> str | None:
    """SQLite's 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) as ISO 8601 with its offset."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 26 and value[10] == " ":
        return f"{value[:10]}T{value[11:]}+00:00"
    parsed = datetime.fromisoformat(str(value))  # written some other way (by hand, by SQL)
    if parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")


def _raw_date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        return value
    return date.fromisoformat(str(value)[:10]).isoformat()


_RAW = {datetime: _raw_datetime, date: _raw_date}

#: rows fetched at a time: small, so no batch of rows lives long enough for the garbage
#: collector to promote it (promotions trigger full collections, which hold the
#: interpreter lock for as long as the whole heap takes to walk: 0.1-0.2 s in the app)
FETCH_ROWS = 256
#: characters written at a time (one short C call each)
WRITE_CHARS = 1 << 18


@contextmanager
def _snapshot(db: Database) -> Iterator[Any]:
    """A DB-API connection inside one read transaction: every table is read from the
    same snapshot of the practice, however long the export takes and whatever the coach
    saves meanwhile (WAL: the reader blocks no writer).

    Rows are read with the driver's own cursor, as plain tuples: SQLAlchemy's row
    objects cost a third of the export's time and are what the garbage collector
    kept walking.
    """
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        cur = raw.cursor()
        try:
            cur.execute("BEGIN")
            yield cur, conn.dialect
        finally:
            if raw.in_transaction:
                raw.rollback()  # nothing was written: ending the read is all it does
            cur.close()


def _converters(table, dialect) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, function) for every column whose stored value is not already its
    JSON value; the functions are SQLAlchemy's own result processors, then ``to_json``."""
    out = []
    for i, column in enumerate(table.columns):
        kind = _kind(column)
        if kind in _RAW:
            # Read as the text SQLite holds (already ISO 8601: much faster than parsing
            # it into objects to print them again).
            out.append((i, _RAW[kind]))
            continue
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is None:
            if kind not in (str, int, float, bool):
                out.append((i, _to_json))
        elif kind in (str, int, float, bool):
            out.append((i, process))  # e.g. 0/1 → false/true
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            out.append((i, _choices(process)))
        else:
            out.append((i, lambda value, process=process: _to_json(process(value))))
    return out


def _choices(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A choice column's stored names → their values, each name processed once."""
    seen: dict[Any, Any] = {None: None}

    def convert(stored):
        try:
            return seen[stored]
        except KeyError:
            seen[stored] = value = _enum_value(process(stored))
            return value
    return convert


def _table_rows(snapshot, table) -> Iterator[dict]:
    """One table's rows as JSON-ready dicts, in primary-key order."""
    cur, dialect = snapshot
    cols = list(table.columns)
    order = list(table.primary_key.columns) or cols
    sql = str(select(*cols).order_by(*order).compile(dialect=dialect))
    names = [c.name for c in cols]
    convert = _converters(table, dialect)
    cur.execute(sql)
    while rows := cur.fetchmany(FETCH_ROWS):
        for row in rows:
            if convert:
                row = list(row)
                for i, fn in convert:
                    row[i] = fn(row[i])
            yield dict(zip(names, row, strict=True))


def _enum_value(value):
    return None if value is None else value.value


def _header(db: Database, now: datetime | None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _to_json(now or datetime.now(UTC)),
        "schema_revision": db.revision(),
    }


def practice_dict(db: Database, *, now: datetime | None = None,
                  progress: Progress | None = None) -> dict:
    """The practice as the JSON document ``export_practice`` writes (table -> list of
    row dicts; the whole practice in memory, so for tests and small practices)."""
    tables: dict[str, list[dict]] = {}
    todo = exported_tables()
    header = _header(db, now)
    with _snapshot(db) as snap:
        for done, table in enumerate(todo, 1):
            tables[table.name] = list(_table_rows(snap, table))
            if progress:
                progress(done, len(todo), table.name)
    return {**header, "tables": tables}


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _lines(header: dict, tables: Iterable[tuple[str, Iterator[dict]]]) -> Iterator[str]:
    """The document's lines: one row per line (readable, diff-friendly, deterministic)."""
    one = _ENCODER.encode  # one encoder for every row: json.dumps(**options) makes one per call

    yield "{"
    for key in ("format", "version", "exported_at", "schema_revision"):
        yield f" {one(key)}: {one(header[key])},"
    yield ' "tables": {'
    pending = None  # the previous table's closing line: it needs a comma if another follows
    for name, rows in tables:
        if pending is not None:
            yield pending + ","
        previous = None
        for row in rows:
            if previous is None:
                yield f"  {one(name)}: ["
            else:
                yield previous + ","
            previous = f"   {one(row)}"
        if previous is None:
            pending = f"  {one(name)}: []"
        else:
            yield previous
            pending = "  ]"
    if pending is not None:
        yield pending
    yield " }"
    yield "}"


def dumps(doc: dict) -> str:
    """The document as JSON text, exactly as ``export_practice`` writes it."""
    tables = ((name, iter(rows)) for name, rows in doc["tables"].items())
    return "\n".join(_lines(doc, tables)) + "\n"


def export_practice(db: Database, out: Path | str, *, now: datetime | None = None,
                    progress: Progress | None = None) -> Path:
    """Write the whole practice to ``out`` (UTF-8 JSON), atomically. Returns the path.

    Every table comes from one snapshot of the practice. Safe to run in a worker
    thread: it uses its own connection, and never holds the interpreter lock for long
    (a 5,000-client practice, ~100 MB, keeps a GUI thread waiting at most a few ms at a
    time). ``progress(done, total, table)`` is called after each table.
    Raises ``ValidationError`` if ``out`` is a folder, ``CoachDeskError`` if it cannot be
    written (nothing is left at ``out`` then).
    """
    out = Path(out)
    if out.exists() and out.is_dir():
        raise ValidationError(f"{out} is a folder; give a file name ending in .json.", "out")
    with atomic_write(out) as fh:
        _stream(db, fh, now, progress)
    return out


def _stream(db: Database, fh, now: datetime | None, progress: Progress | None) -> None:
    """Write the document row by row, ``WRITE_CHARS`` at a time.

    Never holds the whole practice in memory (a 5,000-client practice is ~100 MB of
    JSON), and never runs one long C call (a join or write of all of it) that would
    keep a GUI thread waiting for the interpreter lock.
    """
    todo = exported_tables()
    header = _header(db, now)
    with _snapshot(db) as snap:

        def tables():
            for done, table in enumerate(todo, 1):
                yield table.name, _table_rows(snap, table)
                if progress:
                    progress(done, len(todo), table.name)

        batch: list[str] = []
        size = 0
        for line in _lines(header, tables()):
            batch.append(line)
            size += len(line)
            if size >= WRITE_CHARS:
                batch.append("")
                fh.write("\n".join(batch))
                batch.clear()
                size = 0
        batch.append("")
        fh.write("\n".join(batch))
