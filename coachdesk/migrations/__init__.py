"""Alembic migrations, driven from code (no alembic.ini needed).

``upgrade(connection)`` brings a database to the head revision;
``head_revision()`` and ``known_revisions()`` let storage recognise a file
made by a newer CoachDesk before touching it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent


def make_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(make_config())


def head_revision() -> str:
    return _script().get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def upgrade(connection, revision: str = "head") -> None:
    command.upgrade(make_config(connection), revision)
