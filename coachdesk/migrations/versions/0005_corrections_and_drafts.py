"""Mistakes can be corrected, reports are drafted: deleted sessions wait in a list they can
be restored from, the report's summary and choices are kept as a draft per engagement, and
indicators can be marked sensitive (wellbeing and intent to stay are, by default).

Revision ID: 0005_corrections
Revises: 0004_report_log
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_corrections"
down_revision = "0004_report_log"
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString

# Frozen here on purpose (see 0003): the default indicators that are sensitive when this
# step runs. A later change to the defaults must not rewrite what this step did.
SENSITIVE_KEYS = ("wellbeing", "intent_to_stay")


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("sensitive", sa.Boolean(), nullable=False,
                                   server_default="0"))
    indicator = sa.table("indicator", sa.column("key", _str()), sa.column("sensitive", sa.Boolean()))
    op.execute(indicator.update().where(indicator.c.key.in_(SENSITIVE_KEYS))
               .values(sensitive=True))

    op.create_table(
        "deleted_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", _str(), nullable=False),
    )
    op.create_index("ix_deleted_session_client_id", "deleted_session", ["client_id"])
    op.create_index("ix_deleted_session_engagement_id", "deleted_session", ["engagement_id"])

    op.create_table(
        "report_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("coach_summary", _str(), nullable=False),
        sa.Column("next_steps", _str(), nullable=False),
        sa.Column("sections", _str(), nullable=False),
        sa.Column("indicator_ids", _str(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_report_draft_engagement_id", "report_draft", ["engagement_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_report_draft_engagement_id", table_name="report_draft")
    op.drop_table("report_draft")
    op.drop_index("ix_deleted_session_engagement_id", table_name="deleted_session")
    op.drop_index("ix_deleted_session_client_id", table_name="deleted_session")
    op.drop_table("deleted_session")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("sensitive")
