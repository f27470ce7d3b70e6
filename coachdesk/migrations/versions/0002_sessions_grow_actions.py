"""Sessions with private and shareable notes, GROW worksheets, action items, settings,
and the full-text search index kept in step by triggers.

Revision ID: 0002_sessions
Revises: 0001_foundation
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_sessions"
down_revision = "0001_foundation"
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
        "coaching_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("format", sa.Enum("in_person", "video", "phone", name="sessionformat"),
                  nullable=False),
        sa.Column("pro_bono", sa.Boolean(), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("planned", "held", "cancelled_late", "cancelled", "no_show",
                                    name="sessionstatus"), nullable=False),
        sa.Column("private_notes", _str(), nullable=False),
        sa.Column("shared_summary", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_coaching_session_engagement_id", "coaching_session", ["engagement_id"])
    op.create_index("ix_coaching_session_client_id", "coaching_session", ["client_id"])
    op.create_index("ix_coaching_session_session_date", "coaching_session", ["session_date"])
    op.create_index("ix_coaching_session_status", "coaching_session", ["status"])

    op.create_table(
        "grow_worksheet",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("coaching_session.id"), nullable=False),
        sa.Column("goal_session", _str(), nullable=False),
        sa.Column("goal_long_term", _str(), nullable=False),
        sa.Column("reality_facts", _str(), nullable=False),
        sa.Column("reality_tried", _str(), nullable=False),
        sa.Column("reality_obstacles", _str(), nullable=False),
        sa.Column("will_what", _str(), nullable=False),
        sa.Column("will_when", _str(), nullable=False),
        sa.Column("commitment", sa.Integer(), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_grow_worksheet_session_id", "grow_worksheet", ["session_id"], unique=True)

    op.create_table(
        "grow_option",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("worksheet_id", sa.Integer(), sa.ForeignKey("grow_worksheet.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", _str(), nullable=False),
        sa.Column("notes", _str(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_grow_option_worksheet_id", "grow_option", ["worksheet_id"])

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("coaching_session.id"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("text", _str(), nullable=False),
        sa.Column("owner", sa.Enum("client", "coach", name="actionowner"), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.Enum("open", "done", "dropped", name="actionstatus"),
                  nullable=False),
        sa.Column("status_changed_on", sa.Date(), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_action_item_session_id", "action_item", ["session_id"])
    op.create_index("ix_action_item_client_id", "action_item", ["client_id"])
    op.create_index("ix_action_item_status", "action_item", ["status"])

    op.create_table(
        "setting",
        sa.Column("key", _str(), primary_key=True),
        sa.Column("value", _str(), nullable=False),
    )


    # Full-text search over clients, both kinds of notes, worksheets, options and
    # actions. rowid = source id * 8 + kind code, so triggers replace one row
    # without scanning; remove_diacritics lets "jose" find "José".
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, client_id UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for statement in TRIGGERS:
        op.execute(statement)
    for statement in POPULATE:
        op.execute(statement)


def _trigger_set(table: str, code: int, kind: str, client: str, body: str,
                 columns: str, where: str = "1") -> list[str]:
    """Insert/update/delete triggers keeping one kind of search row in step."""
    insert = (f"INSERT INTO search_index(rowid, kind, ref_id, client_id, body) "
              f"SELECT new.id * 8 + {code}, '{kind}', new.id, {client}, {body} WHERE {where};")
    delete = f"DELETE FROM search_index WHERE rowid = old.id * 8 + {code};"
    return [
        f"CREATE TRIGGER search_{kind}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER search_{kind}_au AFTER UPDATE OF {columns} ON {table} "
        f"BEGIN {delete} {insert} END",
        f"CREATE TRIGGER search_{kind}_ad AFTER DELETE ON {table} BEGIN {delete} END",
    ]


_WS_BODY = ("new.goal_session || char(10) || new.goal_long_term || char(10) || "
            "new.reality_facts || char(10) || new.reality_tried || char(10) || "
            "new.reality_obstacles || char(10) || new.will_what || char(10) || new.will_when")
_WS_CLIENT = "(SELECT client_id FROM coaching_session WHERE id = new.session_id)"
_OPT_CLIENT = ("(SELECT s.client_id FROM grow_worksheet w JOIN coaching_session s "
               "ON s.id = w.session_id WHERE w.id = new.worksheet_id)")

TRIGGERS = [
    *_trigger_set("client", 1, "client", "new.id",
                  "new.name || char(10) || new.job_title || char(10) || new.email || char(10) "
                  "|| new.background", "name, job_title, email, background"),
    *_trigger_set("coaching_session", 2, "private_note", "new.client_id", "new.private_notes",
                  "private_notes, client_id", "new.private_notes != ''"),
    *_trigger_set("coaching_session", 3, "shared_summary", "new.client_id", "new.shared_summary",
                  "shared_summary, client_id", "new.shared_summary != ''"),
    *_trigger_set("grow_worksheet", 4, "worksheet", _WS_CLIENT, _WS_BODY,
                  "goal_session, goal_long_term, reality_facts, reality_tried, "
                  "reality_obstacles, will_what, will_when"),
    *_trigger_set("grow_option", 5, "option", _OPT_CLIENT,
                  "new.text || char(10) || new.notes", "text, notes"),
    *_trigger_set("action_item", 6, "action", "new.client_id", "new.text", "text"),
]

# Clients already in the file are indexed at once.
POPULATE = [
    "INSERT INTO search_index(rowid, kind, ref_id, client_id, body) "
    "SELECT id * 8 + 1, 'client', id, id, name || char(10) || job_title || char(10) || email "
    "|| char(10) || background FROM client",
]


def downgrade() -> None:
    for statement in TRIGGERS:
        name = statement.split()[2]
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_table("setting")
    op.drop_table("action_item")
    op.drop_table("grow_option")
    op.drop_table("grow_worksheet")
    op.drop_table("coaching_session")
