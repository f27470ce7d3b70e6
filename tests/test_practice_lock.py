"""The practice lock (``coachdesk.practice_lock``) and opening a file under faults that are
not damage: a full disk, a lock held past the busy timeout, a drive error, a read-only file."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
from collections import namedtuple
from pathlib import Path

import pytest
from lock_helpers import hold_lock_in_child

from coachdesk import faults, practice_lock, storage
from coachdesk.errors import (
    CorruptDatabaseError,
    DiskFullError,
    DiskIOError,
    PracticeBusyError,
    PracticeInUseError,
    ReadOnlyDatabaseError,
    StorageError,
)

ROOT = Path(__file__).resolve().parent.parent
def test_a_lock_held_by_another_process_refuses_and_dies_with_it(db_path, tmp_path):
    db_path.parent.mkdir(parents=True)
    child = hold_lock_in_child(db_path, tmp_path)
    try:
        lock_file = practice_lock.lock_path(db_path)
        assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600, "the lock file is private"
        assert lock_file.name != db_path.name + ".lock", "not the older QLockFile's name"
        with pytest.raises(PracticeInUseError, match="CoachDesk is open on this practice; "
                           "close it first, then run this again."):
            practice_lock.PracticeLock(db_path).acquire()
    finally:
        child.send_signal(signal.SIGKILL)  # kill -9: no clean-up runs in the holder
        child.wait(timeout=30)
    # The OS let go of the lock with the process: no stale lock to judge or remove.
    with practice_lock.PracticeLock(db_path) as lock:
        assert lock.held
    assert not practice_lock.lock_path(db_path).exists(), "released and removed"


def test_lock_failures_other_than_a_holder_say_what_they_are(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "practice.db"
    with pytest.raises(StorageError, match="does not exist") as info:
        practice_lock.PracticeLock(missing).acquire()
    assert not isinstance(info.value, PracticeInUseError)
    assert "already open" not in str(info.value)
    assert not missing.parent.exists()


def test_a_second_holder_in_the_same_process_is_refused_too(db_path):
    db_path.parent.mkdir(parents=True)
    first = practice_lock.PracticeLock(db_path).acquire()
    try:
        with pytest.raises(PracticeInUseError):
            practice_lock.PracticeLock(db_path).acquire()
    finally:
        first.release()
    first.release()  # twice is harmless
    practice_lock.PracticeLock(db_path).acquire().release()


# -- opening under faults: never "damaged" -------------------------------------------------

Usage = namedtuple("Usage", "total used free")


def _low_disk(monkeypatch, free_mb: int) -> None:
    monkeypatch.setattr(faults.shutil, "disk_usage",
                        lambda _p: Usage(10**10, 10**10 - free_mb * 10**6, free_mb * 10**6))


def _failing_reads(monkeypatch, message: str) -> None:
    def refuse(_path):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(storage, "connect_read_only", refuse)


@pytest.fixture
def practice(db_path):
    storage.open_database(db_path).close()
    return db_path


@pytest.mark.parametrize("message, free_mb, expected", [
    ("database or disk is full", 3, DiskFullError),
    ("disk I/O error", 3, DiskFullError),  # SQLite's word for a -shm it could not grow
    ("disk I/O error", 5000, DiskIOError),
    ("database is locked", 5000, PracticeBusyError),
    ("attempt to write a readonly database", 5000, ReadOnlyDatabaseError),
])
def test_opening_faults_are_not_damage(practice, monkeypatch, message, free_mb, expected):
    _low_disk(monkeypatch, free_mb)
    _failing_reads(monkeypatch, message)
    before = practice.read_bytes()
    with pytest.raises(expected) as info:
        storage.open_database(practice)
    text = str(info.value)
    assert not isinstance(info.value, CorruptDatabaseError)
    assert "damaged" not in text and "SELECT" not in text and "Error" not in text
    if expected is DiskFullError:
        assert text == (f"The disk is full ({free_mb} MB free). Free some space (empty the bin, "
                        "move large files), then open CoachDesk again.")
    assert practice.read_bytes() == before
    # check_file tells the same story
    report = storage.check_file(practice)
    assert not report.ok and "damaged" not in report.message


def test_real_damage_is_still_called_damage(practice, monkeypatch):
    _low_disk(monkeypatch, 5000)
    _failing_reads(monkeypatch, "database disk image is malformed")
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        storage.open_database(practice)


def test_a_full_disk_while_upgrading_is_a_full_disk(practice, monkeypatch):
    """The upgrade's backup is written first; ENOSPC there is the disk, not the file."""
    import errno

    from coachdesk import migrations

    older = migrations.revisions_in_order()[-2]  # only the label: the backup comes first
    con = sqlite3.connect(practice)
    con.execute("UPDATE alembic_version SET version_num=?", (older,))
    con.commit()
    con.close()

    def no_space(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "backup_file", no_space)
    _low_disk(monkeypatch, 2)
    with pytest.raises(DiskFullError, match=r"The disk is full \(2 MB free\)"):
        storage.open_database(practice)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_read_only_practice_is_read_without_leaving_wal_or_shm(practice):
    practice.chmod(0o444)
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="This practice is read-only"):
            storage.open_database(practice)
        db = storage.open_read_only(practice)
        try:
            assert db.revision() is not None
        finally:
            db.close()
        assert storage.check_file(practice).ok
    finally:
        practice.chmod(0o600)
    leftovers = sorted(p.name for p in practice.parent.iterdir()
                       if p.name.endswith(("-wal", "-shm")))
    assert leftovers == []


CLOSING_HOLDER = """
import sys, time
from pathlib import Path
from coachdesk.practice_lock import PracticeLock
lock = PracticeLock(sys.argv[1]).acquire()
lock.mark_closing()          # as the app does when its window closes
Path(sys.argv[2]).touch()
time.sleep(float(sys.argv[3]))  # its closing backup and check
lock.release()
"""


def _closing_holder(db_path, tmp_path, seconds: float):
    import subprocess
    import sys
    import time

    ready = tmp_path / "closing-held"
    child = subprocess.Popen([sys.executable, "-c", CLOSING_HOLDER, str(db_path), str(ready),
                              str(seconds)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return child


def test_a_coachdesk_started_while_another_is_closing_waits_for_it(db, tmp_path):
    """Quit and start again at once: the closing one's backup and check take seconds; the
    new one waits for it instead of saying "already open" with no window to switch to."""
    from coachdesk.practice_lock import holder_is_closing
    from ui.app import InstanceLock

    path = db.path
    db.close()
    child = _closing_holder(path, tmp_path, 1.0)
    try:
        assert holder_is_closing(path)
        lock = InstanceLock(path)
        assert lock.acquire(closing_wait_s=30), "it waited for the closing one and got the file"
        assert not holder_is_closing(path), "the new holder starts with no state"
        lock.release()
    finally:
        child.wait(timeout=30)


def test_a_coachdesk_still_open_is_not_waited_for(db, tmp_path):
    import time

    from ui.app import InstanceLock

    path = db.path
    db.close()
    child = hold_lock_in_child(path, tmp_path)  # open, not closing
    try:
        started = time.monotonic()
        assert not InstanceLock(path).acquire(closing_wait_s=30)
        assert time.monotonic() - started < 15, "an open CoachDesk is said at once, not waited 30 s"
    finally:
        child.kill()
        child.wait(timeout=30)
