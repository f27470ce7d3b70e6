"""What "Remember on this computer" keeps in the system keyring (``passphrase_keyring``):
the practice's data key in a versioned form, never the passphrase; a page read opens the
practice with it (no scrypt); an older CoachDesk's passphrase entry is accepted once and
replaced; a key that no longer opens the practice (encrypted again) is forgotten; a
changed passphrase keeps the entry valid; a file held locked keeps it. No Qt."""

from __future__ import annotations

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy, folder_state  # noqa: F401
from keyring_helpers import MemoryKeyring

from coachdesk import encryption, key_files, passphrase_keyring, practice_crypto, storage
from coachdesk.errors import CoachDeskError
from coachdesk.passphrase_keyring import FORGOTTEN, NOTHING, PREFIX, UNLOCKED

NEW_PASSPHRASE = "another passphrase, also long"


@pytest.fixture
def ring(memory_keyring) -> MemoryKeyring:
    return memory_keyring


@pytest.fixture
def locked(practice_templates, db_path):
    """An encrypted practice, locked again; (path, its data key)."""
    encrypted_copy(practice_templates["new"], db_path)
    key = encryption.key_for(db_path)
    encryption.forget()
    return db_path, key


@pytest.fixture
def no_scrypt(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("scrypt ran")

    monkeypatch.setattr(encryption, "_kek", refuse)


def raw(ring: MemoryKeyring, path) -> str | None:
    return ring.kept.get((passphrase_keyring.SERVICE, passphrase_keyring._user(path)))


def test_remembering_keeps_the_key_in_a_versioned_form_never_the_passphrase(ring, locked,
                                                                             monkeypatch):
    from keyring.errors import KeyringError

    path, key = locked
    assert not passphrase_keyring.is_remembered(path)
    assert passphrase_keyring.remembered_key(path) is None
    passphrase_keyring.save(path, key)
    kept = raw(ring, path)
    assert kept == PREFIX + key.hex() and PASSPHRASE not in kept
    assert list(ring.kept) == [(passphrase_keyring.SERVICE, str(path.resolve()))]
    assert passphrase_keyring.remembered_key(path) == key
    assert passphrase_keyring.old_passphrase(path) is None
    assert passphrase_keyring.is_remembered(path)
    with pytest.raises(ValueError):
        passphrase_keyring.save(path, PASSPHRASE.encode())  # never anything but a key
    passphrase_keyring.forget(path)
    passphrase_keyring.forget(path)  # twice: nothing to do
    assert not passphrase_keyring.is_remembered(path)

    def broken(*_args):
        raise KeyringError("no backend")

    monkeypatch.setattr(ring, "set_password", broken)
    monkeypatch.setattr(ring, "get_password", broken)
    with pytest.raises(CoachDeskError, match="will ask for its passphrase at start") as exc:
        passphrase_keyring.save(path, key)
    assert key.hex() not in str(exc.value)
    assert passphrase_keyring.remembered_key(path) is None
    assert passphrase_keyring.unlock_remembered(path) == NOTHING


def test_a_remembered_key_opens_the_practice_without_scrypt(ring, locked, no_scrypt):
    path, key = locked
    passphrase_keyring.save(path, key)
    before = folder_state(path.parent)
    assert passphrase_keyring.unlock_remembered(path) == UNLOCKED
    assert folder_state(path.parent) == before  # a page read: nothing written
    assert encryption.key_for(path) == key
    # known by the key file's id too, as after the passphrase: backups with a copy of it open
    assert encryption._by_id[key_files.key_id(path)] == key
    assert storage.check_file(path).ok


def test_an_older_passphrase_entry_is_accepted_once_then_replaced_by_the_key(ring, locked,
                                                                           monkeypatch):
    path, key = locked
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(path), PASSPHRASE)
    assert passphrase_keyring.remembered_key(path) is None
    assert passphrase_keyring.old_passphrase(path) == PASSPHRASE
    # File → Open leaves the older form to the dialog's worker (scrypt off the GUI thread)
    assert passphrase_keyring.unlock_remembered(path, old_form=False) == NOTHING
    assert raw(ring, path) == PASSPHRASE
    assert passphrase_keyring.unlock_remembered(path) == UNLOCKED  # scrypt, once
    assert raw(ring, path) == PREFIX + key.hex()
    encryption.forget()

    def refuse(*_args, **_kwargs):
        raise AssertionError("scrypt ran")

    monkeypatch.setattr(encryption, "_kek", refuse)
    assert passphrase_keyring.unlock_remembered(path) == UNLOCKED  # from now on: no scrypt
    assert encryption.key_for(path) == key


def test_an_older_passphrase_entry_that_no_longer_opens_it_is_forgotten(
        ring, locked, cheap_keys):  # noqa: F811 - the fixture
    path, _ = locked
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(path),
                      "the passphrase before it was changed")
    assert passphrase_keyring.unlock_remembered(path) == FORGOTTEN
    assert ring.kept == {} and cheap_keys == [0]  # no wait: nobody typed it
    with pytest.raises(encryption.PassphraseNeededError):
        encryption.key_for(path)


def test_after_encrypting_again_the_kept_key_is_forgotten(ring, locked):
    path, old_key = locked
    passphrase_keyring.save(path, old_key)
    encryption.unlock(path, PASSPHRASE)
    practice_crypto.decrypt_practice(path)
    practice_crypto.encrypt_practice(path, PASSPHRASE)  # a new data key
    assert encryption.key_for(path) != old_key
    encryption.forget()
    before = folder_state(path.parent)
    assert passphrase_keyring.unlock_remembered(path) == FORGOTTEN
    assert ring.kept == {}
    assert folder_state(path.parent) == before
    with pytest.raises(encryption.PassphraseNeededError):
        encryption.key_for(path)


def test_a_changed_passphrase_keeps_the_kept_key_valid(ring, locked, monkeypatch):
    path, key = locked
    passphrase_keyring.save(path, key)
    kept = raw(ring, path)
    practice_crypto.change_passphrase(path, NEW_PASSPHRASE, old=PASSPHRASE)
    encryption.forget()

    def refuse(*_args, **_kwargs):
        raise AssertionError("scrypt ran")

    monkeypatch.setattr(encryption, "_kek", refuse)
    assert passphrase_keyring.unlock_remembered(path) == UNLOCKED
    assert raw(ring, path) == kept and encryption.key_for(path) == key


def test_upgrade_replaces_only_an_older_passphrase(ring, locked):
    path, key = locked
    passphrase_keyring.upgrade(path, key)  # nothing kept: nothing written
    assert ring.kept == {}
    ring.set_password(passphrase_keyring.SERVICE, passphrase_keyring._user(path), PASSPHRASE)
    passphrase_keyring.upgrade(path, key)
    assert raw(ring, path) == PREFIX + key.hex()


def test_a_file_held_locked_by_another_program_keeps_the_entry(ring, locked, monkeypatch):
    path, key = locked
    passphrase_keyring.save(path, key)
    monkeypatch.setattr(passphrase_keyring, "BUSY_WAIT_S", 0.05)
    other = encryption.connect(path, key)  # a second connection holding the file
    try:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        assert passphrase_keyring.unlock_remembered(path) == NOTHING
    finally:
        other.close()
    assert raw(ring, path) == PREFIX + key.hex()  # no verdict on the key: kept
    assert passphrase_keyring.unlock_remembered(path) == UNLOCKED
