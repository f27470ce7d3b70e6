"""Sessions: log them, keep their two kinds of notes, and count them against the agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import select

from ..errors import ValidationError
from ..hours import hours_text
from ..models import (
    Client,
    CoachingSession,
    Engagement,
    EngagementKind,
    SessionFormat,
    SessionStatus,
)
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise

FIELDS = ("engagement_id", "session_date", "start_time", "duration_minutes", "format", "pro_bono",
          "is_group", "participants", "status", "private_notes", "shared_summary")
MAX_MINUTES = 12 * 60
MAX_PARTICIPANTS = 500  # as the session page allows (ui/pages/session.py)

#: statuses that use up one of the sessions agreed (late cancellations and
#: no-shows are normally charged)
COUNTS_AGAINST_AGREEMENT = {SessionStatus.held, SessionStatus.cancelled_late,
                            SessionStatus.no_show}

FORMAT_LABELS = {SessionFormat.in_person: "In person", SessionFormat.video: "Video",
                 SessionFormat.phone: "Phone"}
STATUS_LABELS = {SessionStatus.planned: "Planned", SessionStatus.held: "Held",
                 SessionStatus.cancelled_late: "Cancelled late", SessionStatus.cancelled: "Cancelled",
                 SessionStatus.no_show: "No-show"}


_SHORT_TIME = re.compile(r"^(\d{1,2})[:.hH](\d{2})$")


def _time(value, field="start_time") -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    raw = str(value).strip()
    short = _SHORT_TIME.match(raw)
    if short:  # "9:30", "9.30", "9h30" as a coach types them
        raw = f"{int(short.group(1)):02d}:{short.group(2)}"
    try:
        parsed = time.fromisoformat(raw)
    except ValueError:
        raise ValidationError("The start time must be a time like 09:30.", field) from None
    # Stored as a floating wall-clock time in minutes: what is handed back is what is read later.
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


_storable = v.storable


def _clean(session, values: dict) -> dict:
    out: dict = {}
    if "engagement_id" in values:
        engagement = get_or_raise(session, Engagement, values["engagement_id"], "engagement")
        out["engagement_id"] = engagement.id
        out["client_id"] = engagement.client_id
    if "session_date" in values:
        out["session_date"] = v.required_date(values["session_date"], "session_date",
                                              "The session date")
    if "start_time" in values:
        out["start_time"] = _time(values["start_time"])
    if "duration_minutes" in values:
        minutes = v.non_negative_int(values["duration_minutes"], "duration_minutes", "The duration")
        if minutes == 0:
            raise ValidationError("A session lasts at least one minute.", "duration_minutes")
        if minutes > MAX_MINUTES:
            raise ValidationError(
                f"A session cannot last more than 12 hours ({minutes:,} minutes were entered).",
                "duration_minutes")
        out["duration_minutes"] = minutes
    if "format" in values:
        out["format"] = v.enum_value(SessionFormat, values["format"], "format", "The format")
    if "status" in values:
        out["status"] = v.enum_value(SessionStatus, values["status"], "status", "The status")
    for key in ("pro_bono", "is_group"):
        if key in values:
            out[key] = bool(values[key])
    if "participants" in values:
        out["participants"] = v.non_negative_int(values["participants"], "participants",
                                                 "The number of participants", MAX_PARTICIPANTS)
    for key in ("private_notes", "shared_summary"):
        if key in values:
            out[key] = _storable(v.optional_text(values[key]))
    return out


def _check_group(s: CoachingSession) -> None:
    if s.is_group and s.participants < 2:
        raise ValidationError("A group session has at least two participants.", "participants")
    if not s.is_group:
        s.participants = 1


def _refuse_unknown(fields: dict) -> None:
    # A misspelt field must not vanish silently: it may be a note.
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown session field: {', '.join(sorted(unknown))}.")


def create(db: Database, engagement_id: int, session_date, **fields) -> CoachingSession:
    """A new session; without ``duration_minutes`` it lasts the coach's default length
    (Settings, 60 minutes unless changed)."""
    _refuse_unknown(fields)
    if "duration_minutes" not in fields:
        from .settings import default_session_minutes

        fields["duration_minutes"] = default_session_minutes(db)
    with db.session() as s:
        values = _clean(s, {"engagement_id": engagement_id, "session_date": session_date,
                            **{k: fields[k] for k in FIELDS if k in fields}})
        if "pro_bono" not in values:
            values["pro_bono"] = s.get(Engagement, engagement_id).pro_bono
        row = CoachingSession(**values)
        _check_group(row)
        s.add(row)
        s.flush()
        return row


def update(db: Database, session_id: int, **changes) -> CoachingSession:
    _refuse_unknown(changes)
    with db.session() as s:
        values = _clean(s, changes)
        row = get_or_raise(s, CoachingSession, session_id, "session")
        apply_changes(row, values)
        if "is_group" in values or "participants" in values:
            # Only when the group is edited: an autosave of notes must never be
            # refused because of a field it does not touch.
            _check_group(row)
        s.add(row)
        return row


def save_notes(db: Database, session_id: int, *, private_notes: str | None = None,
               shared_summary: str | None = None) -> CoachingSession:
    """Autosave of the notes: each kind is written only to its own column."""
    changes = {}
    if private_notes is not None:
        changes["private_notes"] = private_notes
    if shared_summary is not None:
        changes["shared_summary"] = shared_summary
    return update(db, session_id, **changes)


def get(db: Database, session_id: int) -> CoachingSession:
    with db.session() as s:
        return get_or_raise(s, CoachingSession, session_id, "session")


def ends_at(row: CoachingSession) -> datetime | None:
    """When the session ends (it may end after midnight, on the next day)."""
    if row.start_time is None:
        return None
    return datetime.combine(row.session_date, row.start_time) + timedelta(
        minutes=row.duration_minutes)


def list_for_client(db: Database, client_id: int) -> list[CoachingSession]:
    """A client's sessions, newest first."""
    with db.session() as s:
        rows = s.exec(select(CoachingSession).where(CoachingSession.client_id == client_id)
                      .order_by(CoachingSession.session_date.desc(),
                                CoachingSession.start_time.desc(),
                                CoachingSession.id.desc())).all()
    return list(rows)


