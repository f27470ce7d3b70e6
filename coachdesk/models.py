"""SQLModel tables and enums. Nothing else lives here.

The schema itself is owned by the Alembic migrations in
``coachdesk/migrations``; a test proves the two agree.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are timezone-aware UTC (SQLModel stores and returns them as UTC)."""
    return datetime.now(UTC)


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
    # Where invoices go (migration 0006; last, where SQLite's ALTER TABLE put them).
    billing_contact: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    billing_email: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    #: the postal address, several lines
    billing_address: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    #: the organisation's own VAT number (needed on a reverse-charge invoice)
    vat_number: str = Field(default="", sa_column_kwargs={"server_default": text("''")})


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


# -- talent-retention indicators, goals, relationships (migration 0003) ----------------


class ReadingSource(str, enum.Enum):
    coach_observation = "coach_observation"
    self_rating = "self_rating"
    sponsor = "sponsor"
    feedback_360 = "feedback_360"


class StakeholderRelation(str, enum.Enum):
    manager = "manager"
    peer = "peer"
    direct_report = "direct_report"
    sponsor = "sponsor"
    other = "other"


class RelationshipTrend(str, enum.Enum):
    improving = "improving"
    steady = "steady"
    worsening = "worsening"


class Indicator(SQLModel, table=True):
    """Something the coach rates over time (intent to stay, engagement …).

    ``key`` is a stable slug for the default set (the risk rules find
    "intent_to_stay" by it even after the coach renames it); indicators the
    coach makes have none. Once used, an indicator is retired, not deleted.
    """

    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True, index=True)
    name: str
    description: str = ""
    scale_min: int = 1
    scale_max: int = 10
    higher_is_better: bool = True
    position: int = 0
    retired: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: wellbeing-type indicators: never preselected for a sponsor's report (migration 0005;
    #: last, where SQLite's ALTER TABLE put it)
    sensitive: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class IndicatorReading(SQLModel, table=True):
    """One rating of one indicator for one client on one day.

    ``private_comment`` is the coach's own note about the rating; sponsor-facing
    output never reads it.
    """

    __tablename__ = "indicator_reading"
    __table_args__ = (
        # "The last readings of each indicator per client" (the risk signal, the charts)
        # is one walk along this index, which also holds the value: no table lookups.
        Index("ix_indicator_reading_client_indicator_date", "client_id", "indicator_id",
              "reading_date", "id", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    engagement_id: int | None = Field(default=None, foreign_key="engagement.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    reading_date: date = Field(index=True)
    value: float
    source: ReadingSource = ReadingSource.coach_observation
    private_comment: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Goal(SQLModel, table=True):
    """A goal of an engagement, scaled the GAS way (Kiresuk & Sherman).

    ``level_m2`` … ``level_p2`` describe what -2 (much less than expected),
    -1, 0 (the expected outcome), +1 and +2 (much more than expected) look like.
    """

    __tablename__ = "goal"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    title: str
    description: str = ""
    weight: float = 1.0
    importance: int | None = None
    baseline_level: int = -1
    position: int = 0
    level_m2: str = ""
    level_m1: str = ""
    level_0: str = ""
    level_p1: str = ""
    level_p2: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GoalRating(SQLModel, table=True):
    """Where a goal stood on a given day, on the -2 … +2 scale."""

    __tablename__ = "goal_rating"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    rating_date: date = Field(index=True)
    level: int
    comment: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Stakeholder(SQLModel, table=True):
    """Someone around the client who matters for the client's goals.

    ``mvs_blue``/``mvs_red``/``mvs_green`` are the person's motivational value
    system as the coach sees it (Relationship Awareness), adding up to 100, or
    all three empty when not recorded.
    """

    __tablename__ = "stakeholder"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    name: str
    role: str = ""
    relation: StakeholderRelation = StakeholderRelation.other
    influence: int = 3  # 1-5: influence on the client's goals
    relationship_quality: int = 3  # 1-5
    trend: RelationshipTrend = RelationshipTrend.steady
    notes: str = ""
    mvs_blue: float | None = None
    mvs_red: float | None = None
    mvs_green: float | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ClientMotivation(SQLModel, table=True):
    """The client's own motivational value system: Blue, Red, Green adding up to 100."""

    __tablename__ = "client_motivation"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", unique=True, index=True)
    blue: float
    red: float
    green: float
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class BlockingPattern(SQLModel, table=True):
    """A behaviour of the client that gets in the way of success."""

    __tablename__ = "blocking_pattern"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    pattern: str
    when_it_shows: str = ""
    what_it_costs: str = ""
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# -- report log (migration 0004) -------------------------------------------------------


class ReportLog(SQLModel, table=True):
    """One sponsor report made for an engagement, with the copy kept in the data folder.

    ``pdf_file`` is relative to the reports folder beside the database file, so the
    log still finds its copies when the coach moves the whole data folder.
    ``sections`` is the report's section keys joined by commas. ``method`` is how it
    left the app: "saved", "printed", "draft", "smtp" or "outbox".
    """

    __tablename__ = "report_log"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    period_from: date
    period_to: date
    recipient: str = ""
    method: str = "saved"
    sent_at: datetime | None = None
    sha256: str
    pdf_file: str
    coach_summary: str = ""
    next_steps: str = ""
    sections: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# -- mistakes corrected (migration 0005) -----------------------------------------------


class DeletedSession(SQLModel, table=True):
    """A session the coach deleted, kept whole so it can be brought back.

    The session, its GROW worksheet, options and action items leave their own
    tables (so no count, dashboard figure, ICF log or search sees them) and wait
    here as one JSON document in ``payload`` (see ``services.session_trash``)
    until the coach restores them or empties the list. ``session_id`` is the id
    the session had; ``client_id`` lets erasing a client take its deleted
    sessions too.
    """

    __tablename__ = "deleted_session"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int
    client_id: int = Field(foreign_key="client.id", index=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    session_date: date
    deleted_at: datetime = Field(default_factory=utcnow)
    payload: str


class ReportDraft(SQLModel, table=True):
    """What the coach has written and chosen for an engagement's next report, kept
    as a draft while the report dialog is open and after it closes.

    ``sections`` and ``indicator_ids`` are comma-separated section keys and
    indicator ids; empty strings mean none chosen yet.
    """

    __tablename__ = "report_draft"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", unique=True, index=True)
    coach_summary: str = ""
    next_steps: str = ""
    sections: str = ""
    indicator_ids: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# The business of an engagement (migration 0006) lives in its own module; its tables are
# registered on the same metadata when this module is imported.
from .models_business import (  # noqa: E402,F401
    Agreement,
    AgreementStatus,
    Consent,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
)
