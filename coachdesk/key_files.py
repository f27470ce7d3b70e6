"""Which key file a practice keeps, told by the data key each key file seals. No Qt.

A key file (``encryption.key_path``) seals the practice's data key with the passphrase;
its ``key_id`` names that data key (``change_passphrase`` keeps it). So two key files
with the same ``key_id`` open the same files, each with its own passphrase, and the
newer one is the one to keep. A key file written after the recovery key opened a
practice whose key file was lost gets a new ``key_id`` for the same data key: when both
data keys are known in this process they are compared instead.

- ``restore_keeps_practice_key(backup, db_path)``: restoring ``backup`` keeps the
  practice's own key file (the same data key: the current passphrase opens the restored
  file) rather than the backup's (the passphrase it was made with);
- ``restore_brings_older_key(backup, db_path)``: the opposite case that the coach must be
  told about: the backup's key file replaces the practice's (or lands beside a plain one);
- ``backups_with_other_key(db_path)``: backups sealed with another data key than the
  practice's now (made before a decryption and a new encryption).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import encryption
from .errors import StorageError


def key_id(db_path: Path | str) -> str | None:
    """The ``key_id`` of the key file beside ``db_path``; None when there is none or it
    cannot be read (never raises)."""
    try:
        doc = json.loads(encryption.key_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = doc.get("key_id") if isinstance(doc, dict) else None
    return value if isinstance(value, str) and value else None


def _known_key(db_path: Path) -> bytes | None:
    try:
        return encryption.key_for(db_path)
    except (StorageError, OSError):
        return None


def same_data_key(a: Path | str, b: Path | str) -> bool:
    """True when the key files beside ``a`` and ``b`` seal the same data key: the same
    ``key_id``, or both files' keys known in this process and equal. False when either
    has no readable key file."""
    a_id, b_id = key_id(a), key_id(b)
    if a_id is None or b_id is None:
        return False
    if a_id == b_id:
        return True
    a_key, b_key = _known_key(Path(a)), _known_key(Path(b))
    return a_key is not None and a_key == b_key


def restore_keeps_practice_key(backup: Path | str, db_path: Path | str) -> bool:
    """True when a restore of ``backup`` over ``db_path`` keeps the practice's key file
    (the same data key sealed with the newer passphrase) instead of the backup's."""
    return same_data_key(backup, db_path)


def restore_brings_older_key(backup: Path | str, db_path: Path | str) -> bool:
    """True when restoring ``backup`` puts its own key file beside the practice: it has
    one and its data key is not the practice's, so from then on the practice opens with
    the passphrase (and recovery key) the backup was made with."""
    return key_id(backup) is not None and not same_data_key(backup, db_path)


def backups_with_other_key(db_path: Path | str, second_folder: Path | str | None = None) -> bool:
    """True when a backup of ``db_path`` (either folder) has a key file whose data key is
    not the practice's current one: it still needs the recovery key it was made with."""
    from . import backups

    if key_id(db_path) is None:
        return False
    if second_folder is None:
        second_folder = backups.remembered_second_folder(db_path)
    return any(key_id(b.path) is not None and not same_data_key(b.path, db_path)
               for b in backups.backup_files(db_path, second_folder))