def list_for_engagement(db: Database, engagement_id: int) -> list[CoachingSession]:
    with db.session() as s:
        rows = s.exec(select(CoachingSession)
                      .where(CoachingSession.engagement_id == engagement_id)
                      .order_by(CoachingSession.session_date.desc(),
                                CoachingSession.id.desc())).all()
    return list(rows)


# -- the agreement -------------------------------------------------------------------


@dataclass
class Usage:
    sessions_agreed: int
    hours_agreed: float
    sessions_held: int
    sessions_used: int  # held + late cancellations + no-shows
    hours_delivered: float
    planned: int

    @property
    def used_up(self) -> bool:
        by_sessions = self.sessions_agreed > 0 and self.sessions_used >= self.sessions_agreed
        by_hours = self.hours_agreed > 0 and self.hours_delivered >= self.hours_agreed - 1e-9
        return by_sessions or by_hours

    @property
    def label(self) -> str:
        parts = []
        if self.sessions_agreed:
            parts.append(f"{self.sessions_used} of {self.sessions_agreed} sessions used")
        else:
            parts.append(f"{self.sessions_used} sessions used")
        if self.hours_agreed:
            parts.append(f"{hours_text(self.hours_delivered)} of {hours_text(self.hours_agreed)} h "
                         "delivered")
        if self.planned:
            parts.append(f"{self.planned} planned")
        return ", ".join(parts)

    @property
    def warning(self) -> str | None:
        if self.sessions_agreed and self.sessions_used > self.sessions_agreed:
            return (f"More sessions used ({self.sessions_used}) than agreed "
                    f"({self.sessions_agreed}): time to talk to the sponsor.")
        if self.used_up:
            return "The agreement is used up: further sessions need a new agreement."
        if self.sessions_agreed and self.sessions_used + self.planned > self.sessions_agreed:
            return "The sessions planned go beyond what was agreed."
        return None


