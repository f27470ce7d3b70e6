"""Small validators shared by the services; each raises ``ValidationError``."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from ..errors import ValidationError

# Deliberately forgiving: one @, something before it, a dot in the domain,
# no spaces. Real deliverability is the mail program's business.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

E = TypeVar("E", bound=Enum)


def storable(text: str) -> str:
    """Text SQLite can store as UTF-8: a lone surrogate (half an emoji, from a bad
    paste) becomes U+FFFD instead of the whole text being refused on write."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def required_text(value, field: str, label: str) -> str:
    text = "" if value is None else storable(str(value))
    if not text.strip():
        raise ValidationError(f"{label} cannot be empty.", field)
    return text.strip()


def optional_text(value) -> str:
    return "" if value is None else storable(str(value))


def email(value, field: str = "email") -> str:
    text = optional_text(value).strip()
    if text and not EMAIL_RE.match(text):
        # The message names what is wrong, never the address itself: messages reach logs and
        # the command line, and an e-mail address is the client's personal data.
        raise ValidationError("This does not look like an e-mail address: it needs a name, an @ "
                              "and a domain, like name@example.com.", field)
    return text


def enum_value(enum_cls: type[E], value, field: str, label: str) -> E:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"{label} must be one of: {allowed}.", field) from None


def optional_date(value, field: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label} must be a date like 2026-03-31.", field) from None


def required_date(value, field: str, label: str) -> date:
    result = optional_date(value, field, label)
    if result is None:
        raise ValidationError(f"{label} is required.", field)
    return result


def non_negative_int(value, field: str, label: str) -> int:
    try:
        number = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        raise ValidationError(f"{label} must be a whole number.", field) from None
    if number < 0:
        raise ValidationError(f"{label} cannot be negative.", field)
    return number


def non_negative_float(value, field: str, label: str) -> float:
    try:
        number = float(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} must be a number.", field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"{label} must be a number.", field)
    if number < 0:
        raise ValidationError(f"{label} cannot be negative.", field)
    return number


def date_order(start: date | None, end: date | None, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError("The end date cannot be before the start date.", field)


# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
                             "œ": "oe", "þ": "th", "ð": "d"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form for searching and sorting: 'Łukasz' -> 'lukasz'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_EXTRA)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
