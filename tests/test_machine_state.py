"""Per-machine state is not practice data (issue 15): the second backup folder lives in
this machine's state file, an older version's setting in the practice file moves there,
and a practice file copied to another computer points at none of the first one's folders."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3

import pytest

from coachdesk import backups, machine_state, paths
from coachdesk.errors import StorageError
from coachdesk.services.settings import get_setting, put_setting


def _in_file(db_path) -> str | None:
    """The second-folder row as the practice file itself holds it (what travels)."""
    con = sqlite3.connect(db_path)
    try:
        row = con.execute("SELECT value FROM setting WHERE key=?",
                          (backups.SECOND_FOLDER_KEY,)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _other_machine(monkeypatch, tmp_path):
    """Another computer: its own data and config folders (COACHDESK_HOME)."""
    home = tmp_path / "other-computer"
    monkeypatch.setenv("COACHDESK_HOME", str(home))
    return home


def test_the_second_folder_is_saved_on_this_machine_not_in_the_practice(db, tmp_path,
                                                                         isolated_home):
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.RHYTHM_ON_CLOSE, stick)
    assert backups.get_second_folder(db) == stick.resolve()
    assert get_setting(db, backups.SECOND_FOLDER_KEY) is None
    assert get_setting(db, backups.RHYTHM_KEY) == backups.RHYTHM_ON_CLOSE  # a practice choice
    state = json.loads((isolated_home / machine_state.FILE_NAME).read_text(encoding="utf-8"))
    assert state["practices"][str(db.path.resolve())] == {"second_backup_folder":
                                                          str(stick.resolve())}
    if os.name == "posix":
        assert (isolated_home / machine_state.FILE_NAME).stat().st_mode & 0o077 == 0


def test_a_practice_copied_to_another_machine_points_at_none_of_the_first_ones_folders(
        db, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, stick)
    paths.remember_practice(db.path)
    db.close()
    copy = tmp_path / "laptop" / "coachdesk.db"
    copy.parent.mkdir()
    shutil.copy2(db.path, copy)
    assert _in_file(copy) is None, "the practice file carries a folder of this machine"
    _other_machine(monkeypatch, tmp_path)
    from coachdesk import storage

    other = storage.open_database(copy)
    try:
        assert backups.get_second_folder(other) is None
        assert backups.remembered_second_folder(copy) is None
        assert paths.remembered_practice() is None  # the last practice: this machine's too
    finally:
        other.close()
    # the same file at the same place on the first machine still has its choice
    monkeypatch.setenv("COACHDESK_HOME", str(tmp_path / "coachdesk-home"))
    assert backups.remembered_second_folder(db.path) == stick.resolve()


def test_an_older_versions_setting_moves_to_this_machine(db, tmp_path, isolated_home):
    stick = tmp_path / "stick"
    stick.mkdir()
    put_setting(db, backups.SECOND_FOLDER_KEY, str(stick))  # as versions before 15 saved it
    assert backups.get_second_folder(db) == stick  # read old → write new → keep working
    assert machine_state.second_folder(db.path) == stick
    assert get_setting(db, backups.SECOND_FOLDER_KEY) is None, "the old copy stays behind"
    assert backups.get_second_folder(db) == stick


def test_an_old_setting_naming_a_folder_not_on_this_machine_is_not_used(db, tmp_path):
    elsewhere = tmp_path / "Volumes" / "Other Mac's stick"
    put_setting(db, backups.SECOND_FOLDER_KEY, str(elsewhere))
    assert backups.get_second_folder(db) is None
    assert backups.remembered_second_folder(db.path) is None
    assert not machine_state.knows_second_folder(db.path)
    # it stays in the file: on its own machine, with the stick plugged in, it still moves
    assert get_setting(db, backups.SECOND_FOLDER_KEY) == str(elsewhere)
    elsewhere.mkdir(parents=True)
    assert backups.get_second_folder(db) == elsewhere


def test_the_old_setting_keeps_working_when_this_machines_file_cannot_be_written(
        db, tmp_path, isolated_home):
    stick = tmp_path / "stick"
    stick.mkdir()
    put_setting(db, backups.SECOND_FOLDER_KEY, str(stick))
    (isolated_home / machine_state.FILE_NAME).mkdir(parents=True)  # cannot be replaced
    assert backups.get_second_folder(db) == stick
    assert get_setting(db, backups.SECOND_FOLDER_KEY) == str(stick), "moved nowhere, lost"


def test_a_choice_made_here_wins_over_an_old_setting_brought_back_by_a_restore(db, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, None)  # "no second folder", chosen here
    put_setting(db, backups.SECOND_FOLDER_KEY, str(stick))  # an old backup restored
    assert backups.get_second_folder(db) is None
    assert backups.remembered_second_folder(db.path) is None


def test_a_damaged_practice_still_finds_its_second_folder(db, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, stick)
    db.close()
    db.path.write_bytes(b"\0" * 4096)
    assert backups.remembered_second_folder(db.path) == stick.resolve()


def test_an_unreadable_state_file_counts_as_empty_and_is_written_anew(db, tmp_path,
                                                                     isolated_home):
    file = isolated_home / machine_state.FILE_NAME
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("{not json", encoding="utf-8")
    assert backups.get_second_folder(db) is None
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, stick)
    assert json.loads(file.read_text(encoding="utf-8"))["format"] == machine_state.FORMAT


def test_a_full_disk_keeps_the_old_state_and_says_so_plainly(db, tmp_path, isolated_home,
                                                            monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    backups.save_settings(db, backups.RHYTHM_DAILY, first)
    before = (isolated_home / machine_state.FILE_NAME).read_bytes()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(machine_state.os, "replace", full)
    with pytest.raises(StorageError) as err:
        backups.save_settings(db, backups.RHYTHM_OFF, second)
    message = str(err.value)
    assert "could not save this computer's settings" in message
    assert "Errno" not in message and "OSError" not in message
    assert (isolated_home / machine_state.FILE_NAME).read_bytes() == before
    assert not list(isolated_home.glob(".machine-state-*")), "a temporary file was left"
    assert backups.get_rhythm(db) == backups.RHYTHM_DAILY, "half saved"
    assert backups.get_second_folder(db) == first.resolve()


def test_window_geometry_stays_on_the_machine(qtbot, demo_db, tmp_path, monkeypatch):
    from ui import window_state
    from ui.context import AppContext
    from ui.main_window import MainWindow

    def keys():
        con = sqlite3.connect(demo_db.path)
        try:
            return {k for (k,) in con.execute("SELECT key FROM setting")}
        finally:
            con.close()

    before = keys()
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1111, 700)
    window.show()
    qtbot.waitExposed(window)
    window_state.save(window)
    assert keys() == before, "the window's state went into the practice file"
    _other_machine(monkeypatch, tmp_path)
    other = MainWindow(AppContext(demo_db))
    qtbot.addWidget(other)
    assert window_state.restore(other) is False  # nothing of the first machine's screen
