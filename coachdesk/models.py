"""SQLModel tables and enums. Nothing else lives here.

The schema itself is owned by the Alembic migrations in
``coachdesk/migrations``; a test proves the two agree.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone

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
