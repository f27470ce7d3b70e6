"""SQLModel tables and enums. Nothing else lives here.

The schema itself is owned by the Alembic migrations in
``coachdesk/migrations``; a test proves the two agree.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timezone

from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are timezone-aware UTC (SQLModel stores and returns them as UTC)."""
    return datetime.now(timezone.utc)


class ClientStatus(str, enum.Enum):
    active = "active"
    paused = "paused"
    archived = "archived"


class EngagementKind(str, enum.Enum):
    coaching = "coaching"
    mentoring = "mentoring"


class EngagementStatus(str, enum.Enum):
    planned = "planned"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class Organization(SQLModel, table=True):
    __tablename__ = "organization"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    notes: str = ""
    archived: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Sponsor(SQLModel, table=True):
    """The person who commissions and pays for the coaching (HR, the boss)."""

    __tablename__ = "sponsor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    role: str = ""
    email: str = ""
    phone: str = ""
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    archived: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Client(SQLModel, table=True):
    """The coachee."""

    __tablename__ = "client"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    email: str = ""
    phone: str = ""
    job_title: str = ""
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    status: ClientStatus = Field(default=ClientStatus.active, index=True)
    start_date: date | None = None
    background: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Engagement(SQLModel, table=True):
    """The contract: what was agreed with the sponsor for one client."""

    __tablename__ = "engagement"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    sponsor_id: int | None = Field(default=None, foreign_key="sponsor.id", index=True)
    kind: EngagementKind = EngagementKind.coaching
    status: EngagementStatus = Field(default=EngagementStatus.planned, index=True)
    start_date: date
    end_date: date | None = None
    sessions_agreed: int = 0
    hours_agreed: float = 0.0
    pro_bono: bool = False
    # Money is kept in cents to avoid float rounding; None when not agreed yet.
    fee_cents: int | None = None
    currency: str = "EUR"
    objectives: str = ""
    archived: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# -- sessions, notes, GROW and actions (migration 0002) ------------------------------


class SessionFormat(str, enum.Enum):
    in_person = "in_person"
    video = "video"
    phone = "phone"


class SessionStatus(str, enum.Enum):
    planned = "planned"
    held = "held"
    cancelled_late = "cancelled_late"  # counts against the agreement
    cancelled = "cancelled"
    no_show = "no_show"  # counts against the agreement


class ActionOwner(str, enum.Enum):
    client = "client"
    coach = "coach"


class ActionStatus(str, enum.Enum):
    open = "open"
    done = "done"
    dropped = "dropped"


class CoachingSession(SQLModel, table=True):
    """One session of an engagement, with its two kinds of notes kept apart.

    ``private_notes`` are the coach's own working notes and never leave the
    machine; ``shared_summary`` is what may go to a sponsor. Nothing copies
    one into the other.
    """

    __tablename__ = "coaching_session"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    # Denormalised from the engagement (kept in step by the service) so that
    # "last and next session per client" is one indexed query.
    client_id: int = Field(foreign_key="client.id", index=True)
    session_date: date = Field(index=True)
    start_time: time | None = None  # local wall-clock time, as the coach thinks of it
    duration_minutes: int = 60
    format: SessionFormat = SessionFormat.video
    pro_bono: bool = False
    is_group: bool = False
    participants: int = 1
    status: SessionStatus = Field(default=SessionStatus.planned, index=True)
    private_notes: str = ""
    shared_summary: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GrowWorksheet(SQLModel, table=True):
    """Whitmore's GROW: Goal, Reality, Options (rows of GrowOption), Will."""

    __tablename__ = "grow_worksheet"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="coaching_session.id", unique=True, index=True)
    goal_session: str = ""
    goal_long_term: str = ""
    reality_facts: str = ""
    reality_tried: str = ""
    reality_obstacles: str = ""
    will_what: str = ""
    will_when: str = ""
    commitment: int | None = None  # 1-10: how committed the client is
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GrowOption(SQLModel, table=True):
    __tablename__ = "grow_option"

    id: int | None = Field(default=None, primary_key=True)
    worksheet_id: int = Field(foreign_key="grow_worksheet.id", index=True)
    position: int = 0
    text: str = ""
    notes: str = ""
    chosen: bool = False


class ActionItem(SQLModel, table=True):
    """Something agreed in a session (usually from Will), followed up next time."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="coaching_session.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    text: str
    owner: ActionOwner = ActionOwner.client
    due_date: date | None = None
    status: ActionStatus = Field(default=ActionStatus.open, index=True)
    status_changed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    """Small coach preferences (GROW prompts, paper size) as key/value text."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str = ""
