"""The services' rules, applied to every row of a practice file before it is imported.

``export.check_document`` turns the file's values into the columns' Python types; this
module then asks what the services would ask had the coach typed each row into a form:
numbers finite and in their ranges, dates from 1900 to 2199, names on one line without
control characters, choices in their sets (``validation`` and each service's own
``_clean``, reused, not copied), every reference pointing at a row of the same file, and
the references agreeing with each other (a session's client is its engagement's client,
an action item's client is its session's, a reading's engagement is its client's, a
deleted session's engagement is its client's and its payload is that session). Without
this a file could bring in what no form lets in: an infinite number of hours, a session
longer than a year, or client A's private note in client B's subject-access file.

``check_rows(ready)`` raises one ``ValidationError`` for the first row that breaks a rule,
naming the row by its table and id ("Session 12 in the file: …"), never by its text. Where
a service normalises what it stores (a name's tabs become a space, a non-group session has
one participant), the row gets the same treatment, so the practice holds what the
services would have stored.

Only rules that hold at every moment of a practice's life are checked here: a rule a
service checks once at one edit but that a later edit may undo (an action's due date not
before its session, which the session's date may move past; one reading per day, which an
earlier version did not keep) would refuse a file CoachDesk itself wrote.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import PurePosixPath, PureWindowsPath
from types import SimpleNamespace

from sqlmodel import SQLModel

from ..errors import CoachDeskError, ValidationError
from . import validation as v
from .json_values import column_kind

#: table -> how a row of it is named in a message ("Session 12 in the file: …")
LABELS = {
    "organization": "Organization", "sponsor": "Sponsor", "client": "Client",
    "engagement": "Engagement", "coaching_session": "Session",
    "grow_worksheet": "GROW worksheet", "grow_option": "GROW option",
    "action_item": "Action item", "setting": "Setting", "indicator": "Indicator",
    "indicator_reading": "Indicator reading", "goal": "Goal", "goal_rating": "Goal rating",
    "stakeholder": "Stakeholder", "client_motivation": "Motivation profile",
    "blocking_pattern": "Blocking pattern", "report_log": "Report log entry",
    "deleted_session": "Deleted session", "report_draft": "Report draft",
}


def label(table: str) -> str:
    return LABELS.get(table, table.replace("_", " ").capitalize())


def _lower_first(message: str) -> str:
    """"The weight must…" -> "the weight must…", for after a colon."""
    if len(message) > 1 and message[0].isupper() and (message[1].islower() or message[1] == " "):
        return message[0].lower() + message[1:]
    return message


class RowError(ValidationError):
    """A row of the file breaks a rule; ``table`` and ``row_id`` (None for a table keyed
    otherwise, then ``index`` counts from 1) say which."""

    def __init__(self, table: str, row_id, index: int, message: str, field: str | None = None):
        where = (f"{label(table)} {row_id} in the file" if row_id is not None
                 else f"{label(table)} in row {index} of '{table}' in the file")
        super().__init__(f"{where}: {_lower_first(message)}", field)
        self.table = table
        self.row_id = row_id


class FileRows:
    """The file's rows by table and id; stands in for a database session where a
    service's cleaner looks a record up (``get``), so the lookup answers from the file."""

    def __init__(self, ready: dict[str, list[dict]]):
        self._by_id = {table: {row["id"]: row for row in rows if "id" in row}
                       for table, rows in ready.items()}

    def row(self, table: str, row_id) -> dict | None:
        return self._by_id.get(table, {}).get(row_id)

    def has(self, table: str, row_id) -> bool:
        return row_id in self._by_id.get(table, {})

    def get(self, model: type[SQLModel], row_id):
        row = self.row(model.__tablename__, row_id)
        return None if row is None else SimpleNamespace(**row)


def _pick(row: dict, fields) -> dict:
    return {k: row[k] for k in fields if k in row}


# -- one function per table: (rows, row) -> the values the services would have stored ------


def _organization(rows: FileRows, row: dict) -> dict:
    from .organizations import FIELDS, _clean
    return _clean(_pick(row, FIELDS))


def _sponsor(rows: FileRows, row: dict) -> dict:
    from .sponsors import FIELDS, _clean
    return _clean(rows, _pick(row, FIELDS))


