"""What lies on the disk for an encrypted practice: canaries in every private field are in
no byte of the file, its -wal and -shm, its backups (both folders); backups are verified,
carry their key file, rotate with it and restore; the sealed JSON export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401
from test_privacy import CANARY, NAME, make_client

from coachdesk import backups, encryption, restore, storage
from coachdesk.backup_names import utcnow
from coachdesk.services import clients, export_sealed

#: Words make_client writes into the private fields (each with the client's name).
SECRETS = [CANARY, NAME, "Zyxqvor", "Shared summary for", "Background of", "Objectives for",
           "Goal of", "Option by", "Reading about", "Rating comment", "Boss of", "MVS notes",
           "Pattern of", "Draft about", "deleted session of", "Invoice note for", "Signed by"]


def leaks(data: bytes) -> list[str]:
    found = [w for w in SECRETS if w.encode("utf-8") in data or w.encode("utf-16-le") in data]
    if storage.SQLITE_HEADER in data:
        found.append("SQLite header")
    return found


def disk_files(db_path):
    return [db_path, db_path.with_name(db_path.name + "-wal"),
            db_path.with_name(db_path.name + "-shm")]


def test_canaries_are_in_no_byte_of_the_file_its_wal_and_shm(practice_templates, db_path,
                                                             tmp_path):
    encrypted_copy(practice_templates["new"], db_path)
    db = storage.open_database(db_path)
    try:
        make_client(db, tmp_path)
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.stat().st_size > 0, "the writes must still be in the -wal for this test"
        for path in disk_files(db_path):  # while open: the -wal holds the new pages
            assert leaks(path.read_bytes()) == [], path.name
    finally:
        db.close()
    for path in disk_files(db_path):
        if path.exists():
            assert leaks(path.read_bytes()) == [], path.name
    # the same practice, plain, does hold them: the test can see a leak
    plain = tmp_path / "plain" / "coachdesk.db"
    db = storage.open_database(storage.copy_database(practice_templates["new"], plain))
    try:
        make_client(db, tmp_path)
        assert CANARY in leaks(plain.read_bytes() + plain.with_name(plain.name + "-wal").read_bytes())
    finally:
        db.close()


def test_backups_are_encrypted_verified_in_both_folders_and_restorable(
        practice_templates, db_path, tmp_path):
    encrypted_copy(practice_templates["new"], db_path)
    second = tmp_path / "usb-stick"
    second.mkdir()
    db = storage.open_database(db_path)
    try:
        make_client(db, tmp_path)
        backups.save_settings(db, backups.RHYTHM_DAILY, second)
    finally:
        db.close()
    made = backups.backup_now(db_path, second_folder=second)
    assert made.warnings == ()
    copies = [made.path, second / made.path.name]
    for copy in copies:
        assert leaks(copy.read_bytes()) == [], copy
        assert encryption.key_path(copy).read_bytes() == encryption.key_path(db_path).read_bytes()
        assert backups.verify(copy)

    # another computer (a fresh process): the passphrase opens the backup on the stick
    encryption.forget()
    with pytest.raises(encryption.PassphraseNeededError):
        storage.inspect_file(copies[1])
    encryption.unlock(copies[1], PASSPHRASE)
    assert storage.check_file(copies[1]).clients == 1

    # the coach deletes the client by mistake, then restores the backup
    encryption.forget()
    encryption.unlock(db_path, PASSPHRASE)
    db = storage.open_database(db_path)
    try:
        client_id = clients.list_rows(db)[0].id
        clients.archive(db, client_id)
    finally:
        db.close()
    assert restore.latest_good_backup(db_path) == made.path
    kept = storage.restore_file(made.path, db_path)
    assert kept is not None and encryption.key_path(kept).exists()
    assert leaks(db_path.read_bytes()) == []
    encryption.forget()
    encryption.unlock(db_path, PASSPHRASE)
    db = storage.open_database(db_path)
    try:
        assert [r.status for r in clients.list_rows(db)] == ["active"]
    finally:
        db.close()


def test_a_plain_backup_restored_over_an_encrypted_practice_leaves_no_key_file(
        practice_templates, db_path, tmp_path):
    plain_backup = tmp_path / "old-plain.db"
    storage.copy_database(practice_templates["demo"], plain_backup)
    encrypted_copy(practice_templates["new"], db_path)
    storage.restore_file(plain_backup, db_path)
    assert db_path.read_bytes()[:16] == storage.SQLITE_HEADER
    assert not encryption.key_path(db_path).exists()
    assert storage.check_file(db_path).clients == 12


def test_rotation_and_deleting_a_backup_take_its_key_file_along(practice_templates, db_path):
    encrypted_copy(practice_templates["new"], db_path)
    now = utcnow()
    made = [backups.backup_now(db_path, now=now - timedelta(days=400 - d)).path
            for d in range(0, 40, 1)]
    folder = made[0].parent
    dbs = {p.name for p in folder.glob("*.db")}
    keys = {p.name[:-len(".key")] for p in folder.glob("*.db.key")}
    assert dbs == keys and len(dbs) < len(made)
    kept = sorted(folder.glob("*-manual.db"))[0]
    backups.delete_backups([kept])
    assert not encryption.key_path(kept).exists()


def test_the_sealed_export_is_an_age_file_that_opens_with_the_passphrase(
        practice_templates, db_path, tmp_path):
    from pyrage import passphrase as age

    encrypted_copy(practice_templates["new"], db_path)
    db = storage.open_database(db_path)
    try:
        make_client(db, tmp_path)
        out = export_sealed.export_encrypted(db, tmp_path / "practice.json.age", "export words")
    finally:
        db.close()
    raw = out.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert leaks(raw) == []
    doc = json.loads(age.decrypt(raw, "export words"))
    assert any(CANARY in (s.get("private_notes") or "") for s in doc["tables"]["coaching_session"])
    assert export_sealed.is_sealed(out)
    with pytest.raises(storage.StorageError, match="does not open"):
        export_sealed.open_sealed(out, "other words")


def test_a_backup_copies_the_encrypted_pages_with_what_is_still_in_the_wal(
        practice_templates, db_path, monkeypatch):
    from coachdesk import encrypted_copy as page_copy  # the module; the helper has its name

    encrypted_copy(practice_templates["new"], db_path)
    db = storage.open_database(db_path)
    try:
        clients.create(db, "Only In The Wal")
        assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
        took = []
        real = page_copy.copy_pages
        monkeypatch.setattr(page_copy, "copy_pages",
                            lambda *a: took.append(a[0]) or real(*a))
        made = backups.backup_now(db_path).path
    finally:
        db.close()
    assert took == [db_path]  # the page copy, not VACUUM INTO
    assert made.read_bytes()[:16] == db_path.read_bytes()[:16]  # same salt: same pages
    assert not any(made.with_name(made.name + s).exists() for s in ("-wal", "-shm", "-journal"))
    encryption.forget()
    encryption.unlock(made, PASSPHRASE)
    con = storage.connect_read_only(made)
    try:
        assert con.execute("SELECT name FROM client").fetchall() == [("Only In The Wal",)]
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        con.close()


def test_a_locked_encrypted_backup_is_not_verified_and_stops_nothing(
        practice_templates, db_path, tmp_path):
    from coachdesk.services import erasure

    encrypted_copy(practice_templates["new"], db_path)
    made = backups.backup_now(db_path).path
    encryption.forget()  # another key, or this one not given: the backup cannot be read
    assert backups.verify(made) is False
    assert backups.remembered_second_folder(db_path) is None
    assert erasure.backups_with_client([made], 1, "Anyone") == [made]  # offered for deletion
