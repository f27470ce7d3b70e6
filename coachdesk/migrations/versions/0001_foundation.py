"""Foundation: organizations, sponsors, clients, engagements.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString


def _stamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", _str(), nullable=False),
        sa.Column("notes", _str(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_organization_name", "organization", ["name"])

    op.create_table(
        "sponsor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", _str(), nullable=False),
        sa.Column("role", _str(), nullable=False),
        sa.Column("email", _str(), nullable=False),
        sa.Column("phone", _str(), nullable=False),
        sa.Column("organization_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_sponsor_name", "sponsor", ["name"])
    op.create_index("ix_sponsor_organization_id", "sponsor", ["organization_id"])

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", _str(), nullable=False),
        sa.Column("email", _str(), nullable=False),
        sa.Column("phone", _str(), nullable=False),
        sa.Column("job_title", _str(), nullable=False),
        sa.Column("organization_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=True),
        sa.Column(
            "status",
            sa.Enum("active", "paused", "archived", name="clientstatus"),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("background", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_client_name", "client", ["name"])
    op.create_index("ix_client_organization_id", "client", ["organization_id"])
    op.create_index("ix_client_status", "client", ["status"])

    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), sa.ForeignKey("sponsor.id"), nullable=True),
        sa.Column("kind", sa.Enum("coaching", "mentoring", name="engagementkind"), nullable=False),
        sa.Column(
            "status",
            sa.Enum("planned", "active", "completed", "cancelled", name="engagementstatus"),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("sessions_agreed", sa.Integer(), nullable=False),
        sa.Column("hours_agreed", sa.Float(), nullable=False),
        sa.Column("pro_bono", sa.Boolean(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=True),
        sa.Column("currency", _str(), nullable=False),
        sa.Column("objectives", _str(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_engagement_client_id", "engagement", ["client_id"])
    op.create_index("ix_engagement_sponsor_id", "engagement", ["sponsor_id"])
    op.create_index("ix_engagement_status", "engagement", ["status"])


def downgrade() -> None:
    op.drop_table("engagement")
    op.drop_table("client")
    op.drop_table("sponsor")
    op.drop_table("organization")