def _client(rows: FileRows, row: dict) -> dict:
    from .clients import FIELDS, _clean
    return _clean(rows, _pick(row, FIELDS))


def _engagement(rows: FileRows, row: dict) -> dict:
    from .engagements import FIELDS, _clean
    out = _clean(rows, _pick(row, FIELDS))
    v.date_order(out["start_date"], out["end_date"])
    if out["pro_bono"]:
        out["fee_cents"] = None  # as engagements.create/update store it
    return out


def _session(rows: FileRows, row: dict) -> dict:
    from .sessions import FIELDS, _check_group, _clean
    out = _clean(rows, _pick(row, FIELDS))
    if out["client_id"] != row["client_id"]:
        engagement = rows.row("engagement", row["engagement_id"])
        raise ValidationError(
            f"its client (id {row['client_id']}) is not the client of its engagement "
            f"{engagement['id']} (client id {engagement['client_id']}).", "client_id")
    shape = SimpleNamespace(is_group=out["is_group"], participants=out["participants"])
    _check_group(shape)
    out["participants"] = shape.participants
    return out


def _worksheet(rows: FileRows, row: dict) -> dict:
    from .grow import FIELDS, _clean
    return _clean(_pick(row, FIELDS))


def _option(rows: FileRows, row: dict) -> dict:
    out = {"notes": v.optional_text(row["notes"])}
    if row["text"]:  # an option still being typed may be empty; add_option refuses only that
        out["text"] = v.required_text(row["text"], "text", "The option")
    return out


def _action(rows: FileRows, row: dict) -> dict:
    from .actions import _clean
    # The due date is checked against the session's date only when the action is written
    # (the session may move later), so it is not checked here: date.min lets any date pass.
    out = _clean(_pick(row, ("text", "owner", "due_date")), date.min)
    session = rows.row("coaching_session", row["session_id"])
    if session["client_id"] != row["client_id"]:
        raise ValidationError(
            f"its client (id {row['client_id']}) is not the client of its session "
            f"{session['id']} (client id {session['client_id']}).", "client_id")
    out["status_changed_on"] = v.optional_date(row["status_changed_on"], "status_changed_on",
                                               "The date its status changed")
    return out


def _setting(rows: FileRows, row: dict) -> dict:
    return {"key": v.one_line(row["key"], "key", "The setting's name", required=True)}


def _indicator(rows: FileRows, row: dict) -> dict:
    from .indicators import _check_scale, _clean
    # The name is checked here (its uniqueness among indicators is a form's nicety that
    # an earlier version did not keep; the key's uniqueness is the database's).
    out = _clean(rows, _pick(row, ("description", "scale_min", "scale_max",
                                   "higher_is_better", "sensitive")), row["id"])
    out["name"] = v.name(row["name"], "name", "The indicator's name")
    _check_scale(out["scale_min"], out["scale_max"])
    if row["key"] is not None:
        out["key"] = v.one_line(row["key"], "key", "The indicator's key", required=True)
    return out


def _reading(rows: FileRows, row: dict) -> dict:
    from .indicators import _engagement_for, _value
    indicator = rows.row("indicator", row["indicator_id"])
    # The message names the indicator by its id, not by its name.
    scale = SimpleNamespace(name=f"Indicator {indicator['id']}",
                            scale_min=indicator["scale_min"], scale_max=indicator["scale_max"])
    out = {"value": _value(row["value"], scale, "value"),
           "reading_date": v.required_date(row["reading_date"], "reading_date",
                                           "The date of the reading"),
           "private_comment": v.optional_text(row["private_comment"])}
    try:
        out["engagement_id"] = _engagement_for(rows, row["client_id"], row["engagement_id"])
    except ValidationError:
        engagement = rows.row("engagement", row["engagement_id"])
        raise ValidationError(
            f"its client (id {row['client_id']}) is not the client of its engagement "
            f"{engagement['id']} (client id {engagement['client_id']}).", "engagement_id") from None
    return out


def _goal(rows: FileRows, row: dict) -> dict:
    from .goals import FIELDS, _clean
    return _clean(_pick(row, FIELDS))


def _goal_rating(rows: FileRows, row: dict) -> dict:
    from .goals import _level
    return {"level": _level(row["level"], "level", "The level"),
            "rating_date": v.required_date(row["rating_date"], "rating_date",
                                           "The date of the rating"),
            "comment": v.optional_text(row["comment"])}


