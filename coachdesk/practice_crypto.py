"""Turning a practice file encrypted or plain in place, new encrypted practices, and
changing the passphrase. No Qt here; the window's Settings and the CLI call these.

Every conversion follows one order, so a kill -9 (or a power cut) at any moment leaves a
practice that opens, with the passphrase it had before or the one just chosen:

1. a verified backup of the file as it is (kind ``before-encryption``);
2. the journal is folded into the file (no -wal left beside it);
3. ``sqlcipher_export`` writes the converted copy to '<file>.<pid>.partial', which is
   checked (``quick_check`` and the same number of rows in every table);
4. encrypting: the key file is written (atomically) beside the practice; a key file
   beside a *plain* file is ignored, so a kill here leaves the plain practice;
5. the copy is renamed over the practice (one atomic step);
6. decrypting: the key file goes, after the rename.

The caller closes every ``Database`` on the file first (the window locks it, the CLI
opens none).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple

from . import backups, encryption, storage
from .backup_names import temp_name
from .errors import StorageError
from .faults import crash_point


def create_practice(path: Path | str, passphrase: str) -> tuple[storage.Database, str]:
    """A new, empty, encrypted practice at ``path`` (it must not exist or be 0 bytes).

    Returns the open ``Database`` and the recovery key text, to be shown (printed) once.
    Raises ``StorageError`` when ``path`` already holds a practice or the passphrase is
    empty."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise StorageError(f"{path.name} already holds a practice; choose a new file name.")
    key = encryption.new_data_key()
    doc = encryption.wrap(key, passphrase)
    path.parent.mkdir(parents=True, exist_ok=True)
    encryption.write_key_file(encryption.key_path(path), doc)
    encryption.remember(path, key, doc["key_id"])
    db = storage.open_database(path, accept_empty=True)
    return db, encryption.recovery_key_text(key)


def change_passphrase(path: Path | str, new: str, old: str | None = None) -> None:
    """Seal the data key of ``path`` with ``new``: only the key file is rewritten
    (atomically), the practice is not re-encrypted and the recovery key stays valid.

    ``old`` is checked first (``WrongPassphraseError`` after the usual delay); without it
    the practice must already be unlocked in this process (after opening it with the
    recovery key, when the key file was lost). Backups made before keep their own key
    file, so they open with the passphrase they had (or the recovery key)."""
    path = Path(path)
    if not encryption.is_encrypted(path):
        raise StorageError(f"{path.name} is not encrypted, so it has no passphrase to change.")
    key = encryption.unlock(path, old) if old is not None else encryption.key_for(path)
    kp = encryption.key_path(path)
    key_id = encryption.read_key_file(kp)["key_id"] if kp.exists() else None
    doc = encryption.wrap(key, new, key_id)
    encryption.write_key_file(kp, doc)
    encryption.remember(path, key, doc["key_id"])


class Encrypted(NamedTuple):
    recovery_key: str  #: to show (print) once: ``encryption.recovery_key_text``
    warnings: list[str]  #: plain sentences about backups left plain (``encrypt_backups``)


def encrypt_practice(path: Path | str, passphrase: str) -> Encrypted:
    """Encrypt the plain practice ``path`` in place, then its plain backups
    (``encrypt_backups``); returns the recovery key text and any warnings.

    Raises ``StorageError`` (plain sentences): not a practice, already encrypted, an empty
    passphrase, no verified backup could be made, the copy failed its check (the practice
    is then left as it was), a full disk."""
    path = Path(path)
    if not passphrase:
        raise StorageError("The passphrase cannot be empty.")
    if encryption.is_encrypted(path):
        encryption.key_for(path)  # not a database at all: says so
        raise StorageError(f"{path.name} is already encrypted.")
    _checked(path)
    backups.backup_now(path, kind=backups.BEFORE_ENCRYPTION, rotate=False)
    crash_point("encrypt:after-backup")
    key = encryption.new_data_key()
    doc = encryption.wrap(key, passphrase)
    _fold_journal(path)
    tmp = temp_name(path)
    _export(path, None, tmp, key)
    encryption.remember(tmp, key)
    try:
        _compare(path, tmp)
        crash_point("encrypt:before-key-file")
        encryption.write_key_file(encryption.key_path(path), doc)
        crash_point("encrypt:before-replace")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        encryption.forget(tmp)
    storage._fsync(path.parent)
    encryption.remember(path, key, doc["key_id"])
    crash_point("encrypt:after-replace")
    warnings = encrypt_backups(path, key, doc)
    return Encrypted(encryption.recovery_key_text(key), warnings)


