"""Encryption at rest: the data key, the key file, the recovery key, and connections.

An encrypted practice is a SQLCipher 4 file (``sqlcipher3``) encrypted with a random
256-bit *data key* given to SQLCipher as a raw key (``PRAGMA key = "x'…'"``), so opening
a connection derives nothing: it costs what a plain one costs. The data key itself is
never stored in clear:

* the **key file** beside the practice (``<practice>.key``, JSON, 0600, written
  atomically) holds the data key wrapped with the coach's passphrase: scrypt derives a
  key-encryption key, AES-256-GCM seals the data key (the file's header is the
  associated data, so a tampered header fails like a wrong passphrase). Changing the
  passphrase rewrites only this file;
* the **recovery key** is the data key itself, printed once as 11 groups of 5 letters
  and digits (base32 with a 2-byte checksum), so the practice opens without the key
  file and without the passphrase.

Once unlocked, the data key stays in this process (``unlock`` registers it; ``forget``
drops it) and every connection CoachDesk makes to the practice, its backups and its
temporary copies finds it through ``key_for(path)``. See docs/encryption.md.

Errors (all ``StorageError``, plain sentences, never the passphrase): ``PassphraseNeededError``
(the file is encrypted and locked), ``KeyFileMissingError`` (encrypted, no key file: the
recovery key opens it), ``WrongPassphraseError``, ``UnsupportedEncryptionError`` (a newer
CoachDesk or another cipher setting).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .errors import NotADatabaseError, StorageError

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_FILE_SUFFIX = ".key"
FORMAT = "CoachDesk key file"
FORMAT_VERSION = 1
#: The SQLCipher settings every encrypted practice uses (recorded in its key file).
CIPHER = {"library": "sqlcipher", "compatibility": 4, "page_size": 4096, "key": "raw-256"}
#: scrypt cost (2**17 × 8 × 128 B = 128 MiB, about half a second); recorded per key file,
#: so tests may lower it and older files keep theirs.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1
#: Seconds waited after a wrong passphrase or recovery key (``unlock(delay=...)``).
WRONG_DELAY = 1.5
#: SQLite's page cache per encrypted connection, KiB (grows only as pages are read).
#: The client list of a 5,000-client practice reads about 36 MB of pages (the sessions
#: table holds the notes); with 16 MiB every load decrypted most of them again.
CACHE_KIB = 65536
#: At most this page cache (KiB) for a connection that reads a whole encrypted file once
#: (``full_read_cache``: a ``quick_check``), closed right after.
CHECK_CACHE_MAX_KIB = 262144
_sleep: Callable[[float], None] = time.sleep  # tests replace it


class PassphraseNeededError(StorageError):
    """The file is encrypted and this CoachDesk has not been given its passphrase."""


class KeyFileMissingError(PassphraseNeededError):
    """The file looks encrypted but its key file is gone: only the recovery key opens it."""


#: what every window and command says after a wrong passphrase (one sentence, said once)
WRONG_PASSPHRASE = ("That passphrase does not open this practice: check Caps Lock (capital "
                    "letters count) and try again.")


class WrongPassphraseError(StorageError):
    """The passphrase (or recovery key) does not open this practice."""


class UnsupportedEncryptionError(StorageError):
    """A key file from a newer CoachDesk, or a cipher setting this one does not use."""


# -- the data key and its printable form ----------------------------------------------


def new_data_key() -> bytes:
    """32 random bytes from the operating system's generator."""
    return secrets.token_bytes(32)


