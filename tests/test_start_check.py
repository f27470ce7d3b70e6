"""The window's start opens an untrusted practice with the light check and checks every page
right after (``coachdesk.start_check``); until the verdict no write reaches the file, after
"ok" the held writes land, after damage they are refused in a plain sentence."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time

import pytest
from conftest import copy_practice
from encryption_helpers import cheap_keys, encrypted_copy  # noqa: F401

from coachdesk import migrations, start_check, storage
from coachdesk.errors import CorruptDatabaseError, PracticeBusyError

PAGE = 4096
MARK = "start-check-mark"


def damage_search_index(path, key_known: bool = False) -> int:
    """Overwrite the middle of a page of the search index's content table: the schema and
    the client list still read, ``quick_check`` (every page) does not pass. Returns the
    page number."""
    con = storage.connect_read_only(path)
    try:
        page = con.execute("SELECT rootpage FROM sqlite_master "
                           "WHERE name = 'search_index_content'").fetchone()[0]
    finally:
        con.close()
    assert page > 1
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * PAGE + 8)
        fh.write(b"\xff" * 200)
    return page


def files_of(path) -> dict:
    """Every byte of the practice and of SQLite's files beside it."""
    out = {}
    for suffix in ("", "-wal", "-journal"):
        p = path.parent / (path.name + suffix)
        out[suffix] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return out


def write_mark(db, value: str = "written") -> None:
    with db.session() as s:
        s.connection().exec_driver_sql(
            "INSERT OR REPLACE INTO setting(key, value) VALUES(?, ?)", (MARK, value))


def read_mark(path) -> str | None:
    con = storage.connect_read_only(path)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (MARK,)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


@pytest.fixture
def demo_file(db_path, practice_templates):
    return copy_practice(practice_templates["demo"], db_path)


@pytest.fixture
def slow_check(monkeypatch):
    """The full check waits for ``release`` (then runs for real); ``started`` is set when it
    begins."""
    release, started = threading.Event(), threading.Event()
    real = start_check.full_check

    def held(path, connected=lambda con: None):
        started.set()
        assert release.wait(30)
        return real(path, connected)

    monkeypatch.setattr(start_check, "full_check", held)
    yield release, started
    release.set()  # never a worker left waiting after the test


def run_in_thread(work):
    box = {}

    def go():
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    thread = threading.Thread(target=go)
    thread.start()
    return thread, box


def test_the_window_start_opens_with_the_light_check_and_checks_every_page_after(
        demo_file, monkeypatch):
    checked = []
    real = start_check.quick_check
    monkeypatch.setattr(start_check, "quick_check",
                        lambda con, path, **kw: checked.append(path) or real(con, path, **kw))
    db = storage.open_database(demo_file, check="later")
    try:
        assert checked == [] and db.pending_check is not None
        assert not db.pending_check.decided
        assert not db.pending_check.guarded  # no journal beside it: nothing to keep out
        assert db.pending_check.run() is None
        assert checked == [demo_file] and db.pending_check.ok
        write_mark(db)  # no wait once "ok"
    finally:
        db.close()
    assert read_mark(demo_file) == "written"
    storage.open_database(demo_file).close()  # every other caller: checked before opening
    assert checked == [demo_file, demo_file]


def test_a_trusted_file_starts_no_check(demo_file):
    from coachdesk import verified

    assert verified.check_and_remember(demo_file)
    db = storage.open_database(demo_file, trust_checked=True, check="later")
    try:
        assert db.pending_check is None
    finally:
        db.close()


def test_a_file_needing_an_upgrade_is_checked_in_full_before_it_opens(db_path, monkeypatch):
    from test_upgrades import make_file_at

    make_file_at(db_path, "0001_foundation")
    checked = []
    real = start_check.quick_check
    monkeypatch.setattr(start_check, "quick_check",
                        lambda con, path, **kw: checked.append(path) or real(con, path, **kw))
    db = storage.open_database(db_path, check="later")
    try:
        assert checked and checked[0] == db_path  # before its pre-upgrade backup
        assert db.pending_check is None and db.revision() == migrations.HEAD
    finally:
        db.close()


