"""The one SQLite file: opening it safely, sessions, checks and backups.

Opening a coach's file follows one careful order, and stops with a plain
``StorageError`` at the first thing wrong, *before* anything is written:

1. a missing file becomes a new practice; a 0-byte one only when the caller says so
   (``accept_empty``: it is usually a copy or sync that did not finish);
2. a file that is not SQLite, or not CoachDesk's, is refused; an encrypted one (SQLCipher,
   docs/encryption.md) opens once unlocked, else ``PassphraseNeededError``;
3. a read-only file (or folder) is refused;
4. ``PRAGMA quick_check`` must say "ok" (``check="later"``: after the window shows);
5. a schema revision this CoachDesk does not know (a newer version made it)
   is refused;
6. an older schema is first backed up, then migrated with Alembic.

A file already at the head revision (the usual start) is opened with the ``sqlite3`` module
alone: neither Alembic nor SQLAlchemy is imported until the first session is asked for
(``Database.engine`` is made then), so the window can be on screen before they load.

What SQLite or the drive refuses for a passing reason is never called damage: a full disk
is ``DiskFullError`` ("The disk is full (N MB free) …"), a lock held past the busy timeout
``PracticeBusyError``, a drive error ``DiskIOError``, a read-only file or drive
``ReadOnlyDatabaseError`` (see ``open_fault``). Only SQLite's "corrupt"/"not a database" and
a failed ``quick_check`` are ``CorruptDatabaseError``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import encrypted_copy, encryption, migrations, paths, start_check, verified  # noqa: F401 - paths: callers reach storage.paths
from .errors import (
    CorruptDatabaseError,
    EmptyPracticeFileError,
    NewerSchemaError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from .faults import (  # noqa: F401 - part of storage's interface
    LOW_SPACE_MB,
    READ_ONLY_WRITE,
    _read_only_message,
    crash_point,
    disk_full_message,
    free_mb,
    open_fault,
    write_fault,
)

if TYPE_CHECKING:  # SQLAlchemy is imported when the first session is made, not at start
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _set_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


_patience = threading.local()


@contextmanager
def patience(ms: int) -> Iterator[None]:
    """Transactions begun by this thread inside the block wait at most ``ms`` milliseconds
    for another program's lock (instead of ``BUSY_TIMEOUT_MS``), then fail with
    ``PracticeBusyError``.

    For saves the coach did not ask for (autosave on the GUI thread): a short wait keeps
    the window responsive while a sync client holds the file, and the caller retries
    later. Other threads keep the usual wait. Nests; the outer value comes back after.
    """
    before = getattr(_patience, "ms", None)
    _patience.ms = int(ms)
    try:
        yield
    finally:
        _patience.ms = before


def _set_busy_timeout(dbapi_connection, _record, _proxy) -> None:
    """At each pool checkout: this thread's patience, or the usual busy timeout."""
    ms = getattr(_patience, "ms", None)
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS if ms is None else ms}")
    cur.close()


def make_engine(path: Path) -> Engine:
    """A SQLAlchemy engine on ``path`` with the pragmas set on every connection.

    An encrypted file (``encryption.key_for``) gets connections from ``sqlcipher3`` with
    its unlocked data key, the same dialect and pool; raises ``PassphraseNeededError``
    when it is locked."""
    from sqlalchemy import event
    from sqlalchemy.engine import URL
    from sqlmodel import create_engine

    key = encryption.key_for(path)
    extra: dict = {}
    if key is not None:
        import sqlcipher3.dbapi2 as sqlcipher

        extra = {"module": sqlcipher, "creator": lambda: encryption.connect(
            path, key, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)}
    engine = create_engine(
        URL.create("sqlite", database=str(path)),  # no URL parsing: '?' is legal in a folder name
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        # A failed statement's message names the statement, never its values: they are the
        # coach's words (private notes), and messages reach logs.
        hide_parameters=True, **extra,
    )
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "checkout", _set_busy_timeout)
    return engine