def recovery_key_text(key: bytes) -> str:
    """The data key as 11 groups of 5 characters ('ABCDE-FGH23-…'), with a checksum."""
    raw = key + hashlib.sha256(key).digest()[:2]
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> bytes:
    """The data key of a typed recovery key: case, spaces and dashes do not count, and
    0/1/8 typed for O/I/B are read as meant. Raises ``WrongPassphraseError`` when the
    checksum does not match (a typo)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, base64.binascii.Error):
        raw = b""
    key, check = raw[:32], raw[32:]
    if len(raw) != 34 or hashlib.sha256(key).digest()[:2] != check:
        raise WrongPassphraseError("That recovery key is not right: check each group of "
                                   "letters against the printed page and try again.")
    return key


# -- the key file ------------------------------------------------------------------


def key_path(db_path: Path | str) -> Path:
    """Where the key file of ``db_path`` lives: beside it, '<file name>.key'."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _header(doc: dict) -> bytes:
    fields = {k: doc[k] for k in ("format", "version", "key_id", "cipher", "kdf")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def wrap(key: bytes, passphrase: str, key_id: str | None = None) -> dict:
    """The key file's content (a dict) sealing ``key`` with ``passphrase``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise StorageError("The passphrase cannot be empty.")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    doc = {"format": FORMAT, "version": FORMAT_VERSION, "key_id": key_id or secrets.token_hex(8),
           "cipher": dict(CIPHER),
           "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                   "salt": base64.b64encode(salt).decode()}}
    sealed = AESGCM(_kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, key, _header(doc))
    doc["wrapped"] = {"aead": "AES-256-GCM", "nonce": base64.b64encode(nonce).decode(),
                      "data": base64.b64encode(sealed).decode()}
    return doc


def read_key_file(path: Path) -> dict:
    """The parsed key file at ``path``. Raises ``UnsupportedEncryptionError`` for a
    newer format or other cipher, ``StorageError`` for one that cannot be read."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError("not a key file")
    except (OSError, ValueError, AttributeError):
        raise StorageError(f"The key file {Path(path).name} cannot be read (it is damaged or "
                           "not CoachDesk's). Open the practice with its recovery key.") from None
    if not isinstance(doc.get("version"), int) or doc["version"] > FORMAT_VERSION:
        raise UnsupportedEncryptionError(
            "This practice was encrypted by a newer version of CoachDesk. Please update "
            "CoachDesk to open it.")
    if doc.get("cipher") != CIPHER or (doc.get("kdf") or {}).get("name") != "scrypt":
        raise UnsupportedEncryptionError(
            "This practice is encrypted with settings this version of CoachDesk does not "
            "use, so it cannot open it. Please update CoachDesk.")
    return doc


def unwrap(doc: dict, passphrase: str) -> bytes:
    """The data key sealed in ``doc``; ``WrongPassphraseError`` (no delay) if it fails."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kdf, sealed = doc["kdf"], doc["wrapped"]
        kek = _kek(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        return AESGCM(kek).decrypt(base64.b64decode(sealed["nonce"]),
                                   base64.b64decode(sealed["data"]), _header(doc))
    except (InvalidTag, KeyError, ValueError, TypeError):
        raise WrongPassphraseError(WRONG_PASSPHRASE) from None


def write_key_file(dest: Path, doc: dict) -> None:
    """Write ``doc`` to ``dest`` atomically (temporary file, flush, rename), 0600."""
    from .backup_names import temp_name

    dest = Path(dest)
    tmp = temp_name(dest)
    data = json.dumps(doc, indent=1).encode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(dest.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def place_key_file(src_db: Path, dest_db: Path) -> None:
    """Copy ``src_db``'s key file beside ``dest_db`` (atomically) when it has one: call
    it *before* the copy of the database is renamed into place."""
    src = key_path(src_db)
    if src.exists():
        write_key_file(key_path(dest_db), json.loads(src.read_text(encoding="utf-8")))


def drop_stale_key_file(db_path: Path) -> None:
    """Remove the key file beside ``db_path`` when the file is plain (after a plain copy
    replaced an encrypted one): call it *after* the rename."""
    if key_path(db_path).exists() and not is_encrypted(db_path):
        key_path(db_path).unlink(missing_ok=True)


# -- the keys this process knows -------------------------------------------------------

_lock = threading.Lock()
_by_id: dict[str, bytes] = {}
_by_path: dict[str, bytes] = {}


def _norm(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def remember(path: Path | str, key: bytes, key_id: str | None = None) -> None:
    """Register an unlocked data key for ``path`` (and for every file whose key file
    names ``key_id``: its backups)."""
    with _lock:
        _by_path[_norm(path)] = key
        if key_id:
            _by_id[key_id] = key


def forget(path: Path | str | None = None) -> None:
    """Drop the key of ``path`` (None: every key) from this process: the practice is
    locked again. Close its ``Database`` first."""
    with _lock:
        if path is None:
            _by_id.clear()
            _by_path.clear()
            return
        key = _by_path.pop(_norm(path), None)
        if key is not None and key not in _by_path.values():  # no other file needs it
            for kid in [k for k, v in _by_id.items() if v == key]:
                del _by_id[kid]


def read_header(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def is_encrypted(path: Path | str) -> bool:
    """True when ``path`` holds bytes but no SQLite header (an encrypted practice, or not
    a database at all)."""
    header = read_header(path)
    return bool(header) and header != SQLITE_HEADER


def looks_encrypted(path: Path) -> bool:
    """An encrypted file without its key file: whole 4 KiB pages, a random first block."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    header = read_header(path)
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in header)
    return size >= 4096 and size % 4096 == 0 and printable < len(header)


