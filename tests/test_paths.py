"""Where the practice lives: the default file, and the one the coach last opened."""

from __future__ import annotations

from coachdesk import paths


def test_the_practice_last_opened_is_the_default_until_it_is_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHDESK_DB", raising=False)
    standard = tmp_path / "home" / paths.DB_FILENAME
    assert paths.default_db_path() == standard

    other = tmp_path / "moved" / "coachdesk-moved.db"
    other.parent.mkdir()
    other.write_bytes(b"")
    paths.remember_practice(other)
    assert paths.default_db_path() == other.resolve()
    # COACHDESK_DB (and --db) still win.
    monkeypatch.setenv("COACHDESK_DB", str(tmp_path / "explicit.db"))
    assert paths.default_db_path() == tmp_path / "explicit.db"
    monkeypatch.delenv("COACHDESK_DB")

    other.unlink()  # moved or deleted since: back to the standard file, no error
    assert paths.default_db_path() == standard

    other.write_bytes(b"")
    paths.remember_practice(other)
    paths.remember_practice(standard)  # going back to the standard file forgets the other
    assert paths.remembered_practice() is None
    assert paths.default_db_path() == standard


def test_a_garbled_marker_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHDESK_HOME", str(tmp_path))
    monkeypatch.delenv("COACHDESK_DB", raising=False)
    (tmp_path / paths.REMEMBERED).write_bytes(b"\xff\xfe not a path \x00")
    assert paths.remembered_practice() is None
    assert paths.default_db_path() == tmp_path / paths.DB_FILENAME
