"""The whole practice as one JSON file, and back (format described in docs/export-format.md).

``export_practice`` writes every row of every table the models define, column
by column, in primary-key order, so two exports of the same practice are the
same bytes apart from ``exported_at``. The tables come from
``SQLModel.metadata.sorted_tables`` (parents before children), so a table added
by a later migration is exported without anyone remembering to list it. The
full-text search index is not exported: it is derived data, rebuilt on import.
The writing half lives in ``export_writer`` (and is imported here).

``import_practice`` reads such a file into an *empty* practice in one
transaction: the whole file is checked first (each value against its column's
type, then each row against the services' own rules and references, see
``import_rules``), then every row is inserted; on any problem nothing at all is
written and a plain one-line ``ValidationError`` (or ``CoachDeskError``) says
what is wrong and names the row by its table and id, never by its text.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import SQLModel

from .. import (
    migrations,
    models,  # noqa: F401  (registers every table on SQLModel.metadata)
)
from ..errors import CoachDeskError, ValidationError
from ..faults import crash_point
from ..storage import Database
from . import import_rules
from .export_writer import (  # noqa: F401 - the writing half of this module's interface
    FORMAT,
    SKIPPED_TABLES,
    VERSION,
    Progress,
    dumps,
    export_practice,
    exported_tables,
    practice_dict,
)
from .json_values import column_kind as _kind
from .json_values import describe as _describe

#: tables a brand-new practice already fills (default indicators, preferences);
#: an import replaces their rows with the file's
SEEDED_TABLES = frozenset({"indicator", "setting"})


@dataclass
class ImportSummary:
    rows: dict[str, int]  # table -> rows imported
    search_rows: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# -- reading --------------------------------------------------------------------


def _model_defaults() -> dict[str, dict[str, Any]]:
    """table -> column -> a callable giving the model's default (for columns older files lack)."""
    out: dict[str, dict[str, Any]] = {}
    for mapper in SQLModel._sa_registry.mappers:  # noqa: SLF001 - the registry is public enough
        cls = mapper.class_
        table = getattr(cls, "__table__", None)
        if table is None:
            continue
        fields = {}
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                fields[name] = info.default_factory
            elif not info.is_required():
                fields[name] = (lambda v: (lambda: v))(info.default)
        out[table.name] = fields
    return out


def _where(table: str, index: int, row: dict) -> str:
    """How a message names a row: "Session 12 in the file" when its id can be read, else
    "Row 3 of 'setting' in the file"."""
    row_id = row.get("id")
    if isinstance(row_id, int) and not isinstance(row_id, bool) and -(2**63) <= row_id < 2**63:
        return f"{import_rules.label(table)} {row_id} in the file"
    return f"Row {index + 1} of '{table}' in the file"


