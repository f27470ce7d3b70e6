"""Sessions as an iCalendar (.ics) file for the coach's own calendar.

Calendars are synced to the cloud, so an event says only *that* a session
takes place: who (the client's name), when, how long and in what format. No
note ever goes into it, neither the private notes nor the shareable summary.

A session's date and start time are the coach's wall-clock time where the
coach works. They are written in the computer's time zone: with its IANA name
(``TZID=Europe/London`` plus one VTIMEZONE component describing it) when the
system says which zone it is (the ``TZ`` variable, ``/etc/localtime`` or
``/etc/timezone``), otherwise as UTC (``…Z``) computed with the system's own
rules for that date. Floating times (no zone) are never written for a timed
session: Outlook takes them for all-day events and they move when the coach
travels. A start time that does not exist (the hour skipped when clocks go
forward, 01:30 on 29 March 2026 in London) is read as RFC 5545 reads it, with
the offset before the gap: 02:30 summer time. A start time that happens twice
(the hour repeated when clocks go back) is the first of the two. The length is
a DURATION, so a session over midnight or over a change of clocks lasts what
it lasts. A session without a start time becomes an all-day event (a DATE).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone
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

#: where a Unix system names its time zone (a symbolic link into the zoneinfo tree, or a
#: file holding the name); module attributes so that tests can point them elsewhere
LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")
#: zone names that are UTC under another name: written as "…Z", no VTIMEZONE needed
UTC_NAMES = {"UTC", "UCT", "Universal", "Zulu", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich",
             "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/GMT", "Etc/GMT0",
             "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich"}


def _zone_from(text: str) -> ZoneInfo | None:
    """The zone an IANA name (or a path into a zoneinfo tree) names, or None."""
    text = (text or "").strip().lstrip(":")
    if "/zoneinfo/" in text:  # /usr/share/zoneinfo/Europe/London, macOS /var/db/timezone/zoneinfo/…
        text = text.split("/zoneinfo/", 1)[1]
    for prefix in ("posix/", "right/"):
        text = text.removeprefix(prefix)
    if not text or text.startswith("/") or ".." in text:
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None  # a POSIX rule such as "CET-1CEST,M3.5.0,M10.5.0/3" names no IANA zone


def _agrees_with_system(zone: ZoneInfo) -> bool:
    """The named zone gives the offset the system gives now (a stale /etc/timezone does not)."""
    now = datetime.now(UTC)
    return now.astimezone(zone).utcoffset() == now.astimezone().utcoffset()


def system_zone() -> ZoneInfo | None:
    """The computer's time zone by its IANA name (``ZoneInfo("Europe/London")``), or None
    when the system does not name one that agrees with its clock (Windows, a POSIX rule in
    ``TZ``): the caller then writes UTC computed with the system's rules. A ``TZ`` variable
    is the system's word: when it is set, the files are not asked."""
    if "TZ" in os.environ:
        candidates = [lambda: os.environ["TZ"]]
    else:
        candidates = [lambda: str(LOCALTIME.readlink()) if LOCALTIME.is_symlink() else "",
                      lambda: TIMEZONE_FILE.read_text(encoding="utf-8", errors="replace")]
    for read in candidates:
        try:
            zone = _zone_from(read())
        except OSError:
            continue
        if zone is not None and _agrees_with_system(zone):
            return zone
    return None


def _start(day: date, start: time, zone: ZoneInfo | None) -> datetime:
    """The instant a session starts: aware, in ``zone`` (UTC when ``zone`` is None).

    A wall time in a spring-forward gap is read with the offset before the gap and so
    comes out one hour later (RFC 5545, 3.3.5); a repeated wall time is the first one."""
    naive = datetime.combine(day, start)
    if zone is None:
        return naive.astimezone(UTC)  # a naive time is the system's local time
    if zone.key in UTC_NAMES:
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def session_uid(session_id: int) -> str:
    """Stable across exports, so re-importing updates an event instead of adding a copy."""
    return f"session-{session_id}@{UID_DOMAIN}"


