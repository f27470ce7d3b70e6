"""A backup of an encrypted practice is checked, once written, by every page's HMAC
(``backups.verify_written_copy``: ``PRAGMA cipher_integrity_check``, the size, the schema,
the key file) instead of a full ``quick_check``; a plain one keeps ``quick_check``; a
restore still checks the backup in full (``coachdesk/backup_checks.py``)."""

from __future__ import annotations

import errno
import logging
import shutil
import types

import pytest
from encryption_helpers import cheap_keys, encrypted_copy, folder_state  # noqa: F401

from coachdesk import backup_checks, backups, encryption, paths, storage
from coachdesk import encrypted_copy as page_copy
from coachdesk.errors import CorruptDatabaseError, StorageError
from coachdesk.services import clients

PAGE = 4096
HOSTILE = ['<b>&"\' & </b>', "Zoë 😀🧭 emoji", "مريم العربية", "王小明 教练"]
NOT_CHECKED = "The new backup did not pass its check"


@pytest.fixture
def practice(practice_templates, db_path):
    """An encrypted demo practice (unlocked) holding the hostile names; closed."""
    encrypted_copy(practice_templates["demo"], db_path)
    db = storage.open_database(db_path)
    try:
        for name in HOSTILE:
            clients.create(db, name)
    finally:
        db.close()
    return db_path


def names(db_path) -> set[str]:
    con = storage.connect_read_only(db_path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM client")}
    finally:
        con.close()


def flip(path, offset: int) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))


def spy_full_checks(monkeypatch) -> list:
    """Record every full check ``backups.verify`` runs (the backup module's own name)."""
    ran = []
    real = backup_checks.verify
    monkeypatch.setattr(backup_checks, "verify", lambda path: ran.append(path) or real(path))
    return ran


def assert_plain_failure(exc_info, caplog) -> None:
    text = str(exc_info.value)
    assert text.startswith(NOT_CHECKED) and "older backups were kept" in text
    for word in ("HMAC", "sqlite", "Error", "cipher", "Traceback", "page"):
        assert word not in text
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


# -- what is checked after writing --------------------------------------------------------


def test_an_encrypted_backup_is_checked_by_its_pages_a_plain_one_in_full(
        practice, practice_templates, tmp_path, monkeypatch):
    full = spy_full_checks(monkeypatch)
    hmac = []
    real = backup_checks._pages_intact
    monkeypatch.setattr(backup_checks, "_pages_intact",
                        lambda copy, key: hmac.append(copy) or real(copy, key))
    made = backups.backup_now(practice).path
    assert full == [] and hmac == [made]  # no quick_check of the copy: every page's HMAC
    (tmp_path / "elsewhere").mkdir()
    out = storage.backup_file(practice, tmp_path / "elsewhere")  # `coachdesk backup --out`
    assert out.parent == tmp_path / "elsewhere" and hmac == [made, out] and full == []

    plain = practice_templates["demo"].parent / "copy" / "coachdesk.db"
    plain.parent.mkdir()
    shutil.copyfile(practice_templates["demo"], plain)
    plain_made = backups.backup_now(plain).path
    assert full == [plain_made] and hmac == [made, out]  # plain pages carry no checksum


@pytest.mark.parametrize("where", ["salt", "page 1 after the salt", "a middle page's cells",
                                   "the last page's HMAC"])
