"""Results kept while the practice file is unchanged: the dashboard's practice-wide
figures are worked out once and served again until something is written.

A practice-wide figure (the retention signal of every client, the monthly averages)
reads the whole practice: about a fifth of a second on 5,000 clients, however it is
queried, because SQLite has to visit every reading. The coach opens the dashboard
far more often than the practice changes in between, so ``kept`` keeps each result
with the file's *data version* and works it out again only when that has moved.

The data version is SQLite's own change detector, ``PRAGMA data_version``: on one
connection, it changes whenever *another* connection (of this process or any other:
the app, ``python -m coachdesk``, a test's raw ``sqlite3``) has committed to the
file since it was last asked. Each open ``Database`` gets one connection of its own
for asking, taken out of its engine's pool (same file, same open mode) and never used
to write, so every commit counts. It is closed when the engine is disposed
(``Database.close``), so a restore or a compaction finds no connection left open.

A result is stored under the version read *before* it was worked out: a write that
lands while it is being worked out makes the next call work it out again, never
serve a stale figure. When the version cannot be read (the file is busy, the
connection failed), the result is worked out afresh and nothing is kept.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event

from ..storage import Database

T = TypeVar("T")
log = logging.getLogger(__name__)

#: results kept per practice file (several days or settings at most: tests, the bench)
MAX_KEPT = 16


class _Watch:
    """One practice file's asking connection and the results kept for it."""

    def __init__(self, db: Database):
        pooled = db.engine.raw_connection()
        pooled.detach()  # ours alone: the pool never hands it to a writer
        self._con = pooled.dbapi_connection
        self._pooled = pooled
        self._lock = threading.Lock()
        self.results: dict[Hashable, tuple[int, object]] = {}
        self.closed = False

    def version(self) -> int | None:
        """The file's data version now, or None if it cannot be read."""
        with self._lock:
            if self.closed:
                return None
            try:
                cursor = self._con.execute("PRAGMA data_version")
                try:
                    return int(cursor.fetchone()[0])
                finally:
                    cursor.close()  # no statement left open: checkpoints are never held up
            except Exception:  # noqa: BLE001 (a busy or closed file: just work it out)
                log.warning("the practice file's data version could not be read")
                return None

    def get(self, key: Hashable, version: int):
        with self._lock:
            hit = self.results.get(key)
            return hit[1] if hit is not None and hit[0] == version else None

    def put(self, key: Hashable, version: int, value: object) -> None:
        with self._lock:
            if self.closed:
                return
            self.results.pop(key, None)
            self.results[key] = (version, value)
            while len(self.results) > MAX_KEPT:
                del self.results[next(iter(self.results))]  # the oldest first

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self.results.clear()
            try:
                self._pooled.close()
            except Exception:  # noqa: BLE001 (closing a connection that already failed)
                pass


_watches: weakref.WeakKeyDictionary[Database, _Watch] = weakref.WeakKeyDictionary()
_watches_lock = threading.Lock()


def _watch(db: Database) -> _Watch | None:
    with _watches_lock:
        watch = _watches.get(db)
        if watch is not None and not watch.closed:
            return watch
        try:
            watch = _Watch(db)
        except Exception:  # noqa: BLE001 (the file cannot be opened: no keeping, no harm)
            log.warning("no connection for watching the practice file's changes")
            return None
        _watches[db] = watch

        def disposed(_engine, watch=watch) -> None:
            watch.close()

        event.listen(db.engine, "engine_disposed", disposed)
        return watch


def kept(db: Database, key: Hashable, work: Callable[[], T],
         copy: Callable[[T], T] = lambda value: value) -> T:
    """``work()``'s result, or the one kept under ``key`` if the file has not changed since.

    ``key`` must name everything the result depends on besides the file's contents
    (the function, ``today``, the rules). ``copy`` gives each caller a result of its own
    (a kept result is never handed out itself, so no caller can change another's).
    Errors raised by ``work`` pass through unchanged and nothing is kept.
    """
    watch = _watch(db)
    version = watch.version() if watch is not None else None
    if version is None:
        return work()
    value = watch.get(key, version)
    if value is None:
        value = work()
        watch.put(key, version, value)
    return copy(value)


def forget(db: Database) -> None:
    """Drop every result kept for ``db`` (tests; nothing else needs it)."""
    watch = _watches.get(db)
    if watch is not None:
        with watch._lock:
            watch.results.clear()
