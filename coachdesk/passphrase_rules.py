"""What a new passphrase must be, said once for every place that asks for one. No Qt.

The window's passphrase dialogs (``ui/dialogs/new_passphrase.py``), the new passphrase
offered after the recovery key opened a practice (``ui/dialogs/unlock_new_passphrase.py``)
use ``check_new_passphrase`` and these sentences, so the rule and its wording never drift
apart.
"""

from __future__ import annotations

from .errors import ValidationError

#: characters a new passphrase needs at least
MIN_LENGTH = 10

LENGTH_HINT = (f"At least {MIN_LENGTH} characters: a long passphrase is what keeps a "
               "stolen file closed. A few ordinary words are easy to remember and hard to "
               "guess, like “kettle river Tuesday lantern”.")

TOO_SHORT = (f"Please use at least {MIN_LENGTH} characters: a short passphrase can be "
             "guessed by a computer in a day. A few ordinary words work well.")
MISMATCH = "The two passphrases differ. Please type the same passphrase in both fields."


def check_new_passphrase(passphrase: str, repeat: str, field: str = "passphrase",
                         repeat_field: str = "repeat") -> str:
    """The new passphrase when it has at least ``MIN_LENGTH`` characters and was typed
    the same twice; else ``ValidationError`` naming ``field`` (too short: ``TOO_SHORT``)
    or ``repeat_field`` (they differ: ``MISMATCH``). Spaces at either end count as typed
    (they are part of the secret); the message never quotes it."""
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(TOO_SHORT, field)
    if passphrase != repeat:
        raise ValidationError(MISMATCH, repeat_field)
    return passphrase
