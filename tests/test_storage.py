"""Opening, checking, backing up and restoring the one practice file."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from coachdesk import demo, migrations, paths, storage
from coachdesk.errors import (
    CorruptDatabaseError,
    EmptyPracticeFileError,
    NewerSchemaError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from coachdesk.services import clients

# -- helpers -----------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_demo_file(path: Path, clients_count: int = 12) -> Path:
    db = storage.open_database(path)
    try:
        demo.populate(db, clients=clients_count, seed=7)
    finally:
        db.close()
    return path


def client_names(path: Path) -> list[str]:
    """Read names straight from the file with sqlite3 (no CoachDesk code involved)."""
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM client"))
    finally:
        con.close()


def revision_in(path: Path) -> str | None:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def corrupt(path: Path) -> None:
    """Overwrite every page except the first and the last with garbage."""
    size = path.stat().st_size
    page = 4096
    assert size >= 4 * page, "the demo file should span several pages"
    garbage = random.Random(1234).randbytes(size - 2 * page)
    with open(path, "r+b") as fh:
        fh.seek(page)
        fh.write(garbage)


def assert_plain_message(exc: BaseException, path: Path) -> None:
    message = str(exc)
    assert message.strip(), "the error must say something"
    assert "\n" not in message
    assert "Traceback" not in message
    assert path.name in message


@pytest.fixture
def demo_file(db_path) -> Path:
    return make_demo_file(db_path)


# -- a new file ----------------------------------------------------------------------


def test_new_file_is_created_and_migrated_to_head(db_path):
    assert not db_path.parent.exists()
    db = storage.open_database(db_path)
    try:
        assert db_path.is_file()
        assert db.revision() == migrations.head_revision()
        with db.engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"organization", "sponsor", "client", "engagement", "alembic_version"} <= tables
        assert clients.count(db) == 0
    finally:
        db.close()
    # Nothing to protect in a brand-new file: no backup is taken.
    assert storage.list_backups(db_path) == []
    assert not paths.backup_dir(db_path).exists()


def test_empty_file_becomes_a_new_practice_only_when_asked(db_path):
    """A 0-byte file is usually a copy or sync that did not finish: refused in plain words
    (and left as it is) unless the caller says to start a new practice in it."""
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    with pytest.raises(EmptyPracticeFileError, match=r"empty \(0 bytes\)"):
        storage.open_database(db_path)
    assert db_path.read_bytes() == b""
    assert not paths.backup_dir(db_path).exists(), "nothing backed up as if it were a practice"
    db = storage.open_database(db_path, accept_empty=True)
    try:
        assert db.revision() == migrations.head_revision()
    finally:
        db.close()
    report = storage.check_file(db_path)
    assert report.ok and report.clients == 0 and "0 clients" in report.message
    assert revision_in(db_path) == migrations.head_revision()


def test_opening_again_keeps_the_data(demo_file):
    names = client_names(demo_file)
    db = storage.open_database(demo_file)
    try:
        assert clients.count(db) == 12
    finally:
        db.close()
    assert client_names(demo_file) == names


def _pragmas(dbapi_or_conn) -> dict:
    run = dbapi_or_conn.exec_driver_sql if hasattr(dbapi_or_conn, "exec_driver_sql") else None
    if run is None:  # a Session
        run = lambda sql: dbapi_or_conn.execute(text(sql))  # noqa: E731
    return {name: run(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")}


def _assert_pragmas(values: dict) -> None:
    assert values["foreign_keys"] == 1
    assert str(values["journal_mode"]).lower() == "wal"
    assert values["synchronous"] == 2  # FULL
    assert values["busy_timeout"] > 0


def test_pragmas_are_in_force_on_every_connection(db):
    # Two connections held at once are two distinct SQLite connections.
    with db.engine.connect() as first, db.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        _assert_pragmas(_pragmas(first))
        _assert_pragmas(_pragmas(second))
    with db.session() as s:
        _assert_pragmas(_pragmas(s))
    # A fresh pool (e.g. after dispose) sets them again.
    db.engine.dispose()
    with db.engine.connect() as third:
        _assert_pragmas(_pragmas(third))


def test_foreign_keys_are_enforced(db):
    from sqlalchemy.exc import IntegrityError

    from coachdesk.models import Client

    with pytest.raises(IntegrityError):
        with db.session() as s:
            s.add(Client(name="Orphan", organization_id=999))
    assert clients.count(db) == 0


# -- files CoachDesk must refuse, untouched ---------------------------------------


def _refused(path: Path, error: type[StorageError]) -> StorageError:
    before = sha256(path)
    with pytest.raises(error) as info:
        storage.open_database(path)
    assert sha256(path) == before, "a refused file must not be changed"
    assert_plain_message(info.value, path)
    assert not paths.backup_dir(path).exists() or storage.list_backups(path) == []
    return info.value


def test_random_bytes_are_not_a_database(tmp_path):
    path = tmp_path / "noise.db"
    path.write_bytes(random.Random(1).randbytes(20_000))
    err = _refused(path, NotADatabaseError)
    assert "not a CoachDesk file" in str(err)


def test_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Session notes, Tuesday\nJosé: delegation\n", encoding="utf-8")
    err = _refused(path, NotADatabaseError)
    assert "not a database" in str(err)


def test_tiny_file_is_not_a_database(tmp_path):
    path = tmp_path / "tiny.db"
    path.write_bytes(b"SQL")
    _refused(path, NotADatabaseError)


def test_a_folder_is_not_a_database(tmp_path):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    with pytest.raises(NotADatabaseError, match="folder"):
        storage.open_database(folder)


def test_sqlite_file_from_another_app_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO recipes (title) VALUES ('Tarte Tatin')")
    con.commit()
    con.close()
    err = _refused(path, NotADatabaseError)
    assert "not one made by CoachDesk" in str(err)
    con = sqlite3.connect(path)
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master")} == {"recipes"}
    con.close()


def test_corrupt_coachdesk_file_is_refused(demo_file):
    corrupt(demo_file)
    err = _refused(demo_file, CorruptDatabaseError)
    assert "damaged" in str(err)


def test_read_only_file_is_refused(demo_file):
    os.chmod(demo_file, 0o444)
    try:
        # Even as root (who could write anyway) the owner's write bit is respected.
        assert not demo_file.stat().st_mode & stat.S_IWUSR
        err = _refused(demo_file, ReadOnlyDatabaseError)
        assert "read-only" in str(err)
    finally:
        os.chmod(demo_file, 0o644)


def test_file_from_a_newer_coachdesk_is_refused(demo_file):
    con = sqlite3.connect(demo_file)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    err = _refused(demo_file, NewerSchemaError)
    assert "newer version of CoachDesk" in str(err)
    assert revision_in(demo_file) == "9999_future"


@pytest.mark.parametrize("folder", ["Clients #2", "100% sure", "why?", "a%23b", "Équipe été"])
def test_folder_names_with_uri_characters(tmp_path, folder):
    """'#', '?' and '%' are legal in folder names; every step must use the real file."""
    path = make_demo_file(tmp_path / folder / "coachdesk.db")
    report = storage.check_file(path)
    assert report.ok and report.clients == 12, report.message
    backup = storage.backup_file(path)
    assert client_names(backup) == client_names(path)
    assert len(client_names(backup)) == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder], "no stray files"
    kept = storage.restore_file(backup, path)
    assert kept is not None and len(client_names(kept)) == 12


CHECK_AS_OTHER_USER = """
import coachdesk
assert coachdesk.__file__.startswith({code!r}), "not the code under test: " + coachdesk.__file__
from coachdesk import storage
from coachdesk.errors import ReadOnlyDatabaseError
path = {path!r}
report = storage.check_file(path)
assert report.ok and report.clients == 12, report.message
try:
    storage.open_database(path)
