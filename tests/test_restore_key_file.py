"""Restoring a backup of an encrypted practice keeps the passphrase the coach uses now when
the backup has the same data key (coach finding 1 of issue 17), and brings the backup's own
key file only when its data key differs (a backup from before a decryption and a new
encryption); ``key_files`` tells the two apart, also for the recovery key sheet."""

from __future__ import annotations

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401

from coachdesk import backups, encryption, key_files, practice_crypto, storage

NEWER = "the passphrase chosen later on"
OTHER = "a passphrase after encrypting again"


def opens_with(path, passphrase: str) -> bool:
    """As at the next start: nothing known in this process, then ``unlock``."""
    encryption.forget()
    try:
        encryption.unlock(path, passphrase)
    except encryption.WrongPassphraseError:
        return False
    finally:
        encryption.forget()
    return True


def test_a_backup_from_before_a_passphrase_change_keeps_the_new_passphrase(
        practice_templates, db_path):
    recovery = encrypted_copy(practice_templates["demo"], db_path)
    made = backups.backup_now(db_path).path
    practice_crypto.change_passphrase(db_path, NEWER, old=PASSPHRASE)
    assert key_files.same_data_key(made, db_path)
    assert not key_files.restore_brings_older_key(made, db_path)

    storage.restore_file(made, db_path)

    assert opens_with(db_path, NEWER)
    assert not opens_with(db_path, PASSPHRASE)
    encryption.unlock(db_path, recovery_key=recovery)  # the recovery key still opens it
    assert storage.check_file(db_path).clients == 12


def test_a_backup_from_before_a_decryption_brings_its_own_passphrase_back(
        practice_templates, db_path):
    first_recovery = encrypted_copy(practice_templates["demo"], db_path)
    made = backups.backup_now(db_path).path
    practice_crypto.decrypt_practice(db_path, passphrase=PASSPHRASE)
    practice_crypto.encrypt_practice(db_path, OTHER)
    assert key_files.backups_with_other_key(db_path)
    assert key_files.restore_brings_older_key(made, db_path)

    storage.restore_file(made, db_path)

    assert opens_with(db_path, PASSPHRASE)
    assert not opens_with(db_path, OTHER)
    encryption.unlock(db_path, recovery_key=first_recovery)
    assert storage.check_file(db_path).clients == 12


def test_a_new_key_file_after_the_recovery_key_is_kept_over_a_backups(practice_templates,
                                                                     db_path):
    recovery = encrypted_copy(practice_templates["demo"], db_path)
    made = backups.backup_now(db_path).path
    encryption.key_path(db_path).unlink()  # the key file is lost: a new one, a new key_id
    encryption.forget()
    encryption.unlock(db_path, recovery_key=recovery)
    practice_crypto.change_passphrase(db_path, NEWER)
    assert key_files.key_id(made) != key_files.key_id(db_path)
    assert key_files.same_data_key(made, db_path)  # both keys known here: compared

    storage.restore_file(made, db_path)

    assert opens_with(db_path, NEWER)


def test_a_plain_practice_takes_an_encrypted_backups_key_file(practice_templates, db_path,
                                                             tmp_path):
    backup = tmp_path / "usb" / "coachdesk-2026-01-05-1800-manual.db"
    encrypted_copy(practice_templates["demo"], backup)
    storage.copy_database(practice_templates["new"], db_path)
    assert key_files.restore_brings_older_key(backup, db_path)
    assert not key_files.backups_with_other_key(db_path)  # a plain practice: no key at all

    storage.restore_file(backup, db_path)

    assert key_files.key_id(db_path) == key_files.key_id(backup)
    assert opens_with(db_path, PASSPHRASE)


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"key_id": 7}'])
def test_an_unreadable_key_file_has_no_key_id(db_path, content):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    encryption.key_path(db_path).write_text(content, encoding="utf-8")
    assert key_files.key_id(db_path) is None
    assert not key_files.same_data_key(db_path, db_path)
