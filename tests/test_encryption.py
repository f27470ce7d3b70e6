"""Encrypted practices, the engine (coachdesk/encryption.py, practice_crypto.py, storage):
open and create with a passphrase or the recovery key, services / migrations / search on
an encrypted file, plain messages (locked, wrong passphrase, no key file, a newer key
file, not a database), changing the passphrase, converting both ways."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy, folder_state  # noqa: F401
from test_upgrades import make_file_at

from coachdesk import encryption, migrations, practice_crypto, storage
from coachdesk.errors import NotADatabaseError, StorageError
from coachdesk.services import clients, engagements, search, sessions


def test_recovery_key_reads_back_forgiving_case_spaces_and_look_alikes():
    key = encryption.new_data_key()
    text = encryption.recovery_key_text(key)
    groups = text.split("-")
    assert len(groups) == 11 and all(len(g) == 5 for g in groups[:-1])
    assert encryption.parse_recovery_key(text) == key
    sloppy = " ".join(groups).lower().replace("o", "0").replace("i", "1")
    assert encryption.parse_recovery_key(sloppy) == key
    typo = text.replace(text[7], "A" if text[7] != "A" else "B", 1)
    with pytest.raises(encryption.WrongPassphraseError, match="recovery key is not right"):
        encryption.parse_recovery_key(typo)


def test_encrypted_practice_has_no_header_and_every_service_and_search_work(
        practice_templates, db_path):
    encrypted_copy(practice_templates["demo"], db_path)
    assert db_path.read_bytes()[:16] != storage.SQLITE_HEADER
    key_file = encryption.key_path(db_path)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert PASSPHRASE not in key_file.read_text()

    encryption.forget()
    db = storage.open_database(db_path, passphrase=PASSPHRASE)
    try:
        assert len(clients.list_rows(db)) == 12
        c = clients.create(db, "Wilhelmina Quorrtz")
        e = engagements.create(db, c.id, date(2025, 1, 6))
        s = sessions.create(db, e.id, date(2025, 2, 3), status="held")
        sessions.save_notes(db, s.id, private_notes="talked about zebrafinch migrations")
        hits = search.search(db, "zebrafinch")  # FTS5 on the encrypted file
        assert [h.kind for h in hits] and any("zebrafinch" in str(h).lower() for h in hits)
        assert db.revision() == migrations.HEAD
    finally:
        db.close()
    assert storage.check_file(db_path).ok


def test_a_new_encrypted_practice_is_migrated_from_nothing(db_path):
    db, recovery = practice_crypto.create_practice(db_path, PASSPHRASE)
    try:
        clients.create(db, "First Client")
    finally:
        db.close()
    assert db_path.read_bytes()[:16] != storage.SQLITE_HEADER
    encryption.forget()
    db = storage.open_database(db_path, recovery_key=recovery.lower())
    try:
        assert [r.name for r in clients.list_rows(db)] == ["First Client"]
    finally:
        db.close()


def test_an_older_encrypted_file_is_upgraded_by_the_usual_migrations(db_path, tmp_path):
    old = tmp_path / "old.db"
    make_file_at(old, "0005_corrections")
    key = encryption.new_data_key()
    db_path.parent.mkdir(parents=True)
    practice_crypto._export(old, None, db_path, key)
    encryption.write_key_file(encryption.key_path(db_path), encryption.wrap(key, PASSPHRASE))
    encryption.unlock(db_path, PASSPHRASE)
    db = storage.open_database(db_path)  # backs up (encrypted), then migrates
    try:
        assert db.revision() == migrations.HEAD
    finally:
        db.close()
    assert db_path.read_bytes()[:16] != storage.SQLITE_HEADER
    safety = storage.list_backups(db_path)
    assert safety and all(p.read_bytes()[:16] != storage.SQLITE_HEADER for p in safety)
    assert all(encryption.key_path(p).exists() for p in safety)


def test_locked_file_asks_for_the_passphrase_and_other_files_are_told_apart(
        practice_templates, db_path, tmp_path):
    recovery = encrypted_copy(practice_templates["new"], db_path)
    encryption.forget()
    with pytest.raises(encryption.PassphraseNeededError) as locked:
        storage.open_database(db_path)
    assert "protected with a passphrase" in str(locked.value)

    noise = tmp_path / "notes.db"
    noise.write_text("shopping list\n" * 400)
    with pytest.raises(NotADatabaseError, match="not a CoachDesk file"):
        storage.open_database(noise)

    encryption.key_path(db_path).rename(tmp_path / "elsewhere.key")
    with pytest.raises(encryption.KeyFileMissingError) as lost:
        storage.inspect_file(db_path)
    assert "recovery key" in str(lost.value)
    with pytest.raises(encryption.KeyFileMissingError):
        encryption.unlock(db_path, PASSPHRASE)
    encryption.unlock(db_path, recovery_key=recovery)
    assert storage.inspect_file(db_path).has_tables
    # with the recovery key the coach sets a passphrase again: a new key file
    practice_crypto.change_passphrase(db_path, "a new one")
    encryption.forget()
    encryption.unlock(db_path, "a new one")
    assert storage.check_file(db_path).ok


def test_wrong_passphrase_waits_says_so_plainly_and_writes_nothing(
        practice_templates, db_path, cheap_keys):  # noqa: F811 - the fixture
    encrypted_copy(practice_templates["new"], db_path)
    encryption.forget()
    before = folder_state(db_path.parent)
    for wrong in ("correct horse battery stapl", PASSPHRASE.upper(), ""):
        with pytest.raises(encryption.WrongPassphraseError) as exc:
            encryption.unlock(db_path, wrong)
        assert "does not open this practice" in str(exc.value)
        assert not wrong or wrong not in str(exc.value)
    with pytest.raises(encryption.WrongPassphraseError):
        encryption.unlock(db_path, recovery_key=encryption.recovery_key_text(b"\x01" * 32))
    assert cheap_keys == [encryption.WRONG_DELAY] * 4
    assert folder_state(db_path.parent) == before
    with pytest.raises(encryption.PassphraseNeededError):
        storage.open_database(db_path)
    assert folder_state(db_path.parent) == before


@pytest.mark.parametrize("change, words", [
    (lambda doc: doc.update(version=2), "newer version of CoachDesk"),
    (lambda doc: doc["cipher"].update(page_size=1024), "settings this version"),
    (lambda doc: doc["kdf"].update(name="argon2id"), "settings this version"),
])
def test_a_key_file_from_a_newer_coachdesk_or_other_cipher_is_refused_plainly(
        practice_templates, db_path, change, words):
    encrypted_copy(practice_templates["new"], db_path)
    encryption.forget()
    key_file = encryption.key_path(db_path)
    doc = json.loads(key_file.read_text())
    change(doc)
    key_file.write_text(json.dumps(doc))
    with pytest.raises(encryption.UnsupportedEncryptionError, match=words):
        encryption.unlock(db_path, PASSPHRASE)
    with pytest.raises(encryption.UnsupportedEncryptionError, match=words):
        storage.open_database(db_path)


def test_a_tampered_key_file_header_fails_like_a_wrong_passphrase(practice_templates, db_path):
    encrypted_copy(practice_templates["new"], db_path)
    encryption.forget()
    key_file = encryption.key_path(db_path)
    doc = json.loads(key_file.read_text())
    doc["key_id"] = "0" * 16
    key_file.write_text(json.dumps(doc))
    with pytest.raises(encryption.WrongPassphraseError):
        encryption.unlock(db_path, PASSPHRASE)


def test_changing_the_passphrase_rewraps_only_the_key_file(practice_templates, db_path):
    recovery = encrypted_copy(practice_templates["demo"], db_path)
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(encryption.WrongPassphraseError):
        practice_crypto.change_passphrase(db_path, "new words", old="not it")
    practice_crypto.change_passphrase(db_path, "new words", old=PASSPHRASE)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    encryption.forget()
    with pytest.raises(encryption.WrongPassphraseError):
        encryption.unlock(db_path, PASSPHRASE)
    encryption.unlock(db_path, "new words")
    encryption.forget()
    encryption.unlock(db_path, recovery_key=recovery)  # the recovery key did not change
    assert storage.check_file(db_path).clients == 12


def test_decrypt_gives_back_the_same_plain_practice(practice_templates, db_path):
    encrypted_copy(practice_templates["demo"], db_path)
    encryption.forget()
    with pytest.raises(encryption.WrongPassphraseError):
        practice_crypto.decrypt_practice(db_path, "nope")
    practice_crypto.decrypt_practice(db_path, PASSPHRASE)
    assert db_path.read_bytes()[:16] == storage.SQLITE_HEADER
    assert not encryption.key_path(db_path).exists()
    encryption.forget()  # a plain file needs no key
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM client").fetchone()[0] == 12
    finally:
        con.close()
    # its backups (the one made before decrypting too) stay encrypted
    made = storage.list_backups(db_path)
    assert made and all(p.read_bytes()[:16] != storage.SQLITE_HEADER for p in made)


def test_encrypting_also_encrypts_the_plain_backups_already_there(practice_templates, db_path):
    storage.open_database(storage.copy_database(practice_templates["demo"], db_path)).close()
    storage.backup_file(db_path)
    assert all(p.read_bytes()[:16] == storage.SQLITE_HEADER for p in storage.list_backups(db_path))
    done = practice_crypto.encrypt_practice(db_path, PASSPHRASE)
    assert done.warnings == []
    made = storage.list_backups(db_path)
    assert len(made) == 2  # the one made by hand and the safety copy before encrypting
    for p in made:
        assert p.read_bytes()[:16] != storage.SQLITE_HEADER
        assert encryption.key_path(p).exists()


def test_encrypting_refuses_what_it_cannot_do(practice_templates, db_path, tmp_path):
    with pytest.raises(StorageError, match="passphrase cannot be empty"):
        practice_crypto.encrypt_practice(db_path, "")
    encrypted_copy(practice_templates["new"], db_path)
    with pytest.raises(StorageError, match="already encrypted"):
        practice_crypto.encrypt_practice(db_path, PASSPHRASE)
    plain = tmp_path / "plain.db"
    storage.copy_database(practice_templates["new"], plain)
    with pytest.raises(StorageError, match="not encrypted"):
        practice_crypto.decrypt_practice(plain, PASSPHRASE)
    with pytest.raises(StorageError, match="not encrypted"):
        practice_crypto.change_passphrase(plain, "x")
