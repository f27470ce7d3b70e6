"""One writer at a time per practice file: the app, or a command that writes.

The lock is the operating system's own (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) on a small file beside the practice, ``<practice>.coachdesk-lock``. The OS lets go
of it when the process ends, however it ends (kill -9, a crash, a power cut), so a lock is
never stale and nobody has to judge whether it is.

The name is not ``<practice>.lock``: that is the ``QLockFile`` of CoachDesk versions before
this one, which writes its process id into that file and treats a file it cannot read as
stale and removes it. Sharing the name would let an older running copy and this one each
believe they hold the practice. The app takes both (see ``ui.app.InstanceLock``), so old and
new copies still refuse each other; the command line takes this one.

The lock file is created 0600 (it says nothing, but the folder is the coach's alone) and is
removed on release; a release racing a new holder is detected on acquiring (the file at the
path must still be the one that was locked).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import PracticeInUseError, StorageError

SUFFIX = ".coachdesk-lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


IN_USE = "CoachDesk is open on this practice; close it first, then run this again."
CLOSING = b"closing"
_STATE_AT = 16  # where the holder writes its state: past the byte Windows locks


def holder_is_closing(db_path: Path | str) -> bool:
    """True when the practice's lock holder said it is closing (``mark_closing``): its last
    backup and check are under way and it lets go within seconds. Never raises."""
    try:
        with open(lock_path(db_path), "rb") as fh:
            fh.seek(_STATE_AT)
            return fh.read(len(CLOSING)) == CLOSING
    except OSError:
        return False


def lock_path(db_path: Path | str) -> Path:
    """``<practice>.coachdesk-lock`` beside the practice file."""
    return Path(f"{db_path}{SUFFIX}")


class PracticeLock:
    """The practice file's writer lock.

    ``acquire()`` returns at once: it raises ``PracticeInUseError`` when another process
    (the app, a command) holds it, and a plain ``StorageError`` when the lock file cannot be
    made at all (the folder is missing, read-only or full); ``release()`` is safe to call
    twice. Also a context manager.
    """

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> PracticeLock:
        if self._fd is not None:
            return self
        for _attempt in range(20):
            fd = self._open()
            try:
                locked = _try_lock(fd)
            except OSError as exc:
                os.close(fd)
                raise StorageError(f"CoachDesk could not lock {self.db_path.name} "
                                   f"({exc.strerror or 'the drive refused'}).") from None
            if not locked:
                os.close(fd)
                raise PracticeInUseError(IN_USE)
            if self._same_file(fd):
                self._fd = fd
                try:  # no state left by an earlier holder (Windows keeps the file)
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
                return self
            os.close(fd)  # the holder removed the file as we locked it: lock the new one
        raise PracticeInUseError(IN_USE)

    def _open(self) -> int:
        folder = self.path.parent
        if not folder.is_dir():
            raise StorageError(f"The folder {folder} does not exist. Check the path, or "
                               "choose another file.")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                from .errors import ReadOnlyDatabaseError
                from .faults import _read_only_message

                raise ReadOnlyDatabaseError(_read_only_message(self.db_path)) from None
            if exc.errno == errno.ENOSPC:
                from .errors import DiskFullError
                from .faults import disk_full_message

                raise DiskFullError(disk_full_message(self.db_path)) from None
            raise StorageError(f"CoachDesk could not lock {self.db_path.name} "
                               f"({exc.strerror or 'the drive refused'}).") from None
        if os.name == "posix":
            try:
                os.fchmod(fd, 0o600)
            except OSError:
                pass
        return fd

    def _same_file(self, fd: int) -> bool:
        try:
            on_disk = os.stat(self.path)
        except OSError:
            return False
        mine = os.fstat(fd)
        return (on_disk.st_ino, on_disk.st_dev) == (mine.st_ino, mine.st_dev)

    def mark_closing(self) -> None:
        """Say in the lock file that this holder is closing, so that a CoachDesk started in
        those seconds waits for it instead of calling the practice open. Never raises."""
        if self._fd is None:
            return
        try:
            os.lseek(self._fd, _STATE_AT, os.SEEK_SET)
            os.write(self._fd, CLOSING)
        except OSError:
            pass

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.name == "posix":  # removed while still held: nobody locks a file on its way out
                self.path.unlink(missing_ok=True)
        except OSError:
            pass
        try:
            _unlock(fd)
        except OSError:
            pass
        os.close(fd)
        if os.name == "nt":  # pragma: no cover
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass

    def __del__(self) -> None:  # as QLockFile: a lock nobody keeps is let go
        try:
            self.release()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def __enter__(self) -> PracticeLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

