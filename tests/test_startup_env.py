"""``main.py`` started as a coach starts it, in environments from the field (issue 12, item 10
and the env rows): a folder that does not exist, a path that is not UTF-8, a read-only
practice, a 0-byte file and a full disk. Each gets its own plain message; none is called
"already open" or "damaged"; the window opens where it can."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coachdesk import demo, storage

ROOT = Path(__file__).resolve().parent.parent
LATIN1 = b"caf\xe9-pr\xe1ctica"  # a folder named in Latin-1: not UTF-8


def _env(home: Path, **extra) -> dict:
    env = dict(os.environ)
    env.pop("COACHDESK_DB", None)
    env.update(QT_QPA_PLATFORM="offscreen", COACHDESK_HOME=str(home), COACHDESK_NO_DIALOGS="1")
    env.update(extra)
    return env


def start(home: Path, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(os.fsdecode, args)],
                          cwd=ROOT, env=_env(home, **env), capture_output=True, timeout=90)


def said(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("startup-template") / "coachdesk.db"
    db = storage.open_database(path)
    try:
        demo.populate(db, clients=3, seed=7)
    finally:
        db.close()
    return path


def test_a_missing_folder_is_named_not_already_open(isolated_home, tmp_path):
    missing = tmp_path / "a" / "missing" / "folder" / "practice.db"
    result = start(isolated_home, "--db", missing)
    text = said(result)
    assert result.returncode == 1, text
    assert f"The folder {missing.parent} does not exist" in text
    assert "already open" not in text and "Traceback" not in text
    assert not (tmp_path / "a").exists(), "nothing was made for a path given by mistake"


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux only; "
                    "macOS and Windows require valid Unicode names")
@pytest.mark.parametrize("how", ["--db", "COACHDESK_DB"])
def test_a_path_that_is_not_utf8_opens_the_window(isolated_home, tmp_path, how):
    folder = os.fsencode(tmp_path) + b"/" + LATIN1
    os.mkdir(folder)
    practice = folder + b"/practice.db"
    if how == "--db":
        result = start(isolated_home, "--db", practice, COACHDESK_STARTUP_PROBE="1")
    else:
        result = start(isolated_home, COACHDESK_STARTUP_PROBE="1",
                       COACHDESK_DB=os.fsdecode(practice))
    assert result.returncode == 0, said(result)  # a segfault was -11
    assert b"WINDOW_SHOWN" in result.stdout
    assert os.path.exists(practice), "the practice was made where it was asked for"
    assert not os.path.exists(practice + b".coachdesk-lock"), "the lock was let go"


def test_a_read_only_practice_is_called_read_only(isolated_home, template, tmp_path):
    practice = tmp_path / "practice" / "coachdesk.db"
    practice.parent.mkdir()
    shutil.copy(template, practice)
    storage.backup_file(practice)
    before = practice.read_bytes()
    practice.chmod(0o444)
    try:
        result = start(isolated_home, "--db", practice)
    finally:
        practice.chmod(0o600)
    text = said(result)
    assert result.returncode == 1
    assert "This practice is read-only" in text
    assert "already open" not in text and "damaged" not in text and "Traceback" not in text
    assert practice.read_bytes() == before


def test_a_zero_byte_practice_is_not_made_a_new_one_unasked(isolated_home, tmp_path):
    practice = tmp_path / "practice" / "coachdesk.db"
    practice.parent.mkdir()
    practice.write_bytes(b"")
    result = start(isolated_home, "--db", practice)
    assert result.returncode == 1
    assert "coachdesk.db is empty (0 bytes) — probably a copy or sync that did not finish" \
        in said(result)
    assert practice.read_bytes() == b""
    assert not (practice.parent / "backups").exists()


def test_a_full_disk_is_a_full_disk_at_start(isolated_home, template, tmp_path):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root on Linux; test_ui_startup.py injects the fault")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs here")
    try:
        practice = mount / "coachdesk.db"
        shutil.copy(template, practice)
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        result = start(isolated_home, "--db", practice)
        text = said(result)
        assert result.returncode == 1, text
        assert ("The disk is full (0 MB free). Free some space (empty the bin, move large "
                "files), then open CoachDesk again.") in text
        assert "damaged" not in text and "Traceback" not in text
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