except ReadOnlyDatabaseError as exc:
    print("read-only:", exc)
else:
    raise SystemExit("opened a file this user cannot write")
print(storage.backup_file(path, {out!r}))
"""


def test_healthy_file_we_may_not_write_is_read_only_not_damaged():
    """A WAL file in a folder the user cannot write (another user's practice, a
    read-only share) is healthy: it must be reported read-only, never damaged.

    The other user runs copies of the code under test and of its dependencies
    (``other_user``), so the test passes wherever the checkout and the venv live."""
    from other_user import OtherUser, shared_temp_folder

    # Not pytest's private tmp_path: another user must reach it.
    base = shared_temp_folder()
    try:
        path = make_demo_file(base / "practice" / "coachdesk.db")
        other = OtherUser(base)
        rehearsal = base / "rehearsal"
        rehearsal.mkdir()
        shutil.copy2(path, rehearsal / "coachdesk.db")
        other.start(CHECK_AS_OTHER_USER.format(code=str(other.code),
                                               path=str(rehearsal / "coachdesk.db"),
                                               out=str(rehearsal / "copy.db")))
        # CoachDesk makes its own files private (0600 in 0700); a practice shared on
        # purpose is readable by others, as here.
        os.chmod(path.parent, 0o755)
        for item in path.parent.iterdir():
            os.chmod(item, 0o644)
        out = base / "out" / "copy.db"
        out.parent.mkdir()
        assert not Path(str(path) + "-shm").exists()
        if other.as_root:
            os.chmod(out.parent, 0o777)
        else:  # the current user is the "other" one: take its write permission away
            os.chmod(path.parent, 0o555)
        result = other.run(CHECK_AS_OTHER_USER.format(code=str(other.code), path=str(path),
                                                      out=str(out)))
        assert result.returncode == 0, result.stderr
        assert "read-only" in result.stdout
        assert len(client_names(out)) == 12
    finally:
        for folder in (base / "practice", base):
            if folder.exists():
                os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)


# -- upgrading an older file: backed up first, atomically -----------------------------

# These tests copy the migration scripts to a temporary folder, add a genuine
# probe revision after the real head (one that can be made to fail) and point
# coachdesk.migrations at it.  Upgrades with the real scripts, from each
# earlier head, are in test_upgrades.py.

PROBE_MIGRATION = '''
import sqlalchemy as sa
from alembic import op

revision = "0999_probe"
down_revision = "HEAD_BEFORE"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("probe", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("nickname", sa.String(), nullable=False, server_default=""))
    FAIL


def downgrade():
    op.drop_table("probe")
'''


FAILURES = {
    None: "",
    "python": '    raise RuntimeError("disk on fire")\n',
    "sql": '    op.create_table("client", sa.Column("id", sa.Integer()))\n',
}


def _with_next_revision(tmp_path, monkeypatch, fail: str | None) -> str:
    scripts = tmp_path / f"migrations-{fail or 'ok'}"
    shutil.copytree(migrations.MIGRATIONS_DIR, scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    body = PROBE_MIGRATION.replace("    FAIL\n", FAILURES[fail]).replace(
        "HEAD_BEFORE", migrations.head_revision())
    (scripts / "versions" / "0999_probe.py").write_text(body)
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrations, "HEAD", "0999_probe")  # as a new migration must
    migrations._script.cache_clear()
    return "0999_probe"


@pytest.fixture
def older_file(db_path):
    """A demo practice at the real head, about to meet a newer (probe) revision."""
    path = make_demo_file(db_path)
    assert revision_in(path) == migrations.head_revision()
    yield path
    migrations._script.cache_clear()  # forget any patched script folder


def _columns(path: Path, table: str) -> list[str]:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
    finally:
        con.close()


def test_file_at_head_is_opened_without_a_backup(demo_file):
    db = storage.open_database(demo_file)
    db.close()
    assert storage.list_backups(demo_file) == []


def test_older_file_is_backed_up_then_upgraded(older_file, tmp_path, monkeypatch):
    names = client_names(older_file)
    before = sha256(older_file)
    new_head = _with_next_revision(tmp_path, monkeypatch, fail=None)
    assert migrations.head_revision() == new_head

    report = storage.check_file(older_file)
    assert report.ok and "will be upgraded" in report.message

    db = storage.open_database(older_file)
    try:
        assert db.revision() == new_head
        assert clients.count(db) == 12
    finally:
        db.close()
    assert "nickname" in _columns(older_file, "client")
    assert client_names(older_file) == names

    backups = storage.list_backups(older_file)
    assert len(backups) == 1
    backup = backups[0]
    assert "pre-migration" in backup.name
    # The backup is the file exactly as it was: old revision, old schema, same data.
    assert revision_in(backup) != new_head
    assert "nickname" not in _columns(backup, "client")
    assert client_names(backup) == names
    assert sha256(older_file) != before

    # Opening again at the new head takes no further backup.
    storage.open_database(older_file).close()
    assert len(storage.list_backups(older_file)) == 1


@pytest.mark.parametrize("fail, reason", [
    ("python", "RuntimeError"),
    ("sql", "OperationalError"),
])
def test_failed_upgrade_leaves_the_file_as_it_was(older_file, tmp_path, monkeypatch, fail,
                                                  reason):
    names = client_names(older_file)
    columns = _columns(older_file, "client")
    before = sha256(older_file)
    _with_next_revision(tmp_path, monkeypatch, fail=fail)

    with pytest.raises(StorageError) as info:
        storage.open_database(older_file)
    assert_plain_message(info.value, older_file)
    assert "could not upgrade" in str(info.value)
    assert reason not in str(info.value), "no exception class names in a coach's message"

    # The whole migration was rolled back: not even its first steps remain.
    assert revision_in(older_file) != "0999_probe"
    assert _columns(older_file, "client") == columns
    con = sqlite3.connect(older_file)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name='probe'").fetchone()[0] == 0
    con.close()
    assert client_names(older_file) == names
    assert sha256(older_file) == before
    # And the pre-migration backup is there, named in the message.
    backups = storage.list_backups(older_file)
    assert len(backups) == 1 and str(backups[0]) in str(info.value)


# -- backups and restore -----------------------------------------------------------


def test_backup_and_restore_round_trip(demo_file):
    names = client_names(demo_file)
    backup = storage.backup_file(demo_file)
    assert backup.parent == paths.backup_dir(demo_file)
    assert backup.name.startswith(f"{demo_file.stem}-") and backup.name.endswith("-manual.db")
    assert client_names(backup) == names
    assert storage.inspect_file(backup).revision == migrations.head_revision()
    assert storage.list_backups(demo_file) == [backup]

    db = storage.open_database(demo_file)
    clients.create(db, "Added After Backup")
    db.close()
    assert "Added After Backup" in client_names(demo_file)

    kept = storage.restore_file(backup, demo_file)
    assert client_names(demo_file) == names
    assert kept is not None and kept.parent == paths.backup_dir(demo_file)
    assert "before-restore" in kept.name
    assert "Added After Backup" in client_names(kept)
    assert storage.check_file(demo_file).ok
    db = storage.open_database(demo_file)
    try:
        assert [r.name for r in clients.list_rows(db)][:1] == ["Amara Okafor"]
        assert clients.count(db) == 12
    finally:
        db.close()


def test_backup_to_a_chosen_file_and_folder(demo_file, tmp_path):
    out = storage.backup_file(demo_file, tmp_path / "elsewhere" / "copy.db")
    assert out == tmp_path / "elsewhere" / "copy.db"
    assert client_names(out) == client_names(demo_file)
    folder = tmp_path / "usb"
    folder.mkdir()
    out2 = storage.backup_file(demo_file, folder)
    assert out2.parent == folder and out2.suffix == ".db"
    assert client_names(out2) == client_names(demo_file)
    # A backup is a self-contained file: no WAL needed to read it.
    assert not Path(str(out2) + "-wal").exists()
    con = sqlite3.connect(out2)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()


def test_backup_refuses_to_overwrite_the_practice_itself(demo_file):
    before = sha256(demo_file)
    with pytest.raises(StorageError, match="over the practice file"):
        storage.backup_file(demo_file, demo_file)
    assert sha256(demo_file) == before


def test_backup_of_a_missing_or_bad_file_is_refused(tmp_path):
    with pytest.raises(StorageError, match="no CoachDesk file"):
        storage.backup_file(tmp_path / "missing.db")
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    with pytest.raises(NotADatabaseError):
        storage.backup_file(bad)


def test_restore_over_a_damaged_file_keeps_its_bytes(demo_file, tmp_path):
    good = storage.backup_file(demo_file, tmp_path / "good.db")
    names = client_names(good)
    corrupt(demo_file)
    damaged_bytes = demo_file.read_bytes()

    kept = storage.restore_file(good, demo_file)
    assert kept is not None and kept.exists()
    assert "damaged" in kept.name and kept.parent == paths.backup_dir(demo_file)
    assert kept.read_bytes() == damaged_bytes
    assert client_names(demo_file) == names
    assert storage.check_file(demo_file).ok


def test_restore_over_a_text_file_keeps_it(demo_file, tmp_path):
    good = storage.backup_file(demo_file, tmp_path / "good.db")
    demo_file.write_text("not a database any more")
    kept = storage.restore_file(good, demo_file)
    assert kept.read_text() == "not a database any more"
    assert storage.check_file(demo_file).ok


def test_restore_into_a_missing_file(demo_file, tmp_path):
    good = storage.backup_file(demo_file, tmp_path / "good.db")
    target = tmp_path / "new-place" / "coachdesk.db"
    assert storage.restore_file(good, target) is None
    assert client_names(target) == client_names(good)


def test_restore_refuses_bad_backups_and_leaves_the_file(demo_file, tmp_path):
    before = sha256(demo_file)
    with pytest.raises(StorageError, match="no backup"):
        storage.restore_file(tmp_path / "nope.db", demo_file)
    junk = tmp_path / "junk.db"
    junk.write_text("junk")
    with pytest.raises(NotADatabaseError):
        storage.restore_file(junk, demo_file)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StorageError, match="holds no practice"):
        storage.restore_file(empty, demo_file)
    with pytest.raises(StorageError, match="practice file itself"):
        storage.restore_file(demo_file, demo_file)
    assert sha256(demo_file) == before
    assert storage.list_backups(demo_file) == []


def test_backups_on_one_day_keep_the_three_newest(demo_file):
    """Rotation (tested in full in test_backups.py): one day keeps its three newest backups
    (backups.KEEP_RECENT), older ones of that day go."""
    made = [storage.backup_file(demo_file) for _ in range(5)]
    assert len(set(made)) == len(made), "each backup gets its own name"
    assert storage.list_backups(demo_file) == made[:-4:-1]  # newest first
    assert not any(p.exists() for p in made[:-3])


def test_latest_good_backup_skips_damaged_ones(demo_file):
    from datetime import datetime, timedelta

    from coachdesk import backups

    assert storage.latest_good_backup(demo_file) is None
    now = datetime.now()
    older = backups.backup_now(demo_file, now=now - timedelta(days=1)).path
    newer = backups.backup_now(demo_file, now=now).path
    assert storage.latest_good_backup(demo_file) == newer
    corrupt(newer)
    assert storage.latest_good_backup(demo_file) == older


# -- check_file ------------------------------------------------------------------


def test_check_file_ok(demo_file):
    before = sha256(demo_file)
    report = storage.check_file(demo_file)
    assert report.ok
    assert report.message.startswith("OK:")
    assert "12 clients" in report.message and "\n" not in report.message
    assert report.revision == report.head == migrations.head_revision()
    assert report.clients == 12
    assert sha256(demo_file) == before


@pytest.mark.parametrize("kind, expected", [
    ("missing", "There is no CoachDesk file"),
    ("empty", "is empty"),
    ("text", "not a database"),
    ("other-app", "not one made by CoachDesk"),
    ("corrupt", "damaged"),
    ("future", "newer version"),
    ("broken-links", "broken links"),
])
def test_check_file_not_ok(kind, expected, tmp_path):
    path = tmp_path / "coachdesk.db"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("hello")
    elif kind == "other-app":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.close()
    elif kind in ("corrupt", "future", "broken-links"):
        make_demo_file(path)
        if kind == "corrupt":
            corrupt(path)
        else:
            con = sqlite3.connect(path)
            if kind == "future":
                con.execute("UPDATE alembic_version SET version_num = '9999_future'")
            else:
                con.execute("PRAGMA foreign_keys=OFF")
                con.execute("UPDATE client SET organization_id = 4242 WHERE id = 1")
            con.commit()
            con.close()
    before = sha256(path) if path.exists() else None
    report = storage.check_file(path)
    assert report.ok is False
    assert expected in report.message
    assert "\n" not in report.message and "Traceback" not in report.message
    if before is not None:
        assert sha256(path) == before
    else:
        assert not path.exists(), "checking must not create a file"


def test_a_failed_statement_never_carries_the_coachs_words(db, caplog):
    """A refused write (here a session pointing at no engagement) raises an error whose
    message names the statement but not its values: private notes never reach a message
    or the log."""
    import logging
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from coachdesk.models import CoachingSession

    canary = "CANARY-private-note-7f3a"
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(IntegrityError) as caught:
            with db.session() as s:
                s.add(CoachingSession(engagement_id=999_999, client_id=999_999,
                                      session_date=date(2026, 11, 29), private_notes=canary))
        logging.getLogger("test").exception("as the app would log it", exc_info=caught.value)
    assert "FOREIGN KEY" in str(caught.value)
    assert canary not in str(caught.value)
    assert canary not in caplog.text