def test_a_write_during_the_check_waits_and_lands_after_ok(demo_file, slow_check):
    release, started = slow_check
    db = storage.open_database(demo_file, check="later")
    try:
        checker, verdict = run_in_thread(db.pending_check.run)
        assert started.wait(10)
        writer, wrote = run_in_thread(lambda: write_mark(db))
        time.sleep(0.3)
        assert writer.is_alive(), "the write waits for the verdict"
        assert read_mark(demo_file) is None
        release.set()
        checker.join(30)
        writer.join(30)
        assert verdict == {"result": None} and wrote == {"result": None}
    finally:
        db.close()
    assert read_mark(demo_file) == "written"


def test_after_damage_every_write_is_refused_plainly_and_nothing_is_written(
        demo_file, slow_check, caplog):
    release, started = slow_check
    damage_search_index(demo_file)
    db = storage.open_database(demo_file, check="later")  # the light check passes
    before = files_of(demo_file)
    try:
        checker, verdict = run_in_thread(db.pending_check.run)
        assert started.wait(10)
        writer, wrote = run_in_thread(lambda: write_mark(db))
        time.sleep(0.2)
        release.set()
        checker.join(30)
        writer.join(30)
        assert isinstance(verdict["result"], CorruptDatabaseError)
        error = wrote["error"]
        assert isinstance(error, CorruptDatabaseError)
        assert str(error) == "coachdesk.db is damaged (the integrity check found problems)."
        with pytest.raises(CorruptDatabaseError):
            write_mark(db)  # and every later one
        raw = db.engine.raw_connection()  # the engine's raw connections too (compaction)
        try:
            with pytest.raises(sqlite3.DatabaseError):
                raw.driver_connection.execute("DELETE FROM setting")
        finally:
            raw.close()
    finally:
        db.close()
    assert files_of(demo_file) == before
    assert MARK not in caplog.text and "INSERT" not in caplog.text


def test_an_autosave_waits_only_its_patience_then_retries_later(demo_file, slow_check):
    release, started = slow_check
    db = storage.open_database(demo_file, check="later")
    try:
        checker, _ = run_in_thread(db.pending_check.run)
        assert started.wait(10)
        t = time.perf_counter()
        with storage.patience(200), pytest.raises(PracticeBusyError) as refused:
            write_mark(db)
        assert time.perf_counter() - t < 5
        assert str(refused.value) == start_check.STILL_CHECKING
        release.set()
        checker.join(30)
        write_mark(db, "retried")  # the retry after "ok" lands
    finally:
        db.close()
    assert read_mark(demo_file) == "retried"


def test_stopping_the_check_keeps_writes_held_and_it_runs_again(demo_file, monkeypatch):
    """The lock stops a running check (the key goes): no verdict, nothing written; run
    again after unlocking, it says "ok" and writes go on."""
    db = storage.open_database(demo_file, check="later")
    check = db.pending_check
    real = start_check.quick_check
    in_check = threading.Event()

    def slow_quick_check(con, path, **kw):
        in_check.set()
        con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT count(*) FROM n").fetchone()  # runs until interrupted
        real(con, path, **kw)

    monkeypatch.setattr(start_check, "quick_check", slow_quick_check)
    try:
        checker, box = run_in_thread(check.run)
        assert in_check.wait(10)
        for _ in range(200):  # an interrupt before the statement starts is lost: again
            check.stop()
            checker.join(0.05)
            if not checker.is_alive():
                break
        assert not checker.is_alive()
        assert isinstance(box["error"], start_check.CheckStopped)
        assert not check.decided
        with pytest.raises(PracticeBusyError):
            write_mark(db)
        monkeypatch.setattr(start_check, "quick_check", real)
        assert check.run() is None and check.ok
        write_mark(db)
    finally:
        db.close()
    assert read_mark(demo_file) == "written"


