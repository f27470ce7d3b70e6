"""Sessions as an iCalendar (.ics) file for the coach's own calendar.

Calendars are synced to the cloud, so an event says only *that* a session
takes place: who (the client's name), when, how long and in what format. No
note ever goes into it, neither the private notes nor the shareable summary.

Times are floating local times (no time zone): a session at 09:30 is at
09:30 wherever the coach's calendar is, as the coach entered it. A session
without a start time becomes an all-day event.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from icalendar import Calendar, Event
from sqlmodel import select

from .. import __version__
from ..errors import NotFoundError
from ..files import atomic_write
from ..models import Client, CoachingSession, Engagement, EngagementKind, SessionFormat, SessionStatus
from ..storage import Database

UID_DOMAIN = "coachdesk.local"
PRODID = f"-//CoachDesk//CoachDesk {__version__}//EN"

LOCATIONS = {
    SessionFormat.in_person: "In person",
    SessionFormat.video: "Video call",
    SessionFormat.phone: "Phone",
}
SUMMARY_PREFIX = {EngagementKind.coaching: "Coaching", EngagementKind.mentoring: "Mentoring"}

#: the session did not (or will not) take place; a no-show keeps its slot:
#: the coach was there
CANCELLED = {SessionStatus.cancelled, SessionStatus.cancelled_late}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps \t and \n


def session_uid(session_id: int) -> str:
    """Stable across exports, so re-importing updates an event instead of adding a copy."""
    return f"session-{session_id}@{UID_DOMAIN}"


def _plain(value: str) -> str:
    """Text for a calendar field: no control characters (a line break stays)."""
    return _CONTROL.sub(" ", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(
        timezone.utc)


def _minutes(n: int) -> str:
    if n % 60 == 0 and n >= 60:
        hours = n // 60
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{n} minutes" if n != 1 else "1 minute"


def _event(session: CoachingSession, client_name: str, kind: EngagementKind) -> Event:
    fmt = SessionFormat(session.format)
    status = SessionStatus(session.status)
    minutes = max(int(session.duration_minutes or 0), 1)
    event = Event()
    event.add("uid", session_uid(session.id))
    event.add("dtstamp", _utc(session.updated_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("created", _utc(session.created_at))
    prefix = SUMMARY_PREFIX.get(EngagementKind(kind), "Coaching")
    event.add("summary", f"{prefix}: {_plain(client_name)}")
    if session.start_time is not None:
        start_time = session.start_time if isinstance(session.start_time, time) else \
            time.fromisoformat(str(session.start_time))
        # Naive datetime: icalendar writes a floating local time (no TZID, no Z).
        event.add("dtstart", datetime.combine(session.session_date, start_time))
        event.add("duration", timedelta(minutes=minutes))
    else:
        # All day: an all-day event's length is in days, so the minutes go in the description.
        event.add("dtstart", session.session_date)
        event.add("dtend", session.session_date + timedelta(days=1))
    event.add("location", LOCATIONS[fmt])
    # Format and duration only: never a note (calendars sync to the cloud).
    event.add("description", f"{LOCATIONS[fmt]}, {_minutes(minutes)}.")
    if status in CANCELLED:
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    return event


def _missing_message(missing: list[int]) -> str:
    if len(missing) == 1:
        return f"There is no session {missing[0]} (it may have been removed)."
    listed = ", ".join(str(i) for i in missing[:-1]) + f" and {missing[-1]}"
    return f"There are no sessions {listed} (they may have been removed)."


def sessions_to_ics(db: Database, session_ids: list[int] | None = None,
                    planned_only: bool = False) -> bytes:
    """A VCALENDAR with one VEVENT per session, oldest first.

    ``session_ids`` None means every session; ``planned_only`` keeps only the
    sessions still planned. An id that names no session raises ``NotFoundError``.
    """
    query = (select(CoachingSession, Client.name, Engagement.kind)
             .join(Client, Client.id == CoachingSession.client_id)
             .join(Engagement, Engagement.id == CoachingSession.engagement_id))
    wanted: list[int] | None = None
    if session_ids is not None:
        wanted = []
        for value in session_ids:
            try:
                wanted.append(int(value))
            except (TypeError, ValueError):
                raise NotFoundError(f"There is no session {value!r}.") from None
        query = query.where(CoachingSession.id.in_(wanted))  # type: ignore[union-attr]
    if planned_only:
        query = query.where(CoachingSession.status == SessionStatus.planned)
    query = query.order_by(CoachingSession.session_date, CoachingSession.start_time,
                           CoachingSession.id)
    with db.session() as s:
        rows = s.exec(query).all()
        if wanted:
            found = set(s.exec(select(CoachingSession.id).where(
                CoachingSession.id.in_(wanted))).all())  # type: ignore[union-attr]
            missing = sorted(set(wanted) - found)
            if missing:
                raise NotFoundError(_missing_message(missing))

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "CoachDesk sessions")
    for session, client_name, kind in rows:
        cal.add_component(_event(session, client_name, kind))
    return cal.to_ical()


def export_ics(db: Database, path: Path | str, session_ids: list[int] | None = None,
               planned_only: bool = False) -> Path:
    """Write ``sessions_to_ics`` to ``path`` (all at once: never half a file)."""
    data = sessions_to_ics(db, session_ids, planned_only=planned_only)
    path = Path(path).expanduser()
    with atomic_write(path, binary=True,
                      failure="CoachDesk could not write the calendar to {path}: {reason}.") as fh:
        fh.write(data)
    return path