def encrypt_backups(path: Path | str, key: bytes, doc: dict) -> list[str]:
    """Encrypt, each in place and with the practice's data key, the plain backups of
    ``path`` in its backups folder and its second folder (the safety copy made before
    encrypting included): a plain copy left there would undo the encryption. Returns
    plain sentences about backups that could not be encrypted (a stick unplugged, a
    damaged copy); those are left as they were."""
    path = Path(path)
    problems: list[str] = []
    second = backups.remembered_second_folder(path)
    for info in backups.backup_files(path, second):
        if encryption.is_encrypted(info.path):
            continue
        tmp = temp_name(info.path)
        try:
            _export(info.path, None, tmp, key)
            encryption.remember(tmp, key)
            _compare(info.path, tmp)
            encryption.write_key_file(encryption.key_path(info.path), doc)
            os.replace(tmp, info.path)
        except (StorageError, OSError, sqlite3.Error):
            tmp.unlink(missing_ok=True)
            problems.append(f"The backup {info.path.name} could not be encrypted; it is still "
                            "readable without the passphrase. Delete it if you do not need it.")
        finally:
            encryption.forget(tmp)
    return problems


def decrypt_practice(path: Path | str, passphrase: str | None = None,
                     recovery_key: str | None = None) -> None:
    """Turn the encrypted practice ``path`` back into a plain SQLite file, in place.

    Without ``passphrase`` and ``recovery_key`` the practice must be unlocked already.
    Raises ``WrongPassphraseError`` (after the delay, nothing written), and the
    ``StorageError``s of ``encrypt_practice``. Its backups stay encrypted."""
    path = Path(path)
    if not encryption.is_encrypted(path):
        raise StorageError(f"{path.name} is not encrypted.")
    if passphrase is None and recovery_key is None:
        key = encryption.key_for(path)  # unlocked already; else PassphraseNeededError
    else:
        key = encryption.unlock(path, passphrase, recovery_key)
    _checked(path)
    backups.backup_now(path, kind=backups.BEFORE_ENCRYPTION, rotate=False)
    crash_point("decrypt:after-backup")
    _fold_journal(path)
    tmp = temp_name(path)
    _export(path, key, tmp, None)
    try:
        _compare(path, tmp)
        crash_point("decrypt:before-replace")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    storage._fsync(path.parent)
    crash_point("decrypt:after-replace")
    encryption.key_path(path).unlink(missing_ok=True)


# -- steps ------------------------------------------------------------------------------


def _checked(path: Path) -> None:
    state = storage.inspect_file(path)
    if not state.has_tables:
        raise StorageError(f"{path.name} holds no practice yet; nothing was changed.")
    if state.revision != storage.migrations.HEAD:
        raise StorageError(f"{path.name} needs an upgrade first: open it once with this "
                           "CoachDesk, then try again. Nothing was changed.")


def _fold_journal(path: Path) -> None:
    """Copy the -wal into the file and switch to a rollback journal, so the rename that
    follows leaves no journal of the old file beside the new one (the next open turns WAL
    back on)."""
    con = storage.connect(path)
    try:
        con.execute(f"PRAGMA busy_timeout={storage.BUSY_TIMEOUT_MS}")
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        raise StorageError("Another program is using the practice file (a sync client or "
                           "CoachDesk itself?), so nothing was changed. Close it and try "
                           "again.") from None
    finally:
        con.close()
    if str(mode).lower() != "delete":
        raise StorageError("Another program is using the practice file, so nothing was "
                           "changed. Close it and try again.")


def _sql_key(key: bytes | None) -> str:
    return "''" if key is None else f"\"x'{key.hex()}'\""


def _export(src: Path, src_key: bytes | None, dest: Path, dest_key: bytes | None) -> None:
    """``sqlcipher_export`` of ``src`` into the new file ``dest`` (0600, flushed)."""
    import sqlcipher3.dbapi2 as sqlcipher

    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if src_key is None:
            con = sqlcipher.connect(str(src), timeout=storage.BUSY_TIMEOUT_MS / 1000)
        else:
            con = encryption.connect(src, src_key, timeout=storage.BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("ATTACH DATABASE ? AS converted KEY " + _sql_key(dest_key), (str(dest),))
            if dest_key is not None:
                con.execute("PRAGMA converted.cipher_compatibility = 4")
            con.execute("SELECT sqlcipher_export('converted')").fetchall()
            con.commit()
            con.execute("DETACH DATABASE converted")
        finally:
            con.close()
        storage._fsync(dest)
    except sqlcipher.Error as exc:
        dest.unlink(missing_ok=True)
        raise StorageError(_export_problem(exc, dest.parent)) from None
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def _export_problem(exc: BaseException, folder: Path) -> str:
    if "full" in str(exc).lower():
        return backups.copy_problem(OSError(28, "disk full"), folder).replace(
            "the backup was not made", "nothing was changed")
    return ("The converted copy could not be written (a disk error), so nothing was changed. "
            "Please try again.")


def _compare(original: Path, copy: Path) -> None:
    """The copy passes ``quick_check`` and holds as many rows as the original in every
    table; else ``StorageError`` (the caller removes the copy)."""
    def counts(path: Path) -> dict[str, int] | None:
        con = storage.connect_read_only(path)
        try:
            if [r[0] for r in con.execute("PRAGMA quick_check").fetchall()] != ["ok"]:
                return None
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            con.close()

    try:
        same = counts(original) == counts(copy) is not None
    except sqlite3.Error:
        same = False
    if not same:
        raise StorageError("The converted copy did not pass its check, so the practice was "
                           "left as it was. Please try again.")