def test_an_encrypted_file_damaged_beyond_its_schema_opens_then_its_check_refuses_writes(
        practice_templates, db_path):
    encrypted_copy(practice_templates["demo"], db_path)
    damage_search_index(db_path)
    with pytest.raises(CorruptDatabaseError):
        storage.open_database(db_path).close()  # the command line's open: checked first
    db = storage.open_database(db_path, check="later")
    before = files_of(db_path)
    try:
        from coachdesk.services import clients

        assert clients.count(db) == 12  # the window can show the list meanwhile
        assert isinstance(db.pending_check.run(), CorruptDatabaseError)
        with pytest.raises(CorruptDatabaseError):
            write_mark(db)
    finally:
        db.close()
    assert files_of(db_path) == before


def test_the_check_beside_the_window_keeps_a_small_page_cache(practice_templates, db_path,
                                                              monkeypatch):
    """A cache as large as the file beside the window's own connection raised the encrypted
    start's peak memory past its goal: the deferred check keeps SQLite's default size."""
    from coachdesk import encryption

    encrypted_copy(practice_templates["demo"], db_path)
    whole, sizes = [], []
    monkeypatch.setattr(encryption, "full_read_cache", lambda con, path: whole.append(path))
    real = start_check.quick_check

    def sized(con, path, **kw):
        real(con, path, **kw)
        sizes.append(con.execute("PRAGMA cache_size").fetchone()[0])

    monkeypatch.setattr(start_check, "quick_check", sized)
    db = storage.open_database(db_path, check="later")
    try:
        assert db.pending_check.run() is None
    finally:
        db.close()
    assert whole == [] and sizes == [-start_check.CHECK_CACHE_KIB]
    storage.open_database(db_path).close()  # a check with nothing beside it: the large one
    assert whole == [db_path]


def test_a_check_that_fails_unexpectedly_refuses_writes_rather_than_holding_them(
        demo_file, monkeypatch, caplog):
    def broken(path, connected=lambda con: None):
        raise ValueError("a bug, not the file")

    monkeypatch.setattr(start_check, "full_check", broken)
    db = storage.open_database(demo_file, check="later")
    before = files_of(demo_file)
    try:
        error = db.pending_check.run()
        assert str(error) == start_check.CHECK_FAILED.format(name="coachdesk.db")
        with pytest.raises(type(error)) as refused:
            write_mark(db)
        assert str(refused.value) == str(error)
    finally:
        db.close()
    assert files_of(demo_file) == before
    assert "a bug, not the file" not in caplog.text


def _crash_copy(src, to):
    """``src`` and its write-ahead log copied to ``to`` as a kill would leave them."""
    to.parent.mkdir()
    for suffix in ("", "-wal"):
        (to.parent / (to.name + suffix)).write_bytes(
            (src.parent / (src.name + suffix)).read_bytes())
    return to


def test_a_damaged_file_with_a_crash_journal_is_left_byte_for_byte(demo_file, tmp_path):
    """After an unclean close the write-ahead log holds committed work; SQLite folds it into
    the file when the last connection closes. A file the check refuses is left as found; a
    sound one folds it in as ever."""
    live = sqlite3.connect(demo_file)
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("INSERT INTO setting(key, value) VALUES(?, 'in the journal')", (MARK,))
    live.commit()
    crashed = _crash_copy(demo_file, tmp_path / "crashed" / "coachdesk.db")
    sound = _crash_copy(demo_file, tmp_path / "sound" / "coachdesk.db")
    live.close()
    damage_search_index(crashed)
    assert (crashed.parent / "coachdesk.db-wal").stat().st_size > 0
    before = files_of(crashed)

    db = storage.open_database(crashed, check="later")
    try:
        assert db.pending_check.guarded
        assert read_mark(crashed) == "in the journal"
        assert isinstance(db.pending_check.run(), CorruptDatabaseError)
    finally:
        db.close()
        db.pending_check.let_go()
    assert files_of(crashed) == before

    db = storage.open_database(sound, check="later")
    try:
        assert db.pending_check.run() is None
        write_mark(db, "after the check")
    finally:
        db.close()
    wal = sound.parent / "coachdesk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # folded into the file on closing
    assert read_mark(sound) == "after the check"
