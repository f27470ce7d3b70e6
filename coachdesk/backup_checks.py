"""Checking a backup file: in full before it is trusted, by its pages' HMAC right after it
is written. No Qt. Both are reached as ``backups.verify`` and ``backups.verify_written_copy``.

Two checks for two questions:

``verify(path)`` — *is this file a sound practice?* ``PRAGMA quick_check`` walks every
b-tree of the file and reads every page (about 0.2 s for a plain practice of 5,000 clients,
1 s encrypted). Used wherever a file is about to be trusted as the practice: whether the
practice itself is damaged when its copy failed (``backups``), and, through
``storage.inspect_file``, the same check before a restore, by ``latest_good_backup``, by
``coachdesk check`` and for a backup chosen in File → Backups.

``verify_written_copy(copy, source)`` — *is this fresh copy exactly what was copied?* Run
right after a backup is written (``write_checked_copy``: ``backups.backup_now`` and
``storage.backup_file``; the copy into the second folder). A plain copy has no checksum on its pages, so it gets the full
``verify``. An encrypted copy (its pages copied raw, ``encrypted_copy``) is checked with
SQLCipher's ``PRAGMA cipher_integrity_check``: it recomputes the HMAC-SHA512 of every page
with the practice's key and names each page that differs (no row: all are as SQLCipher
wrote them). That proves more about a *copy* than ``quick_check`` does (a bit flipped
inside a cell on a bad USB stick, a page copied from elsewhere, another key) in a third of
the time. Its limits are covered beside it: it reads only whole pages, so the file's size
must be ``page_count × page_size`` (a copy cut short at a page boundary); the 16-byte salt at
the start of page 1 is outside page 1's HMAC but derives the HMAC key, so a changed salt
fails every page; the schema and the Alembic revision must read (the key decrypts it, as
``storage.inspect_file`` reads them); the key file beside the copy must be the source's (the
copy opens later with the passphrase), and no journal may lie beside it (it is one file).

What the page check does not see is damage SQLCipher itself wrote with valid HMACs (a
software fault in the practice's own structure): the practice is checked in full at a first
start or after an unclean close, at every clean close (``verified.check_and_remember``) and
before any restore, which refuses a damaged backup.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from . import encryption, storage
from .errors import StorageError

log = logging.getLogger(__name__)


def verify(path: Path | str) -> bool:
    """True when ``PRAGMA quick_check`` on the file says 'ok' (the full check: every page
    read, every b-tree walked). False when it finds problems, the file cannot be read, or it
    is encrypted and locked. Never raises for a bad file."""
    try:
        con = storage.connect_read_only(Path(path))
        try:
            encryption.full_read_cache(con, path)
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except (sqlite3.DatabaseError, StorageError):  # StorageError: encrypted, still locked
        return False
    return [r[0] for r in rows] == ["ok"]


def verify_written_copy(copy: Path | str, source: Path | str) -> bool:
    """True when ``copy``, just written from ``source`` (the practice, or the backup it was
    copied from), is a faithful copy: see the module's docstring for what is checked.

    Plain copy: ``verify`` (full). Encrypted copy: every page's HMAC with ``source``'s key,
    the size, the schema and revision, the key file. False on any failure, a plain copy of
    an encrypted source included; never raises for a bad file."""
    copy, source = Path(copy), Path(source)
    if not encryption.is_encrypted(copy):
        return not encryption.is_encrypted(source) and verify(copy)
    try:
        key = encryption.key_for(source)
        if key is None or not _same_key_file(source, copy) or _has_journal(copy):
            return False
        return _pages_intact(copy, key)
    except (OSError, ValueError, sqlite3.DatabaseError, StorageError) as exc:
        log.info("a written backup could not be checked (%s)", type(exc).__name__)
        return False


def write_checked_copy(source: Path | str, dest: Path | str) -> bool:
    """Copy ``source`` to ``dest`` (``storage.copy_database``, key file included) and check
    it (``verify_written_copy``); True when ``dest`` is a checked copy. When it fails, it
    is removed with its key file and False returned, except in one case: an encrypted
    ``source`` whose raw pages did not pass while ``source`` itself passes its full check
    (a bad sector in a page it no longer uses, bytes past its last page) is copied once
    more through SQLite (``raw_pages=False``: its live pages decrypted and encrypted anew)
    and that copy checked the same way, so such a practice still gets its backups.
    Raises what ``storage.copy_database`` raises (``OSError``, ``sqlite3.Error``)."""
    source, dest = Path(source), Path(dest)
    storage.copy_database(source, dest)
    if verify_written_copy(dest, source):
        return True
    _remove_with_key_file(dest)
    if not encryption.is_encrypted(source) or not verify(source):
        return False
    log.warning("a backup's raw pages failed their check; copying it through SQLite")
    storage.copy_database(source, dest, raw_pages=False)
    if verify_written_copy(dest, source):
        return True
    _remove_with_key_file(dest)
    return False


def _remove_with_key_file(path: Path) -> None:
    for leftover in (path, encryption.key_path(path)):
        try:
            leftover.unlink()
        except OSError:
            pass


def _has_journal(path: Path) -> bool:
    return any(Path(f"{path}{s}").exists() for s in ("-wal", "-journal"))


def _same_key_file(source: Path, copy: Path) -> bool:
    """The copy carries the source's key file, unchanged (without it only the recovery key
    would open the backup). A source without one (opened with the recovery key) passes."""
    if not encryption.key_path(source).exists():
        return True
    if not encryption.key_path(copy).exists():
        return False
    return (encryption.read_key_file(encryption.key_path(copy))
            == encryption.read_key_file(encryption.key_path(source)))


def _pages_intact(copy: Path, key: bytes) -> bool:
    size = os.stat(copy).st_size
    uri = Path(os.path.abspath(copy)).as_uri() + "?mode=ro"
    con = encryption.connect_translated(uri, key, uri=True)
    try:
        failing = con.execute("PRAGMA cipher_integrity_check").fetchone()
        if failing is not None:  # a row names a page whose HMAC differs (or a cut page)
            log.warning("a written backup failed its page check")
            return False
        # SQLCipher answers its own page_size pragma, as text
        page_size = int(con.execute("PRAGMA page_size").fetchone()[0])
        page_count = int(con.execute("PRAGMA page_count").fetchone()[0])
        if size == 0 or size % page_size or size != page_count * page_size:
            log.warning("a written backup's size is not its page count")
            return False
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = storage._revision_of(con)
    finally:
        con.close()
    return revision is not None or not any(not t.startswith("sqlite_") for t in tables)
