"""The passphrase of an encrypted practice remembered in the system keyring on this
computer (``keyring``), for the window's "Remember on this computer". No Qt here.

Service ``"CoachDesk practice"``, user name: the practice file's absolute path (a practice
moved or copied elsewhere asks again). Without a usable keyring, ``save`` says so in one
plain sentence and ``passphrase`` returns None: the passphrase is then asked at start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .errors import CoachDeskError

log = logging.getLogger(__name__)

SERVICE = "CoachDesk practice"


def _user(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def save(path: Path | str, passphrase: str) -> None:
    """Keep ``passphrase`` for ``path``; ``CoachDeskError`` (plain) if the keyring cannot."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _user(path), passphrase)
    except KeyringError as exc:
        log.warning("the system keyring failed (%s)", type(exc).__name__)
        raise CoachDeskError("The system's keyring cannot be used on this computer, so the "
                             "passphrase was not remembered; CoachDesk will ask for it at "
                             "start.") from None


def passphrase(path: Path | str) -> str | None:
    """The remembered passphrase of ``path``, or None (none kept, or no usable keyring)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _user(path))
    except KeyringError as exc:
        log.warning("the system keyring failed (%s)", type(exc).__name__)
        return None


def forget(path: Path | str) -> None:
    """Remove the remembered passphrase of ``path`` (nothing kept: nothing to do)."""
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