def _plain(value: str) -> str:
    """Text for a calendar field: no control characters (a line break stays)."""
    return _CONTROL.sub(" ", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(
        UTC)


def _minutes(n: int) -> str:
    if n % 60 == 0 and n >= 60:
        hours = n // 60
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{n} minutes" if n != 1 else "1 minute"


def _start_time(session: CoachingSession) -> time | None:
    if session.start_time is None:
        return None
    return session.start_time if isinstance(session.start_time, time) else \
        time.fromisoformat(str(session.start_time))


def _event(session: CoachingSession, client_name: str, kind: EngagementKind,
           zone: ZoneInfo | None) -> Event:
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
    start_time = _start_time(session)
    if start_time is not None:
        # Aware: icalendar writes TZID=<zone>:local time, or …Z for UTC (never floating).
        event.add("dtstart", _start(session.session_date, start_time, zone))
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


def _onset(zone: tzinfo, near: datetime, before: timedelta, after: timedelta) -> datetime:
    """When ``zone`` changes from offset ``before`` to ``after`` within a day of ``near``:
    the local time in the offset before (RFC 5545's DTSTART of an observance), naive.
    ``near`` itself if no such change is found there."""
    lo = int((near - before).replace(tzinfo=UTC).timestamp()) - 86400
    hi = lo + 2 * 86400

    def offset(ts: int) -> timedelta | None:
        return datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()

    if offset(lo) != before or offset(hi) != after:
        return near
    while hi - lo > 1:  # to the second: the first second of the new offset
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
    return (datetime.fromtimestamp(hi, UTC) + before).replace(tzinfo=None)


def _vtimezone(zone: tzinfo, days: list[date]) -> Timezone:
    """The VTIMEZONE for ``zone``, its changes of clocks from 1 January of the first
    session's year to the end of the year after the last one (an event moved later in
    the coach's calendar still finds its offsets).

    icalendar 7 gives each change as the first wall time of the new offset; RFC 5545 wants
    the wall time in the offset before it (clocks going forward in London: 01:00, not
    02:00), so a reader that goes by the VTIMEZONE alone would change an hour late. Each
    onset is set right here from the zone's own rules."""
    first, last = date(min(days).year, 1, 1), date(max(days).year + 2, 1, 1)
    vtimezone = Timezone.from_tzinfo(zone, getattr(zone, "key", None), first, last)
    for observance in vtimezone.subcomponents:
        before, after = observance["TZOFFSETFROM"].td, observance["TZOFFSETTO"].td
        if before == after:
            continue
        observance.DTSTART = _onset(zone, observance.DTSTART, before, after)
        rdates = observance.get("RDATE")
        if rdates is not None:
            found = [d.dt for group in (rdates if isinstance(rdates, list) else [rdates])
                     for d in group.dts]
            del observance["RDATE"]
            observance.add("RDATE", [_onset(zone, d, before, after) for d in found])
    return vtimezone


def sessions_to_ics(db: Database, session_ids: list[int] | None = None,
                    planned_only: bool = False, zone: ZoneInfo | None | str = "system") -> bytes:
    """A VCALENDAR with one VEVENT per session, oldest first.

    ``session_ids`` None means every session; ``planned_only`` keeps only the
    sessions still planned. An id that names no session raises ``NotFoundError``.
    ``zone`` is the coach's time zone: ``"system"`` (the default) asks
    :func:`system_zone`, another text is an IANA name (``"Asia/Tokyo"``); None, or a
    name that is no zone, writes UTC computed with the system's rules. Timed
    sessions get ``DTSTART;TZID=…`` (one VTIMEZONE per zone used) or ``DTSTART:…Z``.
    """
    if isinstance(zone, str):
        zone = system_zone() if zone == "system" else _zone_from(zone)
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
    timed = [session.session_date for session, _name, _kind in rows
             if _start_time(session) is not None]
    if timed and zone is not None and zone.key not in UTC_NAMES:
        cal.add_component(_vtimezone(zone, timed))  # before the events that name it
    for session, client_name, kind in rows:
        cal.add_component(_event(session, client_name, kind, zone))
    return cal.to_ical()


def export_ics(db: Database, path: Path | str, session_ids: list[int] | None = None,
               planned_only: bool = False, zone: ZoneInfo | None | str = "system") -> Path:
    """Write ``sessions_to_ics`` to ``path`` (all at once: never half a file)."""
    data = sessions_to_ics(db, session_ids, planned_only=planned_only, zone=zone)
    path = Path(path).expanduser()
    with atomic_write(path, binary=True,
                      failure="CoachDesk could not write the calendar to {path}: {reason}.") as fh:
        fh.write(data)
    return path
