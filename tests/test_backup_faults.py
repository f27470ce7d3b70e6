"""Backups and restore under faults: kill -9 at every step of a restore, debris left by a
killed copy, a full disk, '//' paths, long names, a folder that cannot be written.

The kill tests run ``restore_backup`` in a child process that kills itself (SIGKILL)
at a named point (``COACHDESK_TEST_KILL_AT``, see ``faults.crash_point``), then
compare the practice's whole content (``iterdump``) with the old and the new one.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coachdesk import backups, paths, storage
from coachdesk.errors import DiskFullError, StorageError
from coachdesk.services import clients

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX-only")

WAL_ONLY = "written after the last checkpoint, lives only in the -wal"


def dump(path: Path, scratch: Path) -> list[str]:
    """The whole content of a SQLite file as its -wal would make it, read from a copy so
    the file itself (and its -wal) stay exactly as they are. Sorted: a copy made with
    VACUUM INTO lists the same schema in another order."""
    scratch.mkdir(parents=True, exist_ok=True)
    for old in scratch.iterdir():
        old.unlink()
    copy = scratch / "copy.db"
    shutil.copyfile(path, copy)
    if Path(f"{path}-wal").exists():
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
    con = sqlite3.connect(copy)
    try:
        return sorted(con.iterdump())
    finally:
        con.close()


def leave_a_row_in_the_wal(practice: Path) -> None:
    """Commit a row from a process that dies without closing: the row stays in the -wal."""
    code = textwrap.dedent("""
        import os, sqlite3, sys
        con = sqlite3.connect(sys.argv[1])
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.execute("INSERT INTO setting(key, value) VALUES ('wal-marker', ?)", (sys.argv[2],))
        con.commit()
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", code, str(practice), WAL_ONLY], check=True, timeout=60)
    assert Path(f"{practice}-wal").stat().st_size > 0


@pytest.fixture
def practice(db):
    clients.create(db, "Ada Present In Both")
    path = db.path
    db.close()
    return path