def _stakeholder(rows: FileRows, row: dict) -> dict:
    from .relationships import STAKEHOLDER_FIELDS, _clean_stakeholder, check_mvs
    out = _clean_stakeholder(_pick(row, STAKEHOLDER_FIELDS))
    mvs = (row["mvs_blue"], row["mvs_red"], row["mvs_green"])
    if any(x is not None for x in mvs):
        out["mvs_blue"], out["mvs_red"], out["mvs_green"] = check_mvs(*mvs)
    return out


def _motivation(rows: FileRows, row: dict) -> dict:
    from .relationships import check_mvs
    blue, red, green = check_mvs(row["blue"], row["red"], row["green"])
    return {"blue": blue, "red": red, "green": green, "notes": v.optional_text(row["notes"])}


def _pattern(rows: FileRows, row: dict) -> dict:
    from .relationships import PATTERN_FIELDS, _clean_pattern
    return _clean_pattern(_pick(row, PATTERN_FIELDS))


_HEX = frozenset("0123456789abcdef")


def _report_log(rows: FileRows, row: dict) -> dict:
    from .report_log import METHODS, _recipient
    if row["method"] not in METHODS:
        raise ValidationError(f"its way of sending is not one of {', '.join(METHODS)}.", "method")
    if len(row["sha256"]) != 64 or not set(row["sha256"]) <= _HEX:
        raise ValidationError("its checksum is not a SHA-256 written in 64 hexadecimal digits.",
                              "sha256")
    _report_file(row["pdf_file"])
    v.date_order(row["period_from"], row["period_to"], "period_to")
    return {"recipient": _recipient(row["recipient"]),
            "period_from": v.required_date(row["period_from"], "period_from", "The period's start"),
            "period_to": v.required_date(row["period_to"], "period_to", "The period's end")}


def _report_file(name: str) -> None:
    """The stored copy's name must stay inside the reports folder: erasing a client deletes
    the files its log names, so a file must not name one elsewhere."""
    v.one_line(name, "pdf_file", "The report's file name", required=True)
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if (posix.is_absolute() or windows.is_absolute() or windows.drive or windows.root
            or ".." in posix.parts or ".." in windows.parts):
        raise ValidationError("its report file lies outside the practice's reports folder.",
                              "pdf_file")


def _deleted_session(rows: FileRows, row: dict) -> dict:
    engagement = rows.row("engagement", row["engagement_id"])
    if engagement["client_id"] != row["client_id"]:
        raise ValidationError(
            f"its client (id {row['client_id']}) is not the client of its engagement "
            f"{engagement['id']} (client id {engagement['client_id']}).", "client_id")
    _deleted_payload(rows, row)
    return {"session_date": v.required_date(row["session_date"], "session_date",
                                            "The session's date")}


def _deleted_payload(rows: FileRows, row: dict) -> None:
    """The session kept in the payload is this row's session, of this row's client and
    engagement, and its rows obey the same rules (restoring it must not bring in what
    importing it could not)."""
    from .session_trash import _Damaged, _decode

    try:
        inside = _decode(row["payload"])
    except _Damaged:
        raise ValidationError("its contents are not a deleted session CoachDesk can restore.",
                              "payload") from None
    sessions = inside.get("coaching_session", [])
    if len(sessions) != 1 or sessions[0]["id"] != row["session_id"] \
            or sessions[0]["client_id"] != row["client_id"] \
            or sessions[0]["engagement_id"] != row["engagement_id"]:
        raise ValidationError("its contents are not the session it names (another session, "
                              "client or engagement).", "payload")
    kept = FileRows({"engagement": [rows.row("engagement", row["engagement_id"])],
                     "client": [rows.row("client", row["client_id"])], **inside})
    for table, table_rows in inside.items():
        for inner in table_rows:
            try:
                check_values(table, inner)
                check_references(kept, table, inner)
                _apply(kept, table, inner)
            except ValidationError as exc:
                raise ValidationError(f"its {_lower_first(label(table))} {inner['id']} cannot be kept: "
                                      f"{_lower_first(str(exc))}", "payload") from None


