"""GROW worksheets (Whitmore): Goal, Reality, Options, Will — one per session."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta
from sqlmodel import func, select

from ..errors import ValidationError
from ..models import CoachingSession, GrowOption, GrowWorksheet
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise

TEXT_FIELDS = ("goal_session", "goal_long_term", "reality_facts", "reality_tried",
               "reality_obstacles", "will_what", "will_when")
FIELDS = TEXT_FIELDS + ("commitment",)


def _clean(values: dict) -> dict:
    out = {}
    for key in TEXT_FIELDS:
        if key in values:
            out[key] = v.optional_text(values[key])
    if "commitment" in values:
        c = values["commitment"]
        if c in (None, "", 0):
            out["commitment"] = None
        else:
            try:
                c = int(c)
            except (TypeError, ValueError, OverflowError):
                raise ValidationError("Commitment is a number from 1 to 10.", "commitment") from None
            if not 1 <= c <= 10:
                raise ValidationError("Commitment is a number from 1 to 10.", "commitment")
            out["commitment"] = c
    return out


def for_session(db: Database, session_id: int, create: bool = True) -> GrowWorksheet | None:
    """The session's worksheet, created empty on first use. In a read-only practice
    (``db.read_only``) an empty one is shown but not stored (its ``id`` is None)."""
    with db.session() as s:
        get_or_raise(s, CoachingSession, session_id, "session")
        ws = s.exec(select(GrowWorksheet).where(GrowWorksheet.session_id == session_id)).first()
        if ws is None and create and getattr(db, "read_only", False):
            return GrowWorksheet(session_id=session_id)
        if ws is None and create:
            ws = GrowWorksheet(session_id=session_id)
            s.add(ws)
            s.flush()
        return ws


def update(db: Database, worksheet_id: int, **changes) -> GrowWorksheet:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown worksheet field: {', '.join(sorted(unknown))}.")
    values = _clean(changes)
    with db.session() as s:
        ws = get_or_raise(s, GrowWorksheet, worksheet_id, "worksheet")
        apply_changes(ws, values)
        s.add(ws)
        return ws


def is_empty(ws: GrowWorksheet | None, options: list[GrowOption] = ()) -> bool:
    if ws is None:
        return True
    return not any(getattr(ws, f).strip() for f in TEXT_FIELDS) and ws.commitment is None \
        and not any(o.text.strip() for o in options)


# -- options -----------------------------------------------------------------------


def options(db: Database, worksheet_id: int) -> list[GrowOption]:
    with db.session() as s:
        return list(s.exec(select(GrowOption).where(GrowOption.worksheet_id == worksheet_id)
                           .order_by(GrowOption.position, GrowOption.id)))


def add_option(db: Database, worksheet_id: int, text: str, notes: str = "", *,
               chosen: bool = False, position: int | None = None) -> GrowOption:
    """A new option after the last one; ``position`` and ``chosen`` put back one that
    was removed (undo) where it was, as it was."""
    text = v.required_text(text, "text", "An option")
    with db.session() as s:
        get_or_raise(s, GrowWorksheet, worksheet_id, "worksheet")
        if position is None:
            # After the last one (a count would put it before options kept after a removal).
            last = s.exec(select(func.max(GrowOption.position))
                          .where(GrowOption.worksheet_id == worksheet_id)).one()
            position = 0 if last is None else last + 1
        option = GrowOption(worksheet_id=worksheet_id, text=text, notes=v.optional_text(notes),
                            chosen=bool(chosen), position=int(position))
        s.add(option)
        s.flush()
        return option


def update_option(db: Database, option_id: int, **changes) -> GrowOption:
    values = {}
    if "text" in changes:
        values["text"] = v.required_text(changes["text"], "text", "An option")
    if "notes" in changes:
        values["notes"] = v.optional_text(changes["notes"])
    if "chosen" in changes:
        values["chosen"] = bool(changes["chosen"])
    with db.session() as s:
        option = get_or_raise(s, GrowOption, option_id, "option")
        apply_changes(option, values)
        s.add(option)
        return option


def remove_option(db: Database, option_id: int) -> None:
    with db.session() as s:
        option = get_or_raise(s, GrowOption, option_id, "option")
        s.delete(option)


_RELATIVE = re.compile(r"\b(?:in|within)\s+(\d+|an?|one|two|three|four|five|six)\s+"
                       r"(day|week|month)s?\b", re.IGNORECASE)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_WEEKDAYS = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
_MONTHS = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
                     re.IGNORECASE)
_VAGUE = re.compile(r"\b(day|week|month|year|quarter|q[1-4])s?\b", re.IGNORECASE)


def due_date_in(will_when: str, session_date: date) -> date | None:
    """The due date that the Will's "When" names, for an action made from it, or None
    when it names none plainly (the coach then sets one).

    Read with ``dateutil.parser`` (fuzzy, day first, the session's date filling what is
    not said): "by 15 Dec" → 15 Dec after the session (next year's when the session is
    later in the year), "Friday" → the Friday after the session, "in 2 weeks" / "within a
    month" → that long after the session. Vague words ("end of the quarter", "next
    month") and anything before the session or more than two years after it give None:
    a wrong date offered is worse than none.
    """
    text = " ".join(will_when.split())
    if not text:
        return None
    relative = _RELATIVE.search(text)
    if relative:
        count = relative.group(1).lower()
        n = int(count) if count.isdigit() else _COUNTS[count]
        unit = relative.group(2).lower()
        due = session_date + (relativedelta(months=n) if unit == "month"
                              else timedelta(days=n * (7 if unit == "week" else 1)))
    else:
        weekday_only = not re.search(r"\d", text)
        if weekday_only and not _WEEKDAYS.search(text):
            return None  # no day in it: "end of March", "soon"
        if _VAGUE.search(text) and not re.search(r"\d", text):
            return None  # "Friday next week": not plain enough
        if not weekday_only and not (_MONTHS.search(text)
                                     or re.search(r"\b\d{1,4}[/.\-]\d{1,2}\b", text)):
            return None  # a number alone ("2", "the 15th") names no month
        try:
            iso = re.search(r"\b\d{4}-\d{1,2}-\d{1,2}\b", text)  # 2027-01-10: year first
            due = dateparser.parse(text, fuzzy=True, dayfirst=not iso,
                                   default=datetime.combine(session_date, time())).date()
        except (ValueError, OverflowError):
            return None
        if weekday_only and due <= session_date:
            due += timedelta(days=7)  # "Friday" said on a Friday: the next one
        if due < session_date and not re.search(r"\b\d{4}\b", text):
            due = due.replace(year=due.year + 1) if not (due.month == 2 and due.day == 29) \
                else None
    if due is None or due < session_date or due > session_date + timedelta(days=731):
        return None
    return due