def run_restore(backup: Path, practice: Path, kill_at: str | None) -> subprocess.CompletedProcess:
    code = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from coachdesk import backups
        backups.restore_backup(sys.argv[2], sys.argv[3])
        print("RESTORED")
    """)
    env = dict(os.environ)
    env.pop("COACHDESK_TEST_KILL_AT", None)
    if kill_at:
        env["COACHDESK_TEST_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-c", code, str(ROOT), str(backup), str(practice)], check=False,
                          env=env, capture_output=True, text=True, timeout=120)


# Where the process dies, and which practice must be there afterwards.
KILL_POINTS = [
    ("copy:before-replace", "old"),        # half-way through the set-aside copy
    ("restore:after-set-aside", "old"),
    ("restore:after-checkpoint", "old"),   # the -wal is now inside the old file
    ("restore:after-staging", "old"),      # the new copy is whole, not yet swapped in
    ("restore:after-replace", "new"),
    (None, "new"),                         # not killed
]


@posix_only
@pytest.mark.parametrize("kill_at,expected", KILL_POINTS)
def test_a_restore_killed_at_any_step_leaves_the_old_or_the_new_practice_whole(
        practice, tmp_path, kill_at, expected):
    made = backups.backup_now(practice, kind=backups.MANUAL)
    # The backup and the practice differ: the practice has one more client and a row
    # that is only in its -wal.
    db = storage.open_database(practice)
    clients.create(db, "Bea Only In The Practice")
    db.close()
    leave_a_row_in_the_wal(practice)
    old, new = dump(practice, tmp_path / "s1"), dump(made.path, tmp_path / "s2")
    assert old != new and any(WAL_ONLY in line for line in old)

    result = run_restore(made.path, practice, kill_at)
    if kill_at:
        assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    else:
        assert result.returncode == 0 and "RESTORED" in result.stdout, result.stderr[-2000:]

    report = storage.check_file(practice)
    assert report.ok, report.message
    assert dump(practice, tmp_path / "s3") == (old if expected == "old" else new)
    if expected == "new":
        # SQLite checks a -wal's frames against the WAL's own header, not the database
        # file: an old -wal with frames beside the new file could be applied to it.
        wal = Path(f"{practice}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    # The set-aside copy, once made, holds the old practice with its -wal row.
    aside = [b for b in backups.backup_files(practice) if b.kind == backups.BEFORE_RESTORE]
    if kill_at not in (None, "copy:before-replace"):
        assert dump(aside[0].path, tmp_path / "s4") == old
    # Nothing half-written is ever listed as a backup.
    assert all(b.path.name.endswith(".db") for b in backups.backup_files(practice))


@posix_only
@pytest.mark.parametrize("kill_at", ["copy:before-replace", "restore:after-staging"])
def test_partial_copies_of_a_killed_process_are_removed_by_the_next_backup(practice, kill_at):
    made = backups.backup_now(practice)
    result = run_restore(made.path, practice, kill_at)
    assert result.returncode == -signal.SIGKILL
    folders = (practice.parent, paths.backup_dir(practice))
    left = [p for f in folders for p in f.iterdir() if ".partial" in p.name]
    assert left, "the kill left a partial copy (the fault this test is about)"
    assert all(b.path not in left for b in backups.backup_files(practice))
    backups.backup_now(practice)
    assert [p for f in folders for p in f.iterdir() if ".partial" in p.name] == []


@pytest.mark.parametrize("kill_at", ["copy:before-replace", "restore:after-staging"])
def test_partial_copies_of_a_killed_process_are_removed_when_the_practice_opens(
        practice, kill_at):
    """'Clean them up at start': the next open removes them, before any backup."""
    from coachdesk.services import practice_files

    made = backups.backup_now(practice)
    assert run_restore(made.path, practice, kill_at).returncode == -signal.SIGKILL
    folders = (practice.parent, paths.backup_dir(practice))
    assert [p for f in folders for p in f.iterdir() if ".partial" in p.name]
    db = storage.open_database(practice)
    try:
        practice_files.on_open(db)  # what the app and every command do on opening
    finally:
        db.close()
    assert [p for f in folders for p in f.iterdir() if ".partial" in p.name] == []


def test_only_this_practices_dead_partials_are_removed(practice, tmp_path, monkeypatch):
    folder = paths.backup_dir(practice)
    folder.mkdir(parents=True, exist_ok=True)
    dead_pid = 2 ** 22 + 12345  # above Linux's pid_max default: no such process
    mine_dead = folder / f"coachdesk-20261101-100000-000000Z-daily.db.{dead_pid}.partial"
    mine_old_style = folder / "coachdesk-20261101-100000-000000-daily.db.partial"
    mine_live = folder / f"coachdesk-20261102-100000-000000Z-daily.db.{os.getpid()}.partial"
    other = folder / f"coachdesk-conflicted-20261101-100000-000000Z-daily.db.{dead_pid}.partial"
    beside = practice.parent / f"coachdesk.restore.db.{dead_pid}.partial"
    for p in (mine_dead, mine_old_style, mine_live, other, beside):
        p.write_bytes(b"x" * 1000)
    # A fresh old-style partial may be a copy being written by an older CoachDesk: kept.
    assert backups.clean_debris(practice) == 2
    assert not mine_dead.exists() and not beside.exists()
    assert mine_old_style.exists() and mine_live.exists() and other.exists()
    old = (backups.STALE_PARTIAL.total_seconds() + 60)
    os.utime(mine_old_style, (os.path.getmtime(mine_old_style) - old,) * 2)
    backups.backup_now(practice)
    assert not mine_old_style.exists()
    assert mine_live.exists(), "a copy this running process is writing is never touched"
    assert other.exists(), "another practice's files are never touched"


# -- a full disk ---------------------------------------------------------------------------


def test_restore_refuses_when_the_disk_lacks_room_and_touches_nothing(practice, monkeypatch):
    made = backups.backup_now(practice)
    db = storage.open_database(practice)
    clients.create(db, "Cy Added Later")
    db.close()
    before = {p.name: p.read_bytes() for p in practice.parent.iterdir() if p.is_file()}
    listed = backups.backup_files(practice)
    usage = shutil.disk_usage(practice.parent)
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda _p: usage._replace(free=made.size + 100_000))
    with pytest.raises(DiskFullError) as caught:
        backups.restore_backup(made.path, practice)
    assert str(caught.value) == ("The disk is full (0 MB free); free some space, then restore "
                                 "again.").replace("0 MB", f"{(made.size + 100_000) / 1e6:.0f} MB")
    after = {p.name: p.read_bytes() for p in practice.parent.iterdir() if p.is_file()}
    assert after == before
    assert backups.backup_files(practice) == listed


def test_a_disk_filling_up_mid_restore_leaves_the_practice_and_no_half_copies(practice, monkeypatch):
    made = backups.backup_now(practice)
    db = storage.open_database(practice)
    clients.create(db, "Cy Added Later")
    db.close()
    names_before = dump(practice, practice.parent.parent / "s1")
    real = storage.write_copy
    calls = []

    def fill_up(src, dest):
        calls.append(dest)
        if len(calls) == 2:  # the set-aside copy went through; the restored copy hits ENOSPC
            tmp = Path(f"{dest}.{os.getpid()}.partial")
            tmp.write_bytes(b"\0" * 4096)
            tmp.unlink()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dest)

    monkeypatch.setattr(storage, "write_copy", fill_up)
    with pytest.raises(DiskFullError, match=r"^The disk is full \(\d+ MB free\); free some space"):
        backups.restore_backup(made.path, practice)
    assert dump(practice, practice.parent.parent / "s2") == names_before
    everything = [p for p in practice.parent.rglob("*") if p.is_file()]
    assert not [p for p in everything if ".partial" in p.name or p.name.endswith("damaged.db")]
    assert not [p for p in everything if p.stat().st_size == 0]
    assert [b.kind for b in backups.backup_files(practice)] == [backups.MANUAL]


def test_a_full_disk_while_setting_aside_a_damaged_file_leaves_no_empty_copy(practice, monkeypatch):
    made = backups.backup_now(practice)
    practice.write_text("not a database any more")

    def no_room(src, dst, *a, **k):
        Path(dst).write_bytes(b"")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", no_room)
    with pytest.raises(DiskFullError):
        backups.restore_backup(made.path, practice)
    assert practice.read_text() == "not a database any more"
    left = [p.name for p in paths.backup_dir(practice).iterdir()]
    assert left == [made.path.name], "no 0-byte -damaged.db, no partial"


# -- paths and names -----------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="'//' is a POSIX path form")
def test_paths_beginning_with_two_slashes_are_paths(practice, tmp_path):
    made = backups.backup_now(practice)
    out = storage.backup_file(practice, "/" + str(tmp_path / "copy.db"))
    assert out.exists() and backups.verify(out)
    assert storage.inspect_file(Path("/" + str(made.path))).has_tables
    kept = backups.restore_backup("/" + str(made.path), practice)
    assert kept is not None and storage.check_file(practice).ok


# From ~248 bytes the practice itself cannot have SQLite's '-journal' beside it (255 bytes).
@pytest.mark.parametrize("name_bytes", [210, 230, 245])
def test_a_practice_with_a_long_name_can_be_backed_up_and_restored(tmp_path, name_bytes):
    stem = ("Praxis-Müller-" * 30).encode()[: name_bytes - 3].decode(errors="ignore")
    db = storage.open_database(tmp_path / f"{stem}.db")
    clients.create(db, "Long Name Client")
    path = db.path
    db.close()
    first = backups.backup_now(path)
    second = backups.backup_now(path, kind=backups.BEFORE_RESTORE)
    for made in (first, second):
        assert len(os.fsencode(made.path.name)) < 255
        assert backups.parse_name(made.path, path.stem) is not None
    assert {b.path for b in backups.backup_files(path)} == {first.path, second.path}
    # Another practice whose long name starts the same way gets other names.
    twin = storage.open_database(tmp_path / f"{stem[:-2]}xy.db")
    twin_path = twin.path
    twin.close()
    backups.backup_now(twin_path)
    assert {b.path for b in backups.backup_files(path)} == {first.path, second.path}
    assert backups.restore_backup(first.path, path) is not None
    assert storage.check_file(path).ok


def test_a_backup_into_a_folder_that_cannot_be_written_says_so_and_leaves_nothing(practice, tmp_path,
                                                                                  monkeypatch):
    target = tmp_path / "stick"
    target.mkdir()
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).startswith(str(target)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(StorageError) as caught:
        storage.backup_file(practice, target / "copy.db")
    assert "read-only" in str(caught.value) and "Error" not in str(caught.value)
    assert list(target.iterdir()) == []


def test_backup_out_never_makes_a_wal_or_shm_beside_the_copy(practice, tmp_path, monkeypatch):
    """On a drive where WAL cannot work, a copy that never uses WAL works: no -wal or
    -shm is made beside the copy at any moment (checked while it is written and after)."""
    target = tmp_path / "fuse"
    target.mkdir()
    seen: list[str] = []
    real_fsync = storage._fsync

    def watching(path):
        seen.extend(p.name for p in target.iterdir())
        return real_fsync(path)

    monkeypatch.setattr(storage, "_fsync", watching)
    out = storage.backup_file(practice, target / "copy.db")
    seen.extend(p.name for p in target.iterdir())
    assert backups.verify(out)
    assert seen and not [n for n in seen if n.endswith(("-wal", "-shm", "-journal"))]
    assert [p.name for p in target.iterdir()] == ["copy.db"]


def cli(*args, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COACHDESK_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("COACHDESK_TEST_KILL_AT", None)
    return subprocess.run([sys.executable, "-m", "coachdesk", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.skipif(os.name != "posix", reason="'//' is a POSIX path form")
def test_the_cli_takes_paths_beginning_with_two_slashes(practice, tmp_path, isolated_home):
    out = "/" + str(tmp_path / "copies" / "copy.db")
    made = cli("--db", practice, "backup", "--out", out, home=isolated_home)
    assert made.returncode == 0 and made.stderr == "", made.stderr
    restored = cli("--db", practice, "restore", out, home=isolated_home)
    assert restored.returncode == 0 and restored.stderr == "", restored.stderr
    assert storage.check_file(practice).ok


# -- real small or read-only file systems (tmpfs; root on Linux only) -------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs(size_kb)`` mounts a small tmpfs and returns its folder; unmounted after."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux (an injected ENOSPC test covers it)")
    mounted = []

    def mount(size_kb: int, name: str = "mnt") -> Path:
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700",
                               "tmpfs", str(where)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("this machine does not allow mounting a tmpfs")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def test_a_real_full_disk_mid_restore_changes_nothing_and_leaves_no_half_copy(practice, tmpfs,
                                                                              monkeypatch):
    from coachdesk import restore

    disk = tmpfs(4096)
    here = disk / "practice.db"
    shutil.copyfile(practice, here)
    made = backups.backup_now(here)
    add = storage.open_database(here)
    clients.create(add, "Dee Only Today")
    add.close()
    before = dump(here, practice.parent / "s1")
    # Fill the disk so that the set-aside copy fits and the restored copy does not.
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * (free - here.stat().st_size - 64 * 1024))
    monkeypatch.setattr(restore, "check_room", lambda *_: None)  # reach the copy itself
    with pytest.raises(DiskFullError, match=r"^The disk is full \(\d+ MB free\)"):
        backups.restore_backup(made.path, here)
    assert dump(here, practice.parent / "s2") == before
    files = [p for p in disk.rglob("*") if p.is_file()]
    assert not [p for p in files if ".partial" in p.name or p.stat().st_size == 0]
    assert [b.kind for b in backups.backup_files(here)] == [backups.MANUAL]


def test_a_read_only_mount_is_refused_plainly_by_restore_and_backup(practice, tmpfs, tmp_path):
    disk = tmpfs(4096)
    here = disk / "practice.db"
    shutil.copyfile(practice, here)
    made = backups.backup_now(here)
    before = {p: p.read_bytes() for p in disk.rglob("*") if p.is_file()}
    remount_read_only(disk)
    with pytest.raises(StorageError, match="read-only") as caught:
        backups.restore_backup(made.path, here)
    assert "Error" not in str(caught.value)
    with pytest.raises(StorageError, match="read-only"):
        storage.backup_file(practice, disk / "copy.db")
    assert {p: p.read_bytes() for p in disk.rglob("*") if p.is_file()} == before
    # Restoring *from* a read-only stick into a writable practice works.
    assert backups.restore_backup(made.path, practice) is not None


def test_a_backup_name_too_long_for_the_drive_is_a_plain_sentence(practice, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(StorageError, match="too long") as caught:
        storage.backup_file(practice, target / ("ü" * 150 + ".db"))  # 303 bytes
    assert "Errno" not in str(caught.value)
    assert list(target.iterdir()) == []


def test_a_drive_where_sqlite_cannot_write_is_a_plain_sentence_and_leaves_nothing(
        practice, tmp_path, monkeypatch):
    target = tmp_path / "fuse"
    target.mkdir()
    real = storage.connect_read_only

    class FailingVacuum:
        def __init__(self, con):
            self.con = con

        def execute(self, sql, params=()):
            if sql.startswith("VACUUM INTO"):
                Path(params[0]).write_bytes(b"SQLite format 3\0" + b"\0" * 1000)
                Path(f"{params[0]}-journal").write_bytes(b"\0" * 512)
                raise sqlite3.OperationalError("disk I/O error")
            return self.con.execute(sql, params)

        def close(self):
            self.con.close()

    monkeypatch.setattr(storage, "connect_read_only",
                        lambda p: FailingVacuum(real(p)) if Path(p) == practice else real(p))
    with pytest.raises(StorageError) as caught:
        storage.backup_file(practice, target / "copy.db")
    assert "does not support what CoachDesk needs" in str(caught.value)
    assert "disk I/O" not in str(caught.value) and "damaged" not in str(caught.value)
    assert list(target.iterdir()) == []
