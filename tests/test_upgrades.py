"""A coach's file from an earlier version opens in this one with nothing lost."""

from __future__ import annotations

import sqlite3

from coachdesk import demo, migrations, storage
from coachdesk.services import clients


def make_file_at(path, revision: str):
    """A demo practice as the version whose head was ``revision`` left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = storage.make_engine(path)
    with engine.begin() as conn:
        migrations.upgrade(conn, revision)
    db = storage.Database(path, engine)
    demo.populate(db)
    db.close()
    return path


def dump(path, tables):
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    finally:
        con.close()


def test_foundation_file_upgrades_to_sessions_with_nothing_lost(db_path):
    make_file_at(db_path, "0001_foundation")
    tables = ["organization", "sponsor", "client", "engagement"]
    before = dump(db_path, tables)

    db = storage.open_database(db_path)
    try:
        assert db.revision() == migrations.head_revision()
        assert clients.count(db) == 12
    finally:
        db.close()
    assert dump(db_path, tables) == before

    backups = storage.list_backups(db_path)
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    assert storage.inspect_file(backups[0]).revision == "0001_foundation"
    assert dump(backups[0], tables) == before

    # The existing clients were indexed for search by the upgrade itself.
    con = sqlite3.connect(db_path)
    try:
        hits = con.execute("SELECT ref_id FROM search_index WHERE search_index MATCH 'jose'")
        names = {con.execute("SELECT name FROM client WHERE id=?", (r[0],)).fetchone()[0]
                 for r in hits.fetchall()}
    finally:
        con.close()
    assert names == {"José Álvarez García"}
    assert storage.check_file(db_path).ok
