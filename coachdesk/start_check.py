"""The full check of a practice the window opened before reading every page (issue 17).

``PRAGMA quick_check`` reads every page of the file: 0.17 s for a plain practice of 5,000
clients, 0.95 s encrypted (each page decrypted and its HMAC checked), a second at 20,000
clients even plain. The window's start (``storage.open_database(..., check="later")``)
therefore opens a file it does not trust (``coachdesk.verified``: a first start, an
unclean close, a copied or synced file) with the light check only: the header, the key,
the schema and its revision read, the first connection made. The full check runs right
after the window is on screen, off its thread, on its own read-only connection
(``PendingCheck.run``). A file that needs an upgrade is still checked in full before its
pre-upgrade backup (``storage.inspect_file``); the command line and every other caller
check before opening, as before.

Until the verdict, no write reaches the file. Every connection of the practice's engine
carries an SQLite authorizer (``PendingCheck.hold``): a statement that would change the
file (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER …, temporary tables excepted) waits for
the verdict when it is prepared, so the raw connections the engine lends (compaction) are
held as well as every session. Cheap when the verdict is in: one boolean per statement
prepared, and the authorizer is taken off a connection at its next checkout.

- "ok": the waiting writes go on; nothing typed is lost.
- damage (``CorruptDatabaseError``) or a drive fault (``faults.open_fault``): every write is
  refused with that plain sentence (``Database.session`` raises it), so nothing more is
  written into a damaged file; the window offers the way out the start offers.
- A write waits at most its thread's patience (``storage.patience``: the autosave's short
  wait, so the window never freezes; it retries) or ``WRITE_WAIT_S``, then is refused with
  ``PracticeBusyError`` (``STILL_CHECKING``): nothing was written, trying later works.
- ``stop()`` (the window locks: the key is dropped) interrupts the check; it has no
  verdict, writes keep waiting, and ``run()`` may be called again (after unlocking).

Writes this gate does not see: connections made outside the engine with
``storage.connect`` (backups' page copy takes a write lock but writes nothing into the
practice; restore and encryption conversion, which the window does not run during the
check), and the light check's first connection setting ``journal_mode=WAL`` on a file that
came in another mode (a copy made by hand, a file converted by ``encrypt``/``decrypt``):
SQLite rewrites two bytes of its header then, before the check. Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from . import encryption
from .errors import CorruptDatabaseError, PracticeBusyError, StorageError
from .faults import open_fault

log = logging.getLogger(__name__)

#: the longest a write waits for the verdict when its thread asked for no shorter patience
WRITE_WAIT_S = 60.0
CHECK_FAILED = ("CoachDesk could not finish checking {name}, so nothing more is saved into "
                "it for now. Quit and open CoachDesk again, or choose another file.")
STILL_CHECKING = ("CoachDesk is still checking the practice file, so nothing was saved yet. "
                  "Please try again in a moment.")

#: authorizer actions that change a file (sqlite3's SQLITE_* codes); the temporary ones
#: (SQLITE_CREATE_TEMP_*, SQLITE_DROP_TEMP_*) and reads, pragmas, transactions are not
_WRITES = frozenset({
    sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_TRIGGER,
    sqlite3.SQLITE_CREATE_VIEW, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_DROP_VIEW,
    sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_ALTER_TABLE,
    sqlite3.SQLITE_REINDEX, sqlite3.SQLITE_ANALYZE, sqlite3.SQLITE_CREATE_VTABLE,
    sqlite3.SQLITE_DROP_VTABLE,
})
_OK, _DENY = sqlite3.SQLITE_OK, sqlite3.SQLITE_DENY
#: the page cache of the check beside the open window, KiB (SQLite's own default size). A
#: cache as large as the file (``encryption.full_read_cache``) made the encrypted check
#: ~30% shorter, but beside the window's own connection (its list's pages) it raised the
#: encrypted start's peak from 216 to 348 MB (goal: 250); with this one it adds nothing.
CHECK_CACHE_KIB = 2048
SQLITE_AUTH = 23  # the error code of a statement an authorizer refused


def damaged(path: Path | str) -> CorruptDatabaseError:
    return CorruptDatabaseError(f"{Path(path).name} is damaged (the integrity check found "
                                "problems).")


def quick_check(con, path: Path | str, *, whole_file_cache: bool = True) -> None:
    """``PRAGMA quick_check`` of every page on ``con``. ``whole_file_cache``: an encrypted
    ``con`` first gets a cache as large as the file (``encryption.full_read_cache``: each
    page decrypted once, for a check nothing else runs beside); False: ``CHECK_CACHE_KIB``
    (the check beside the open window). Raises ``CorruptDatabaseError`` when it finds
    problems, ``sqlite3.Error`` when SQLite cannot read the file."""
    if whole_file_cache:
        encryption.full_read_cache(con, path)
    else:
        con.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
    if [r[0] for r in con.execute("PRAGMA quick_check").fetchall()] != ["ok"]:
        raise damaged(path)


class CheckStopped(Exception):
    """``PendingCheck.stop()`` interrupted the check: no verdict; run it again."""


def full_check(path: Path, connected=lambda con: None) -> None:
    """The full check of ``path`` on a read-only connection of its own (``connected(con)``
    is told the connection, so it can be interrupted). Raises ``CorruptDatabaseError``,
    another ``StorageError`` for a fault that is not damage (``open_fault``: a drive error,
    the key gone), or ``sqlite3.OperationalError`` when interrupted."""
    from .storage import connect_read_only  # storage imports this module

    try:
        con = connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise _as_storage_error(exc, path) from None
    try:
        connected(con)
        quick_check(con, path, whole_file_cache=False)
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise
        raise _as_storage_error(exc, path) from None
    except sqlite3.DatabaseError as exc:
        raise _as_storage_error(exc, path) from None
    finally:
        connected(None)
        con.close()


def _guard(path: Path):
    """A read-only connection to ``path`` that has read it (so SQLite counts it as open),
    usable from any thread; None when it cannot be made (the check itself will say why)."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    try:
        key = encryption.key_for(path)
        con = (sqlite3.connect(uri, uri=True, check_same_thread=False) if key is None else
               encryption.connect_translated(uri, key, uri=True, check_same_thread=False))
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except (sqlite3.Error, StorageError) as exc:
        log.info("no guard connection for the check (%s)", type(exc).__name__)
        return None