def _quiet_rollback(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # the connection may be gone with the fault; the first error counts
        log.debug("rollback after a failed transaction failed too", exc_info=True)


_ENGINE_MADE = threading.Lock()


class Database:
    """An open practice file. Services receive one; nothing opens its own. ``read_only``:
    opened by ``open_read_only``; every write fails with ``ReadOnlyDatabaseError``.
    ``pending_check``: its full check, still to run (``start_check``); writes wait for it."""

    def __init__(self, path: Path, engine: Engine | None = None, read_only: bool = False,
                 pending_check: start_check.PendingCheck | None = None):
        self.path = Path(path)
        self._engine = engine
        self.read_only = read_only
        self.pending_check = pending_check

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (``make_engine``) when first needed: a file opened
        at the head revision was checked with ``sqlite3`` alone, and SQLAlchemy loads
        after the window is on screen."""
        if self._engine is None:
            with _ENGINE_MADE:  # two threads asking first still share one engine
                if self._engine is None:
                    engine = make_engine(self.path)
                    if self.pending_check is not None:  # writes wait for its verdict
                        self.pending_check.hold(engine)
                    self._engine = engine
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short transaction: committed on success, rolled back on any error."""
        from sqlalchemy import exc as sa_exc
        from sqlmodel import Session

        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except sa_exc.DBAPIError as exc:
            _quiet_rollback(session)
            fault = (self.pending_check and self.pending_check.refusal(exc)) or write_fault(exc, self.path)
            if fault is None:
                raise
            raise fault from None  # a plain sentence; the statement stays out of it
        except BaseException:
            _quiet_rollback(session)
            raise
        finally:
            session.close()

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _revision_of(conn.connection.dbapi_connection)

    def close(self) -> None:
        if self._engine is not None:  # never made: nothing to let go
            self._engine.dispose()

    def __repr__(self) -> str:  # pragma: no cover
        return f"Database({str(self.path)!r})"


# -- inspecting a file without changing it ----------------------------------


@dataclass
class FileState:
    path: Path
    exists: bool
    empty: bool = True
    revision: str | None = None
    has_tables: bool = False
    checked: bool = True  # False: its quick_check is left to later (``check_later``)


def _revision_of(con: sqlite3.Connection) -> str | None:
    row = con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not row:
        return None
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _is_read_only(path: Path) -> bool:
    # The owner's write bit counts even for root: a coach who made a file
    # read-only meant it, and we will not write through that.
    if path.exists():
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not (mode & stat.S_IWUSR):
            return True
    # A folder that does not exist yet (first run) will be created: what
    # counts is whether its nearest existing ancestor can be written to.
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return not os.access(folder, os.W_OK | os.X_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A sqlite3 connection that cannot write to the file.

    '%', '?' and '#' are legal in folder names but special in a ``file:`` URI,
    so they are escaped, and a path beginning with '//' stays a path. A file the user
    may not write to (chmod 444, a read-only folder or drive) is read as it stands on
    disk (``immutable``) when no journal (-wal) with content lies beside it: SQLite then
    creates no -wal/-shm files, which a read-only connection could never remove again.
    Otherwise it is opened ``mode=ro``, the journal included.
    """
    # pathlib builds the URI: it escapes what is special in one, and a path beginning
    # with '//' stays a path ('file:////data/…'), never a URI authority.
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    key = encryption.key_for(path)

    def connect_uri(uri: str):
        if key is None:
            return sqlite3.connect(uri, uri=True)
        return encryption.connect_translated(uri, key, uri=True)

    if _is_read_only(Path(path)) and not _has_journal(Path(path)):
        return connect_uri(uri + "&immutable=1")
    con = connect_uri(uri)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        con.close()
        if not _is_read_only(Path(path)):
            raise
    return connect_uri(uri + "&immutable=1")


def connect(path: Path | str, timeout: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """A read-write connection to ``path``: ``sqlite3``'s, or for an encrypted file a
    ``sqlcipher3`` one with its key that raises ``sqlite3``'s exceptions."""
    key = encryption.key_for(path)
    if key is None:
        return sqlite3.connect(str(path), timeout=timeout)
    return encryption.connect_translated(path, key, timeout=timeout)


def _has_journal(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def inspect_file(path: Path, *, trust_checked: bool = False,
                 check_later: bool = False) -> FileState:
    """Look at a file read-only and raise a ``StorageError`` if it is unusable.

    ``trust_checked`` (the app's start): no ``quick_check`` when this computer checked the
    file at its last clean close and nothing touched it since (``verified``). ``check_later``
    (the window's start): at the head revision, the light check only (``checked`` False)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return FileState(path=path, exists=path.exists(), empty=True)
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a CoachDesk file.")
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"CoachDesk cannot read {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:  # encrypted, or not a database: raises unless unlocked
        encryption.key_for(path)
    try:
        con = connect_read_only(path)
        try:
            skip = trust_checked and verified.unchanged_since_check(path)
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            revision = _revision_of(con)
            later = check_later and revision == migrations.HEAD and not skip
            if not skip and not later:
                start_check.quick_check(con, path)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        fault = open_fault(exc, path)
        if fault is not None:  # a full disk, a lock, a drive error: not damage
            raise fault from None
        raise CorruptDatabaseError(f"{path.name} is damaged and cannot be read ({exc}).") from exc
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if user_tables and revision is None:
        raise NotADatabaseError(f"{path.name} is a database, but not one made by CoachDesk.")
    if revision is not None and revision != migrations.HEAD \
            and revision not in migrations.known_revisions():
        raise NewerSchemaError(
            f"{path.name} was made by a newer version of CoachDesk. "
            "Please update CoachDesk to open it."
        )
    return FileState(path=path, exists=True, empty=not user_tables, revision=revision,
                     has_tables=bool(user_tables), checked=not later)


def open_database(path: Path | str, *, migrate: bool = True, accept_empty: bool = False,
                  create_folder: bool = True, trust_checked: bool = False,
                  passphrase: str | None = None, recovery_key: str | None = None,
                  check: str = "now") -> Database:
    """Open (or create) a practice file, checking and migrating it first.

    An encrypted file opens once unlocked: with ``passphrase`` or ``recovery_key`` here
    (``encryption.unlock``: ``WrongPassphraseError`` after a short wait, nothing written),
    or unlocked before; else ``PassphraseNeededError``. A new encrypted practice:
    ``practice_crypto.create_practice``.

    Raises a ``StorageError`` with a plain sentence: ``EmptyPracticeFileError`` for a 0-byte
    file unless ``accept_empty`` (then it becomes a new practice), a plain "folder does not
    exist" when ``create_folder`` is False and the folder is missing, and the faults of
    ``open_fault`` (full disk, lock, read-only, drive error) while opening or upgrading.
    ``trust_checked``: see ``inspect_file`` (the app's start only). ``check="later"`` (the
    window's start only): see ``inspect_file``; the ``pending_check`` is the caller's to run.
    """
    path = Path(path)
    if passphrase is not None or recovery_key is not None:
        encryption.unlock(path, passphrase, recovery_key)
    if not path.parent.is_dir() and not create_folder:
        raise StorageError(f"The folder {path.parent} does not exist. Check the path, or "
                           "choose another file.")
    state = inspect_file(path, trust_checked=trust_checked, check_later=check == "later")
    if state.exists and not state.has_tables and not accept_empty and _size(path) == 0:
        raise EmptyPracticeFileError(
            f"{path.name} is empty (0 bytes) — probably a copy or sync that did not finish.")
    if _is_read_only(path):
        raise ReadOnlyDatabaseError(_read_only_message(path))
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise (open_fault(exc, path) or StorageError(
                f"CoachDesk cannot create {path}: {exc.strerror}.")) from None
    pending = None if state.checked else start_check.PendingCheck(path, guard=True)
    try:
        engine = _open_engine(path, state, migrate)
    except Exception as exc:
        fault = open_fault(exc, path)
        if fault is None:
            raise
        raise fault from None
    # The file, what SQLite keeps beside it and its folder: the coach's alone, also when
    # an older CoachDesk left them readable by others.
    for private in (path.parent, path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        paths.keep_private(private)
    return Database(path, engine, pending_check=pending)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _open_engine(path: Path, state: FileState, migrate: bool) -> Engine | None:
    """The engine of a checked file, upgraded first (after a backup) when it is older;
    its first connection is made here, so a full disk or a lock shows now, not later.

    A file at the head revision (``migrations.HEAD``, known without Alembic) gets no engine
    yet (None: ``Database.engine`` makes it when first used); its first connection is made
    with ``sqlite3`` and the same pragmas, so the same faults show now all the same."""
    if migrate and state.revision != migrations.HEAD:
        backup = backup_file(path, reason="pre-migration") if state.has_tables else None
        crash_point("migrate:after-backup")
        engine = make_engine(path)
        try:
            with engine.connect() as conn:
                # Python's sqlite3 runs DDL outside any transaction unless one
                # is opened explicitly: without this BEGIN a migration failing
                # half-way would leave the file half-migrated for good. SQLite's DDL
                # is transactional, so every revision (batch table copies included)
                # commits together or not at all: a kill before the commit leaves the
                # old file, and the next open redoes the whole upgrade.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                migrations.upgrade(conn)
                crash_point("migrate:before-commit")
                conn.commit()
            crash_point("migrate:after-commit")
        except Exception as exc:
            engine.dispose()
            fault = open_fault(exc, path)
            if fault is not None:
                raise fault from None
            log.error("upgrading a practice file failed (%s)", exc.__class__.__name__)
            kept = f" A copy from before the upgrade is at {backup}." if backup else ""
            raise StorageError(
                f"CoachDesk could not upgrade {path.name}; the file was left as it was.{kept}"
            ) from exc
        return engine
    con = connect(path)
    try:
        _set_pragmas(con, None)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        con.close()
    return None


def open_read_only(path: Path | str) -> Database:
    """The practice opened for reading only (``connect_read_only``): for commands that only
    read, on a file that may be read-only. Raises ``StorageError`` like ``inspect_file``, and
    a plain one when the file is empty or older than this CoachDesk (it cannot be upgraded
    without writing)."""
    from sqlalchemy.pool import NullPool
    from sqlmodel import create_engine

    path = Path(path)
    state = inspect_file(path)
    if not state.has_tables:
        raise StorageError(f"{path.name} is empty: no practice has been created in it.")
    if state.revision != migrations.head_revision():
        raise ReadOnlyDatabaseError(
            f"{path.name} was made by an older CoachDesk and is read-only, so it cannot be "
            "upgraded. Copy it to a folder you can write to and open the copy.")
    engine = create_engine("sqlite://", creator=lambda: connect_read_only(path),
                           hide_parameters=True, poolclass=NullPool)
    return Database(path, engine, read_only=True)


from .checks import CheckReport, check_file  # noqa: E402,F401 - part of storage's interface

# -- backups and restore -------------------------------------------------------


def write_copy(src: Path, dest: Path, *, raw_pages: bool = True) -> Path:
    """Write a consistent copy of the SQLite file ``src`` to a temporary file beside
    ``dest`` ('<dest name>.<pid>.partial', 0600) and flush it to the disk; returns it.

    ``VACUUM INTO`` from a read-only connection: the copy holds every committed row, also
    those still in ``src``'s WAL, and is a plain rollback-journal file, so no -wal or
    -shm is ever made beside it (a drive where WAL cannot work takes it too). An encrypted
    ``src`` is copied page for page without decrypting (``encrypted_copy``), same result,
    unless ``raw_pages`` is False (``VACUUM INTO``: its live pages read and written anew).
    Raises ``OSError`` (its errno says why: ENOSPC, EROFS, ENAMETOOLONG …) or
    ``sqlite3.Error``; on any failure the temporary file is gone again.
    """
    from .backup_names import temp_name

    src, dest = Path(src), Path(dest)
    tmp = temp_name(Path(os.path.abspath(dest)))
    # Created first with the plain OS call: a read-only drive, a full disk or a name
    # too long fails here with its real reason, before SQLite makes anything.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        key = encryption.key_for(src)
        raw = raw_pages and key is not None
        if not raw or not encrypted_copy.copy_pages(src, tmp, key, BUSY_TIMEOUT_MS / 1000):
            source = connect_read_only(src)
            try:
                source.execute("VACUUM INTO ?", (str(tmp),))
            finally:
                source.close()
        _fsync(tmp)
    except BaseException:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
            try:
                leftover.unlink()
            except OSError:
                pass
        raise
    return tmp


def copy_database(src: Path, dest: Path, *, raw_pages: bool = True) -> Path:
    """Copy a live SQLite file consistently and atomically to ``dest``; returns ``dest``.

    ``dest`` either keeps what it was or is the whole, flushed copy (see ``write_copy``
    for what the copy holds, ``raw_pages`` and the errors raised).
    """
    src, dest = Path(src), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_copy(src, dest) if raw_pages else write_copy(src, dest, raw_pages=False)
    crash_point("copy:before-replace")
    try:
        encryption.place_key_file(src, dest)  # an encrypted copy's key file goes first
        os.replace(tmp, dest)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(dest.parent)
    encryption.drop_stale_key_file(dest)
    return dest


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entry list) to the disk; best effort for folders."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        if not path.is_dir():
            raise
    finally:
        os.close(fd)


def backup_file(db_path: Path | str, out: Path | str | None = None, reason: str = "manual") -> Path:
    """Back the file up into ``out``, or into the backups folder (verified and
    rotated by ``coachdesk.backups``, which does the real work)."""
    from . import backups

    db_path = Path(db_path)
    if out is None:
        return backups.backup_now(db_path, kind=reason).path
    if not db_path.exists():
        raise StorageError(f"There is no CoachDesk file at {db_path} to back up.")
    inspect_file(db_path)
    out = Path(out)
    try:
        if out.is_dir():
            from .backup_names import backup_name, utcnow

            out = out / backup_name(db_path.stem, utcnow(), reason)
        if out.resolve() == db_path.resolve():
            raise StorageError("The backup cannot be written over the practice file itself.")
        checked = backups.write_checked_copy(db_path, out)  # encrypted: every page's HMAC
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(backups.copy_problem(exc, out.parent)) from None
    if not checked:
        raise StorageError("The backup did not pass its check, so it was removed. Please try again.")
    return out


def list_backups(db_path: Path | str) -> list[Path]:
    """Backups of this file in its backups folder, newest first."""
    from . import backups

    return [b.path for b in backups.backup_files(db_path)]


def latest_good_backup(db_path: Path | str, second_folder: Path | str | None = None) -> Path | None:
    """The newest backup (in either folder) that passes its checks."""
    from . import backups

    return backups.latest_good_backup(db_path, second_folder)


def restore_file(backup: Path | str, db_path: Path | str) -> Path | None:
    """Replace the practice file with ``backup`` (see ``backups.restore_backup``).

    The backup is checked first; the file it replaces (if readable at all) is
    kept in the backups folder, or moved aside byte-for-byte if it is damaged.
    Returns where the replaced file was kept.
    """
    from . import backups

    return backups.restore_backup(backup, db_path)
