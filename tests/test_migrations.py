"""The Alembic migrations own the schema; they must agree with the SQLModel tables."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, create_engine

import coachdesk
import coachdesk.models  # noqa: F401  (registers the tables)
from coachdesk import migrations, storage

PACKAGE_DIR = Path(coachdesk.__file__).resolve().parent
TABLES = set(SQLModel.metadata.tables)
FOUNDATION_TABLES = {"organization", "sponsor", "client", "engagement"}
# The full-text index is an FTS5 virtual table (and its shadow tables) kept in
# step by triggers; it is not a SQLModel table.
FTS_PREFIX = "search_index"


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True,
                        "include_name": lambda name, type_, parents: not (
                            type_ == "table" and name.startswith(FTS_PREFIX))})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], f"migrations and models disagree: {differences}"


def _shape(path: Path) -> dict:
    """Columns, indexes and foreign keys as SQLite itself reports them."""
    con = sqlite3.connect(path)
    try:
        shape = {}
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' "
            f"AND name NOT LIKE '{FTS_PREFIX}%'")]
        for name in names:
            columns = [tuple(r[1:6]) for r in con.execute(f"PRAGMA table_info({name})")]
            indexes = sorted(
                (r[1], r[2], tuple(x[2] for x in con.execute(f"PRAGMA index_info({r[1]})")))
                for r in con.execute(f"PRAGMA index_list({name})"))
            fks = sorted(tuple(r[2:5]) for r in con.execute(f"PRAGMA foreign_key_list({name})"))
            shape[name] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
        return shape
    finally:
        con.close()


def test_migrated_schema_is_what_the_models_would_create(tmp_path):
    """A second, independent comparison: PRAGMA-level shape of both schemas.

    ``create_all`` is used here on a scratch file only, never on a coach's file.
    """
    migrated = tmp_path / "migrated.db"
    storage.open_database(migrated).close()
    scratch = tmp_path / "scratch.db"
    engine = create_engine(f"sqlite:///{scratch}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    a, b = _shape(migrated), _shape(scratch)
    assert set(a) == TABLES
    assert a == b


def test_create_all_is_never_used_by_the_engine():
    offenders = [str(p.relative_to(PACKAGE_DIR)) for p in PACKAGE_DIR.rglob("*.py")
                 if "create_all" in p.read_text(encoding="utf-8")]
    assert offenders == []
    # Sanity: the scan really covers the package, migrations included.
    scanned = {p.name for p in PACKAGE_DIR.rglob("*.py")}
    assert {"storage.py", "0001_foundation.py", "env.py"} <= scanned


def test_revisions_form_one_line_ending_at_head():
    head = migrations.head_revision()
    known = migrations.known_revisions()
    assert head in known
    assert "0001_foundation" in known
    script = migrations._script()
    assert len(script.get_heads()) == 1, "two heads: a migration forgot its down_revision"
    # Walking down from head reaches every known revision exactly once.
    chain = [rev.revision for rev in script.iterate_revisions(head, "base")]
    assert sorted(chain) == sorted(known)
    # Revision ids are ordered file names: NNNN_name.
    for rev in known:
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+", rev), rev


def test_head_constant_is_alembics_head():
    """``migrations.HEAD`` lets a current file open without Alembic; it must not drift
    from what Alembic itself finds (a new migration must update it)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.make_config())
    assert script.get_heads() == [migrations.HEAD]
    assert migrations.head_revision() == migrations.HEAD


def test_upgrade_at_head_is_a_no_op(db):
    before = _shape(db.path)
    with db.engine.begin() as conn:
        migrations.upgrade(conn)
    assert db.revision() == migrations.head_revision()
    assert _shape(db.path) == before


def test_upgrade_to_a_named_revision(tmp_path):
    path = tmp_path / "named.db"
    engine = storage.make_engine(path)
    try:
        with engine.begin() as conn:
            migrations.upgrade(conn, "0001_foundation")
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == "0001_foundation"
    finally:
        engine.dispose()
    assert set(_shape(path)) == FOUNDATION_TABLES


def test_downgrade_to_base_and_back(tmp_path):
    path = tmp_path / "roundtrip.db"
    storage.open_database(path).close()
    engine = storage.make_engine(path)
    try:
        with engine.begin() as conn:
            command.downgrade(migrations.make_config(conn), "base")
        assert set(_shape(path)) == set()
        with engine.begin() as conn:
            migrations.upgrade(conn)
    finally:
        engine.dispose()
    assert set(_shape(path)) == TABLES
    # And the result opens as a normal practice.
    db = storage.open_database(path)
    try:
        assert db.revision() == migrations.head_revision()
    finally:
        db.close()