def usage(db: Database, engagement_id: int) -> Usage:
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, engagement_id, "engagement")
        rows = s.exec(sa_select(CoachingSession.status, func.count(),
                                func.sum(CoachingSession.duration_minutes))
                      .where(CoachingSession.engagement_id == engagement_id)
                      .group_by(CoachingSession.status)).all()
    counts = {SessionStatus(st) if not isinstance(st, SessionStatus) else st: (n, m or 0)
              for st, n, m in rows}
    held, held_minutes = counts.get(SessionStatus.held, (0, 0))
    used = sum(counts.get(st, (0, 0))[0] for st in COUNTS_AGAINST_AGREEMENT)
    return Usage(engagement.sessions_agreed, engagement.hours_agreed, held, used,
                 round(held_minutes / 60, 2), counts.get(SessionStatus.planned, (0, 0))[0])


def last_and_next(db: Database, today: date | None = None) -> dict[int, tuple[date | None, date | None]]:
    """Per client: the date of the last session held and of the next one planned."""
    today = today or date.today()
    with db.session() as s:
        last = dict(s.exec(sa_select(CoachingSession.client_id, func.max(CoachingSession.session_date))
                           .where(CoachingSession.status == SessionStatus.held)
                           .group_by(CoachingSession.client_id)).all())
        nxt = dict(s.exec(sa_select(CoachingSession.client_id, func.min(CoachingSession.session_date))
                          .where(CoachingSession.status == SessionStatus.planned,
                                 CoachingSession.session_date >= today)
                          .group_by(CoachingSession.client_id)).all())
    return {cid: (last.get(cid), nxt.get(cid)) for cid in set(last) | set(nxt)}


# -- across the practice ----------------------------------------------------------------


@dataclass
class SessionRow:
    id: int
    client_id: int
    client_name: str
    engagement_kind: str
    session_date: date
    start_time: time | None
    duration_minutes: int
    format: str
    status: str
    has_notes: bool


def _rows(db: Database, where, order, limit: int | None = None) -> list[SessionRow]:
    stmt = (sa_select(CoachingSession.id, CoachingSession.client_id, Client.name, Engagement.kind,
                      CoachingSession.session_date, CoachingSession.start_time,
                      CoachingSession.duration_minutes, CoachingSession.format,
                      CoachingSession.status,
                      (func.length(CoachingSession.private_notes)
                       + func.length(CoachingSession.shared_summary)) > 0)
            .join(Client, Client.id == CoachingSession.client_id)
            .join(Engagement, Engagement.id == CoachingSession.engagement_id)
            .where(*where).order_by(*order))
    if limit:
        stmt = stmt.limit(limit)
    with db.session() as s:
        result = s.exec(stmt).all()

    def val(x):
        return x.value if hasattr(x, "value") else str(x)

    return [SessionRow(r[0], r[1], r[2], val(r[3]), r[4], r[5], r[6], val(r[7]), val(r[8]),
                       bool(r[9])) for r in result]


def upcoming(db: Database, days: int = 14, today: date | None = None) -> list[SessionRow]:
    today = today or date.today()
    return _rows(db, [CoachingSession.status == SessionStatus.planned,
                      CoachingSession.session_date >= today,
                      CoachingSession.session_date <= today + timedelta(days=days)],
                 [CoachingSession.session_date, CoachingSession.start_time])


def recent(db: Database, days: int = 30, today: date | None = None) -> list[SessionRow]:
    today = today or date.today()
    return _rows(db, [CoachingSession.status != SessionStatus.planned,
                      CoachingSession.session_date <= today,
                      CoachingSession.session_date >= today - timedelta(days=days)],
                 [CoachingSession.session_date.desc(), CoachingSession.start_time.desc()])


def without_notes(db: Database, limit: int = 500) -> list[SessionRow]:
    """Sessions held whose notes (both kinds) are still empty."""
    return _rows(db, [CoachingSession.status == SessionStatus.held,
                      CoachingSession.private_notes == "",
                      CoachingSession.shared_summary == ""],
                 [CoachingSession.session_date.desc()], limit)


def kind_label(kind: EngagementKind | str) -> str:
    return EngagementKind(kind).value.capitalize()
