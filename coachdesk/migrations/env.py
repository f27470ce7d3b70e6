"""Alembic environment: always handed a live connection by coachdesk.storage."""

from alembic import context
from sqlmodel import SQLModel

import coachdesk.models  # noqa: F401  (registers the tables on the metadata)
from coachdesk.faults import crash_point

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic's own CLI
    raise RuntimeError("CoachDesk migrations run through coachdesk.storage, not the alembic CLI")

def include_name(name, type_, parent_names):
    """The FTS5 search index (and its shadow tables) is managed by hand, not by models."""
    return not (type_ == "table" and name and name.startswith("search_index"))


def _after_revision(ctx, step, heads, run_args) -> None:
    """Tests: a kill between two revisions (``migrate:after-<revision>``)."""
    crash_point(f"migrate:after-{step.up_revision_id}")


context.configure(
    connection=connection,
    on_version_apply=_after_revision,
    include_name=include_name,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
