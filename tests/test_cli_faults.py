"""``python -m coachdesk`` under faults, in separate processes as a coach runs it: the app's
lock, "database is locked", a closed pipe, a terminal that is not UTF-8, an unexpected
error, a full disk and a read-only practice. Always one plain line, or silence."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import mock

import cli_child
import pytest
from lock_helpers import hold_lock_in_child

from coachdesk import cli, demo, logfile, paths, storage
from coachdesk.practice_lock import IN_USE

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


def _env(home: Path, **extra) -> dict:
    env = dict(os.environ)
    env["COACHDESK_HOME"] = str(home)
    env.pop("COACHDESK_DB", None)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def coachdesk(home: Path, *args, env: dict | None = None,
              busy_ms: int | None = None) -> subprocess.CompletedProcess:
    """``python -m coachdesk ARGS`` in a child; ``busy_ms``: its busy timeout, when the wait
    for a held lock is not what the test is about (tests/cli_child.py)."""
    command = ([sys.executable, "-m", "coachdesk", *map(str, args)] if busy_ms is None
               else cli_child.argv(*args, busy_ms=busy_ms))
    return subprocess.run(command, cwd=ROOT, env=env or _env(home), capture_output=True,
                          timeout=TIMEOUT)


def coachdesk_here(home: Path, *args) -> subprocess.CompletedProcess:
    """The same command run in this process (``cli.main``): for the many commands of one
    test beyond the first, which a separate process proves. Each child costs half a
    second of imports; the lock it meets is still another process's."""
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {"COACHDESK_HOME": str(home)}), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return subprocess.CompletedProcess(args, code, out.getvalue().encode(),
                                       err.getvalue().encode())