def _from_json(table: str, index: int, column, value: Any, kind: type, row: dict) -> Any:
    """One value of the file as the column's Python value; ``kind`` is ``_kind(column)``,
    ``row`` the file's row (to name it in a message)."""
    name = column.name
    if value is None:
        if column.nullable and not column.primary_key:
            return None
        raise ValidationError(f"{_where(table, index, row)} has no value for "
                              f"'{name}', which is required.", name)
    # The common cases, quickly (no error message is built for a value that is fine).
    vtype = type(value)
    if kind is vtype:
        if kind is str:
            if "\x00" not in value and value.isascii():
                return value
        elif kind is int:
            if -(2**63) <= value < 2**63:
                return value
        elif kind is bool:
            return value
        elif kind is float:
            if math.isfinite(value):
                return value
    elif kind is datetime and vtype is str and len(value) == 32 and value.endswith("+00:00"):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass  # the slow path below says what is wrong

    def bad(expected: str) -> ValidationError:
        return ValidationError(f"{_where(table, index, row)}: '{name}' must be "
                               f"{expected}, not {_describe(value)}.", name)

    if kind is bool:
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("a whole number")
        if not -(2**63) <= value < 2**63:
            raise bad("a whole number SQLite can hold")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        try:
            number = float(value)
        except OverflowError:  # a whole number beyond any float (10**400)
            raise bad("a finite number") from None
        if not math.isfinite(number):  # 1e309 is read as infinity
            raise bad("a finite number")
        return number
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(m.value for m in kind)
            raise bad(f"one of {choices}") from None
    if kind is datetime:
        if not isinstance(value, str):
            raise bad("a date and time written like 2026-03-01T09:30:00+00:00")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise bad("a date and time written like 2026-03-01T09:30:00+00:00") from None
        if parsed.utcoffset() is None:
            parsed = parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 has no UTC time
            raise bad("a date and time between the years 1900 and 2199") from None
    if kind is date:
        if not isinstance(value, str):
            raise bad("a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise bad("a date written YYYY-MM-DD") from None
    if kind is time:
        if not isinstance(value, str):
            raise bad("a time written HH:MM:SS")
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            raise bad("a time written HH:MM:SS") from None
        return parsed
    if not isinstance(value, str):
        raise bad("text")
    if "\x00" in value:
        raise bad("text without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written as \ud800
        raise bad("valid Unicode text") from None
    return value


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON; Python's parser accepts them unless told not to.
    raise _NotJson(name)


def read_file(path: Path | str) -> dict:
    """Read and parse an export file, refusing anything that is not one (one-line messages)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CoachDeskError(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise CoachDeskError(f"{path} is a folder, not an export file.") from None
    except OSError as exc:
        raise CoachDeskError(f"CoachDesk cannot read {path}: {exc.strerror or exc}.") from exc
    return parse_document(raw, path.name)


def parse_document(raw: bytes, name: str) -> dict:
    """Parse the bytes of an export (read from a file, or opened in memory from a sealed
    one, ``export_sealed``); ``ValidationError`` naming ``name`` when it is not one."""
    path = Path(name)
    if raw.startswith(b"age-encryption.org/v1\n"):  # export_sealed.AGE_MAGIC
        raise ValidationError(f"{path.name} is sealed with a passphrase; CoachDesk asks for it "
                              "when it imports the file.", "file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path.name} is not a CoachDesk export (it is not UTF-8 text).",
                              "file") from None
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, RecursionError, _NotJson) as exc:
        detail = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValidationError(
            f"{path.name} is not a CoachDesk export: it is not valid JSON{detail}; "
            "it may be truncated or damaged.", "file") from None
    return doc


def check_document(doc: Any, name: str = "The file") -> dict[str, list[dict]]:
    """Check a parsed export and return table -> rows ready for insert (Python values)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValidationError(f"{name} is not a CoachDesk practice export.", "format")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError(f"{name} has no valid format version.", "version")
    if version > VERSION:
        raise ValidationError(
            f"{name} was made by a newer CoachDesk (export format {version}; this CoachDesk reads "
            f"up to {VERSION}). Please update CoachDesk to import it.", "version")
    if version < 1:
        raise ValidationError(f"{name} has an unknown format version ({version}).", "version")
    revision = doc.get("schema_revision")
    if revision is not None and not isinstance(revision, str):
        raise ValidationError(f"{name} has an invalid schema revision.", "schema_revision")
    if revision is not None and revision not in migrations.known_revisions():
        raise ValidationError(
            f"{name} was made by a newer CoachDesk (database schema {revision}). "
            "Please update CoachDesk to import it.", "schema_revision")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise ValidationError(f"{name} has no tables.", "tables")
    known = {t.name: t for t in exported_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise ValidationError(
            f"{name} holds tables this CoachDesk does not know ({', '.join(unknown[:5])}); "
            "it was perhaps made by a newer CoachDesk.", "tables")
    defaults = _model_defaults()
    # A file from an older schema lacks the tables later revisions added: they start empty.
    # (A file that names no revision, or today's, must hold every table.)
    older = revision is not None and revision != migrations.head_revision()
    ready: dict[str, list[dict]] = {}
    for table in known.values():
        if table.name not in tables and not older:
            raise ValidationError(f"{name} lacks the table '{table.name}'.", "tables")
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise ValidationError(f"In {name}, '{table.name}' must be a list of rows.", "tables")
        columns = {c.name: c for c in table.columns}
        kinds = {c.name: _kind(c) for c in table.columns}
        table_defaults = defaults.get(table.name, {})
        converted = []
        seen_keys: set = set()
        pk = [c.name for c in table.primary_key.columns]
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ValidationError(
                    f"Row {i + 1} of '{table.name}' in the file is not a record.", "tables")
            extra = sorted(set(row) - set(columns))
            if extra:
                raise ValidationError(
                    f"{_where(table.name, i, row)} has fields this CoachDesk does "
                    f"not know ({', '.join(extra[:5])}).", extra[0])
            values = {}
            for col_name, column in columns.items():
                if col_name in row:
                    values[col_name] = _from_json(table.name, i, column, row[col_name],
                                                  kinds[col_name], row)
                elif column.primary_key:
                    raise ValidationError(
                        f"{_where(table.name, i, row)} has no '{col_name}'.", col_name)
                elif column.nullable:
                    values[col_name] = None
                elif col_name in table_defaults:
                    # A file from an older schema: the column came later; use its default.
                    values[col_name] = table_defaults[col_name]()
                else:
                    raise ValidationError(
                        f"{_where(table.name, i, row)} has no '{col_name}'.", col_name)
            key = tuple(values[k] for k in pk)
            if key in seen_keys:
                raise ValidationError(
                    f"The file has two rows of '{table.name}' with the same key {key[0]!r}.", "tables")
            seen_keys.add(key)
            if table.name in _PAYLOAD_CHECKS:
                _PAYLOAD_CHECKS[table.name](table.name, i, values)
            converted.append(values)
        ready[table.name] = converted
    for later in migrations.revisions_after(revision) if older else []:
        if later in _ROW_UPGRADES:
            _ROW_UPGRADES[later](tables, ready)
    _check_rows(ready)
    return ready


#: the services' rules and the references, row by row (a test may stand in for it)
_check_rows = import_rules.check_rows


def _deleted_session_payload(table: str, index: int, values: dict) -> None:
    """A deleted session must be one the app can restore (``session_trash``)."""
    from .session_trash import check_payload

    try:
        check_payload(values["payload"])
    except ValueError:
        raise ValidationError(f"Row {index + 1} of '{table}' in the file: 'payload' is not a "
                              "deleted session CoachDesk can restore.", "payload") from None


#: table -> a check of one converted row's contents beyond the types of its columns
_PAYLOAD_CHECKS = {"deleted_session": _deleted_session_payload}


#: the default indicators migration 0005 marked sensitive (frozen there, and here; a test
#: checks the two agree)
SENSITIVE_KEYS_0005 = ("wellbeing", "intent_to_stay")


def _sensitive_indicators(raw: dict, ready: dict[str, list[dict]]) -> None:
    """0005 marked the wellbeing-type default indicators sensitive; a file made before it
    gets the same, so an import and an upgrade of the same practice agree."""
    for row, source in zip(ready.get("indicator", []), raw.get("indicator", []), strict=True):
        if "sensitive" not in source and row.get("key") in SENSITIVE_KEYS_0005:
            row["sensitive"] = True


#: revision -> what importing a file made before it must do to its rows, as the
#: migration did to a practice file (only where a plain column default is not enough)
_ROW_UPGRADES = {"0005_corrections": _sensitive_indicators}


def is_empty(db: Database) -> bool:
    """Whether the practice holds no records (a new practice's defaults do not count)."""
    with db.session() as s:
        return _empty_in(s)


def _empty_in(s) -> bool:
    for table in exported_tables():
        if table.name in SEEDED_TABLES:
            continue
        if s.execute(select(func.count()).select_from(table)).scalar_one():
            return False
    return True


def load(path: Path | str) -> dict[str, list[dict]]:
    """Read and check an export file without touching any practice (table -> rows)."""
    path = Path(path)
    return check_document(read_file(path), path.name)


def import_practice(db: Database, path: Path | str, *,
                    progress: Progress | None = None) -> ImportSummary:
    """Fill an empty practice from an export file, in one transaction. Nothing partial."""
    path = Path(path)
    return import_checked(db, load(path), path.name, progress=progress)


def import_checked(db: Database, ready: dict[str, list[dict]], name: str = "The file", *,
                   progress: Progress | None = None) -> ImportSummary:
    """Insert rows that ``load`` checked into an empty practice, in one transaction."""
    from .search import has_index, rebuild_index

    counts: dict[str, int] = {}
    try:
        with db.session() as s:
            if not _empty_in(s):
                raise CoachDeskError(
                    "This practice already holds records; a practice file can only be imported "
                    "into a new, empty practice. Create a new practice file and import there.")
            for table in reversed(exported_tables()):
                if table.name in SEEDED_TABLES:
                    s.execute(delete(table))
            todo = exported_tables()
            for done, table in enumerate(todo, 1):
                rows = ready[table.name]
                if rows:
                    s.execute(insert(table), rows)
                counts[table.name] = len(rows)
                if progress:
                    progress(done, len(todo), table.name)
            crash_point("import:rows-inserted")
    except IntegrityError as exc:
        detail = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]
        raise ValidationError(
            f"{name} does not hold together ({detail}); nothing was imported.",
            "file") from None
    except SQLAlchemyError as exc:
        detail = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]
        raise CoachDeskError(
            f"CoachDesk could not import {name} ({detail}); nothing was imported.") from None
    crash_point("import:after-commit")
    search_rows = rebuild_index(db) if has_index(db) else 0
    return ImportSummary(rows=counts, search_rows=search_rows)
