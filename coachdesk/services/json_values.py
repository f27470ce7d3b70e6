"""Column values as JSON and back: the conventions the practice export
(docs/export-format.md) and the deleted sessions' payload share.

Dates ``YYYY-MM-DD``, times ``HH:MM:SS``, date-times ISO 8601 in UTC with their offset,
choices (enums) as their values; text, numbers, true/false and null as they are.
"""

from __future__ import annotations

import enum
import json
import math
import re
from datetime import UTC, date, datetime, time
from typing import Any


def column_kind(column) -> type:
    """The Python type a column holds (bool, int, float, str, date, time, datetime or an Enum)."""
    kind = column.type
    for candidate in (kind, getattr(kind, "impl", None)):  # a TypeDecorator: ask what it wraps
        if candidate is None:
            continue
        try:
            found = candidate.python_type
        except NotImplementedError:
            continue
        if found is not object:
            return found
    return str  # pragma: no cover - every model column has one


def to_json(value: Any) -> Any:
    """One column value as JSON (see the module's conventions)."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if value.utcoffset() is None:  # SQLite hands back UTC without its offset
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def describe(value: Any) -> str:
    """The wrong value in words for a refusal. Text is never quoted (a shifted column could
    put a private note here, and the message may reach a log): only a date-, time- or
    number-like string is, as typed; other text is told by its length."""
    if isinstance(value, str):
        if _DATE_LIKE.fullmatch(value):
            return json.dumps(value)
        return f"a text of {len(value):,} character{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a record"
    if isinstance(value, float) and not math.isfinite(value):
        return "an infinite number" if value == value else "not a number"
    text = json.dumps(value)  # a number, true/false or null: never the coach's words
    return text if len(text) <= 40 else text[:37] + "…"


_DATE_LIKE = re.compile(r"[0-9 :+.TZ-]{1,40}")
