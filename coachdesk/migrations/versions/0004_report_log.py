"""The report log: each sponsor report made per engagement (period, recipient, how and
when it was sent, the SHA-256 of the PDF and where its copy is kept).

Revision ID: 0004_report_log
Revises: 0003_indicators
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_report_log"
down_revision = "0003_indicators"
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "report_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("recipient", _str(), nullable=False),
        sa.Column("method", _str(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sha256", _str(), nullable=False),
        sa.Column("pdf_file", _str(), nullable=False),
        sa.Column("coach_summary", _str(), nullable=False),
        sa.Column("next_steps", _str(), nullable=False),
        sa.Column("sections", _str(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_report_log_engagement_id", "report_log", ["engagement_id"])


def downgrade() -> None:
    op.drop_index("ix_report_log_engagement_id", table_name="report_log")
    op.drop_table("report_log")
