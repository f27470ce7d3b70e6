"""An encrypted practice remembered in the system keyring on this computer (``keyring``),
for the window's "Remember on this computer". No Qt here.

What is kept is the practice's **data key** (the 32 bytes the recovery key encodes), as
``"coachdesk-key-v1:" + 64 hex digits``, never the passphrase. On this computer the two
open the practice and its backups alike, but the key is less: it opens no sealed export
and reveals no passphrase the coach may use elsewhere. And it needs no scrypt: a page
read (milliseconds) tells whether it still opens the practice, so a remembered practice
starts as fast as a plain one. Changing the passphrase keeps the data key, so the entry
stays valid; encrypting again (a new data key) makes it useless: it is then forgotten and
the coach asked.

An entry an older CoachDesk wrote holds the passphrase itself (no prefix): it is still
accepted once (checked with scrypt, as before) and replaced by the key form at once.

Service ``"CoachDesk practice"``, user name: the practice file's absolute path (a practice
moved or copied elsewhere asks again). Without a usable keyring, ``save`` says so in one
plain sentence and nothing is remembered: the passphrase is then asked at start. Neither
the key nor a passphrase ever reaches a log or a message.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from . import encryption
from .errors import CoachDeskError, StorageError

log = logging.getLogger(__name__)

SERVICE = "CoachDesk practice"
PREFIX = "coachdesk-key-v1:"
#: ``unlock_remembered``'s answers
UNLOCKED, FORGOTTEN, NOTHING = "unlocked", "forgotten", "nothing"
#: How long the page read waits for a file another program holds locked (seconds).
BUSY_WAIT_S = 2.0


def _user(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _read(path: Path | str) -> str | None:
    """The raw entry of ``path`` (None: none kept, or no usable keyring)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _user(path))
    except KeyringError as exc:
        log.warning("the system keyring failed (%s)", type(exc).__name__)
        return None


def _key_of(entry: str) -> bytes | None:
    """The data key of a key-form entry; None for anything else (an older passphrase)."""
    if not entry.startswith(PREFIX):
        return None
    digits = entry[len(PREFIX):]
    try:
        key = bytes.fromhex(digits)
    except ValueError:
        return None
    return key if len(key) == 32 and len(digits) == 64 else None


def save(path: Path | str, key: bytes) -> None:
    """Keep the data key ``key`` (32 bytes) of the encrypted practice ``path``, replacing
    whatever was kept for it. ``CoachDeskError`` (plain) if the keyring cannot;
    ``ValueError`` for a key that is not 32 bytes (a programming error)."""
    import keyring
    from keyring.errors import KeyringError

    if not isinstance(key, bytes) or len(key) != 32:
        raise ValueError("a data key is 32 bytes")
    try:
        keyring.set_password(SERVICE, _user(path), PREFIX + key.hex())
    except KeyringError as exc:
        log.warning("the system keyring failed (%s)", type(exc).__name__)
        raise CoachDeskError("The system's keyring cannot be used on this computer, so the "
                             "practice was not remembered; CoachDesk will ask for its "
                             "passphrase at start.") from None


def remembered_key(path: Path | str) -> bytes | None:
    """The data key remembered for ``path``; None when nothing is kept, an older
    CoachDesk's passphrase is (``old_passphrase``), or there is no usable keyring."""
    entry = _read(path)
    return _key_of(entry) if entry else None


def old_passphrase(path: Path | str) -> str | None:
    """The passphrase an older CoachDesk kept for ``path`` (to be replaced by the key
    form once it opened the practice: ``unlock_remembered``), else None."""
    entry = _read(path)
    return entry if entry and _key_of(entry) is None else None


def is_remembered(path: Path | str) -> bool:
    """True when something is kept for ``path`` (a key, or an older passphrase)."""
    return bool(_read(path))