def test_a_flipped_byte_anywhere_fails_the_page_check(practice, where):
    made = backups.backup_now(practice).path
    assert backups.verify_written_copy(made, practice) is True
    size = made.stat().st_size
    offset = {"salt": 5, "page 1 after the salt": 16 + 80,
              "a middle page's cells": (size // PAGE // 2) * PAGE + 1500,
              "the last page's HMAC": size - 20}[where]
    flip(made, offset)
    assert backups.verify_written_copy(made, practice) is False
    flip(made, offset)  # put back: the same file passes again
    assert backups.verify_written_copy(made, practice) is True


def free_pages_at_the_end(practice) -> tuple[int, int]:
    """Add pages at the end of the practice file and free them again (they stay in the
    file, on the free list); returns (last page before, last page now)."""
    con = storage.connect(practice)
    try:
        first = con.execute("PRAGMA page_count").fetchone()[0]
        con.execute("CREATE TABLE junk(b)")
        con.executemany("INSERT INTO junk VALUES (randomblob(3000))", [()] * 60)
        con.commit()
        last = con.execute("PRAGMA page_count").fetchone()[0]
        con.execute("DROP TABLE junk")
        con.commit()
        assert con.execute("PRAGMA freelist_count").fetchone()[0] >= last - first - 1
    finally:
        con.close()
    return first, last


def test_a_flipped_byte_in_a_free_page_fails_the_page_check_though_quick_check_passes(practice):
    """Why the HMAC proves more about a copy: ``quick_check`` never reads the content of
    the pages on the free list, a bad sector there would pass it."""
    first, last = free_pages_at_the_end(practice)
    made = backups.backup_now(practice).path
    flip(made, ((first + last) // 2) * PAGE + 1000)  # a page in the middle of them
    assert backups.verify(made) is True
    assert backups.verify_written_copy(made, practice) is False


def test_a_sound_practice_with_a_bad_free_page_still_gets_checked_backups(practice, caplog):
    """The raw copy carries the practice's own bad free page and fails its check; the
    practice passes its full check, so the backup is copied again through SQLite (only
    live pages, encrypted anew) and that copy passes."""
    first, last = free_pages_at_the_end(practice)
    flip(practice, ((first + last) // 2) * PAGE + 1000)
    assert backups.verify(practice) is True
    made = backups.backup_now(practice).path
    assert backups.verify_written_copy(made, practice) and backups.verify(made)
    assert made.stat().st_size < practice.stat().st_size  # the free pages stayed behind
    assert "copying it through SQLite" in caplog.text
    assert not any(name in caplog.text for name in HOSTILE)
    made_again = storage.backup_file(practice, made.parent / "again.db")
    assert backups.verify_written_copy(made_again, practice)


def test_a_fault_in_the_raw_page_copy_alone_still_makes_the_backup(practice, monkeypatch):
    real = page_copy.copy_pages

    def flipped_copy(src, tmp, key, timeout):
        done = real(src, tmp, key, timeout)
        flip(tmp, tmp.stat().st_size // 2)
        return done

    monkeypatch.setattr(page_copy, "copy_pages", flipped_copy)
    made = backups.backup_now(practice).path
    assert backups.verify_written_copy(made, practice) and backups.verify(made)
    assert set(HOSTILE) <= names(made)


@pytest.mark.parametrize("cut", [PAGE, PAGE // 2, 1])
def test_a_truncated_copy_fails_the_page_check(practice, cut):
    made = backups.backup_now(practice).path
    with open(made, "r+b") as fh:
        fh.truncate(made.stat().st_size - cut)
    assert backups.verify_written_copy(made, practice) is False


def test_a_copy_without_its_key_file_fails(practice):
    made = backups.backup_now(practice).path
    assert backups.verify_written_copy(made, practice) is True
    encryption.key_path(made).unlink()  # only the recovery key would open it
    assert backups.verify_written_copy(made, practice) is False


def _another_practice(practice_templates, tmp_path):
    other = tmp_path / "elsewhere" / "other.db"
    encrypted_copy(practice_templates["new"], other)  # a data key of its own
    return other


def test_pages_written_with_another_key_fail(practice, practice_templates, tmp_path):
    made = backups.backup_now(practice).path
    other = _another_practice(practice_templates, tmp_path)
    assert encryption.key_for(other) != encryption.key_for(practice)
    shutil.copyfile(other, made)  # the practice's key file stays beside it
    assert backups.verify_written_copy(made, practice) is False


@pytest.mark.parametrize("fault", ["pages of another key", "no key file", "a flipped byte",
                                   "cut short"])
@pytest.mark.parametrize("how", ["backup_now", "backup_file"])
def test_a_bad_copy_is_a_plain_sentence_and_the_older_backups_stay(
        practice, practice_templates, tmp_path, monkeypatch, caplog, fault, how):
    caplog.set_level(logging.DEBUG)
    other = _another_practice(practice_templates, tmp_path)
    folder = paths.backup_dir(practice)
    backups.backup_now(practice)
    before = folder_state(folder)
    real = storage.write_copy

    def bad_copy(src, dest, **kw):  # each copy, raw pages or through SQLite
        tmp = real(src, dest, **kw)
        if fault == "pages of another key":
            shutil.copyfile(other, tmp)
        elif fault == "a flipped byte":
            flip(tmp, tmp.stat().st_size // 2)
        elif fault == "cut short":
            with open(tmp, "r+b") as fh:
                fh.truncate(tmp.stat().st_size - PAGE)
        return tmp

    monkeypatch.setattr(storage, "write_copy", bad_copy)
    if fault == "no key file":
        monkeypatch.setattr(encryption, "place_key_file", lambda src, dest: None)
    (tmp_path / "out").mkdir()
    with pytest.raises(StorageError) as caught:
        if how == "backup_now":
            backups.backup_now(practice)
        else:
            storage.backup_file(practice, tmp_path / "out")
    assert not isinstance(caught.value, CorruptDatabaseError)  # the practice is fine
    if how == "backup_now":
        assert_plain_failure(caught, caplog)
        assert folder_state(folder) == before  # no new file, no key file, no partial
    else:
        assert str(caught.value).startswith("The backup did not pass its check")
        assert list((tmp_path / "out").iterdir()) == []


def test_a_bad_copy_in_the_second_folder_is_removed_with_its_key_file(practice, tmp_path,
                                                                      monkeypatch):
    second = tmp_path / "usb"
    second.mkdir()

    def copy_then_flip(src, dst, *a, **k):
        shutil.copyfile(src, dst)
        flip(dst, 3 * PAGE + 100)

    monkeypatch.setattr(backups, "shutil", types.SimpleNamespace(copyfile=copy_then_flip,
                                                                 disk_usage=shutil.disk_usage))
    info = backups.backup_now(practice, second_folder=second)
    assert any("did not pass its check" in w for w in info.warnings)
    assert list(second.glob("*.db")) == [] and list(second.glob("*.key")) == []
    assert backups.verify_written_copy(info.path, practice)  # the usual folder's is good


def test_a_full_disk_during_the_page_copy_leaves_no_partial_and_the_old_backups(
        practice, monkeypatch):
    folder = paths.backup_dir(practice)
    backups.backup_now(practice)
    before = folder_state(folder)

    def half_then_full(src, dst, *a, **k):
        with open(src, "rb") as fi, open(dst, "wb") as fo:
            fo.write(fi.read(PAGE * 3))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(page_copy, "shutil", types.SimpleNamespace(copyfile=half_then_full))
    with pytest.raises(StorageError) as caught:
        backups.backup_now(practice)
    assert str(caught.value).startswith("The disk is full")
    assert folder_state(folder) == before  # not a byte of a partial copy or a key file
    assert all(backups.verify(p) for p in folder.glob("*.db"))


# -- the full check stays where a backup is trusted -------------------------------------


def _damage_structure_through_sqlcipher(path) -> None:
    """Point the `setting` table at the client table's root page: SQLCipher writes it, so
    every page's HMAC is valid, yet the b-trees are wrong (a page used twice, pages never
    used): only a full check sees it."""
    con = storage.connect(path)
    try:
        roots = dict(con.execute("SELECT name, rootpage FROM sqlite_master WHERE type='table'"))
        con.execute("PRAGMA writable_schema=ON")
        con.execute("UPDATE sqlite_master SET rootpage=? WHERE name='setting'", (roots["client"],))
        con.commit()
    finally:
        con.close()


def test_restore_refuses_a_structurally_damaged_backup_the_page_check_accepts(practice):
    good = backups.backup_now(practice).path
    damaged = backups.backup_now(practice, kind=backups.MANUAL).path
    _damage_structure_through_sqlcipher(damaged)
    assert backups.verify_written_copy(damaged, practice) is True  # every page as written
    assert backups.verify(damaged) is False  # the full check sees the b-trees
    with pytest.raises(CorruptDatabaseError):
        backups.restore_backup(damaged, practice)
    assert set(HOSTILE) <= names(practice)  # the practice was not touched
    assert backups.latest_good_backup(practice) == good


def test_a_good_encrypted_backup_restores_every_hostile_name(practice, monkeypatch):
    made = backups.backup_now(practice).path
    db = storage.open_database(practice)
    try:
        for n, row in enumerate(r for r in clients.list_rows(db) if r.name in HOSTILE):
            clients.update(db, row.id, name=f"Renamed {n}")
        clients.create(db, "Made after the backup")
    finally:
        db.close()
    assert not set(HOSTILE) & names(practice)
    full = spy_full_checks(monkeypatch)
    checked = []
    real = storage.inspect_file
    monkeypatch.setattr(storage, "inspect_file",
                        lambda path, **kw: checked.append((path, kw)) or real(path, **kw))
    backups.restore_backup(made, practice)
    assert (made, {}) in checked  # the restore checks the backup in full (quick_check)
    assert full == []  # and needs no second check of the copies it writes
    assert "Made after the backup" not in names(practice)
    db = storage.open_database(practice)
    try:  # the restored practice opens, and every name is back exactly as typed
        restored = {r.name for r in clients.list_rows(db)}
    finally:
        db.close()
    assert set(HOSTILE) <= restored and not any(n.startswith("Renamed") for n in restored)
