"""The app's private temp folder (issue 12, item 13): 0700 per running app, removed on
close, the folders of dead processes removed at the next start, never a live one's."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import time

import pytest

from coachdesk import paths, tempfiles
from coachdesk.services import practice_files


@pytest.fixture(autouse=True)
def no_leftover_folder():
    yield
    tempfiles.remove()


@pytest.fixture
def system_temp(tmp_path, monkeypatch):
    """tempfile.gettempdir() of this test: an empty folder of its own."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_folder_is_private_in_the_data_folder_and_goes_on_close():
    here = tempfiles.folder()
    assert here.parent == paths.data_dir() / "tmp"
    assert here.name.startswith(f"{os.getpid()}-")
    one = tempfiles.new_folder()
    assert one.parent == here and tempfiles.new_folder() != one
    if os.name == "posix":
        assert stat.S_IMODE(here.stat().st_mode) == 0o700
        assert stat.S_IMODE(one.stat().st_mode) == 0o700
    (one / "x.pdf").write_bytes(b"%PDF")
    practice_files.on_close(None)  # what the app does when it closes
    assert not here.exists()
    assert tempfiles.folder() != here  # a later preview gets a new one


def test_leftovers_of_a_killed_run_go_at_the_next_start_but_not_a_running_apps(system_temp):
    root = paths.data_dir() / "tmp"
    killed = root / f"{dead_pid()}-abc123"
    (killed / "tmpx").mkdir(parents=True)
    (killed / "tmpx" / "GROW worksheet.pdf").write_bytes(b"private")
    running = root / f"{os.getppid()}-def456"  # the process that started this one: alive
    running.mkdir()
    mine = tempfiles.folder()
    not_ours = root / "notes"  # not named by a process: left alone
    not_ours.mkdir()

    assert tempfiles.clean_leftovers() >= 1

    assert not killed.exists()
    assert running.is_dir() and mine.is_dir() and not_ours.is_dir()


def test_previews_an_earlier_version_left_in_the_system_temp_folder_go(system_temp):
    old = system_temp / "coachdesk-print-abcd"
    old.mkdir()
    (old / "worksheet.pdf").write_bytes(b"private")
    an_hour_ago = time.time() - tempfiles.LEGACY_AGE_S - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    fresh = system_temp / "coachdesk-report-efgh"  # maybe still on screen in an older app
    fresh.mkdir()
    other = system_temp / "someone-else"
    other.mkdir()
    os.utime(other, (an_hour_ago, an_hour_ago))

    tempfiles.clean_leftovers()

    assert not old.exists() and fresh.is_dir() and other.is_dir()


def test_a_process_that_is_gone_is_not_alive():
    assert tempfiles.pid_alive(os.getpid())
    assert not tempfiles.pid_alive(dead_pid())
    assert not tempfiles.pid_alive(0)