def upgrade(path: Path | str, key: bytes) -> None:
    """Replace an older CoachDesk's passphrase kept for ``path`` by ``key`` (call it once
    ``key`` is known to open the practice). A key already kept, or nothing kept: nothing
    to do. A keyring that refuses is logged (by type) and the entry left as it was."""
    if old_passphrase(path) is None:
        return
    try:
        save(path, key)
    except CoachDeskError:
        return
    log.info("the passphrase kept in the keyring was replaced by the practice's key")


def _opens(path: Path, key: bytes) -> bool | None:
    """True: ``key`` opens ``path`` (its first page read, nothing written); False: it does
    not (the page does not decrypt); None: the file could not be read just now (a lock, a
    drive error), so no verdict about the key."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    try:
        con = encryption.connect_translated(uri, key, uri=True, timeout=BUSY_WAIT_S)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            return False
        log.warning("the remembered key was not tried (%s)", getattr(exc, "sqlite_errorname",
                                                                    type(exc).__name__))
        return None
    except sqlite3.Error as exc:
        log.warning("the remembered key was not tried (%s)", type(exc).__name__)
        return None
    return True


def unlock_remembered(path: Path | str, *, old_form: bool = True) -> str:
    """Unlock the encrypted practice ``path`` with what this computer remembers for it.

    ``UNLOCKED``: its data key is now known to this process (``encryption.remember``, with
    the key file's ``key_id``, so its backups open too). A remembered key costs a page
    read, no scrypt; an older CoachDesk's passphrase (only when ``old_form``) costs the
    scrypt of ``encryption.unlock`` once and is replaced by the key form.
    ``FORGOTTEN``: what was kept no longer opens it (encrypted again with a new key, or a
    passphrase changed by an older CoachDesk); it was removed from the keyring.
    ``NOTHING``: nothing kept (or no keyring, or, with ``old_form`` False, an older
    passphrase), or the file could not be read just now (the entry is kept).

    Raises ``UnsupportedEncryptionError`` (a newer key file) and the ``StorageError`` of a
    key file that cannot be read; writes nothing but the keyring's entry."""
    path = Path(path)
    entry = _read(path)
    if not entry:
        return NOTHING
    key = _key_of(entry)
    kp = encryption.key_path(path)
    doc = encryption.read_key_file(kp) if kp.exists() else None
    if key is None:
        if not old_form:
            return NOTHING
        try:
            key = encryption.unlock(path, passphrase=entry, delay=0)
        except encryption.WrongPassphraseError:
            forget(path)
            log.info("the passphrase kept in the keyring no longer opens the practice")
            return FORGOTTEN
        upgrade(path, key)
        return UNLOCKED
    opens = _opens(path, key)
    if opens is None:
        return NOTHING
    if not opens:
        forget(path)
        log.info("the key kept in the keyring no longer opens the practice")
        return FORGOTTEN
    # The key opens the practice, so the key file beside it seals this key (as after the
    # recovery key, encryption.unlock): its key_id names it, and backups find it by that.
    encryption.remember(path, key, doc["key_id"] if doc else None)
    return UNLOCKED


def save_known(path: Path | str) -> None:
    """Remember the data key of ``path`` that this process knows now (after
    ``encryption.unlock``, an encryption or a change of passphrase). ``CoachDeskError``
    (plain) when the keyring cannot keep it; ``StorageError`` when the key is not known."""
    key = encryption.key_for(path)
    if key is None:
        raise StorageError("This practice is not encrypted, so there is nothing to remember.")
    save(path, key)


def forget(path: Path | str) -> None:
    """Remove what is kept for ``path`` (nothing kept: nothing to do)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _user(path))
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        log.warning("the system keyring failed (%s)", type(exc).__name__)


def available() -> bool:
    """True when this computer has a system keyring ``save`` can use (not keyring's "fail"
    or "null" backends): the window offers "Remember on this computer" only then."""
    import keyring

    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration: treat as none
        return False
    return getattr(backend, "priority", 0) > 0 and type(backend).__module__.split(".")[-1] not in (
        "fail", "null")