def key_for(path: Path | str) -> bytes | None:
    """The data key for opening ``path``: None for a plain (or missing, or empty) file.

    Raises ``PassphraseNeededError`` (encrypted, locked), ``KeyFileMissingError`` (looks
    encrypted, no key file, locked), ``NotADatabaseError`` (not a database at all) and
    ``UnsupportedEncryptionError``.
    """
    path = Path(path)
    if not is_encrypted(path):
        if read_header(path) or not key_path(path).exists():
            return None
        with _lock:  # a new practice (no bytes yet) with a key file and its key: encrypted
            return _by_path.get(_norm(path))
    kp = key_path(path)
    doc = read_key_file(kp) if kp.exists() else None
    with _lock:
        if doc is not None and doc["key_id"] in _by_id:
            return _by_id[doc["key_id"]]
        known = _by_path.get(_norm(path))
        candidates = list(dict.fromkeys(_by_path.values()))
    if known is not None:
        return known
    for key in candidates:  # a temporary copy or a backup whose key file is elsewhere
        if opens_with(path, key):
            remember(path, key)
            return key
    if doc is not None:
        raise PassphraseNeededError(f"{path.name} is protected with a passphrase. Enter it "
                                    "to open the practice.")
    if looks_encrypted(path):
        raise KeyFileMissingError(
            f"{path.name} is encrypted and its key file ({kp.name}) is missing. Open it "
            "with its recovery key, or put the key file back beside it.")
    raise NotADatabaseError(f"{path.name} is not a CoachDesk file (it is not a database at all).")


def opens_with(path: Path, key: bytes) -> bool:
    """True when ``key`` decrypts ``path`` (reads its first page; writes nothing)."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    try:
        con = connect_translated(uri, key, uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return True


def unlock(path: Path | str, passphrase: str | None = None, recovery_key: str | None = None,
           *, delay: float | None = None) -> bytes:
    """Check the passphrase (or recovery key) against ``path`` and remember its data key;
    returns the key. Nothing is written. A wrong one waits ``delay`` seconds (default
    ``WRONG_DELAY``), then raises ``WrongPassphraseError``; a missing key file with only a
    passphrase raises ``KeyFileMissingError``."""
    path = Path(path)
    kp = key_path(path)
    doc = read_key_file(kp) if kp.exists() else None
    try:
        if recovery_key is not None:
            key = parse_recovery_key(recovery_key)
            if is_encrypted(path) and not opens_with(path, key):
                raise WrongPassphraseError("That recovery key does not open this practice.")
        elif doc is None:
            raise KeyFileMissingError(
                f"The key file of {path.name} ({kp.name}) is missing, so the passphrase alone "
                "cannot open it. Use the recovery key, or put the key file back beside it.")
        else:
            key = unwrap(doc, passphrase or "")
    except WrongPassphraseError:
        _sleep(WRONG_DELAY if delay is None else delay)
        raise
    remember(path, key, doc["key_id"] if doc and recovery_key is None else None)
    if doc is not None and recovery_key is not None:
        try:  # the recovery key is the data key: the key file's id is then known too
            if opens_with(path, key):
                remember(path, key, doc["key_id"])
        except StorageError:
            pass
    return key


# -- connections -------------------------------------------------------------------------

_quiet = threading.Lock()
_quieted = False


def connect(database: str | Path, key: bytes, *, uri: bool = False, timeout: float = 5.0,
            check_same_thread: bool = True):
    """A ``sqlcipher3`` connection with ``key`` applied and SQLCipher 4's settings pinned
    (``cipher_compatibility``), so a future library's defaults never change the format."""
    global _quieted
    import sqlcipher3.dbapi2 as sc

    con = sc.connect(str(database), uri=uri, timeout=timeout, check_same_thread=check_same_thread)
    if not _quieted:
        with _quiet:  # SQLCipher would print its own errors (a wrong key) on stderr
            con.execute("PRAGMA cipher_log_level = NONE")
            _quieted = True
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    con.execute(f"PRAGMA cipher_compatibility = {CIPHER['compatibility']}")
    # Pages in SQLite's cache are decrypted once; a page read again from the disk is
    # decrypted again (AES + HMAC). A plain file's pages stay in the operating system's
    # cache, shared and cheap to read again; an encrypted file's only here, decrypted.
    con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return con


