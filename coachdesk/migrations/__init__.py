"""Alembic migrations, driven from code (no alembic.ini needed).

``upgrade(connection)`` brings a database to the head revision;
``head_revision()`` and ``known_revisions()`` let storage recognise a file
made by a newer CoachDesk before touching it.

Alembic itself is imported only when a migration has to run: reading the
revision ids from the version files is enough to know a file is current, and
saves about half a second at every start.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent

#: The newest revision, kept here so that opening a current file needs neither Alembic nor
#: the version files: update it with every new migration (tests/test_migrations.py
#: ``test_head_constant_is_alembics_head`` fails until it equals Alembic's head).
HEAD = "0006_business"

_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)
_DOWN = re.compile(r'^down_revision\s*=\s*(None|["\']([^"\']+)["\'])', re.MULTILINE)


def make_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(make_config())


@lru_cache(maxsize=4)
def _graph(folder: Path) -> dict[str, str | None]:
    """revision -> down_revision, read from the version files without importing them."""
    graph: dict[str, str | None] = {}
    for path in sorted((folder / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev:
            graph[rev.group(1)] = down.group(2) if down else None
    return graph


def known_revisions() -> set[str]:
    return set(_graph(MIGRATIONS_DIR))


def revisions_in_order() -> list[str]:
    """Every known revision, oldest first (the chain of ``down_revision`` links)."""
    graph = _graph(MIGRATIONS_DIR)
    order = []
    rev: str | None = head_revision()
    while rev is not None:
        order.append(rev)
        rev = graph.get(rev)
    return order[::-1]


def revisions_after(revision: str | None) -> list[str]:
    """The revisions a file at ``revision`` lacks, oldest first (all of them for ``None``)."""
    order = revisions_in_order()
    if revision is None or revision not in order:
        return order
    return order[order.index(revision) + 1:]


def head_revision() -> str:
    graph = _graph(MIGRATIONS_DIR)
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:  # pragma: no cover - a packaging mistake, caught by tests
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def upgrade(connection, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(make_config(connection), revision)


def clear_caches() -> None:
    _script.cache_clear()
    _graph.cache_clear()
