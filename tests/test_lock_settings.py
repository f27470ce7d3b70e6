"""The idle-lock delay (Settings) and whether a system keyring can remember a passphrase."""

from __future__ import annotations

import pytest

from coachdesk import passphrase_keyring
from coachdesk.errors import ValidationError
from coachdesk.services import settings as settings_service


def test_lock_minutes_default_ten_and_saved(db):
    assert settings_service.lock_minutes(db) == 10
    assert settings_service.set_lock_minutes(db, 0) == 0
    assert settings_service.lock_minutes(db) == 0
    assert settings_service.set_lock_minutes(db, " 25 ") == 25
    assert settings_service.lock_minutes(db) == 25


@pytest.mark.parametrize("bad", [-1, 241, "ten", "", None, True, 2.5])
def test_lock_minutes_refuses_what_is_not_minutes(db, bad):
    settings_service.set_lock_minutes(db, 15)
    with pytest.raises(ValidationError) as exc:
        settings_service.set_lock_minutes(db, bad)
    assert exc.value.field == settings_service.LOCK_MINUTES_KEY
    assert settings_service.lock_minutes(db) == 15


def test_a_hand_edited_lock_value_gives_ten(db):
    settings_service.put_setting(db, settings_service.LOCK_MINUTES_KEY, "999")
    assert settings_service.lock_minutes(db) == 10


def test_keyring_available_only_with_a_real_backend(monkeypatch):
    import keyring
    from keyring_helpers import MemoryKeyring

    old = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        assert passphrase_keyring.available()
        from keyring.backends import fail

        keyring.set_keyring(fail.Keyring())
        assert not passphrase_keyring.available()
    finally:
        keyring.set_keyring(old)