#: table -> its rule (tables not named here have only their columns' and references' checks)
RULES: dict[str, Callable[[FileRows, dict], dict]] = {
    "organization": _organization, "sponsor": _sponsor, "client": _client,
    "engagement": _engagement, "coaching_session": _session, "grow_worksheet": _worksheet,
    "grow_option": _option, "action_item": _action, "setting": _setting,
    "indicator": _indicator, "indicator_reading": _reading, "goal": _goal,
    "goal_rating": _goal_rating, "stakeholder": _stakeholder, "client_motivation": _motivation,
    "blocking_pattern": _pattern, "report_log": _report_log,
    "deleted_session": _deleted_session,
}


def _apply(rows: FileRows, table: str, row: dict) -> None:
    rule = RULES.get(table)
    if rule is not None:
        row.update(rule(rows, row))


# -- every table: values in sane ranges, references to rows of the file ---------------------


@cache
def _plan(table: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...],
                               tuple[tuple[str, str], ...]]:
    """A table's text, number and date(-time) columns, and (column, parent table) references."""
    model_table = SQLModel.metadata.tables[table]
    kinds = {c.name: column_kind(c) for c in model_table.columns}
    texts = tuple(n for n, k in kinds.items() if k is str)
    numbers = tuple(n for n, k in kinds.items() if k is float)
    dates = tuple(n for n, k in kinds.items() if k in (date, datetime))
    refs = tuple((c.name, fk.column.table.name) for c in model_table.columns
                 for fk in c.foreign_keys)
    return texts, numbers, dates, refs


def check_values(table: str, row: dict) -> None:
    """Every column's value within what the app can work with: text of a sane size,
    finite numbers, dates and times from 1900 to 2199."""
    texts, numbers, dates, _refs = _plan(table)
    for key in texts:
        value = row.get(key)
        if value is not None and len(value) > v.TEXT_MAX:
            raise ValidationError(f"its '{key}' is longer than {v.TEXT_MAX:,} characters.", key)
    for key in numbers:
        value = row.get(key)
        if value is not None and not math.isfinite(value):
            raise ValidationError(f"its '{key}' is not a finite number.", key)
    for key in dates:
        value = row.get(key)
        if value is None:
            continue
        day = value.date() if isinstance(value, datetime) else value
        if not v.EARLIEST_DATE <= day <= v.LATEST_DATE:
            raise ValidationError(f"its '{key}' must lie between {v.EARLIEST_DATE.year} "
                                  f"and {v.LATEST_DATE.year} ({day.year} was given).", key)


def check_references(rows: FileRows, table: str, row: dict) -> None:
    """Every reference names a row of the file."""
    for name, parent in _plan(table)[3]:
        value = row.get(name)
        if value is not None and not rows.has(parent, value):
            raise ValidationError(
                f"its {_lower_first(label(parent))} (id {value}) is not in the file.", name)


def _unique_columns(table: str) -> list[str]:
    """The columns besides the key that hold each value once (a session's one worksheet)."""
    model_table = SQLModel.metadata.tables[table]
    names = {c.name for c in model_table.columns if c.unique and not c.primary_key}
    for index in model_table.indexes:
        if index.unique and len(index.columns) == 1:
            names.update(c.name for c in index.columns)
    return sorted(names)


def check_rows(ready: dict[str, list[dict]]) -> None:
    """Check every row of ``ready`` (table -> rows of Python values, parents first) by the
    services' rules, normalising rows as the services would store them. Raises
    ``RowError`` (a ``ValidationError``) naming the first row that breaks a rule."""
    rows = FileRows(ready)
    for table, table_rows in ready.items():
        unique = {name: {} for name in _unique_columns(table)}
        for index, row in enumerate(table_rows, 1):
            try:
                check_values(table, row)
                check_references(rows, table, row)
                _apply(rows, table, row)
                for name, seen in unique.items():
                    value = row.get(name)
                    if value is not None and seen.setdefault(value, row.get("id")) != row.get("id"):
                        shown = f" ({value})" if isinstance(value, int) else ""
                        raise ValidationError(
                            f"its '{name}'{shown} is also {_lower_first(label(table))} "
                            f"{seen[value]}'s, and only one may have it.", name)
            except RowError:
                raise
            except CoachDeskError as exc:
                raise RowError(table, row.get("id"), index, str(exc),
                               getattr(exc, "field", None)) from None
