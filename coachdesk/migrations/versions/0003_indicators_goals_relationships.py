"""Talent-retention indicators (with a default set) and their readings, GAS goals and
their ratings, stakeholders, the client's motivational value system and blocking patterns.

Revision ID: 0003_indicators
Revises: 0002_sessions
Create Date: 2026-11-23
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_indicators"
down_revision = "0002_sessions"
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString


def _stamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


# The default indicator library as it was when this migration was written. It is
# frozen here on purpose: a later change to the defaults in
# coachdesk/services/indicators.py must not rewrite what this step did.
# key, name, scale_min, scale_max, description
DEFAULT_INDICATORS = [
    ("engagement", "Engagement at work", 1, 10,
     "How much energy, focus and enthusiasm the client brings to their work right now. "
     "1 = going through the motions, drained or detached; 5 = steady but without spark; "
     "10 = absorbed, energised, looking for more to take on."),
    ("commitment", "Commitment to the organization", 1, 10,
     "How attached the client feels to the organization itself (its purpose, its people, what "
     "it stands for), not only to the job. 1 = no loyalty, would leave without regret; "
     "5 = neutral, it is a decent employer; 10 = identifies with it and speaks of it as “we”."),
    ("intent_to_stay", "Intent to stay", 1, 10,
     "How likely the client is to still be with the organization in 12 months, in their own "
     "words or as you judge it. 1 = leaving or actively looking; 5 = open to offers, undecided; "
     "10 = clearly plans to stay and grow here."),
    ("trust_in_leadership", "Trust in manager and leadership", 1, 10,
     "How far the client trusts their manager and the senior leadership to be honest, fair and "
     "competent, with the client's interests in mind. 1 = open distrust; 5 = wary, takes what "
     "they say with caution; 10 = full confidence, raises difficult things openly."),
    ("development_path", "Sees a future here", 1, 10,
     "Whether the client sees a development path in this organization: a next step, growth, a "
     "reason to build a career here. 1 = sees no future here; 5 = vague, nothing concrete; "
     "10 = a clear, believable path that they want."),
    ("wellbeing", "Wellbeing and resilience", 1, 10,
     "How well the client is coping: energy, sleep, stress, and how quickly they recover from "
     "setbacks. 1 = exhausted or close to burnout; 5 = managing, with strain showing; "
     "10 = well, with energy in reserve."),
    ("relationship_quality", "Quality of key relationships", 1, 10,
     "How well the client's most important working relationships (manager, peers, team, "
     "sponsor) are going. 1 = several key relationships are damaged; 5 = workable, some "
     "friction; 10 = strong, trusted relationships that carry their goals."),
    ("confidence_in_role", "Confidence in role", 1, 10,
     "How confident and credible the client feels in their current role, and how others seem "
     "to see them in it. 1 = out of their depth; 5 = competent but unsure at times; "
     "10 = fully owns the role and its authority."),
    ("readiness_next_role", "Readiness for the next role", 1, 5,
     "How ready the client is for the next step up (the role the organization has in mind, or "
     "the one they want). 1 = several years away; 2 = two to three years; 3 = one to two years; "
     "4 = ready within a year; 5 = ready now."),
]


def upgrade() -> None:
    indicator = op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", _str(), nullable=True),
        sa.Column("name", _str(), nullable=False),
        sa.Column("description", _str(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_indicator_key", "indicator", ["key"], unique=True)

    op.create_table(
        "indicator_reading",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=True),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicator.id"), nullable=False),
        sa.Column("reading_date", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.Enum("coach_observation", "self_rating", "sponsor", "feedback_360",
                                    name="readingsource"), nullable=False),
        sa.Column("private_comment", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_indicator_reading_client_id", "indicator_reading", ["client_id"])
    op.create_index("ix_indicator_reading_engagement_id", "indicator_reading", ["engagement_id"])
    op.create_index("ix_indicator_reading_indicator_id", "indicator_reading", ["indicator_id"])
    op.create_index("ix_indicator_reading_reading_date", "indicator_reading", ["reading_date"])
    op.create_index("ix_indicator_reading_client_indicator_date", "indicator_reading",
                    ["client_id", "indicator_id", "reading_date", "id", "value"])

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("title", _str(), nullable=False),
        sa.Column("description", _str(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column("baseline_level", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level_m2", _str(), nullable=False),
        sa.Column("level_m1", _str(), nullable=False),
        sa.Column("level_0", _str(), nullable=False),
        sa.Column("level_p1", _str(), nullable=False),
        sa.Column("level_p2", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_goal_engagement_id", "goal", ["engagement_id"])

    op.create_table(
        "goal_rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("goal_id", sa.Integer(), sa.ForeignKey("goal.id"), nullable=False),
        sa.Column("rating_date", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_goal_rating_goal_id", "goal_rating", ["goal_id"])
    op.create_index("ix_goal_rating_rating_date", "goal_rating", ["rating_date"])

    op.create_table(
        "stakeholder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("name", _str(), nullable=False),
        sa.Column("role", _str(), nullable=False),
        sa.Column("relation", sa.Enum("manager", "peer", "direct_report", "sponsor", "other",
                                      name="stakeholderrelation"), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=False),
        sa.Column("relationship_quality", sa.Integer(), nullable=False),
        sa.Column("trend", sa.Enum("improving", "steady", "worsening", name="relationshiptrend"),
                  nullable=False),
        sa.Column("notes", _str(), nullable=False),
        sa.Column("mvs_blue", sa.Float(), nullable=True),
        sa.Column("mvs_red", sa.Float(), nullable=True),
        sa.Column("mvs_green", sa.Float(), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_stakeholder_client_id", "stakeholder", ["client_id"])

    op.create_table(
        "client_motivation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("blue", sa.Float(), nullable=False),
        sa.Column("red", sa.Float(), nullable=False),
        sa.Column("green", sa.Float(), nullable=False),
        sa.Column("notes", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_client_motivation_client_id", "client_motivation", ["client_id"],
                    unique=True)

    op.create_table(
        "blocking_pattern",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("pattern", _str(), nullable=False),
        sa.Column("when_it_shows", _str(), nullable=False),
        sa.Column("what_it_costs", _str(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_blocking_pattern_client_id", "blocking_pattern", ["client_id"])

    now = datetime.now(UTC)
    op.bulk_insert(indicator, [
        {"key": key, "name": name, "description": description, "scale_min": low,
         "scale_max": high, "higher_is_better": True, "position": position, "retired": False,
         "created_at": now, "updated_at": now}
        for position, (key, name, low, high, description) in enumerate(DEFAULT_INDICATORS)
    ])


def downgrade() -> None:
    op.drop_table("blocking_pattern")
    op.drop_table("client_motivation")
    op.drop_table("stakeholder")
    op.drop_table("goal_rating")
    op.drop_table("goal")
    op.drop_table("indicator_reading")
    op.drop_table("indicator")