def full_read_cache(con, path: Path | str) -> None:
    """Before ``PRAGMA quick_check`` on an encrypted connection ``con`` to ``path``: a page
    cache that holds the whole file (at most ``CHECK_CACHE_MAX_KIB``; it grows only as
    pages are read and goes with the connection). SQLite 3.44 and later (SQLCipher's)
    check the search index's content again after the page check (FTS5's integrity
    check): with a smaller cache those pages were read from the disk and decrypted twice.
    A plain (``sqlite3``) connection, or a ``path`` that cannot be read, is left as it is;
    raises ``sqlite3.Error`` as any statement on ``con`` would."""
    if not isinstance(con, TranslatedConnection):
        return
    try:
        kib = os.stat(path).st_size // 1024 + 1024
    except OSError:
        return
    con.execute(f"PRAGMA cache_size = -{max(CACHE_KIB, min(kib, CHECK_CACHE_MAX_KIB))}")


def connect_translated(database: str | Path, key: bytes, **kwargs) -> TranslatedConnection:
    """``connect`` behind a wrapper that raises the ``sqlite3`` module's exceptions, so
    code written for ``sqlite3`` (``except sqlite3.DatabaseError``) works unchanged."""
    with translated():
        return TranslatedConnection(connect(database, key, **kwargs))


class translated:
    """Context manager: a ``sqlcipher3`` exception leaves it as the ``sqlite3`` one of the
    same name, with the same message, ``sqlite_errorcode`` and ``sqlite_errorname``."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or not type(exc).__module__.startswith("sqlcipher3"):
            return False
        new = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)(*exc.args)
        for attr in ("sqlite_errorcode", "sqlite_errorname"):
            if hasattr(exc, attr):
                setattr(new, attr, getattr(exc, attr))
        raise new from None


class _TranslatedCursor:
    def __init__(self, cur):
        self._cur = cur

    def __getattr__(self, name):
        return getattr(self._cur, name)

    def __iter__(self):
        with translated():
            yield from self._cur

    def execute(self, *args):
        with translated():
            self._cur.execute(*args)
        return self

    def executemany(self, *args):
        with translated():
            self._cur.executemany(*args)
        return self

    def fetchone(self):
        with translated():
            return self._cur.fetchone()

    def fetchall(self):
        with translated():
            return self._cur.fetchall()

    def fetchmany(self, *args):
        with translated():
            return self._cur.fetchmany(*args)


class TranslatedConnection:
    """A ``sqlcipher3`` connection that raises ``sqlite3``'s exceptions."""

    def __init__(self, con):
        object.__setattr__(self, "_con", con)

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __setattr__(self, name, value):  # isolation_level, row_factory … go to the real one
        setattr(self._con, name, value)

    def cursor(self, *args):
        with translated():
            return _TranslatedCursor(self._con.cursor(*args))

    def rollback(self):
        with translated():
            self._con.rollback()

    def execute(self, *args):
        with translated():
            return _TranslatedCursor(self._con.execute(*args))

    def executemany(self, *args):
        with translated():
            return _TranslatedCursor(self._con.executemany(*args))

    def executescript(self, *args):
        with translated():
            return _TranslatedCursor(self._con.executescript(*args))

    def commit(self):
        with translated():
            self._con.commit()

    def close(self):
        with translated():
            self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        with translated():
            return self._con.__exit__(kind, exc, tb)
