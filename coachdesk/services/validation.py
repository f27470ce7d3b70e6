"""Small validators shared by the services and the practice import; each raises
``ValidationError`` with a plain sentence that names the field, never its content."""

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

#: the longest one-line field (a name, an e-mail address, a phone number, a role), in characters
ONE_LINE_MAX = 10_000
#: the longest text of any field (a note), in characters: a 1 MB paste fits five times over
TEXT_MAX = 5_000_000
#: dates outside these are typing slips or damage (and break calendars, charts and reports)
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

#: tabs and line breaks: in a one-line field each run of them, with the spaces around it,
#: becomes one space
_LINE_BREAKS = re.compile(" *[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+ *")
#: control characters no text of a coach needs: NUL, bell, escape, delete and the C1 codes
#: (tab, line breaks, and the U+000B/U+000C that Word pastes, are left to the callers)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def storable(text: str) -> str:
    """Text SQLite can store as UTF-8: a lone surrogate (half an emoji, from a bad
    paste) becomes U+FFFD instead of the whole text being refused on write."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def refuse_control(text: str, field: str, label: str) -> str:
    """``text`` unchanged, or a ``ValidationError`` if it holds a control character such as
    NUL (which would end up in an e-mail header, a file name or a calendar line)."""
    if _CONTROL.search(text):
        raise ValidationError(f"{label} contains a control character (such as NUL) that cannot "
                              "be stored; please type it again.", field)
    return text


def required_text(value, field: str, label: str) -> str:
    """Stripped text that is not empty (of any shape: for a name, see ``name``)."""
    text = "" if value is None else storable(str(value))
    if not text.strip():
        raise ValidationError(f"{label} cannot be empty.", field)
    return text.strip()


def one_line(value, field: str, label: str, *, required: bool = False,
             limit: int = ONE_LINE_MAX) -> str:
    """Text for a one-line field (a name, a phone number, a role): tabs and line breaks
    become one space each run, the ends are stripped; a control character such as NUL, an
    empty value when ``required``, or more than ``limit`` characters is a ``ValidationError``."""
    text = refuse_control(optional_text(value), field, label)
    text = _LINE_BREAKS.sub(" ", text).strip()
    if required and not text:
        raise ValidationError(f"{label} cannot be empty.", field)
    if len(text) > limit:
        raise ValidationError(f"{label} is too long (at most {limit:,} characters).", field)
    return text


def name(value, field: str, label: str) -> str:
    """A person's or an organization's name: ``one_line`` and not empty."""
    return one_line(value, field, label, required=True)


def optional_text(value) -> str:
    return "" if value is None else storable(str(value))


def email(value, field: str = "email") -> str:
    text = one_line(value, field, "The e-mail address")
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
    """A date (or None for an empty value) from 1900 to 2199 (``date_in_range``)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return date_in_range(value.date(), field, label)
    if isinstance(value, date):
        return date_in_range(value, field, label)
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label} must be a date like 2026-03-31.", field) from None
    return date_in_range(day, field, label)


def date_in_range(day: date, field: str, label: str) -> date:
    """``day`` unless it lies outside ``EARLIEST_DATE`` … ``LATEST_DATE``."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(f"{label} must lie between {EARLIEST_DATE.year} and "
                              f"{LATEST_DATE.year} ({day.year} was given).", field)
    return day


def required_date(value, field: str, label: str) -> date:
    result = optional_date(value, field, label)
    if result is None:
        raise ValidationError(f"{label} is required.", field)
    return result


def non_negative_int(value, field: str, label: str, maximum: int | None = None) -> int:
    """A whole number from 0 (to ``maximum`` when given); empty is 0."""
    try:
        number = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        raise ValidationError(f"{label} must be a whole number.", field) from None
    if number < 0:
        raise ValidationError(f"{label} cannot be negative.", field)
    return _at_most(number, maximum, field, label)


def _at_most(number, maximum, field: str, label: str):
    if maximum is not None and number > maximum:
        raise ValidationError(f"{label} cannot be more than {maximum:,} ({number:,} was given).",
                              field)
    return number


def non_negative_float(value, field: str, label: str, maximum: float | None = None) -> float:
    """A finite number from 0 (to ``maximum`` when given); empty is 0."""
    try:
        number = float(value if value not in (None, "") else 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float(10**400)
        raise ValidationError(f"{label} must be a number.", field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"{label} must be a number.", field)
    if number < 0:
        raise ValidationError(f"{label} cannot be negative.", field)
    return _at_most(number, maximum, field, label)


def date_order(start: date | None, end: date | None, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError("The end date cannot be before the start date.", field)


# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
                             "œ": "oe", "þ": "th", "ð": "d"})


class _DropCombining(dict):
    """str.translate table: combining marks (accents) removed, every other character kept;
    filled as characters are met, so each is asked about once."""

    def __missing__(self, code: int):
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_COMBINING = _DropCombining()


def fold(text: str) -> str:
    """Case- and accent-insensitive form for searching and sorting: 'Łukasz' -> 'lukasz'."""
    if text.isascii():  # most names and e-mails: nothing to decompose, casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_EXTRA)
    return decomposed.translate(_DROP_COMBINING)
