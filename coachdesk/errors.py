"""The error types the engine raises.

Every message is a sentence a coach can read; the UI shows it as it is and
the CLI prints it as one line.
"""

from __future__ import annotations


class CoachDeskError(Exception):
    """Base class: ``str(err)`` is a plain sentence for the coach."""


class ValidationError(CoachDeskError):
    """Input a service refused. ``field`` names the offending field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFoundError(CoachDeskError):
    pass


class StorageError(CoachDeskError):
    """The database file cannot be used as it is."""


class NotADatabaseError(StorageError):
    pass


class CorruptDatabaseError(StorageError):
    pass


class NewerSchemaError(StorageError):
    pass


class ReadOnlyDatabaseError(StorageError):
    pass


class PracticeBusyError(StorageError):
    """Another connection held the practice file's write lock longer than the busy
    timeout (a sync client, a second program): nothing was written; trying again later
    works."""


class DiskFullError(StorageError):
    """The disk holding the practice file is full: nothing was written (the file itself
    is not damaged)."""


class PracticeInUseError(StorageError):
    """Another process (CoachDesk's window, or a command that writes) holds the practice
    file's lock (``coachdesk.practice_lock``): nothing was done."""


class EmptyPracticeFileError(StorageError):
    """The practice file is there but holds 0 bytes (usually a copy or a sync that did not
    finish): it is not made into a new, empty practice without the coach's word."""


class DiskIOError(StorageError):
    """The drive failed to read or write the practice file (or SQLite's files beside it):
    the file is not known to be damaged."""