def _as_storage_error(exc: sqlite3.DatabaseError, path: Path) -> StorageError:
    return open_fault(exc, path) or damaged(path)


class PendingCheck:
    """The full check of one opened practice and the gate its writes wait at (see the
    module). Thread-safe: ``run`` in a worker, ``stop`` from the window's thread, the
    authorizer in whichever thread writes.

    ``error``: None while there is no verdict or the verdict is "ok", else the refusal
    (``StorageError``). ``seconds``: how long the last complete run took.

    ``guard``: hold a read-only connection from now until the verdict "ok", or after a
    refusal until ``let_go()`` (call it after the practice's ``Database.close()``). SQLite
    folds the write-ahead log a crash left into the file when the last connection to it
    closes (the light check's first one, the practice's on closing); while another one is
    open it does not, and a read-only one closing last never does. So a file found damaged
    is left byte for byte as it was found, its journal included."""

    def __init__(self, path: Path | str, guard: bool = False):
        self.path = Path(path)
        self._guard = None
        self.error: StorageError | None = None
        self.seconds: float | None = None
        self._ok = False
        self._decided = False
        self._running = False
        self._stop = False
        self._con = None
        self._cond = threading.Condition()
        self._refused = threading.local()
        if guard:
            self.keep_as_found()

    # -- the verdict ---------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """The check said "ok": writes go on."""
        return self._ok

    @property
    def decided(self) -> bool:
        """There is a verdict ("ok" or a refusal); ``run`` would not check again."""
        return self._decided

    @property
    def running(self) -> bool:
        return self._running

    @property
    def guarded(self) -> bool:
        """The guard connection is held (see the class)."""
        return self._guard is not None

    def run(self) -> StorageError | None:
        """Check every page (call it in a worker thread; takes what ``quick_check`` takes).
        Returns None when the file is sound, else the ``StorageError`` every write gets
        from now on. Raises ``CheckStopped`` when ``stop()`` interrupted it. A second call
        after a verdict returns it without checking again."""
        with self._cond:
            if self._decided:
                return self.error
            if self._running:
                raise RuntimeError("the practice's check is already running")
            self._running, self._stop = True, False
        started = time.perf_counter()
        try:
            full_check(self.path, self._connected)
            error = None
        except (sqlite3.OperationalError, encryption.PassphraseNeededError):
            error = _STOPPED  # interrupted by ``stop``, or run while locked: no verdict
        except StorageError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - the program's own fault: no verdict "ok"
            log.error("the practice's check failed (%s)", type(exc).__name__)
            error = StorageError(CHECK_FAILED.format(name=self.path.name))
        finally:
            with self._cond:
                self._running = False
        with self._cond:
            if error is _STOPPED or (self._stop and error is not None):
                self._cond.notify_all()
                raise CheckStopped()
            self.seconds = time.perf_counter() - started
            self.error, self._ok, self._decided = error, error is None, True
            self._cond.notify_all()
        if error is None:
            self.let_go()  # sound: SQLite may fold its journal in as usual
        else:
            log.warning("the practice's check found problems (%s)", type(error).__name__)
        return error

    def keep_as_found(self) -> None:
        """(Again) hold the guard connection (see the class), unless the check said "ok" or
        no write-ahead log with content lies beside the file (nothing to fold in; writes
        wait for the verdict, so none comes). The window's lock lets it go (it holds the
        key) and takes it again on unlocking."""
        try:
            journal = os.stat(f"{self.path}-wal").st_size > 0
        except OSError:
            journal = False
        if self._guard is None and not self._ok and journal:
            self._guard = _guard(self.path)

    def let_go(self) -> None:
        """Close the guard connection (see the class); again: nothing."""
        guard, self._guard = self._guard, None
        if guard is not None:
            try:
                guard.close()
            except sqlite3.Error:
                log.info("the guard connection did not close cleanly")

    def _connected(self, con) -> None:
        with self._cond:
            self._con = con
            if con is None:
                return
            # An interrupt that comes before a statement starts is lost: the progress
            # handler stops the statement too (every 4,096 SQLite instructions, this
            # connection only: ~1/100 of a plain check's calls, no measurable cost); the
            # interrupt stops the page check itself, which is one instruction.
            con.set_progress_handler(lambda: 1 if self._stop else 0, 4096)
            if self._stop:
                con.interrupt()

    def stop(self) -> None:
        """Interrupt a running check (the window locks); no verdict, writes keep waiting.
        Returns at once; ``run`` raises ``CheckStopped`` in its thread soon after."""
        with self._cond:
            self._stop = True
            if self._con is not None:
                self._con.interrupt()
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait (at most ``timeout`` seconds) for a verdict; whether there is one."""
        with self._cond:
            return self._cond.wait_for(lambda: self._decided, timeout)

    # -- the gate ----------------------------------------------------------------------------
    def hold(self, engine) -> None:
        """Hold the writes of every connection ``engine`` makes until the verdict."""
        from sqlalchemy import event

        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "checkout", self._on_checkout)

    def _on_connect(self, dbapi_connection, record) -> None:
        if not self._ok:
            dbapi_connection.set_authorizer(self._authorize)
            record.info["held"] = True

    def _on_checkout(self, dbapi_connection, record, _proxy) -> None:
        if self._ok and record.info.pop("held", False):
            dbapi_connection.set_authorizer(None)  # the verdict is in: nothing to ask

    def _authorize(self, action, _arg1, _arg2, dbname, _source) -> int:
        if self._ok or action not in _WRITES or dbname == "temp":
            return _OK
        return self.admit()

    def admit(self) -> int:
        """A write asks to go on: waits for the verdict (see the module), then SQLite's
        SQLITE_OK or SQLITE_DENY (the reason kept for ``refusal``)."""
        from .storage import _patience

        ms = getattr(_patience, "ms", None)
        wait = WRITE_WAIT_S if ms is None else min(WRITE_WAIT_S, ms / 1000)
        with self._cond:
            self._cond.wait_for(lambda: self._decided or (self._stop and not self._running),
                                wait)
            if self._ok:
                return _OK
            self._refused.error = self.error or PracticeBusyError(STILL_CHECKING)
        return _DENY

    def refusal(self, exc: BaseException) -> StorageError | None:
        """The plain ``StorageError`` behind ``exc`` when it is this gate's refusal of a write
        in this thread (SQLite's "not authorized"), else None."""
        cause = getattr(exc, "orig", exc)
        if getattr(cause, "sqlite_errorcode", None) != SQLITE_AUTH \
                and "not authorized" not in str(cause):
            return None
        error = getattr(self._refused, "error", None)
        self._refused.error = None
        return error


_STOPPED = object()