def one_plain_line(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, err
    assert "Traceback" not in err and "sqlalchemy" not in err.lower(), err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults-template") / "coachdesk.db"
    db = storage.open_database(path)
    try:
        demo.populate(db, clients=12, seed=7)
    finally:
        db.close()
    return path


@pytest.fixture
def practice(template, tmp_path) -> Path:
    path = tmp_path / "practice" / "coachdesk.db"
    path.parent.mkdir()
    shutil.copy(template, path)
    return path


@pytest.fixture
def home(isolated_home) -> Path:
    isolated_home.mkdir(parents=True, exist_ok=True)
    return isolated_home


# -- item 3: the app's lock -----------------------------------------------------------


def test_writing_commands_are_refused_while_the_app_holds_the_practice(home, practice,
                                                                       tmp_path):
    backup = storage.backup_file(practice)  # so that `restore latest` has something to do
    export = tmp_path / "practice.json"
    assert coachdesk(home, "--db", practice, "export", "--out", export).returncode == 0
    empty_target = practice.parent / "new.db"
    storage.open_database(empty_target).close()
    child = hold_lock_in_child(practice, tmp_path)
    (tmp_path / "second").mkdir()
    child_new = hold_lock_in_child(empty_target, tmp_path / "second")
    try:
        before, before_new = sha(practice), sha(empty_target)
        for run, args in ((coachdesk, ["restore", "latest"]), (coachdesk_here, ["restore", backup]),
                          (coachdesk_here, ["demo", "--force"]), (coachdesk_here, ["demo"]),
                          (coachdesk_here, ["check", "--repair"])):
            line = one_plain_line(run(home, "--db", practice, *args))
            assert line == f"coachdesk: {IN_USE}", args
        line = one_plain_line(coachdesk_here(home, "--db", empty_target, "import", export))
        assert line == f"coachdesk: {IN_USE}"
        assert sha(practice) == before and sha(empty_target) == before_new

        # Commands that only read work beside the open app.
        pdf = tmp_path / "report.pdf"
        for run, args in ((coachdesk, ["clients"]), (coachdesk_here, ["check"]),
                          (coachdesk_here, ["backup", "--list"]),
                          (coachdesk_here, ["export", "--out", tmp_path / "again.json"]),
                          (coachdesk_here, ["report", "--engagement", 1, "--out", pdf]),
                          (coachdesk_here, ["worksheet", "--blank", "--out", tmp_path / "w.pdf"])):
            result = run(home, "--db", practice, *args)
            assert result.returncode == 0, (args, result.stderr)
        assert pdf.exists()
    finally:
        for holder in (child, child_new):
            holder.kill()
            holder.wait(timeout=30)
    result = coachdesk(home, "--db", practice, "restore", "latest")  # free again: it runs
    assert result.returncode == 0, result.stderr


# -- item 8: database is locked, pipes, terminals, the last net -------------------------


def test_database_is_locked_is_one_plain_sentence(home, practice):
    holder = sqlite3.connect(practice, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        line = one_plain_line(coachdesk(home, "--db", practice, "demo", "--force",
                                        "--clients", "1", busy_ms=200))
    finally:
        holder.rollback()
        holder.close()
    assert "Another program is using" in line
    assert "INSERT" not in line and "SELECT" not in line and "Error" not in line
    log = (paths.log_dir() / logfile.LOG_NAME).read_text(encoding="utf-8")
    assert "INSERT" not in log and "Traceback" not in log


def test_a_closed_pipe_ends_silently(home, practice):
    proc = subprocess.Popen([sys.executable, "-m", "coachdesk", "--db", str(practice),
                             "clients"], cwd=ROOT, env=_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # `| head -1` that has already gone
    err = proc.stderr.read()
    proc.wait(timeout=TIMEOUT)
    assert err == b"", err.decode("utf-8", "replace")


@pytest.mark.parametrize("as_json", [False, True])
def test_a_terminal_that_is_not_utf8_gets_replacement_characters(home, practice, as_json):
    env = _env(home, LC_ALL="C", PYTHONUTF8="0")
    env.pop("PYTHONIOENCODING")
    result = coachdesk(home, "--db", practice, "clients", *(["--json"] if as_json else []),
                       env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    out = result.stdout.decode("ascii")  # nothing but ASCII reached the terminal
    assert "Amara Okafor" in out
    assert "Bj?rn Eriksson" in out  # "ö" could not be shown: replaced, not a crash
    if as_json:
        assert len(json.loads(out)) == 12


def test_an_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(home, practice):
    snippet = ("import sys, coachdesk.cli as c\n"
               "def boom(args): raise RuntimeError('private words of a client')\n"
               "c.run = boom\n"
               "raise SystemExit(c.main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", snippet, "--db", str(practice), "clients"],
                            cwd=ROOT, env=_env(home), capture_output=True, timeout=TIMEOUT)
    line = one_plain_line(result)
    assert line == f"coachdesk: Something went wrong; the details are in {paths.log_dir()}"
    assert "private words" not in line
    log = (paths.log_dir() / logfile.LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log


def test_warnings_reach_the_log_once_and_the_terminal_never(home, monkeypatch, capsys):
    def warn(_args):
        logging.getLogger("coachdesk.backups").warning("second backup folder is not there")
        return 0

    monkeypatch.setattr(cli, "run", warn)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        assert cli.main(["clients"]) == 0
        assert cli.main(["clients"]) == 0  # a second run in one process: still one handler
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1
        for h in added:
            h.flush()
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
            h.close()
    assert capsys.readouterr().err == ""
    log = (paths.log_dir() / logfile.LOG_NAME).read_text(encoding="utf-8")
    assert log.count("second backup folder is not there") == 2  # once per run


# -- item 2: a full disk, for real (root on Linux) ---------------------------------------


@pytest.fixture
def full_disk(tmp_path):
    """A 2 MB tmpfs, filled: needs root on Linux (skipped otherwise)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux; the injected faults in "
                    "test_practice_lock.py cover the same mapping")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_is_called_a_full_disk_by_every_command(home, template, full_disk,
                                                            tmp_path):
    practice = full_disk / "coachdesk.db"
    shutil.copy(template, practice)
    _fill(full_disk)
    before = sha(practice)
    for args in (["clients"], ["demo", "--force"], ["backup"],
                 ["report", "--engagement", 1, "--out", tmp_path / "r.pdf"],
                 ["export", "--out", tmp_path / "e.json"], ["check", "--repair"]):
        result = coachdesk(home, "--db", practice, *args)
        err = result.stderr.decode("utf-8")
        assert result.returncode != 0 and "Traceback" not in err, (args, err)
        assert "The disk is full (0 MB free). Free some space" in err, (args, err)
        assert "damaged" not in err, (args, err)
    assert sha(practice) == before
    os.unlink(full_disk / "filler")  # space again: the same practice opens
    assert coachdesk(home, "--db", practice, "clients").returncode == 0


# -- item 3: read-only commands on a read-only practice --------------------------------


def _read_only_commands(practice: Path, out: Path) -> list[list]:
    return [["clients"], ["clients", "--json"], ["check"],
            ["export", "--out", out / "e.json"],
            ["report", "--engagement", 1, "--out", out / "r.pdf"],
            ["worksheet", "--session", 1, "--out", out / "w.pdf"]]


def _assert_read_only_use(home: Path, practice: Path, out: Path) -> None:
    before = sha(practice)
    for args in _read_only_commands(practice, out):
        result = coachdesk(home, "--db", practice, *args)
        assert result.returncode == 0, (args, result.stderr.decode())
    line = one_plain_line(coachdesk(home, "--db", practice, "restore", "latest"))
    assert "read-only" in line and "damaged" not in line
    assert sha(practice) == before
    debris = [p.name for p in practice.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert debris == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_read_only_file_in_a_read_only_folder(home, practice, tmp_path):
    """chmod 444 in a chmod 555 folder. Root ignores the folder's mode (it can still create
    files there), so as root this proves the chmod-444 file; the read-only mount below
    proves the folder case for root, and this one does for everyone else."""
    out = tmp_path / "out"
    out.mkdir()
    practice.chmod(0o444)
    practice.parent.chmod(0o555)
    try:
        _assert_read_only_use(home, practice, out)
    finally:
        practice.parent.chmod(0o700)
        practice.chmod(0o600)


def test_read_only_mount(home, template, tmp_path):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a read-only mount needs root on Linux; the chmod test covers non-root")
    mount = tmp_path / "ro-disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs here")
    try:
        shutil.copy(template, mount / "coachdesk.db")
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)],
                              capture_output=True).returncode == 0
        out = tmp_path / "out"
        out.mkdir()
        _assert_read_only_use(home, mount / "coachdesk.db", out)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_an_empty_practice_file_is_not_made_a_new_practice_by_a_command(home, practice):
    storage.backup_file(practice)
    practice.write_bytes(b"")
    line = one_plain_line(coachdesk(home, "--db", practice, "demo"))
    assert "empty (0 bytes)" in line and "coachdesk restore latest" in line
    assert practice.read_bytes() == b""


def test_paths_beginning_with_two_slashes_are_paths(home, practice, tmp_path):
    copy = "/" + str(tmp_path / "copy.db")  # "//tmp/…": the same file, never a URI's host
    result = coachdesk(home, "--db", practice, "backup", "--out", copy)
    assert result.returncode == 0, result.stderr
    assert storage.check_file(Path(copy)).ok
    result = coachdesk(home, "--db", practice, "restore", copy)
    assert result.returncode == 0, result.stderr
    assert "damaged" not in result.stderr.decode()


def test_an_unplugged_second_backup_folder_is_one_line_once(home, practice, tmp_path):
    from coachdesk import backups

    stick = tmp_path / "usb"
    stick.mkdir()
    db = storage.open_database(practice)
    try:
        backups.save_settings(db, backups.RHYTHM_DAILY, stick)
    finally:
        db.close()
    stick.rmdir()  # unplugged
    result = coachdesk(home, "--db", practice, "backup")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 0, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "could not be found" in lines[0], err
